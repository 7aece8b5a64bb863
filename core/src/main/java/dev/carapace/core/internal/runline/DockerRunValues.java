package dev.carapace.core.internal.runline;

import dev.carapace.core.Capability;
import dev.carapace.core.ContainerPath;
import dev.carapace.core.InvalidSpecException;
import dev.carapace.core.MemorySize;
import dev.carapace.core.Mount;
import dev.carapace.core.PortBinding;
import dev.carapace.core.Ulimit;
import dev.carapace.core.internal.fields.GoBooleans;
import dev.carapace.core.internal.io.Strings;
import dev.carapace.core.internal.values.GoDurations;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The value grammars of {@code docker run}'s flags, one function per kind of value: whole numbers and
 * CPUs as Go reads them, memory sizes, Go durations, {@code -v}, {@code --mount} (CSV) and
 * {@code --tmpfs} mounts, {@code -p} ports, ulimits, capabilities, {@code KEY=VALUE}. Each takes the
 * flag as written, to name it in its complaint ({@code --memory-swap unlimited is not supported: -1}).
 * {@link DockerRunParser} walks the command line and hands each value here.
 */
final class DockerRunValues {
  private DockerRunValues() {}

  /** The host IP Docker publishes on when a {@code -p} value names none. */
  private static final String EVERY_INTERFACE = "0.0.0.0";

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


  /** Runs {@code f}, prefixing a value type's complaint with the flag as written. */
  static <T> T checked(String flag, Supplier<T> f) {
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

  static long whole(String flag, String value) {
    if (!WHOLE.matcher(value).matches()) {
      throw new IllegalArgumentException(flag + " must be a whole number: " + Strings.show(value));
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " is too large: " + value);
    }
  }

  static int wholeInt(String flag, String value) {
    long v = whole(flag, value);
    if (v != (int) v) {
      throw new IllegalArgumentException(flag + " is too large: " + value);
    }
    return (int) v;
  }

  /**
   * Docker's {@code --cpus}, read as Go's {@code big.Rat.SetString} reads it: a decimal number with an
   * optional exponent ({@code 1.5}, {@code 15e-1}) or a fraction ({@code 3/2}), ASCII digits only.
   */
  private static final Pattern CPUS = Pattern.compile("[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?");

  private static final Pattern CPUS_FRACTION = Pattern.compile("[+-]?[0-9]{1,30}/[0-9]{1,30}");

  static long nanoCpus(String flag, String value) {
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

  /** {@code -v SOURCE:TARGET[:ro|rw]}: a bind when the source is absolute, else a named volume. */
  static Mount volume(String flag, String value) {
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
  static Mount mount(String flag, String value) {
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
          readOnly = Boolean.parseBoolean(GoBooleans.canonical(flag + " " + key, v));
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
        Optional<MemorySize> s = size.filter(z -> z.bytes() != 0); // the engine sends no size for 0, unlike --tmpfs
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
  static Mount tmpfs(String flag, String value) {
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

  /**
   * {@code -p IP:HOST:CONTAINER[/PROTOCOL]}, IPv6 in brackets. With {@link DockerRunParser.PortReading#NAMED_HOST_IP}
   * the host IP is required; with {@link DockerRunParser.PortReading#AS_DOCKER} the value is read as Docker's
   * {@code nat.ParsePortSpec} reads it: no host IP (or an empty one) is every interface, {@code 0.0.0.0}, and
   * an IPv6 host address may stand without brackets (every part before the last two).
   */
  static PortBinding port(String flag, String value, DockerRunParser.PortReading reading) {
    boolean asDocker = reading == DockerRunParser.PortReading.AS_DOCKER;
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
      if (asDocker) {
        int n = parts.length;
        String named = n < 3 ? "" : String.join(":", List.of(parts).subList(0, n - 2));
        ip = named.isEmpty() ? EVERY_INTERFACE : named;
        rest = n == 1 ? ":" + parts[0] : parts[n - 2] + ":" + parts[n - 1];
      } else {
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
    return GoDurations.parse(flag, text);
  }

  /** A memory size, as {@code -m} and {@code --memory-swap} take it ({@code 64m}, {@code 1g}, bytes). */
  static MemorySize memorySize(String flag, String value) {
    return checked(flag, () -> MemorySize.parse(value));
  }

  /** A {@code --memory-swap} size; Docker's {@code -1} (unlimited swap) is refused. */
  static MemorySize swapSize(String flag, String value) {
    if (value.equals("-1")) {
      throw new IllegalArgumentException(flag
          + " unlimited is not supported: -1 (give a size of at least the memory limit)");
    }
    return memorySize(flag, value);
  }

  /** One capability to add; {@code ALL} is refused, as Carapace never grants every capability. */
  static Capability addedCapability(String flag, String value) {
    if (value.trim().equalsIgnoreCase("ALL")) {
      throw new IllegalArgumentException(flag
          + " ALL is not supported: Carapace never grants every capability (add each one the workload needs)");
    }
    return capability(flag, value);
  }

  /** One capability, in any spelling {@link Capability#parse(String)} reads. */
  static Capability capability(String flag, String value) {
    return checked(flag, () -> Capability.parse(value));
  }

  /** {@code --ulimit NAME=SOFT[:HARD]}. */
  static Ulimit ulimit(String flag, String value) {
    return checked(flag, () -> Ulimit.parse(value));
  }

  /** {@code KEY=VALUE} with a non-empty key, as {@code --log-opt} takes it. */
  static Map.Entry<String, String> keyValue(String flag, String value) {
    int eq = value.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException(flag + " must be KEY=VALUE: " + value);
    }
    return Map.entry(value.substring(0, eq), value.substring(eq + 1));
  }
}
