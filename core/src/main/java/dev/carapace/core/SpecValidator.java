package dev.carapace.core;

import dev.carapace.core.internal.registry.ImageReference;
import dev.carapace.core.internal.io.Strings;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The consistency checks of a {@link SecureContainerSpec}: is it launchable? Each problem is one line,
 * {@code <attribute> <rule>: <actual value>}, and all of them are collected before
 * {@link InvalidSpecException} is thrown, so a caller fixes a spec in one round.
 */
final class SpecValidator {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
  private static final Pattern HOSTNAME =
      Pattern.compile("[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*");
  private static final Pattern USER_PART = Pattern.compile("[0-9]+|[a-zA-Z_][a-zA-Z0-9_.-]*\\$?");
  private static final Pattern ENV_KEY = Pattern.compile("[^=\\x00]+");
  /** Linux signal names as the engine's {@code signal.ParseSignal} knows them, without SIG, upper case. */
  private static final Set<String> SIGNALS = signalNames();
  /** The kernel's PID_MAX_LIMIT: {@code pids.max} refuses more (measured: 4194305 fails at start). */
  static final long MAX_PIDS = 4_194_304L;
  /** The kernel's largest CFS quota, 2^44 - 1 microseconds (measured: one more fails at start). */
  static final long MAX_CPU_QUOTA = (1L << 44) - 1;
  /**
   * The most CPUs any engine can have, in billionths: the kernel's largest {@code NR_CPUS} (8192, x86-64
   * {@code MAXSMP}); the engine refuses more than its own {@code NCPU} at create.
   */
  static final long MAX_NANO_CPUS = 8192L * 1_000_000_000L;
  /** runc's largest uid and gid (measured: {@code -u 2147483648} fails with "uids and gids must be in range"). */
  static final long MAX_ID = Integer.MAX_VALUE;

  private static final String RESERVED = SecureContainerSpec.RESERVED_LABEL_PREFIX;
  private static final String LONE_SURROGATE = "it holds a lone surrogate, which no UTF-8, JSON or YAML text carries";

  private SpecValidator() {}

  /** Every problem of {@code spec}, in the order of its attributes; empty when it is launchable. */
  static List<String> problems(SecureContainerSpec spec) {
    List<String> problems = new ArrayList<>();
    if (spec.image() == null) {
      problems.add("image is required: unset (call image(\"busybox:1.36\"))");
    } else {
      ImageReference.problem(spec.image()).ifPresent(problems::add);
    }
    noNul(problems, "command", spec.command());
    noNul(problems, "entrypoint", spec.entrypoint());
    if (spec.entrypoint().equals(List.of(""))) {
      // the engine reads [""] as "no ENTRYPOINT", not as a program: --entrypoint "" clears the image's
      problems.add("entrypoint must not be one empty word: [\"\"] (clearing the image's ENTRYPOINT is not supported;"
          + " name the program to run, or leave entrypoint unset for the image's)");
    }
    for (Map.Entry<String, String> e : spec.env().entrySet()) {
      String key = e.getKey();
      if (!ENV_KEY.matcher(key).matches()) {
        String shown = Strings.show(key);
        problems.add("env name must be non-empty without '=': " + (shown.startsWith("\"") ? shown : "\"" + key + "\""));
      } else if (e.getValue().indexOf('\0') >= 0) { // the kernel's environment is NUL-terminated strings
        problems.add("env value must not contain NUL: in " + key + " (the value is not shown)");
      }
    }
    wellFormed(problems, spec);
    for (Map.Entry<String, String> e : spec.labels().entrySet()) {
      if (e.getKey().isEmpty()) {
        problems.add("label key must not be empty: \"\"");
      } else if (e.getKey().indexOf('\0') >= 0) { // the engine stores it, filters and the CLI cannot name it
        problems.add("label key must not contain NUL: " + Strings.show(e.getKey()));
      } else if (e.getKey().indexOf('=') >= 0) {
        problems.add("label key must not contain '=': " + e.getKey());
      } else if (e.getKey().startsWith(RESERVED)) {
        problems.add("label key must not start with " + RESERVED + " (reserved for Carapace): " + e.getKey());
      }
    }
    spec.user().ifPresent(u -> {
      String[] parts = u.split(":", -1);
      if (parts.length > 2 || !USER_PART.matcher(parts[0]).matches()
          || (parts.length == 2 && !USER_PART.matcher(parts[1]).matches())) {
        problems.add("user must be name or uid, optionally :group or :gid: " + Strings.show(u));
      } else {
        for (int i = 0; i < parts.length; i++) {
          if (isNumber(parts[i]) && (parts[i].length() > 10 || Long.parseLong(parts[i]) > MAX_ID)) {
            problems.add("user " + (i == 0 ? "uid" : "gid") + " must be at most " + MAX_ID
                + " (runc refuses more at start): " + u);
          }
        }
      }
    });
    spec.name().ifPresent(n -> {
      if (n.length() > NetworkSpec.MAX_NAME_LENGTH) {
        // the engine takes any length (a 1,048,000-character name was created, measured); a message shows its start
        problems.add("name must be at most " + NetworkSpec.MAX_NAME_LENGTH + " characters: " + Strings.lengthAndStart(n));
      } else if (!NAME.matcher(n).matches() || n.length() < 2) {
        problems.add("name must match [a-zA-Z0-9][a-zA-Z0-9_.-]+: " + Strings.show(n));
      }
    });
    spec.hostname().ifPresent(h -> {
      if (h.length() > 253) {
        problems.add("hostname must be at most 253 characters (RFC 1123): " + Strings.lengthAndStart(h));
      } else if (!HOSTNAME.matcher(h).matches()) {
        problems.add("hostname must be an RFC 1123 host name: " + h);
      }
    });
    Set<Capability> both = EnumSet.noneOf(Capability.class);
    both.addAll(spec.addedCapabilities());
    both.retainAll(spec.droppedCapabilities());
    if (!both.isEmpty()) {
      problems.add("capabilities must not be both added and dropped: " + both);
    }
    if (spec.dropAllCapabilities() && !spec.droppedCapabilities().isEmpty()) {
      problems.add("dropped capabilities need keepDockerDefaultCapabilities(), since all are dropped: "
          + spec.droppedCapabilities());
    }
    spec.apparmorProfile().ifPresent(p -> {
      if (!p.matches("[a-zA-Z0-9_./-]+")) {
        problems.add("apparmorProfile must match [a-zA-Z0-9_./-]+: " + p);
      }
    });
    spec.cpuShares().ifPresent(s -> {
      if (s < 2 || s > 262144) {
        problems.add("cpuShares must be between 2 and 262144: " + s);
      }
    });
    spec.cpuPeriod().ifPresent(p -> {
      if (p < 1000 || p > 1000000) {
        problems.add("cpuPeriod must be between 1000 and 1000000 microseconds: " + p);
      }
    });
    spec.cpuQuota().ifPresent(q -> {
      if (q < 1000) {
        problems.add("cpuQuota must be at least 1000 microseconds: " + q);
      } else if (q > MAX_CPU_QUOTA) {
        problems.add("cpuQuota must be at most " + MAX_CPU_QUOTA + " microseconds (2^44 - 1, the kernel's limit): "
            + q);
      }
    });
    spec.nanoCpus().ifPresent(n -> {
      if (n < 10_000_000L) {
        problems.add("nanoCpus must be at least 10000000 (0.01 CPU): " + n);
      } else if (n > MAX_NANO_CPUS) {
        problems.add("nanoCpus must be at most " + MAX_NANO_CPUS + " (8192 CPUs, the kernel's largest NR_CPUS): " + n
            + " (1 CPU is 1000000000)");
      }
      if (spec.cpuQuota().isPresent() || spec.cpuPeriod().isPresent()) {
        problems.add("nanoCpus excludes cpuQuota and cpuPeriod: " + n
            + " with quota " + spec.cpuQuota() + " and period " + spec.cpuPeriod());
      }
    });
    MemorySize minMemory = MemorySize.ofMebibytes(6);
    spec.memoryLimit().ifPresent(m -> {
      if (m.compareTo(minMemory) < 0) {
        problems.add("memoryLimit must be at least 6MiB: " + m);
      }
    });
    spec.memorySwap().ifPresent(s -> {
      if (spec.memoryLimit().isEmpty()) {
        problems.add("memorySwap needs memoryLimit: " + s + " (set memoryLimit too)");
      } else if (s.compareTo(spec.memoryLimit().get()) < 0) {
        problems.add("memorySwap must be at least memoryLimit: " + s + " < " + spec.memoryLimit().get());
      }
    });
    spec.pidsLimit().ifPresent(p -> {
      if (p < 1) {
        problems.add("pidsLimit must be at least 1: " + p + " (call unlimitedPids() for no limit)");
      } else if (p > MAX_PIDS) {
        problems.add("pidsLimit must be at most " + MAX_PIDS + " (the kernel's PID_MAX_LIMIT): " + p
            + " (call unlimitedPids() for no limit)");
      }
    });
    networkAndNames(problems, spec);
    Set<String> ulimitNames = new HashSet<>();
    for (Ulimit u : spec.ulimits()) {
      if (!ulimitNames.add(u.name())) {
        problems.add("ulimits must not repeat a name: " + u.name());
      }
    }
    Set<ContainerPath> targets = new HashSet<>();
    for (Mount m : spec.mounts()) {
      if (!targets.add(m.target())) {
        problems.add("mount targets must be unique: " + m.target());
      }
      String target = m.target().toString();
      if (m.type() == Mount.Type.TMPFS && m.size().isPresent() && m.size().get().bytes() == 0) {
        problems.add("tmpfs size must be positive: 0 at " + target + " (the kernel reads size=0 as no limit; give a"
            + " size, or call Mount.tmpfs(ContainerPath.of(\"" + target + "\")) for the kernel's default, half the RAM)");
      }
      if (target.equals("/")) {
        problems.add("mount target must not be the root: /");
      } else if (target.equals("/proc") || target.startsWith("/proc/")) {
        // runc refuses these at start: "cannot be mounted because it is inside /proc"
        problems.add("mount target must not be /proc or inside it (the runtime refuses it at start): " + target);
      }
    }
    NetworkMode.Kind net = spec.network().kind();
    if (!spec.ports().isEmpty() && !spec.network().hasOwnInterfaces()) {
      problems.add("ports require a network of their own: network is " + spec.network()
          + " (call network(NetworkMode.bridge()))");
    }
    if (spec.hostname().isPresent() && (net == NetworkMode.Kind.HOST || net == NetworkMode.Kind.CONTAINER)) {
      problems.add("hostname conflicts with network " + spec.network() + ": " + spec.hostname().get());
    }
    if (spec.runtime().isGvisor() && net != NetworkMode.Kind.NONE) {
      problems.add("network must be none under gVisor: " + spec.network() + " (runsc runs with --network=none,"
          + " so the sandbox would have only loopback whatever the engine attaches; keep NetworkMode.none())");
    }
    Set<String> published = new HashSet<>();
    for (PortBinding p : spec.ports()) {
      if (p.hostPort() != 0 && !published.add(p.hostIp() + ":" + p.hostPort() + "/" + p.protocol())) {
        problems.add("ports must not publish a host port twice: " + p);
      }
    }
    spec.stopSignal().ifPresent(s -> {
      if (!isSignal(s)) {
        problems.add("stopSignal must be a signal name or number like SIGTERM: " + Strings.show(s));
      }
    });
    spec.stopTimeout().ifPresent(t -> {
      if (t.isNegative() || t.getSeconds() > Integer.MAX_VALUE) {
        problems.add("stopTimeout must be between 0 and " + Integer.MAX_VALUE + " seconds: " + t);
      } else if (t.getNano() != 0) {
        problems.add("stopTimeout must be whole seconds (the engine takes seconds): " + t);
      }
    });
    return problems;
  }

  /**
   * The checks of the name, address and kernel-parameter fields: extra hosts, DNS, shm size, sysctls,
   * network aliases and additional networks, platform. Values are shown escaped.
   */
  private static void networkAndNames(List<String> problems, SecureContainerSpec spec) {
    NetworkMode net = spec.network();
    Set<String> hostLines = new HashSet<>();
    for (ExtraHost h : spec.extraHosts()) {
      if (!hostLines.add(h.toString())) {
        problems.add("extraHosts must not repeat a line: " + h);
      }
    }
    if (spec.dnsServers().size() > 3) {
      problems.add("dnsServers must be at most 3 (the resolver reads only the first 3 nameserver lines): "
          + spec.dnsServers());
    }
    Set<String> servers = new HashSet<>();
    for (String d : spec.dnsServers()) {
      if (!Addresses.isIpLiteral(d)) {
        problems.add("dnsServers must be IPv4 or IPv6 addresses: " + Strings.show(d));
      } else if (!servers.add(d)) {
        problems.add("dnsServers must not repeat a server: " + d);
      }
    }
    Set<String> domains = new HashSet<>();
    for (String d : spec.dnsSearch()) {
      if (!Addresses.isHostName(d)) {
        problems.add("dnsSearch must be RFC 1123 domain names: " + (d.length() > 253 ? Strings.lengthAndStart(d)
            : Strings.show(d)));
      } else if (!domains.add(d)) {
        problems.add("dnsSearch must not repeat a domain: " + d);
      }
    }
    if (net.kind() == NetworkMode.Kind.CONTAINER
        && !(spec.extraHosts().isEmpty() && spec.dnsServers().isEmpty() && spec.dnsSearch().isEmpty())) {
      problems.add("extraHosts and dns conflict with network " + net + ": the other container's /etc/hosts and"
          + " /etc/resolv.conf apply (the engine refuses them)");
    }
    spec.shmSize().ifPresent(shm -> {
      if (shm.bytes() <= 0) {
        problems.add("shmSize must be positive: " + shm + " (the engine reads 0 as its default, 64MiB: leave"
            + " shmSize unset for that)");
      } else if (spec.memoryLimit().isPresent() && shm.compareTo(spec.memoryLimit().get()) > 0) {
        problems.add("shmSize must be at most memoryLimit: " + shm + " > " + spec.memoryLimit().get()
            + " (what is written to /dev/shm is charged to the container's memory)");
      }
      for (Mount m : spec.mounts()) {
        if (m.target().toString().equals("/dev/shm")) {
          problems.add("shmSize conflicts with a mount at /dev/shm: " + shm + " (size the tmpfs mount, or drop it)");
        }
      }
    });
    for (Map.Entry<String, String> e : spec.sysctls().entrySet()) {
      String name = e.getKey();
      String value = e.getValue();
      if (!Addresses.isSysctlName(name)) {
        problems.add("sysctl name must be dotted words like net.ipv4.ip_local_port_range: " + Strings.show(name));
      } else if (!Addresses.isNamespaced(name)) {
        problems.add("sysctl must be namespaced (kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.*, net.*): " + name
            + " (it would change the host's kernel, which the engine refuses)");
      } else if (name.startsWith("net.") && (net.kind() == NetworkMode.Kind.HOST
          || net.kind() == NetworkMode.Kind.CONTAINER)) {
        problems.add("sysctl net.* conflicts with network " + net + ": " + name + " (it is not the container's own"
            + " network namespace)");
      }
      if (value.isEmpty() || value.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
        problems.add("sysctl value must be non-empty without control characters: " + Strings.show(value)
            + " (for " + Strings.show(name) + ")");
      }
    }
    if (!spec.networkAliases().isEmpty() && net.kind() != NetworkMode.Kind.NAMED) {
      problems.add("networkAliases need a user-defined network: network is " + net + " (the engine takes aliases"
          + " only there; call network(NetworkMode.named(...)))");
    }
    if (new HashSet<>(spec.networkAliases()).size() != spec.networkAliases().size()) {
      problems.add("networkAliases must not repeat an alias: " + spec.networkAliases());
    }
    spec.networkAliases().stream().filter(a -> !Addresses.isHostName(a)).forEach(a ->
        problems.add("networkAliases must be RFC 1123 host names: " + Strings.show(a)));
    if (!spec.additionalNetworks().isEmpty() && !net.hasOwnInterfaces()) {
      problems.add("additionalNetworks need a network of the container's own: network is " + net
          + " (call network(NetworkMode.bridge()) or a named one)");
    }
    Set<NetworkMode> joined = new HashSet<>();
    joined.add(net);
    for (NetworkAttachment a : spec.additionalNetworks()) {
      if (!joined.add(a.network())) {
        problems.add("additionalNetworks must not repeat a network or the main one: " + a.network());
      }
    }
    spec.platform().ifPresent(p -> {
      String problem = Addresses.platformProblem(p);
      if (problem != null) {
        problems.add("platform " + problem + ": " + Strings.show(p));
      }
    });
  }

  /** Adds a problem for each word of {@code words} holding NUL, which ends an argument for the kernel's execve. */
  private static void noNul(List<String> problems, String attribute, List<String> words) {
    for (int i = 0; i < words.size(); i++) {
      if (words.get(i).indexOf('\0') >= 0) {
        problems.add(attribute + " words must not contain NUL: " + Strings.show(words.get(i)) + " (word " + i
            + "; execve ends an argument at NUL, so the start fails)");
      }
    }
  }

  /**
   * Adds a problem for each free-text string holding a lone surrogate (half of a UTF-16 pair): no UTF-8 text
   * carries one, so the engine's JSON reader would get U+FFFD and a YAML reader (kubectl, podman) would refuse
   * the manifest. Every other character is carried, escaped where it must be. Env values are never shown.
   */
  private static void wellFormed(List<String> problems, SecureContainerSpec spec) {
    Map<String, List<String>> words = new LinkedHashMap<>();
    words.put("command words", spec.command());
    words.put("entrypoint words", spec.entrypoint());
    words.put("env name", List.copyOf(spec.env().keySet()));
    words.put("label key", List.copyOf(spec.labels().keySet()));
    words.put("label value", List.copyOf(spec.labels().values()));
    words.put("sysctl value", List.copyOf(spec.sysctls().values()));
    words.put("healthCheck words", spec.healthCheck().map(HealthCheck::test).orElse(List.of()));
    words.put("workingDir", spec.workingDir().map(ContainerPath::toString).stream().toList());
    words.put("mount paths", spec.mounts().stream().flatMap(m -> Stream.of(m.source(),
        m.target().toString())).toList());
    words.forEach((attribute, values) -> values.stream().filter(SpecValidator::hasLoneSurrogate).forEach(v ->
        problems.add(attribute + " must be valid Unicode: " + Strings.show(v) + " (" + LONE_SURROGATE + ")")));
    spec.env().forEach((k, v) -> {
      if (hasLoneSurrogate(v)) {
        problems.add("env value must be valid Unicode: in " + Strings.show(k) + " (" + LONE_SURROGATE
            + "; the value is not shown)");
      }
    });
  }

  private static boolean hasLoneSurrogate(String s) {
    return s.codePoints().anyMatch(c -> c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE);
  }

  private static boolean isNumber(String s) {
    return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private static Set<String> signalNames() {
    Set<String> names = new HashSet<>(List.of("ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL",
        "INT", "IO", "IOT", "KILL", "PIPE", "POLL", "PROF", "PWR", "QUIT", "SEGV", "STKFLT", "STOP", "SYS", "TERM",
        "TRAP", "TSTP", "TTIN", "TTOU", "URG", "USR1", "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ", "RTMIN", "RTMAX"));
    for (int i = 1; i <= 15; i++) {
      names.add("RTMIN+" + i);
      names.add("RTMAX-" + i);
    }
    return Set.copyOf(names);
  }

  /** As the engine's {@code signal.ParseSignal}: a number from 1 to 64, or a name in any case, SIG optional. */
  static boolean isSignal(String s) {
    if (s.matches("[0-9]{1,2}")) {
      int n = Integer.parseInt(s);
      return n >= 1 && n <= 64;
    }
    String upper = s.toUpperCase(java.util.Locale.ROOT);
    return s.chars().allMatch(c -> c < 0x80) && SIGNALS.contains(upper.startsWith("SIG") ? upper.substring(3) : upper);
  }
}
