package dev.carapace.core.internal;

import dev.carapace.core.Capability;
import dev.carapace.core.ContainerPath;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code docker run} argument list into a {@link SecureContainerSpec} that means what Docker
 * would do with it. See {@code dev.carapace.core.DockerRunCommand} for the contract.
 */
public final class DockerRunParser {
  /** Long flag name to whether it takes a value. Aliases map to the same handling in {@link #apply}. */
  private static final Map<String, Boolean> LONG = new LinkedHashMap<>();
  private static final Map<Character, String> SHORT = Map.ofEntries(
      Map.entry('c', "--cpu-shares"), Map.entry('d', "--detach"), Map.entry('e', "--env"),
      Map.entry('h', "--hostname"), Map.entry('i', "--interactive"), Map.entry('l', "--label"),
      Map.entry('m', "--memory"), Map.entry('p', "--publish"), Map.entry('t', "--tty"),
      Map.entry('u', "--user"), Map.entry('v', "--volume"), Map.entry('w', "--workdir"));
  /** Why some well-known flags are refused; other unknown flags get a generic reason. */
  private static final Map<String, String> REFUSED = Map.ofEntries(
      Map.entry("--privileged", "Carapace never runs privileged containers"),
      Map.entry("--pid", "Carapace gives every container its own namespaces"),
      Map.entry("--ipc", "Carapace gives every container its own namespaces"),
      Map.entry("--uts", "Carapace gives every container its own namespaces"),
      Map.entry("--userns", "Carapace gives every container its own namespaces"),
      Map.entry("--cgroupns", "Carapace gives every container its own namespaces"),
      Map.entry("--device", "Carapace does not pass host devices into containers"),
      Map.entry("--device-cgroup-rule", "Carapace does not pass host devices into containers"),
      Map.entry("--gpus", "Carapace does not pass host devices into containers"),
      Map.entry("-P", "publish each port with -p IP:HOST:CONTAINER"),
      Map.entry("--publish-all", "publish each port with -p IP:HOST:CONTAINER"),
      Map.entry("--env-file", "write each variable as -e KEY=VALUE"),
      Map.entry("--label-file", "write each label as --label KEY=VALUE"),
      Map.entry("--volumes-from", "name each mount with -v or --mount"),
      Map.entry("--link", "legacy links are not modelled; use a user-defined --network"));

  static {
    for (String f : List.of("--cap-add", "--cap-drop", "--cpu-shares", "--cpuset-cpus", "--cpus",
        "--cpu-quota", "--cpu-period", "--memory", "--memory-swap", "--pids-limit", "--ulimit",
        "--security-opt", "--volume", "--mount", "--tmpfs", "--log-driver", "--log-opt", "--env",
        "--user", "--workdir", "--name", "--hostname", "--label", "--network", "--net", "--publish",
        "--restart", "--health-cmd", "--health-interval", "--health-timeout", "--health-retries",
        "--health-start-period", "--stop-signal", "--stop-timeout", "--entrypoint")) {
      LONG.put(f, true);
    }
    for (String f : List.of("--read-only", "--init", "--detach", "--interactive", "--tty", "--rm")) {
      LONG.put(f, false);
    }
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
  private final Map<String, String> healthTimings = new LinkedHashMap<>();

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
      if (w.equals("--")) {
        i++;
        break;
      }
      if (w.startsWith("--")) {
        int eq = w.indexOf('=');
        String flag = eq > 0 ? w.substring(0, eq) : w;
        Boolean takesValue = LONG.get(flag);
        if (takesValue == null) {
          throw refused(flag);
        }
        String value = eq > 0 ? w.substring(eq + 1) : null;
        if (value == null && takesValue) {
          if (i + 1 >= n) {
            throw new IllegalArgumentException("docker run flag needs a value: " + flag);
          }
          value = argv.get(++i);
        }
        apply(flag, flag, takesValue ? value : bool(flag, value));
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
      String flag = SHORT.get(w.charAt(k));
      if (flag == null) {
        throw refused(spelled);
      }
      String rest = w.substring(k + 1);
      boolean attached = rest.startsWith("=");
      if (attached) {
        rest = rest.substring(1);
      }
      if (LONG.get(flag)) {
        if (rest.isEmpty() && !attached) {
          if (i + 1 >= argv.size()) {
            throw new IllegalArgumentException("docker run flag needs a value: " + spelled);
          }
          rest = argv.get(++i);
        }
        apply(flag, spelled, rest);
        return i;
      }
      if (attached) {
        apply(flag, spelled, bool(spelled, rest));
        return i;
      }
      apply(flag, spelled, "true");
    }
    return i;
  }

  private static IllegalArgumentException refused(String flag) {
    String why = REFUSED.getOrDefault(flag, "SecureContainerSpec has no such setting");
    return new IllegalArgumentException("docker run flag is not supported: " + flag + " (" + why + ")");
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

  private static long whole(String flag, String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a whole number: " + value);
    }
  }

  private static int wholeInt(String flag, String value) {
    long v = whole(flag, value);
    if (v != (int) v) {
      throw new IllegalArgumentException(flag + " is too large: " + value);
    }
    return (int) v;
  }

  private void apply(String flag, String spelled, String value) {
    switch (flag) {
      case "--detach": case "--interactive": case "--tty": case "--rm":
        break; // the launcher decides how the container runs and when it is removed
      case "--cap-add":
        if (value.trim().equalsIgnoreCase("ALL")) {
          throw new IllegalArgumentException(spelled
              + " ALL is not supported: Carapace never grants every capability (add each one the workload needs)");
        }
        capAdd.add(checked(spelled, () -> Capability.parse(value)));
        break;
      case "--cap-drop":
        if (value.trim().equalsIgnoreCase("ALL")) {
          dropAll = true;
        } else {
          capDrop.add(checked(spelled, () -> Capability.parse(value)));
        }
        break;
      case "--cpu-shares":
        builder.cpuShares(wholeInt(spelled, value));
        break;
      case "--cpuset-cpus":
        builder.cpusetCpus(checked(spelled, () -> CpuSet.parse(value)));
        break;
      case "--cpus":
        builder.nanoCpus(nanoCpus(spelled, value));
        break;
      case "--cpu-quota":
        builder.cpuQuota(whole(spelled, value));
        break;
      case "--cpu-period":
        builder.cpuPeriod(whole(spelled, value));
        break;
      case "--memory":
        builder.memoryLimit(checked(spelled, () -> MemorySize.parse(value)));
        break;
      case "--memory-swap":
        if (value.equals("-1")) {
          throw new IllegalArgumentException(spelled
              + " unlimited is not supported: -1 (give a size of at least the memory limit)");
        }
        builder.memorySwap(checked(spelled, () -> MemorySize.parse(value)));
        break;
      case "--pids-limit":
        long pids = whole(spelled, value);
        if (pids <= 0) {
          builder.unlimitedPids(); // Docker reads 0 and -1 as no limit
        } else {
          builder.pidsLimit(pids);
        }
        break;
      case "--ulimit":
        Ulimit u = checked(spelled, () -> Ulimit.parse(value));
        ulimits.put(u.name(), u); // Docker keeps the last of a name
        break;
      case "--security-opt":
        securityOptions.add(value);
        break;
      case "--volume":
        mounts.add(volume(spelled, value));
        break;
      case "--mount":
        mounts.add(mount(spelled, value));
        break;
      case "--tmpfs":
        mounts.add(tmpfs(spelled, value));
        break;
      case "--read-only":
        builder.readOnlyRootFilesystem(Boolean.parseBoolean(value));
        break;
      case "--log-driver":
        logDriver = value;
        break;
      case "--log-opt":
        int eq = value.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException(spelled + " must be KEY=VALUE: " + value);
        }
        logOptions.put(value.substring(0, eq), value.substring(eq + 1));
        break;
      case "--env":
        env(spelled, value);
        break;
      case "--user":
        builder.user(value);
        break;
      case "--workdir":
        builder.workingDir(checked(spelled, () -> ContainerPath.of(value)));
        break;
      case "--name":
        builder.name(value);
        break;
      case "--hostname":
        builder.hostname(value);
        break;
      case "--label":
        int leq = value.indexOf('=');
        labels.put(leq < 0 ? value : value.substring(0, leq), leq < 0 ? "" : value.substring(leq + 1));
        break;
      case "--network": case "--net":
        if (network != null && !network.equals(value)) {
          throw new IllegalArgumentException(spelled + " must name one network: " + network + " and " + value);
        }
        network = value;
        break;
      case "--publish":
        ports.add(port(spelled, value));
        break;
      case "--restart":
        builder.restartPolicy(checked(spelled, () -> RestartPolicy.parse(value)));
        break;
      case "--health-cmd":
        healthCmd = value;
        break;
      case "--health-interval": case "--health-timeout": case "--health-retries":
      case "--health-start-period":
        healthTimings.put(flag, value);
        break;
      case "--init":
        builder.init(Boolean.parseBoolean(value));
        break;
      case "--stop-signal":
        builder.stopSignal(value);
        break;
      case "--stop-timeout":
        builder.stopTimeout(Duration.ofSeconds(wholeInt(spelled, value)));
        break;
      case "--entrypoint":
        if (value.isEmpty()) {
          throw new IllegalArgumentException(spelled
              + " must not be empty: \"\" (clearing the image's ENTRYPOINT is not supported)");
        }
        builder.entrypoint(List.of(value)); // the CLI takes one word, never split
        break;
      default:
        throw new AssertionError(flag);
    }
  }

  private static long nanoCpus(String flag, String value) {
    BigDecimal cpus;
    try {
      cpus = new BigDecimal(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a number of CPUs like 1.5: " + value);
    }
    BigDecimal nanos = cpus.movePointRight(9);
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
    if (environment == null) {
      throw new IllegalArgumentException(flag + " needs KEY=VALUE: " + value
          + " (Carapace does not read its own environment; write " + flag + " " + value
          + "=VALUE or pass an environment to DockerRunCommand.parse)");
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
    while (at < s.length() && m.find(at) && m.start() == at) {
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
      NetworkMode mode = checked("--network", () -> NetworkMode.parse(value));
      if (mode.kind() == NetworkMode.Kind.HOST) {
        builder.allowHostNetwork(); // asked for on the command line
      } else {
        builder.network(mode);
      }
    }
    if (!SecurityOptions.apply("--security-opt", securityOptions, builder, v -> seccomp("--security-opt", v))) {
      builder.allowPrivilegeEscalation(); // docker run's default
    }
    if (logDriver != null) {
      String driver = logDriver;
      checked("--log-driver", () -> new LogConfig(driver, Map.of()));
      builder.logConfig(checked("--log-opt", () -> new LogConfig(driver, logOptions)));
    } else if (!logOptions.isEmpty()) {
      throw new IllegalArgumentException("--log-opt needs --log-driver: " + logOptions.keySet()
          + " (Carapace does not guess the engine's default driver)");
    }
    HealthCheck health = healthCheck();
    if (health != null) {
      builder.healthCheck(health);
    }
    return builder.build();
  }

  private HealthCheck healthCheck() {
    if (healthCmd == null) {
      if (!healthTimings.isEmpty()) {
        String flag = healthTimings.keySet().iterator().next();
        throw new IllegalArgumentException(flag + " needs --health-cmd: " + healthTimings.get(flag)
            + " (changing only the timings of the image's HEALTHCHECK is not supported)");
      }
      return null;
    }
    HealthCheck hc = checked("--health-cmd", () -> HealthCheck.shell(healthCmd));
    for (Map.Entry<String, String> e : healthTimings.entrySet()) {
      String flag = e.getKey();
      String v = e.getValue();
      HealthCheck current = hc;
      switch (flag) {
        case "--health-interval":
          Duration interval = goDuration(flag, v);
          hc = checked(flag, () -> current.interval(interval));
          break;
        case "--health-timeout":
          Duration timeout = goDuration(flag, v);
          hc = checked(flag, () -> current.timeout(timeout));
          break;
        case "--health-start-period":
          Duration startPeriod = goDuration(flag, v);
          hc = checked(flag, () -> current.startPeriod(startPeriod));
          break;
        default:
          int retries = wholeInt(flag, v);
          hc = checked(flag, () -> current.retries(retries));
          break;
      }
    }
    return hc;
  }
}
