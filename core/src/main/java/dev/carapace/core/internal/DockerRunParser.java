package dev.carapace.core.internal;

import dev.carapace.core.Capability;
import dev.carapace.core.ContainerPath;
import dev.carapace.core.ContainerRuntime;
import dev.carapace.core.CpuSet;
import dev.carapace.core.HealthCheck;
import dev.carapace.core.InvalidSpecException;
import dev.carapace.core.LogConfig;
import dev.carapace.core.MemorySize;
import dev.carapace.core.NetworkMode;
import dev.carapace.core.Mount;
import dev.carapace.core.PortBinding;
import dev.carapace.core.RestartPolicy;
import dev.carapace.core.Seccomp;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.Ulimit;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code docker run} argument list into a {@link SecureContainerSpec} that means what Docker
 * would do with it. See {@code dev.carapace.core.DockerRunCommand} for the contract.
 */
public final class DockerRunParser {
  /**
   * Every {@code docker run} flag the parser knows, each declared once: its long name, its short letter or
   * other spelling if any, whether it takes a value, and what it does, or why Carapace refuses it. The
   * lookup tables are derived from these rows, and {@link DockerRunRenderer} writes only flags from here,
   * so adding a flag is adding a row. Flags not listed are refused as settings Carapace does not have.
   */
  enum Flag {
    // how the container runs and when it is removed is the launcher's business
    DETACH("--detach", 'd', ignored()),
    INTERACTIVE("--interactive", 'i', ignored()),
    TTY("--tty", 't', ignored()),
    RM("--rm", ignored()),

    NAME("--name", valued((p, s, v) -> p.builder.name(v))),
    HOSTNAME("--hostname", 'h', valued((p, s, v) -> p.builder.hostname(v))),
    USER("--user", 'u', valued((p, s, v) -> p.builder.user(v))),
    WORKDIR("--workdir", 'w', valued(DockerRunParser::workdir)),
    ENV("--env", 'e', valued(DockerRunParser::env)),
    ENV_FILE("--env-file", refuse("write each variable as -e KEY=VALUE")),
    LABEL("--label", 'l', valued(DockerRunParser::label)),
    LABEL_FILE("--label-file", refuse("write each label as --label KEY=VALUE")),
    ENTRYPOINT("--entrypoint", valued(DockerRunParser::entrypoint)),

    CAP_ADD("--cap-add", valued(DockerRunParser::capAdd)),
    CAP_DROP("--cap-drop", valued(DockerRunParser::capDrop)),
    SECURITY_OPT("--security-opt", valued((p, s, v) -> p.securityOptions.add(v))),
    READ_ONLY("--read-only", toggle((p, on) -> p.builder.readOnlyRootFilesystem(on))),
    RUNTIME("--runtime", valued((p, s, v) -> p.builder.runtime(checked(s, () -> ContainerRuntime.parse(v))))),
    PRIVILEGED("--privileged", refuse("Carapace never runs privileged containers")),
    PID("--pid", refuse(OWN_NAMESPACES)),
    IPC("--ipc", refuse(OWN_NAMESPACES)),
    UTS("--uts", refuse(OWN_NAMESPACES)),
    USERNS("--userns", refuse(OWN_NAMESPACES)),
    CGROUPNS("--cgroupns", refuse(OWN_NAMESPACES)),
    DEVICE("--device", refuse(NO_DEVICES)),
    DEVICE_CGROUP_RULE("--device-cgroup-rule", refuse(NO_DEVICES)),
    GPUS("--gpus", refuse(NO_DEVICES)),

    NETWORK("--network", "--net", valued(DockerRunParser::network)),
    PUBLISH("--publish", 'p', valued((p, s, v) -> p.ports.add(port(s, v)))),
    PUBLISH_ALL("--publish-all", 'P', refuse("publish each port with -p IP:HOST:CONTAINER")),
    LINK("--link", refuse("legacy links are not modelled; use a user-defined --network")),

    VOLUME("--volume", 'v', valued((p, s, v) -> p.mounts.add(volume(s, v)))),
    MOUNT("--mount", valued((p, s, v) -> p.mounts.add(mount(s, v)))),
    TMPFS("--tmpfs", valued((p, s, v) -> p.mounts.add(tmpfs(s, v)))),
    VOLUMES_FROM("--volumes-from", refuse("name each mount with -v or --mount")),

    CPUSET_CPUS("--cpuset-cpus", valued((p, s, v) -> p.builder.cpusetCpus(checked(s, () -> CpuSet.parse(v))))),
    CPU_SHARES("--cpu-shares", 'c', valued(DockerRunParser::cpuShares)),
    CPUS("--cpus", valued(DockerRunParser::cpus)),
    CPU_QUOTA("--cpu-quota", valued(DockerRunParser::cpuQuota)),
    CPU_PERIOD("--cpu-period", valued(DockerRunParser::cpuPeriod)),
    MEMORY("--memory", 'm', valued(DockerRunParser::memory)),
    MEMORY_SWAP("--memory-swap", valued(DockerRunParser::memorySwap)),
    PIDS_LIMIT("--pids-limit", valued(DockerRunParser::pidsLimit)),
    ULIMIT("--ulimit", valued(DockerRunParser::ulimit)),

    LOG_DRIVER("--log-driver", valued((p, s, v) -> p.logDriver = v)),
    LOG_OPT("--log-opt", valued(DockerRunParser::logOption)),
    RESTART("--restart", valued((p, s, v) -> p.builder.restartPolicy(checked(s, () -> RestartPolicy.parse(v))))),
    HEALTH_CMD("--health-cmd", valued((p, s, v) -> p.healthCmd = v)),
    HEALTH_INTERVAL("--health-interval", valued((p, s, v) -> p.healthDuration(s, v, HealthCheck::interval))),
    HEALTH_TIMEOUT("--health-timeout", valued((p, s, v) -> p.healthDuration(s, v, HealthCheck::timeout))),
    HEALTH_START_PERIOD("--health-start-period",
        valued((p, s, v) -> p.healthDuration(s, v, HealthCheck::startPeriod))),
    HEALTH_RETRIES("--health-retries", valued(DockerRunParser::healthRetries)),
    INIT("--init", toggle((p, on) -> p.builder.init(on))),
    STOP_SIGNAL("--stop-signal", valued((p, s, v) -> p.builder.stopSignal(v))),
    STOP_TIMEOUT("--stop-timeout", valued((p, s, v) -> p.builder.stopTimeout(Duration.ofSeconds(wholeInt(s, v)))));

    private static final Map<String, Flag> BY_SPELLING = new HashMap<>();

    static {
      for (Flag f : values()) {
        for (String spelled : f.spellings()) {
          Flag clash = BY_SPELLING.put(spelled, f);
          if (clash != null) {
            throw new IllegalStateException("docker run flag is declared twice: " + spelled
                + " (" + clash + ", " + f + ")");
          }
        }
      }
    }

    private final String longName;
    private final char shortName; // 0 when there is none
    private final String alias; // null when there is none
    private final Action action;

    Flag(String longName, Action action) {
      this(longName, (char) 0, null, action);
    }

    Flag(String longName, char shortName, Action action) {
      this(longName, shortName, null, action);
    }

    Flag(String longName, String alias, Action action) {
      this(longName, (char) 0, alias, action);
    }

    Flag(String longName, char shortName, String alias, Action action) {
      this.longName = longName;
      this.shortName = shortName;
      this.alias = alias;
      this.action = action;
    }

    /** As written in full, as in {@code --env}. */
    String longName() {
      return longName;
    }

    /** As written with its letter, as in {@code -e}. */
    String shortSpelling() {
      if (shortName == 0) {
        throw new IllegalStateException("docker run flag has no short spelling: " + longName);
      }
      return "-" + shortName;
    }

    /** Every way to write it: the long name, the other long spelling, the letter. */
    List<String> spellings() {
      List<String> all = new ArrayList<>(List.of(longName));
      if (alias != null) {
        all.add(alias);
      }
      if (shortName != 0) {
        all.add(shortSpelling());
      }
      return all;
    }

    /** Whether the flag is followed by a value ({@code --name web}) rather than standing alone ({@code --init}). */
    boolean takesValue() {
      return action.takesValue();
    }

    /** Why Carapace refuses the flag; empty when it is supported. */
    Optional<String> refusal() {
      return Optional.ofNullable(action.refusal());
    }

    /** The row written as {@code spelled} (a long name, the other spelling or {@code -x}); empty if none. */
    static Optional<Flag> of(String spelled) {
      return Optional.ofNullable(BY_SPELLING.get(spelled));
    }
  }

  private static final String OWN_NAMESPACES = "Carapace gives every container its own namespaces";
  private static final String NO_DEVICES = "Carapace does not pass host devices into containers";

  /** What a flag does with its value; {@code spelled} is the flag as written ({@code -e}, {@code --net}). */
  @FunctionalInterface
  interface Handler {
    void apply(DockerRunParser parser, String spelled, String value);
  }

  /** A flag's kind: one that takes a value, one that stands alone, or one Carapace refuses, and why. */
  private record Action(boolean takesValue, Handler handler, String refusal) {}

  private static Action valued(Handler handler) {
    return new Action(true, handler, null);
  }

  /** A flag that stands alone and means true, or takes {@code =false}, {@code =0}... attached to it. */
  private static Action toggle(BiConsumer<DockerRunParser, Boolean> handler) {
    return new Action(false, (p, s, v) -> handler.accept(p, Boolean.parseBoolean(v)), null);
  }

  /** A flag that stands alone and has no effect on the spec. */
  private static Action ignored() {
    return new Action(false, (p, s, v) -> { }, null);
  }

  private static Action refuse(String why) {
    return new Action(false, null, why);
  }

  private static final Pattern GO_DURATION_PART =
      Pattern.compile("([0-9]*(?:\\.[0-9]*)?)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)");

  private final Map<String, String> environment;
  // docker run's own defaults: Docker's capabilities, privilege escalation, the bridge, no pids limit
  private final SecureContainerSpec.Builder builder = SecureContainerSpec.builder()
      .network(NetworkMode.bridge())
      .unlimitedPids();
  private boolean dropAll;
  private final Set<Capability> capAdd = EnumSet.noneOf(Capability.class);
  private final Set<Capability> capDrop = EnumSet.noneOf(Capability.class);
  private final Map<String, String> env = new LinkedHashMap<>();
  private final Map<String, String> labels = new LinkedHashMap<>();
  private final Map<String, Ulimit> ulimits = new LinkedHashMap<>();
  private final List<Mount> mounts = new ArrayList<>();
  private final List<PortBinding> ports = new ArrayList<>();
  private final List<String> securityOptions = new ArrayList<>();
  private String network;
  private String logDriver;
  private final Map<String, String> logOptions = new LinkedHashMap<>();
  private String healthCmd;
  /** Health timings as written, read only once {@code --health-cmd} is known to be there. */
  private final Map<String, HealthTiming> healthTimings = new LinkedHashMap<>();

  private record HealthTiming(String value, UnaryOperator<HealthCheck> apply) {}

  private DockerRunParser(Map<String, String> environment) {
    this.environment = environment;
  }

  /**
   * Parses {@code argv}, with or without a leading {@code docker run} or {@code docker container run}.
   *
   * @param environment where {@code -e KEY} finds its value; null to refuse {@code -e KEY}
   */
  public static SecureContainerSpec parse(List<String> argv, Map<String, String> environment) {
    return new DockerRunParser(environment).run(argv);
  }

  private SecureContainerSpec run(List<String> argv) {
    int n = argv.size();
    int i = skipProgram(argv);
    String image = null;
    while (i < n) {
      String w = argv.get(i);
      refuseLookalikes(w);
      if (w.equals("--")) {
        i++;
        break;
      }
      if (w.startsWith("--")) {
        int eq = w.indexOf('=');
        String spelled = eq > 0 ? w.substring(0, eq) : w;
        Flag flag = supported(spelled);
        String value = eq > 0 ? w.substring(eq + 1) : null;
        if (value == null && flag.takesValue()) {
          if (i + 1 >= n) {
            throw new IllegalArgumentException("docker run flag needs a value: " + spelled);
          }
          value = argv.get(++i);
        }
        flag.action.handler().apply(this, spelled, flag.takesValue() ? value : bool(spelled, value));
        i++;
      } else if (w.startsWith("-") && w.length() > 1) {
        i = applyShortCluster(argv, i) + 1;
      } else {
        break;
      }
    }
    if (i >= n) {
      throw new IllegalArgumentException(
          "docker run image is required: none after the flags (write it after them, as in docker run busybox:1.36)");
    }
    image = argv.get(i);
    builder.image(image);
    builder.command(argv.subList(i + 1, n));
    return finish();
  }

  /** Dashes that look like {@code -} but are not: hyphen, non-breaking hyphen, figure, en and em dash, minus... */
  private static final String TYPOGRAPHIC_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d";

  /**
   * Refuses a word in flag or image position that starts with a typographic dash ({@code –rm}, as word
   * processors write {@code --rm}) or holds a blank other than a space (a non-breaking space), naming it.
   */
  private static void refuseLookalikes(String w) {
    if (!w.isEmpty() && TYPOGRAPHIC_DASHES.indexOf(w.charAt(0)) >= 0) {
      int k = 0;
      while (k < w.length() && (TYPOGRAPHIC_DASHES.indexOf(w.charAt(k)) >= 0 || w.charAt(k) == '-')) {
        k++;
      }
      String name = w.substring(k).split("[=\\s\u00a0]", 2)[0];
      String meant = (k == 1 && name.length() > 1 ? "--" : "-".repeat(Math.max(1, k))) + name;
      throw new IllegalArgumentException("docker run flag must start with ASCII hyphens: " + Strings.show(w)
          + " starts with " + String.format("U+%04X", (int) w.charAt(0)) + ", a typographic dash (write "
          + meant + ")");
    }
    for (int k = 0; k < w.length(); k++) {
      char c = w.charAt(k);
      if (c != ' ' && Character.isSpaceChar(c) || c == '\u200b' || c == '\ufeff') {
        throw new IllegalArgumentException("docker run word must not contain " + String.format("U+%04X", (int) c)
            + (c == '\u00a0' ? " (a non-breaking space)" : " (a Unicode blank)") + ": " + Strings.show(w)
            + " (retype it as a plain space between words)");
      }
    }
  }

  /**
   * Refuses a path value that reads as a shell word left unexpanded: a part (between colons) starting
   * with {@code $NAME}, {@code ${}, {@code $(} or {@code ~}, or holding {@code ${} ({@code $PWD/src:/src},
   * {@code ~/src}, {@code ${HOME}/x}); returns {@code value} otherwise. A {@code $} further into a path
   * is a legal file name character and stays.
   */
  static String expanded(String flag, String value) {
    boolean shellWord = value.contains("${") || value.contains("$(");
    for (String part : value.split(":", -1)) {
      char next = part.length() > 1 ? part.charAt(1) : ' ';
      shellWord |= part.startsWith("~") || part.startsWith("$") && (next == '_' || next < 0x80 && Character.isLetter(next));
    }
    if (shellWord) {
      throw new IllegalArgumentException(flag + " must not hold an unexpanded shell word: " + value
          + " (the line is not expanded by a shell: pass the value itself, such as an absolute path)");
    }
    return value;
  }

  private static int skipProgram(List<String> argv) {
    if (argv.isEmpty()) {
      return 0;
    }
    String first = argv.get(0);
    if (!(first.equals("docker") || first.endsWith("/docker"))) {
      return 0;
    }
    if (argv.size() > 1 && argv.get(1).equals("run")) {
      return 2;
    }
    if (argv.size() > 2 && argv.get(1).equals("container") && argv.get(2).equals("run")) {
      return 3;
    }
    String shown = argv.size() > 1 ? first + " " + argv.get(1) : first;
    throw new IllegalArgumentException(
        "command must be docker run or docker container run: " + shown);
  }

  /** Applies {@code -itd}, {@code -e K=V}, {@code -m64m}, {@code -m=64m}; returns the last index used. */
  private int applyShortCluster(List<String> argv, int i) {
    String w = argv.get(i);
    for (int k = 1; k < w.length(); k++) {
      String spelled = "-" + w.charAt(k);
      Flag flag = supported(spelled);
      Handler handler = flag.action.handler();
      String rest = w.substring(k + 1);
      boolean attached = rest.startsWith("=");
      if (attached) {
        rest = rest.substring(1);
      }
      if (flag.takesValue()) {
        if (rest.isEmpty() && !attached) {
          if (i + 1 >= argv.size()) {
            throw new IllegalArgumentException("docker run flag needs a value: " + spelled);
          }
          rest = argv.get(++i);
        }
        handler.apply(this, spelled, rest);
        return i;
      }
      if (attached) {
        handler.apply(this, spelled, bool(spelled, rest));
        return i;
      }
      handler.apply(this, spelled, "true");
    }
    return i;
  }

  /** The row written as {@code spelled}, unless there is none or Carapace refuses it. */
  private static Flag supported(String spelled) {
    Flag flag = Flag.of(spelled).orElse(null);
    String why = flag == null ? "SecureContainerSpec has no such setting" : flag.action.refusal();
    if (why != null) {
      throw new IllegalArgumentException("docker run flag is not supported: " + spelled + " (" + why + ")");
    }
    return flag;
  }

  static String bool(String flag, String value) {
    if (value == null) {
      return "true";
    }
    switch (value) {
      case "1": case "t": case "T": case "true": case "TRUE": case "True":
        return "true";
      case "0": case "f": case "F": case "false": case "FALSE": case "False":
        return "false";
      default:
        throw new IllegalArgumentException(flag + " must be true or false: " + value);
    }
  }

  /** Runs {@code f}, prefixing a value type's complaint with the flag as written. */
  private static <T> T checked(String flag, Supplier<T> f) {
    try {
      return f.get();
    } catch (InvalidSpecException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(flag + ": " + e.getMessage(), e);
    }
  }

  /** Go's {@code strconv.ParseInt}: an optional sign and ASCII digits (Java's parser also takes other scripts'). */
  private static final Pattern WHOLE = Pattern.compile("[+-]?[0-9]+");

  private static long whole(String flag, String value) {
    if (!WHOLE.matcher(value).matches()) {
      throw new IllegalArgumentException(flag + " must be a whole number: " + Strings.show(value));
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " is too large: " + value);
    }
  }

  /** {@code --cpu-shares 0} is Docker's "unset": the engine's default weight, 1024. */
  private void cpuShares(String flag, String value) {
    int shares = wholeInt(flag, value);
    if (shares != 0) {
      builder.cpuShares(shares);
    }
  }

  private void workdir(String flag, String value) {
    expanded(flag, value);
    builder.workingDir(checked(flag, () -> ContainerPath.of(value)));
  }

  /** {@code --cpus 0} is Docker's "unset": no limit. */
  private void cpus(String flag, String value) {
    long nanos = nanoCpus(flag, value);
    if (nanos != 0) {
      builder.nanoCpus(nanos);
    }
  }

  /** {@code --cpu-period 0} is Docker's "unset": the kernel's 100000. */
  private void cpuPeriod(String flag, String value) {
    long period = whole(flag, value);
    if (period != 0) {
      builder.cpuPeriod(period);
    }
  }

  /** {@code -m 0} is Docker's "unset": no limit. */
  private void memory(String flag, String value) {
    MemorySize limit = checked(flag, () -> MemorySize.parse(value));
    if (limit.bytes() != 0) {
      builder.memoryLimit(limit);
    }
  }

  /** {@code --cpu-quota 0} is Docker's "unset" and any negative value the kernel's "no limit" (-1 by convention). */
  private void cpuQuota(String flag, String value) {
    long quota = whole(flag, value);
    if (quota > 0) {
      builder.cpuQuota(quota);
    }
  }

  private static int wholeInt(String flag, String value) {
    long v = whole(flag, value);
    if (v != (int) v) {
      throw new IllegalArgumentException(flag + " is too large: " + value);
    }
    return (int) v;
  }

  private void capAdd(String flag, String value) {
    if (value.trim().equalsIgnoreCase("ALL")) {
      throw new IllegalArgumentException(flag
          + " ALL is not supported: Carapace never grants every capability (add each one the workload needs)");
    }
    capAdd.add(checked(flag, () -> Capability.parse(value)));
  }

  private void capDrop(String flag, String value) {
    if (value.trim().equalsIgnoreCase("ALL")) {
      dropAll = true;
    } else {
      capDrop.add(checked(flag, () -> Capability.parse(value)));
    }
  }

  private void memorySwap(String flag, String value) {
    if (value.equals("-1")) {
      throw new IllegalArgumentException(flag
          + " unlimited is not supported: -1 (give a size of at least the memory limit)");
    }
    MemorySize swap = checked(flag, () -> MemorySize.parse(value));
    if (swap.bytes() != 0) { // Docker's "unset"
      builder.memorySwap(swap);
    }
  }

  private void pidsLimit(String flag, String value) {
    long pids = whole(flag, value);
    if (pids <= 0) {
      builder.unlimitedPids(); // Docker reads 0 and -1 as no limit
    } else {
      builder.pidsLimit(pids);
    }
  }

  private void ulimit(String flag, String value) {
    Ulimit u = checked(flag, () -> Ulimit.parse(value));
    ulimits.put(u.name(), u); // Docker keeps the last of a name
  }

  private void logOption(String flag, String value) {
    int eq = value.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException(flag + " must be KEY=VALUE: " + value);
    }
    logOptions.put(value.substring(0, eq), value.substring(eq + 1));
  }

  private void label(String flag, String value) {
    int eq = value.indexOf('=');
    String key = eq < 0 ? value : value.substring(0, eq);
    String v = eq < 0 ? "" : value.substring(eq + 1);
    if (key.equals(SecureContainerSpec.UNTRUSTED_LABEL)) {
      if (!v.equals("true")) {
        throw new IllegalArgumentException(flag + " " + key + " must be true: \"" + v
            + "\" (leave the label out for a workload not marked untrusted)");
      }
      builder.untrusted(); // the label a spec marked untrusted() carries
      return;
    }
    labels.put(key, v);
  }

  private void network(String flag, String value) {
    if (network != null && !network.equals(value)) {
      throw new IllegalArgumentException(flag + " must name one network: " + network + " and " + value);
    }
    network = value;
  }

  private void entrypoint(String flag, String value) {
    if (value.isEmpty()) {
      throw new IllegalArgumentException(flag
          + " must not be empty: \"\" (clearing the image's ENTRYPOINT is not supported)");
    }
    builder.entrypoint(List.of(value)); // the CLI takes one word, never split
  }

  private void healthDuration(String flag, String value, BiFunction<HealthCheck, Duration, HealthCheck> set) {
    healthTimings.put(flag, new HealthTiming(value, hc -> {
      Duration d = goDuration(flag, value);
      return checked(flag, () -> set.apply(hc, d));
    }));
  }

  private void healthRetries(String flag, String value) {
    healthTimings.put(flag, new HealthTiming(value, hc -> {
      int retries = wholeInt(flag, value);
      return checked(flag, () -> hc.retries(retries));
    }));
  }

  /**
   * Docker's {@code --cpus}, read as Go's {@code big.Rat.SetString} reads it: a decimal number with an
   * optional exponent ({@code 1.5}, {@code 15e-1}) or a fraction ({@code 3/2}), ASCII digits only.
   */
  private static final Pattern CPUS = Pattern.compile("[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?");
  private static final Pattern CPUS_FRACTION = Pattern.compile("[+-]?[0-9]{1,30}/[0-9]{1,30}");

  private static long nanoCpus(String flag, String value) {
    BigDecimal nanos;
    try {
      if (CPUS_FRACTION.matcher(value).matches()) {
        String[] nd = value.split("/");
        BigDecimal den = new BigDecimal(nd[1]);
        if (den.signum() == 0) {
          throw new IllegalArgumentException(flag + " must not divide by zero: " + value);
        }
        nanos = new BigDecimal(nd[0]).movePointRight(9).divide(den, java.math.MathContext.DECIMAL128);
      } else if (CPUS.matcher(value).matches() && value.length() <= 64) {
        nanos = new BigDecimal(value).movePointRight(9);
      } else {
        throw new IllegalArgumentException(flag + " must be a number of CPUs like 1.5: " + Strings.show(value));
      }
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a number of CPUs like 1.5: " + Strings.show(value));
    }
    if (nanos.signum() < 0 || nanos.stripTrailingZeros().scale() > 0) {
      throw new IllegalArgumentException(flag + " must be a non-negative number with at most 9 decimals: " + value);
    }
    try {
      return nanos.longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(flag + " is too large: " + value);
    }
  }

  private void env(String flag, String value) {
    int eq = value.indexOf('=');
    if (eq >= 0) {
      env.put(value.substring(0, eq), value.substring(eq + 1));
      return;
    }
    if (environment == null) { // the word may be a secret written without its KEY=: never shown
      throw new IllegalArgumentException(flag + " needs KEY=VALUE: a word without '=' (not shown, as it may be a"
          + " secret; Carapace does not read its own environment: write " + flag
          + " NAME=VALUE, or pass an environment to DockerRunCommand.parse)");
    }
    String v = environment.get(value);
    if (v != null) {
      env.put(value, v); // as Docker: taken from the caller's environment, left out when unset there
    }
  }

  /** A seccomp value on the command line names a profile file (or is our renderer's placeholder). */
  private static Seccomp seccomp(String flag, String value) {
    if (value.startsWith("<")) {
      throw new IllegalArgumentException(flag + " seccomp is a placeholder for an inline profile: " + value
          + " (save the profile's JSON to a file and give its path)");
    }
    return checked(flag, () -> Seccomp.profile(Path.of(value)));
  }

  /** {@code -v SOURCE:TARGET[:ro|rw]}: a bind when the source is absolute, else a named volume. */
  private static Mount volume(String flag, String value) {
    expanded(flag, value);
    String[] parts = value.split(":", -1);
    if (parts.length == 1) {
      throw new IllegalArgumentException(flag + " anonymous volumes are not supported: " + value
          + " (name the volume, as in " + flag + " data:" + value + ")");
    }
    if (parts.length > 3) {
      throw new IllegalArgumentException(flag + " must look like SOURCE:TARGET[:ro|rw]: " + value);
    }
    boolean readOnly = false;
    if (parts.length == 3) {
      for (String o : parts[2].split(",", -1)) {
        if (o.equals("ro")) {
          readOnly = true;
        } else if (o.equals("rw")) {
          readOnly = false;
        } else {
          throw new IllegalArgumentException(flag + " option is not supported: " + o + " (Carapace takes ro or rw)");
        }
      }
    }
    ContainerPath target = checked(flag, () -> ContainerPath.of(parts[1]));
    Mount m = checked(flag, () -> parts[0].startsWith("/") ? Mount.bind(parts[0], target)
        : Mount.volume(parts[0], target));
    return readOnly ? m.asReadOnly() : m;
  }

  /** {@code --mount type=bind,source=/a,target=/b,readonly}, read as CSV like the CLI does. */
  private static Mount mount(String flag, String value) {
    String type = "volume";
    String source = "";
    String target = null;
    boolean readOnly = false;
    Optional<MemorySize> size = Optional.empty();
    for (String field : csv(flag, value)) {
      int eq = field.indexOf('=');
      String key = (eq < 0 ? field : field.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
      String v = eq < 0 ? null : field.substring(eq + 1);
      switch (key) {
        case "type":
          type = v == null ? "" : v;
          break;
        case "source": case "src":
          source = v == null ? "" : v;
          break;
        case "target": case "destination": case "dst":
          target = v == null ? "" : v;
          break;
        case "readonly": case "ro":
          readOnly = Boolean.parseBoolean(bool(flag + " " + key, v));
          break;
        case "tmpfs-size":
          String sizeText = v == null ? "" : v;
          size = Optional.of(checked(flag, () -> MemorySize.parse(sizeText)));
          break;
        default:
          throw new IllegalArgumentException(flag + " option is not supported: " + key
              + " (Carapace takes type, source, target, readonly and tmpfs-size)");
      }
    }
    if (target == null) {
      throw new IllegalArgumentException(flag + " needs a target: " + value);
    }
    expanded(flag, source);
    expanded(flag, target);
    String t = target;
    ContainerPath path = checked(flag, () -> ContainerPath.of(t));
    Mount m;
    switch (type) {
      case "bind":
        String src = source;
        m = checked(flag, () -> Mount.bind(src, path));
        break;
      case "volume":
        if (source.isEmpty()) {
          throw new IllegalArgumentException(flag + " anonymous volumes are not supported: " + value
              + " (name the volume with source=NAME)");
        }
        String name = source;
        m = checked(flag, () -> Mount.volume(name, path));
        break;
      case "tmpfs":
        Optional<MemorySize> s = size;
        String tmpfsSource = source;
        m = checked(flag, () -> new Mount(Mount.Type.TMPFS, tmpfsSource, path, false, s));
        break;
      default:
        throw new IllegalArgumentException(flag + " type must be bind, volume or tmpfs: " + type);
    }
    if (size.isPresent() && m.type() != Mount.Type.TMPFS) {
      throw new IllegalArgumentException(flag + " tmpfs-size needs type=tmpfs: " + value);
    }
    return readOnly ? m.asReadOnly() : m;
  }

  /** Splits one CSV record: fields separated by commas, {@code "..."} quoting with {@code ""} escapes. */
  private static List<String> csv(String flag, String value) {
    List<String> fields = new ArrayList<>();
    StringBuilder f = new StringBuilder();
    int i = 0;
    int n = value.length();
    boolean quoted = false;
    while (i < n) {
      char c = value.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < n && value.charAt(i + 1) == '"') {
          f.append('"');
          i += 2;
          continue;
        }
        if (c == '"') {
          quoted = false;
        } else {
          f.append(c);
        }
      } else if (c == '"' && f.length() == 0) {
        quoted = true;
      } else if (c == ',') {
        fields.add(f.toString());
        f.setLength(0);
      } else {
        f.append(c);
      }
      i++;
    }
    if (quoted) {
      throw new IllegalArgumentException(flag + " quote must be closed: " + value);
    }
    fields.add(f.toString());
    return fields;
  }

  /** {@code --tmpfs /tmp[:ro,size=64m]}. */
  private static Mount tmpfs(String flag, String value) {
    expanded(flag, value);
    int colon = value.indexOf(':');
    String target = colon < 0 ? value : value.substring(0, colon);
    ContainerPath path = checked(flag, () -> ContainerPath.of(target));
    boolean readOnly = false;
    Optional<MemorySize> size = Optional.empty();
    if (colon >= 0) {
      for (String o : value.substring(colon + 1).split(",", -1)) {
        if (o.equals("ro")) {
          readOnly = true;
        } else if (o.equals("rw")) {
          readOnly = false;
        } else if (o.equals("noexec") || o.equals("nosuid") || o.equals("nodev")) {
          continue; // Carapace always mounts tmpfs noexec,nosuid,nodev
        } else if (o.startsWith("size=")) {
          size = Optional.of(checked(flag, () -> MemorySize.parse(o.substring(5))));
        } else {
          throw new IllegalArgumentException(flag + " option is not supported: " + o
              + " (Carapace takes ro, rw and size, and always mounts noexec,nosuid,nodev)");
        }
      }
    }
    Mount m = size.isPresent() ? Mount.tmpfs(path, size.get()) : Mount.tmpfs(path);
    return readOnly ? m.asReadOnly() : m;
  }

  /** {@code -p IP:HOST:CONTAINER[/PROTOCOL]}, the host IP required; IPv6 in brackets. */
  private static PortBinding port(String flag, String value) {
    String v = value;
    String protocol = "tcp";
    int slash = v.lastIndexOf('/');
    if (slash >= 0) {
      protocol = v.substring(slash + 1);
      v = v.substring(0, slash);
    }
    String ip;
    String rest;
    if (v.startsWith("[")) {
      int close = v.indexOf(']');
      if (close < 0 || close + 1 >= v.length() || v.charAt(close + 1) != ':') {
        throw new IllegalArgumentException(flag + " must look like IP:HOST:CONTAINER[/PROTOCOL]: " + value);
      }
      ip = v.substring(1, close);
      rest = v.substring(close + 2);
    } else {
      String[] parts = v.split(":", -1);
      if (parts.length > 3) {
        throw new IllegalArgumentException(flag + " must look like IP:HOST:CONTAINER[/PROTOCOL]: " + value
            + " (write an IPv6 address in brackets, as in [::1]:8080:80)");
      }
      if (parts.length < 3 || parts[0].isEmpty()) {
        String ports = parts.length < 3 ? v : parts[1] + ":" + parts[2];
        String example = (ports.contains(":") ? ports : ":" + ports) + (slash >= 0 ? "/" + protocol : "");
        throw new IllegalArgumentException(flag + " must name the host IP: " + value
            + " (add 127.0.0.1 to publish on this host only, or 0.0.0.0 for every interface, as in "
            + flag + " 127.0.0.1:" + example + ")");
      }
      ip = parts[0];
      rest = parts[1] + ":" + parts[2];
    }
    String[] hc = rest.split(":", -1);
    if (hc.length != 2) {
      throw new IllegalArgumentException(flag + " must look like IP:HOST:CONTAINER[/PROTOCOL]: " + value);
    }
    if (hc[0].contains("-") || hc[1].contains("-")) {
      throw new IllegalArgumentException(flag + " port ranges are not supported: " + value
          + " (publish each port with its own " + flag + ")");
    }
    int hostPort = hc[0].isEmpty() ? 0 : wholeInt(flag + " host port", hc[0]);
    int containerPort = wholeInt(flag + " container port", hc[1]);
    String proto = protocol;
    return checked(flag, () -> new PortBinding(ip, hostPort, containerPort, PortBinding.Protocol.parse(proto)));
  }

  /** Parses Go's {@code time.ParseDuration} syntax: {@code 30s}, {@code 1m30s}, {@code 1.5h}, {@code 500ms}. */
  static Duration goDuration(String flag, String text) {
    String s = text;
    boolean negative = false;
    if (s.startsWith("-") || s.startsWith("+")) {
      negative = s.startsWith("-");
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = GO_DURATION_PART.matcher(s);
    BigDecimal nanos = BigDecimal.ZERO;
    int at = 0;
    while (at < s.length() && m.region(at, s.length()).lookingAt()) { // find(at) would rescan: quadratic
      String number = m.group(1);
      if (number.isEmpty() || number.equals(".")) {
        break;
      }
      nanos = nanos.add(new BigDecimal(number).multiply(unitNanos(m.group(2))));
      at = m.end();
    }
    if (at == 0 || at != s.length()) {
      throw new IllegalArgumentException(flag + " must be a duration like 30s, 1m30s or 500ms: " + text);
    }
    try {
      long n = nanos.setScale(0, java.math.RoundingMode.DOWN).longValueExact();
      return Duration.ofNanos(negative ? -n : n);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(flag + " is too long: " + text);
    }
  }

  private static BigDecimal unitNanos(String unit) {
    switch (unit) {
      case "ns": return BigDecimal.ONE;
      case "us": case "\u00b5s": case "\u03bcs": return BigDecimal.valueOf(1_000L);
      case "ms": return BigDecimal.valueOf(1_000_000L);
      case "s": return BigDecimal.valueOf(1_000_000_000L);
      case "m": return BigDecimal.valueOf(60_000_000_000L);
      default: return BigDecimal.valueOf(3_600_000_000_000L);
    }
  }

  private SecureContainerSpec finish() {
    if (!dropAll) {
      builder.keepDockerDefaultCapabilities();
      builder.dropCapability(capDrop.toArray(new Capability[0])); // with ALL, named drops are already dropped
    }
    builder.addAllCapabilities(capAdd);
    builder.putAllEnv(env);
    builder.putAllLabels(labels);
    builder.addAllUlimits(ulimits.values());
    builder.addAllMounts(mounts);
    builder.addAllPorts(ports);
    if (network != null) {
      String value = network;
      NetworkMode mode = checked(Flag.NETWORK.longName(), () -> NetworkMode.parse(value));
      if (mode.kind() == NetworkMode.Kind.HOST) {
        builder.allowHostNetwork(); // asked for on the command line
      } else {
        builder.network(mode);
      }
    }
    String securityOpt = Flag.SECURITY_OPT.longName();
    if (!SecurityOptionsReader.apply(securityOpt, securityOptions, builder, v -> seccomp(securityOpt, v))) {
      builder.allowPrivilegeEscalation(); // docker run's default
    }
    if (logDriver != null) {
      String driver = logDriver;
      checked(Flag.LOG_DRIVER.longName(), () -> new LogConfig(driver, Map.of()));
      builder.logConfig(checked(Flag.LOG_OPT.longName(), () -> new LogConfig(driver, logOptions)));
    } else if (!logOptions.isEmpty()) {
      throw new IllegalArgumentException(Flag.LOG_OPT.longName() + " needs " + Flag.LOG_DRIVER.longName() + ": "
          + logOptions.keySet() + " (Carapace does not guess the engine's default driver)");
    }
    HealthCheck health = healthCheck();
    if (health != null) {
      builder.healthCheck(health);
    }
    return builder.build();
  }

  private HealthCheck healthCheck() {
    String healthCmdFlag = Flag.HEALTH_CMD.longName();
    if (healthCmd == null) {
      if (!healthTimings.isEmpty()) {
        Map.Entry<String, HealthTiming> first = healthTimings.entrySet().iterator().next();
        throw new IllegalArgumentException(first.getKey() + " needs " + healthCmdFlag + ": "
            + first.getValue().value() + " (changing only the timings of the image's HEALTHCHECK is not supported)");
      }
      return null;
    }
    HealthCheck hc = checked(healthCmdFlag, () -> HealthCheck.shell(healthCmd));
    for (HealthTiming timing : healthTimings.values()) {
      hc = timing.apply().apply(hc);
    }
    return hc;
  }
}
