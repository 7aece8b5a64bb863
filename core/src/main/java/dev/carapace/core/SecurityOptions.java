package dev.carapace.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A container's {@code --security-opt} values ({@code HostConfig.SecurityOpt}), read as the engine
 * reads them: the one place Carapace knows their grammar.
 *
 * <pre>{@code
 * SecurityOptions sent = SecurityOptions.of(spec);           // what a spec sends, in order
 * sent.options();                                            // [no-new-privileges, label=type:web_t]
 * SecurityOptions recorded = SecurityOptions.parse(List.of("no-new-privileges:true", "seccomp=unconfined"));
 * recorded.noNewPrivileges();                                // true
 * recorded.seccomp();                                        // unconfined
 * }</pre>
 *
 * <p>The grammar, as engine 20.10 has it: each option is {@code KEY=VALUE}, the old {@code KEY:VALUE}
 * (split at whichever of {@code =} and {@code :} comes first), or a bare key ({@code no-new-privileges});
 * a boolean value is Go's {@code strconv.ParseBool} ({@code 1 t T TRUE true True} and their false
 * counterparts); when a key appears several times the last one wins. {@link #parse(List)} never
 * refuses an option: an engine's record or a hand-written view may hold anything, and a rule must
 * still see it ({@link #value(String)} reads any key, such as {@code systempaths}).
 */
public final class SecurityOptions {
  private static final SecurityOptions NONE = new SecurityOptions(List.of());

  private final List<String> options;
  private final List<Option> parsed;

  private SecurityOptions(List<String> options) {
    this.options = List.copyOf(options);
    List<Option> p = new ArrayList<>(options.size());
    for (String o : this.options) {
      p.add(Option.parse(o));
    }
    this.parsed = List.copyOf(p);
  }

  /** No option: {@code docker run} without {@code --security-opt}. */
  public static SecurityOptions none() {
    return NONE;
  }

  /**
   * The options as written, read leniently as the engine reads them.
   *
   * @throws NullPointerException if {@code options} or one of them is null
   */
  public static SecurityOptions parse(List<String> options) {
    Objects.requireNonNull(options, "security options must not be null");
    options.forEach(o -> Objects.requireNonNull(o, "security options must not contain null"));
    return options.isEmpty() ? NONE : new SecurityOptions(options);
  }

  /**
   * The options {@code spec} sends, in order: {@code no-new-privileges}, {@code seccomp=...}, the
   * SELinux label parts, {@code apparmor=...}.
   */
  public static SecurityOptions of(SecureContainerSpec spec) {
    Objects.requireNonNull(spec, "spec must not be null");
    List<String> opts = new ArrayList<>(4);
    if (spec.noNewPrivileges()) {
      opts.add("no-new-privileges");
    }
    switch (spec.seccomp().kind()) {
      case UNCONFINED:
        opts.add("seccomp=unconfined");
        break;
      case PROFILE:
        opts.add("seccomp=" + spec.seccomp().json().orElseThrow());
        break;
      default:
        break;
    }
    spec.selinuxLabel().ifPresent(l -> opts.addAll(l.securityOpts()));
    spec.apparmorProfile().ifPresent(p -> opts.add("apparmor=" + p));
    return parse(opts);
  }

  /** The options as written, in order. */
  public List<String> options() {
    return options;
  }

  /** Each option split into key and value, in order. */
  public List<Option> parsed() {
    return parsed;
  }

  /**
   * Whether the options set no-new-privileges: {@code no-new-privileges}, {@code no-new-privileges=true}
   * or {@code :true}; {@code =false} and values Go's {@code ParseBool} refuses do not. The last one wins.
   */
  public boolean noNewPrivileges() {
    return named("no-new-privileges").map(o -> o.value().isEmpty() || parseBool(o.value().get().trim()).orElse(false))
        .orElse(false);
  }

  /**
   * The seccomp filter the options ask for: {@link Seccomp#engineDefault()} when none is named (or
   * {@code seccomp=builtin}), {@link Seccomp#unconfined()}, or a {@link Seccomp.Kind#PROFILE} holding
   * the value as written (inline JSON, or the name of a profile on the engine's host), unchecked.
   */
  public Seccomp seccomp() {
    Optional<String> value = value("seccomp");
    if (value.isEmpty() || value.get().trim().equals("builtin")) {
      return Seccomp.engineDefault();
    }
    return value.get().trim().equals("unconfined") ? Seccomp.unconfined() : Seccomp.recorded(value.get());
  }

  /** Every {@code label=...} value ({@code type:x}, {@code disable}), in order. */
  public List<String> selinuxLabelParts() {
    List<String> parts = new ArrayList<>();
    for (Option o : parsed) {
      if (o.key().trim().equals("label") && o.value().isPresent()) {
        parts.add(o.value().get());
      }
    }
    return parts;
  }

  /** The last {@code apparmor=} value, if any. */
  public Optional<String> apparmorProfile() {
    return value("apparmor");
  }

  /** The value of the last {@code key=value} option, if any ({@code value("systempaths")}). */
  public Optional<String> value(String key) {
    Objects.requireNonNull(key, "key must not be null");
    String found = null;
    for (Option o : parsed) {
      if (o.key().trim().equals(key) && o.value().isPresent()) {
        found = o.value().get();
      }
    }
    return Optional.ofNullable(found);
  }

  /** The last option whose key is {@code key}, with or without a value. */
  public Optional<Option> named(String key) {
    Objects.requireNonNull(key, "key must not be null");
    Option found = null;
    for (Option o : parsed) {
      if (o.key().trim().equals(key)) {
        found = o;
      }
    }
    return Optional.ofNullable(found);
  }

  /** Go's {@code strconv.ParseBool}, which the engine uses for option values; empty for anything else. */
  private static Optional<Boolean> parseBool(String text) {
    switch (text) {
      case "1": case "t": case "T": case "TRUE": case "true": case "True":
        return Optional.of(true);
      case "0": case "f": case "F": case "FALSE": case "false": case "False":
        return Optional.of(false);
      default:
        return Optional.empty();
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecurityOptions && ((SecurityOptions) o).options.equals(options);
  }

  @Override
  public int hashCode() {
    return options.hashCode();
  }

  /** The options as written, as a list; a seccomp profile's JSON is shortened. */
  @Override
  public String toString() {
    List<String> out = new ArrayList<>(options.size());
    for (String o : options) {
      out.add(o.length() > 60 ? o.substring(0, 57) + "..." : o);
    }
    return out.toString();
  }

  /**
   * One {@code --security-opt} value split into key and value at the first {@code =} or {@code :}.
   *
   * @param text the option as written
   * @param key the part before the separator, or the whole text for a bare key; as written, untrimmed
   * @param value the part after the separator; empty for a bare key
   */
  public record Option(String text, String key, Optional<String> value) {
    public Option {
      Objects.requireNonNull(text, "security option");
      Objects.requireNonNull(key, "security option key");
      Objects.requireNonNull(value, "security option value");
    }

    /** Splits {@code text} at its first {@code =} or {@code :}. */
    public static Option parse(String text) {
      Objects.requireNonNull(text, "security option must not be null");
      int eq = text.indexOf('=');
      int colon = text.indexOf(':');
      int at = eq < 0 ? colon : colon < 0 ? eq : Math.min(eq, colon);
      return at < 0 ? new Option(text, text, Optional.empty())
          : new Option(text, text.substring(0, at), Optional.of(text.substring(at + 1)));
    }

    /**
     * The option in the current spelling, as the engine compares it: {@code KEY=VALUE} for either
     * separator, and {@code no-new-privileges} for {@code no-new-privileges=true}.
     */
    public String canonical() {
      String o = value.map(v -> key + "=" + v).orElse(key);
      return o.equals("no-new-privileges=true") ? "no-new-privileges" : o;
    }

    @Override
    public String toString() {
      return text;
    }
  }
}
