package dev.carapace.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The SELinux label the container's processes run with ({@code --security-opt label=type:svirt_apache_t}),
 * or labelling turned off ({@code label=disable}).
 *
 * <pre>{@code
 * SelinuxLabel.type("docker_apache_t");
 * SelinuxLabel.parse("label:type:docker_apache_t");   // the seed's old spelling, same label
 * }</pre>
 *
 * <p><b>Enforcement:</b> only an engine on an SELinux host ({@code --selinux-enabled}) applies it; other
 * hosts record it in {@code HostConfig.SecurityOpt} and ignore it.
 *
 * @param user the SELinux user, if set
 * @param role the role, if set
 * @param type the type (domain), if set
 * @param level the MLS/MCS level ({@code s0:c100,c200}), if set
 * @param disabled whether labelling is off; then the other parts are empty
 */
public record SelinuxLabel(Optional<String> user, Optional<String> role, Optional<String> type,
    Optional<String> level, boolean disabled) {

  public SelinuxLabel {
    check("user", user);
    check("role", role);
    check("type", type);
    Objects.requireNonNull(level, "selinux level");
    level.ifPresent(l -> {
      if (!l.matches("[a-zA-Z0-9_.,:-]+")) {
        throw new IllegalArgumentException("selinux level must match [a-zA-Z0-9_.,:-]+: " + l);
      }
    });
    boolean any = user.isPresent() || role.isPresent() || type.isPresent() || level.isPresent();
    if (disabled && any) {
      throw new IllegalArgumentException("selinux label disable excludes user, role, type and level: "
          + "disable with " + renderParts(user, role, type, level));
    }
    if (!disabled && !any) {
      throw new IllegalArgumentException("selinux label must set user, role, type or level, or disable: empty");
    }
  }

  private static void check(String part, Optional<String> value) {
    Objects.requireNonNull(value, "selinux " + part);
    value.ifPresent(v -> {
      if (!v.matches("[a-zA-Z0-9_.-]+")) {
        throw new IllegalArgumentException("selinux " + part + " must match [a-zA-Z0-9_.-]+: " + v);
      }
    });
  }

  /** A label setting only the type, as the seed's {@code label:type:docker_apache_t}. */
  public static SelinuxLabel type(String type) {
    Objects.requireNonNull(type, "selinux type must not be null");
    return new SelinuxLabel(Optional.empty(), Optional.empty(), Optional.of(type), Optional.empty(), false);
  }

  /** A label of the given parts; pass null for a part left to the engine. */
  public static SelinuxLabel of(String user, String role, String type, String level) {
    return new SelinuxLabel(Optional.ofNullable(user), Optional.ofNullable(role),
        Optional.ofNullable(type), Optional.ofNullable(level), false);
  }

  /** <b>Turns SELinux separation off for this container</b> ({@code label=disable}). */
  public static SelinuxLabel disable() {
    return new SelinuxLabel(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), true);
  }

  /**
   * Parses one or more {@code --security-opt} label values, in either spelling: {@code label=type:x}
   * or the old {@code label:type:x}; {@code label=disable}. Several parts combine:
   * {@code parse("label=user:u", "label=type:t")}.
   */
  public static SelinuxLabel parse(String... options) {
    Objects.requireNonNull(options, "selinux label options must not be null");
    for (String o : options) {
      Objects.requireNonNull(o, "selinux label options must not contain null");
    }
    String user = null;
    String role = null;
    String type = null;
    String level = null;
    boolean disabled = false;
    for (String option : options) {
      SecurityOptions.Option o = SecurityOptions.Option.parse(option);
      if (!o.key().equals("label") || o.value().isEmpty()) {
        throw new IllegalArgumentException("selinux label option must start with label= or label:: " + option);
      }
      String rest = o.value().get();
      if (rest.equals("disable")) {
        disabled = true;
        continue;
      }
      int colon = rest.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException(
            "selinux label option must be label=user|role|type|level:VALUE or label=disable: " + option);
      }
      String key = rest.substring(0, colon);
      String value = rest.substring(colon + 1);
      switch (key) {
        case "user": user = value; break;
        case "role": role = value; break;
        case "type": type = value; break;
        case "level": level = value; break;
        default:
          throw new IllegalArgumentException(
              "selinux label option must be label=user|role|type|level:VALUE or label=disable: " + option);
      }
    }
    return new SelinuxLabel(Optional.ofNullable(user), Optional.ofNullable(role),
        Optional.ofNullable(type), Optional.ofNullable(level), disabled);
  }

  /** The {@code --security-opt} values to send, in the current spelling {@code label=type:x}. */
  public List<String> securityOpts() {
    List<String> opts = new ArrayList<>(4);
    if (disabled) {
      opts.add("label=disable");
      return opts;
    }
    user.ifPresent(v -> opts.add("label=user:" + v));
    role.ifPresent(v -> opts.add("label=role:" + v));
    type.ifPresent(v -> opts.add("label=type:" + v));
    level.ifPresent(v -> opts.add("label=level:" + v));
    return opts;
  }

  private static String renderParts(Optional<String> u, Optional<String> r, Optional<String> t,
      Optional<String> l) {
    return String.join(",", new SelinuxLabel(u, r, t, l, false).securityOpts());
  }

  @Override
  public String toString() {
    return String.join(",", securityOpts());
  }
}
