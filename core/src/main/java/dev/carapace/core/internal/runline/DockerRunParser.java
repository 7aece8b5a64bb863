package dev.carapace.core.internal.runline;

import dev.carapace.core.Capability;
import dev.carapace.core.ContainerPath;
import dev.carapace.core.ContainerRuntime;
import dev.carapace.core.CpuSet;
import dev.carapace.core.ExtraHost;
import dev.carapace.core.NetworkAttachment;
import dev.carapace.core.HealthCheck;
import dev.carapace.core.LogConfig;
import dev.carapace.core.MemorySize;
import dev.carapace.core.NetworkMode;
import dev.carapace.core.Mount;
import dev.carapace.core.PortBinding;
import dev.carapace.core.RestartPolicy;
import dev.carapace.core.Seccomp;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SpecAttribute;
import dev.carapace.core.Ulimit;
import dev.carapace.core.internal.fields.GoBooleans;
import dev.carapace.core.internal.fields.SecurityOptionsReader;
import dev.carapace.core.internal.io.Strings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

import static dev.carapace.core.internal.runline.DockerRunValues.addedCapability;
import static dev.carapace.core.internal.runline.DockerRunValues.capability;
import static dev.carapace.core.internal.runline.DockerRunValues.checked;
import static dev.carapace.core.internal.runline.DockerRunValues.expanded;
import static dev.carapace.core.internal.runline.DockerRunValues.goDuration;
import static dev.carapace.core.internal.runline.DockerRunValues.keyValue;
import static dev.carapace.core.internal.runline.DockerRunValues.memorySize;
import static dev.carapace.core.internal.runline.DockerRunValues.nanoCpus;
import static dev.carapace.core.internal.runline.DockerRunValues.swapSize;
import static dev.carapace.core.internal.runline.DockerRunValues.whole;
import static dev.carapace.core.internal.runline.DockerRunValues.wholeInt;

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
    INTERACTIVE("--interactive", 'i', toggle((p, on) -> p.builder.openStdin(on), SpecAttribute.OPEN_STDIN)),
    TTY("--tty", 't', toggle((p, on) -> p.builder.tty(on), SpecAttribute.TTY)),
    RM("--rm", ignored()),

    NAME("--name", valued((p, s, v) -> p.builder.name(v), SpecAttribute.NAME)),
    HOSTNAME("--hostname", 'h', valued((p, s, v) -> p.builder.hostname(v), SpecAttribute.HOSTNAME)),
    USER("--user", 'u', valued((p, s, v) -> p.builder.user(v), SpecAttribute.USER)),
    WORKDIR("--workdir", 'w', valued(DockerRunParser::workdir, SpecAttribute.WORKING_DIR)),
    ENV("--env", 'e', valued(DockerRunParser::env, SpecAttribute.ENV)),
    ENV_FILE("--env-file", refuse("write each variable as -e KEY=VALUE")),
    LABEL("--label", 'l', valued(DockerRunParser::label, SpecAttribute.LABELS, SpecAttribute.UNTRUSTED)),
    LABEL_FILE("--label-file", refuse("write each label as --label KEY=VALUE")),
    ENTRYPOINT("--entrypoint", valued(DockerRunParser::entrypoint, SpecAttribute.ENTRYPOINT)),

    CAP_ADD("--cap-add", valued(DockerRunParser::capAdd, SpecAttribute.ADDED_CAPABILITIES)),
    CAP_DROP("--cap-drop", valued(DockerRunParser::capDrop,
        SpecAttribute.DROP_ALL_CAPABILITIES, SpecAttribute.DROPPED_CAPABILITIES)),
    SECURITY_OPT("--security-opt", valued((p, s, v) -> p.securityOptions.add(v),
        SpecAttribute.NO_NEW_PRIVILEGES, SpecAttribute.SECCOMP, SpecAttribute.SELINUX_LABEL,
        SpecAttribute.APPARMOR_PROFILE)),
    READ_ONLY("--read-only", toggle((p, on) -> p.builder.readOnlyRootFilesystem(on),
        SpecAttribute.READ_ONLY_ROOT_FILESYSTEM)),
    PLATFORM("--platform", valued((p, s, v) -> p.builder.platform(v), SpecAttribute.PLATFORM)),
    RUNTIME("--runtime", valued((p, s, v) -> p.builder.runtime(checked(s, () -> ContainerRuntime.parse(v))),
        SpecAttribute.RUNTIME)),
    PRIVILEGED("--privileged", refuseToggle("Carapace never runs privileged containers")),
    PID("--pid", refuse(OWN_NAMESPACES)),
    IPC("--ipc", refuse(OWN_NAMESPACES)),
    UTS("--uts", refuse(OWN_NAMESPACES)),
    USERNS("--userns", refuse(OWN_NAMESPACES)),
    CGROUPNS("--cgroupns", refuse(OWN_NAMESPACES)),
    DEVICE("--device", refuse(NO_DEVICES)),
    DEVICE_CGROUP_RULE("--device-cgroup-rule", refuse(NO_DEVICES)),
    GPUS("--gpus", refuse(NO_DEVICES)),

    NETWORK("--network", "--net", valued(DockerRunParser::network, SpecAttribute.NETWORK,
        SpecAttribute.ADDITIONAL_NETWORKS)),
    NETWORK_ALIAS("--network-alias", "--net-alias", valued((p, s, v) -> p.aliases.add(v),
        SpecAttribute.NETWORK_ALIASES)),
    ADD_HOST("--add-host", valued((p, s, v) -> p.builder.addExtraHost(checked(s, () -> ExtraHost.parse(v))),
        SpecAttribute.EXTRA_HOSTS)),
    DNS("--dns", valued((p, s, v) -> p.builder.addDnsServer(v), SpecAttribute.DNS_SERVERS)),
    DNS_SEARCH("--dns-search", valued((p, s, v) -> p.builder.addDnsSearch(v), SpecAttribute.DNS_SEARCH)),
    PUBLISH("--publish", 'p', valued((p, s, v) -> p.ports.add(DockerRunValues.port(s, v, p.portReading)),
        SpecAttribute.PORTS)),
    PUBLISH_ALL("--publish-all", 'P', refuseToggle("publish each port with -p IP:HOST:CONTAINER")),
    LINK("--link", refuse("legacy links are not modelled; use a user-defined --network")),

    VOLUME("--volume", 'v', valued((p, s, v) -> p.mounts.add(DockerRunValues.volume(s, v)), SpecAttribute.MOUNTS)),
    MOUNT("--mount", valued((p, s, v) -> p.mounts.add(DockerRunValues.mount(s, v)), SpecAttribute.MOUNTS)),
    TMPFS("--tmpfs", valued((p, s, v) -> p.mounts.add(DockerRunValues.tmpfs(s, v)), SpecAttribute.MOUNTS)),
    VOLUMES_FROM("--volumes-from", refuse("name each mount with -v or --mount")),

    CPUSET_CPUS("--cpuset-cpus", valued((p, s, v) -> p.builder.cpusetCpus(checked(s, () -> CpuSet.parse(v))),
        SpecAttribute.CPUSET_CPUS)),
    CPU_SHARES("--cpu-shares", 'c', valued(DockerRunParser::cpuShares, SpecAttribute.CPU_SHARES)),
    CPUS("--cpus", valued(DockerRunParser::cpus, SpecAttribute.NANO_CPUS)),
    CPU_QUOTA("--cpu-quota", valued(DockerRunParser::cpuQuota, SpecAttribute.CPU_QUOTA)),
    CPU_PERIOD("--cpu-period", valued(DockerRunParser::cpuPeriod, SpecAttribute.CPU_PERIOD)),
    MEMORY("--memory", 'm', valued(DockerRunParser::memory, SpecAttribute.MEMORY_LIMIT)),
    MEMORY_SWAP("--memory-swap", valued(DockerRunParser::memorySwap, SpecAttribute.MEMORY_SWAP)),
    PIDS_LIMIT("--pids-limit", valued(DockerRunParser::pidsLimit, SpecAttribute.PIDS_LIMIT)),
    SHM_SIZE("--shm-size", valued(DockerRunParser::shmSize, SpecAttribute.SHM_SIZE)),
    SYSCTL("--sysctl", valued(DockerRunParser::sysctl, SpecAttribute.SYSCTLS)),
    ULIMIT("--ulimit", valued(DockerRunParser::ulimit, SpecAttribute.ULIMITS)),

    LOG_DRIVER("--log-driver", valued((p, s, v) -> p.logDriver = v, SpecAttribute.LOG_CONFIG)),
    LOG_OPT("--log-opt", valued(DockerRunParser::logOption, SpecAttribute.LOG_CONFIG)),
    RESTART("--restart", valued((p, s, v) -> p.builder.restartPolicy(checked(s, () -> RestartPolicy.parse(v))),
        SpecAttribute.RESTART_POLICY)),
    HEALTH_CMD("--health-cmd", valued((p, s, v) -> p.healthCmd = v, SpecAttribute.HEALTH_CHECK)),
    HEALTH_INTERVAL("--health-interval", valued((p, s, v) -> p.healthDuration(s, v, HealthCheck::interval),
        SpecAttribute.HEALTH_CHECK)),
    HEALTH_TIMEOUT("--health-timeout", valued((p, s, v) -> p.healthDuration(s, v, HealthCheck::timeout),
        SpecAttribute.HEALTH_CHECK)),
    HEALTH_START_PERIOD("--health-start-period",
        valued((p, s, v) -> p.healthDuration(s, v, HealthCheck::startPeriod), SpecAttribute.HEALTH_CHECK)),
    HEALTH_RETRIES("--health-retries", valued(DockerRunParser::healthRetries, SpecAttribute.HEALTH_CHECK)),
    INIT("--init", toggle((p, on) -> p.builder.init(on), SpecAttribute.INIT)),
    STOP_SIGNAL("--stop-signal", valued((p, s, v) -> p.builder.stopSignal(v), SpecAttribute.STOP_SIGNAL)),
    STOP_TIMEOUT("--stop-timeout", valued((p, s, v) -> p.builder.stopTimeout(Duration.ofSeconds(wholeInt(s, v))),
        SpecAttribute.STOP_TIMEOUT));

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

    /** The spec attributes the flag sets; none for a refused flag or one without effect ({@code --rm}). */
    List<SpecAttribute> carries() {
      return action.carries();
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
  private record Action(boolean takesValue, Handler handler, String refusal, List<SpecAttribute> carries) {}

  /** A flag followed by a value, carrying {@code carries}. */
  private static Action valued(Handler handler, SpecAttribute... carries) {
    return new Action(true, handler, null, List.of(carries));
  }

  /** A flag that stands alone and means true, or takes {@code =false}, {@code =0}... attached to it. */
  private static Action toggle(BiConsumer<DockerRunParser, Boolean> handler, SpecAttribute... carries) {
    return new Action(false, (p, s, v) -> handler.accept(p, Boolean.parseBoolean(v)), null, List.of(carries));
  }

  /** A flag that stands alone and has no effect on the spec. */
  private static Action ignored() {
    return new Action(false, (p, s, v) -> { }, null, List.of());
  }

  /** A flag Carapace refuses, followed by a value in Docker ({@code --pid host}). */
  private static Action refuse(String why) {
    return new Action(true, null, why, List.of());
  }

  /** A flag Carapace refuses, standing alone in Docker ({@code --privileged}). */
  private static Action refuseToggle(String why) {
    return new Action(false, null, why, List.of());
  }

  /**
   * What the flag table says of one flag, for readers that place findings on a line: its long name, whether
   * Docker reads a value after it, and why Carapace refuses it (empty when supported).
   */
  public record FlagFacts(String longName, boolean takesValue, Optional<String> refusal) {}

  /** The table's row for {@code spelled} ({@code --net}, {@code -e}, {@code --privileged}); empty when it has none. */
  public static Optional<FlagFacts> facts(String spelled) {
    return Flag.of(spelled).map(f -> new FlagFacts(f.longName(), f.takesValue(), f.refusal()));
  }

  /** The spec attributes written as words, not flags: the image, and the command after it. */
  private static final Map<SpecAttribute, String> POSITIONAL = Map.of(
      SpecAttribute.IMAGE, "IMAGE, the first word after the flags",
      SpecAttribute.COMMAND, "CMD..., the words after the image");

  /**
   * How {@code docker run} writes {@code attribute}: the flags that carry it ({@code --pids-limit}), or
   * its place among the words after them; empty when the command line cannot carry it.
   */
  static Optional<String> decision(SpecAttribute attribute) {
    if (POSITIONAL.containsKey(attribute)) {
      return Optional.of(POSITIONAL.get(attribute));
    }
    List<String> flags = flagsCarrying(attribute);
    return flags.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", flags));
  }

  /**
   * The long names of the flags that carry {@code attribute}, in the table's order ({@code --volume},
   * {@code --mount}, {@code --tmpfs} for {@link SpecAttribute#MOUNTS}); empty for an attribute written as a word
   * ({@link SpecAttribute#IMAGE}) or not carried.
   */
  public static List<String> flagsCarrying(SpecAttribute attribute) {
    List<String> flags = new ArrayList<>();
    for (Flag f : Flag.values()) {
      if (f.carries().contains(attribute)) {
        flags.add(f.longName());
      }
    }
    return List.copyOf(flags);
  }

  /**
   * How a {@code -p} value without a host IP is read: refused ({@link #NAMED_HOST_IP}, what
   * {@code DockerRunCommand.parse} does, so that a spec never publishes on every interface by accident), or
   * as Docker reads it ({@link #AS_DOCKER}), for readers that judge what Docker would run.
   */
  public enum PortReading {
    /** {@code -p IP:HOST:CONTAINER} only: a value without its host IP is refused, naming the fix. */
    NAMED_HOST_IP,
    /**
     * As Docker reads {@code -p}: {@code 80}, {@code 8080:80} and {@code :8080:80} publish on every interface
     * ({@code 0.0.0.0}), and an IPv6 host address may be written without brackets ({@code ::1:8080:80}).
     */
    AS_DOCKER
  }

  private final Map<String, String> environment;
  private final PortReading portReading;
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
  private final List<String> aliases = new ArrayList<>();
  private final Map<String, NetworkAttachment> additionalNetworks = new LinkedHashMap<>();
  private String logDriver;
  private final Map<String, String> logOptions = new LinkedHashMap<>();
  private String healthCmd;
  /** Health timings as written, read only once {@code --health-cmd} is known to be there. */
  private final Map<String, HealthTiming> healthTimings = new LinkedHashMap<>();

  private record HealthTiming(String value, UnaryOperator<HealthCheck> apply) {}

  private DockerRunParser(Map<String, String> environment, PortReading portReading) {
    this.environment = environment;
    this.portReading = portReading;
  }

  /**
   * Parses {@code argv}, with or without a leading {@code docker run} or {@code docker container run}.
   *
   * @param environment where {@code -e KEY} finds its value; null to refuse {@code -e KEY}
   */
  public static SecureContainerSpec parse(List<String> argv, Map<String, String> environment) {
    return parse(argv, environment, PortReading.NAMED_HOST_IP);
  }

  /**
   * Parses {@code argv} as {@link #parse(List, Map)} does, reading {@code -p} values as {@code portReading} says:
   * {@link PortReading#AS_DOCKER} for a file of run lines or a Compose file judged as Docker would run it.
   */
  public static SecureContainerSpec parse(List<String> argv, Map<String, String> environment,
      PortReading portReading) {
    return new DockerRunParser(environment, Objects.requireNonNull(portReading, "portReading")).run(argv);
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
        flag.action.handler().apply(this, spelled, flag.takesValue() ? value : GoBooleans.canonical(spelled, value));
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
        handler.apply(this, spelled, GoBooleans.canonical(spelled, rest));
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
    MemorySize limit = memorySize(flag, value);
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

  private void capAdd(String flag, String value) {
    capAdd.add(addedCapability(flag, value));
  }

  private void capDrop(String flag, String value) {
    if (value.trim().equalsIgnoreCase("ALL")) {
      dropAll = true;
    } else {
      capDrop.add(capability(flag, value));
    }
  }

  private void memorySwap(String flag, String value) {
    MemorySize swap = swapSize(flag, value);
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
    Ulimit u = DockerRunValues.ulimit(flag, value);
    ulimits.put(u.name(), u); // Docker keeps the last of a name
  }

  private void logOption(String flag, String value) {
    Map.Entry<String, String> option = keyValue(flag, value);
    logOptions.put(option.getKey(), option.getValue());
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

  /**
   * The first {@code --network} is the container's network; each other one (Docker CLI 25+) a network it
   * joins besides, written {@code NAME} or {@code name=NAME,alias=A,alias=B}.
   */
  private void network(String flag, String value) {
    String name = value;
    List<String> named = new ArrayList<>();
    if (value.startsWith("name=")) {
      String[] fields = value.split(",", -1);
      name = fields[0].substring("name=".length());
      for (int k = 1; k < fields.length; k++) {
        if (!fields[k].startsWith("alias=")) {
          throw new IllegalArgumentException(flag + " takes name= and alias= fields only: " + Strings.show(fields[k])
              + " (in " + Strings.show(value) + ")");
        }
        named.add(fields[k].substring("alias=".length()));
      }
    }
    if (network == null || network.equals(name)) {
      network = name;
      aliases.addAll(named);
      return;
    }
    String extra = name;
    NetworkMode mode = checked(flag, () -> NetworkMode.parse(extra));
    additionalNetworks.put(name, checked(flag, () -> NetworkAttachment.of(mode, named.toArray(new String[0]))));
  }

  /** {@code --shm-size 0} is Docker's "unset": the engine's 64 MiB. */
  private void shmSize(String flag, String value) {
    MemorySize size = memorySize(flag, value);
    if (size.bytes() != 0) {
      builder.shmSize(size);
    }
  }

  /** A safe sysctl as {@code putSysctl}, any other as asked for on the command line ({@code putUnsafeSysctl}). */
  private void sysctl(String flag, String value) {
    Map.Entry<String, String> kv = keyValue(flag, value);
    if (SecureContainerSpec.KUBERNETES_SAFE_SYSCTLS.contains(kv.getKey())) {
      builder.putSysctl(kv.getKey(), kv.getValue());
    } else {
      builder.putUnsafeSysctl(kv.getKey(), kv.getValue());
    }
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
    for (String a : aliases) {
      checked(Flag.NETWORK_ALIAS.longName(), () -> builder.addNetworkAlias(a));
    }
    builder.additionalNetworks(additionalNetworks.values());
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
