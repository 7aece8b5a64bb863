package dev.carapace.core.testing;

import dev.carapace.core.Capability;
import dev.carapace.core.ContainerPath;
import dev.carapace.core.ContainerRuntime;
import dev.carapace.core.CpuSet;
import dev.carapace.core.HealthCheck;
import dev.carapace.core.LogConfig;
import dev.carapace.core.MemorySize;
import dev.carapace.core.Mount;
import dev.carapace.core.NetworkAttachment;
import dev.carapace.core.NetworkMode;
import dev.carapace.core.PortBinding;
import dev.carapace.core.RestartPolicy;
import dev.carapace.core.Seccomp;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SelinuxLabel;
import dev.carapace.core.Ulimit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Generates valid specs over every attribute, with hostile strings (quotes, blanks, non-ASCII), for
 * property tests of everything that maps the spec's fields (the {@code docker run} renderer and parser,
 * the translator and the verifier). Deterministic: the same {@link Random} seed gives the same spec.
 */
public final class SpecGenerator {
  /** The fields of issue 23: shm size, hosts, DNS, sysctls, aliases and more networks, platform, tty, stdin. */
  private static void newFields(Random r, SecureContainerSpec.Builder b, String network, Set<String> targets) {
    boolean container = network.startsWith("container:");
    boolean ownNetns = !(container || network.equals("host"));
    if (r.nextInt(3) == 0 && !targets.contains("/dev/shm")) {
      // at most 6 MiB, the least memory limit, so that it never exceeds the one generated
      b.shmSize(r.nextBoolean() ? MemorySize.ofMebibytes(1 + r.nextInt(6)) : MemorySize.ofBytes(1 + r.nextInt(6 << 20)));
    }
    if (!container) {
      for (int i = r.nextInt(3); i > 0; i--) {
        b.addExtraHost(pick(r, List.of("db", "a-1.example.org", "h" + alnum(r, 0, 6))) + i,
            pick(r, List.of("10.0.0.5", "127.0.0.1", "fd00::5", "::1", "192.168.1." + r.nextInt(256))));
      }
      if (r.nextInt(3) == 0) {
        b.addDnsServer(pick(r, List.of("10.0.0.2", "1.1.1.1", "fd00::53")));
      }
      if (r.nextInt(3) == 0) {
        b.addDnsSearch(pick(r, List.of("corp.example", "svc.cluster.local", "x" + alnum(r, 0, 8))));
      }
    }
    if (r.nextInt(3) == 0) {
      b.putSysctl("kernel.shm_rmid_forced", r.nextBoolean() ? "1" : "0");
      if (ownNetns && r.nextBoolean()) {
        b.putSysctl("net.ipv4.ip_unprivileged_port_start", Integer.toString(r.nextInt(1025)));
      }
      if (r.nextBoolean()) {
        b.putUnsafeSysctl(pick(r, List.of("kernel.msgmax", "fs.mqueue.msg_max", "kernel.sem")),
            Integer.toString(1 + r.nextInt(65536)));
      }
    }
    if (network.equals("app_net.1") && r.nextBoolean()) {
      b.addNetworkAlias("web", "w-" + alnum(r, 1, 6));
    }
    if ((network.equals("app_net.1") || network.equals("bridge")) && r.nextBoolean()) {
      b.addNetwork(NetworkAttachment.of(NetworkMode.named("back_net"), r.nextBoolean() ? new String[0]
          : new String[] {"api", "a-" + alnum(r, 1, 5)}));
      if (r.nextBoolean()) {
        b.addNetwork(NetworkAttachment.of(NetworkMode.named("third")));
      }
    }
    if (r.nextInt(3) == 0) {
      b.platform(pick(r, List.of("linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm64/v8")));
    }
    b.tty(r.nextBoolean());
    b.openStdin(r.nextBoolean());
  }

  private static final String NASTY = "aZ09 _-.'\"\\$`#|&;<>(){}*?~!=,:/@%+\t\n\u00e9\u4e2d";
  private static final String PATH_CHARS = "abcXYZ019_-., '\"=#$\u00e9";
  private static final List<String> IPS = List.of("127.0.0.1", "0.0.0.0", "10.1.2.3", "::1", "::", "fe80::1");

  private SpecGenerator() {}

  /**
   * A valid spec over every attribute, from {@code r}; seccomp profiles are picked from {@code profiles}
   * (files the caller wrote).
   */
  public static SecureContainerSpec generate(Random r, List<Seccomp> profiles) {
    SecureContainerSpec.Builder b = SecureContainerSpec.builder();
    b.image(pick(r, List.of("busybox:1.36", "debian", "ghcr.io/acme/app@sha256:" + "0123abcd".repeat(8),
        "localhost:5000/x", "[::1]:5000/a/b:c", "docker", "run", "a__b--c/d.e_f:" + alnum(r, 1, 8),
        "a".repeat(64).replace('a', 'f'), alnum(r, 1, 8).toLowerCase(java.util.Locale.ROOT))));
    b.command(words(r, r.nextInt(4)));
    if (r.nextInt(4) == 0) {
      b.entrypoint(List.of("x" + nasty(r, 0, 6)));
    }
    for (int i = r.nextInt(4); i > 0; i--) {
      b.putEnv(key(r), nasty(r, 0, 10));
    }
    if (r.nextBoolean()) {
      b.workingDir(ContainerPath.of(path(r)));
    }
    if (r.nextBoolean()) {
      b.user(pick(r, List.of("1000", "1000:1000", "app", "app:staff", "www-data$", "0:0")));
    }
    for (int i = r.nextInt(3); i > 0; i--) {
      b.putLabel(key(r), nasty(r, 0, 8));
    }
    if (r.nextBoolean()) {
      b.name("c" + alnum(r, 1, 10));
    }
    boolean dropAll = r.nextBoolean();
    if (!dropAll) {
      b.keepDockerDefaultCapabilities();
    }
    Set<Capability> add = new HashSet<>();
    for (int i = r.nextInt(4); i > 0; i--) {
      add.add(pick(r, List.of(Capability.values())));
    }
    b.addAllCapabilities(add);
    if (!dropAll) {
      for (int i = r.nextInt(5); i > 0; i--) {
        Capability c = pick(r, List.of(Capability.values()));
        if (!add.contains(c)) {
          b.dropCapability(c);
        }
      }
    }
    if (r.nextBoolean()) {
      b.allowPrivilegeEscalation();
    }
    switch (r.nextInt(4)) {
      case 0: b.seccomp(Seccomp.unconfined()); break;
      case 1: b.seccomp(pick(r, profiles)); break;
      default: break;
    }
    switch (r.nextInt(5)) {
      case 0: b.selinuxLabel(SelinuxLabel.type("t_" + alnum(r, 1, 6))); break;
      case 1: b.selinuxLabel(SelinuxLabel.of(r.nextBoolean() ? "system_u" : null, r.nextBoolean() ? "r" : null,
          "svirt.t-" + alnum(r, 0, 4), r.nextBoolean() ? "s0:c1,c2" : null)); break;
      case 2: b.selinuxLabel(SelinuxLabel.disable()); break;
      default: break;
    }
    if (r.nextInt(3) == 0) {
      b.apparmorProfile(pick(r, List.of("docker-default", "unconfined", "my/profile_1.x")));
    }
    if (r.nextBoolean()) {
      b.cpusetCpus(CpuSet.of(r.ints(1 + r.nextInt(4), 0, 64).toArray()));
    }
    if (r.nextBoolean()) {
      b.cpuShares(2 + r.nextInt(262143));
    }
    switch (r.nextInt(4)) {
      case 0: b.nanoCpus(10_000_000L + (long) (r.nextDouble() * 64_000_000_000L)); break;
      case 1: b.cpuQuota(1000 + r.nextInt(1_000_000)); break;
      case 2: b.cpuPeriod(1000 + r.nextInt(999_001)).cpuQuota(1000 + r.nextInt(1_000_000)); break;
      default: break;
    }
    if (r.nextBoolean()) {
      long limit = (6L << 20) + (long) (r.nextDouble() * (64L << 30));
      b.memoryLimit(MemorySize.ofBytes(limit));
      if (r.nextBoolean()) {
        b.memorySwap(MemorySize.ofBytes(limit + (r.nextBoolean() ? 0 : (long) (r.nextDouble() * (8L << 30)))));
      }
    }
    long pids = pick(r, List.of(-1L, 1L, 1024L, 1L + r.nextInt(1_000_000)));
    if (pids < 0) {
      b.unlimitedPids();
    } else {
      b.pidsLimit(pids);
    }
    List<String> names = new ArrayList<>(new TreeSet<>(Ulimit.NAMES));
    for (int i = r.nextInt(3); i > 0; i--) {
      String name = names.remove(r.nextInt(names.size()));
      long hard = r.nextInt(5) == 0 ? -1 : r.nextInt(1 << 20);
      long soft = hard == -1 ? (r.nextBoolean() ? -1 : r.nextInt(1000)) : r.nextInt((int) hard + 1);
      b.addUlimit(new Ulimit(name, soft, hard));
    }
    if (r.nextBoolean()) {
      b.logConfig(logConfig(r));
    }
    b.readOnlyRootFilesystem(r.nextBoolean());
    Set<String> targets = new HashSet<>();
    for (int i = r.nextInt(5); i > 0; i--) {
      ContainerPath target = ContainerPath.of(path(r));
      if (!targets.add(target.toString())) {
        continue;
      }
      Mount m;
      switch (r.nextInt(4)) {
        case 0: m = Mount.bind(r.nextInt(8) == 0 ? "/" : path(r), target); break;
        case 1: m = Mount.volume("v" + alnum(r, 0, 8) + pick(r, List.of("", "_x", ".y", "-z")), target); break;
        case 2: m = Mount.tmpfs(target); break;
        default: m = Mount.tmpfs(target, MemorySize.ofBytes(1 + (long) (r.nextDouble() * (1L << 32)))); break;
      }
      b.addMount(r.nextBoolean() ? m.asReadOnly() : m);
    }
    String network = pick(r, List.of("none", "bridge", "host", "container:db", "app_net.1", "bridge"));
    if (network.equals("host")) {
      b.allowHostNetwork();
    } else {
      b.network(NetworkMode.parse(network));
    }
    boolean own = !(network.equals("host") || network.startsWith("container:"));
    if (own && r.nextBoolean()) {
      b.hostname(pick(r, List.of("web", "a-1.example.org", "x" + alnum(r, 0, 20))));
    }
    if (own && !network.equals("none")) {
      Set<String> published = new HashSet<>();
      for (int i = r.nextInt(4); i > 0; i--) {
        PortBinding p = new PortBinding(pick(r, IPS), r.nextInt(6) == 0 ? 0 : 1 + r.nextInt(65535),
            1 + r.nextInt(65535), pick(r, List.of(PortBinding.Protocol.values())));
        if (p.hostPort() == 0 || published.add(p.hostIp() + ":" + p.hostPort() + "/" + p.protocol())) {
          b.addPort(p);
        }
      }
    }
    // gVisor only with network none (runsc runs with --network=none); other runtimes with any network
    List<ContainerRuntime> runtimes = new ArrayList<>(List.of(ContainerRuntime.engineDefault(),
        ContainerRuntime.engineDefault(), ContainerRuntime.named("kata"), ContainerRuntime.named("runc"),
        ContainerRuntime.named("io.containerd.kata.v2"), ContainerRuntime.named("c" + alnum(r, 0, 6))));
    if (network.equals("none")) {
      runtimes.addAll(List.of(ContainerRuntime.gvisor(), ContainerRuntime.gvisor(), ContainerRuntime.gvisor()));
    }
    b.runtime(pick(r, runtimes));
    if (r.nextInt(3) == 0) {
      b.untrusted();
    }
    if (r.nextBoolean()) {
      b.restartPolicy(pick(r, List.of(RestartPolicy.no(), RestartPolicy.always(), RestartPolicy.unlessStopped(),
          RestartPolicy.onFailure(0), RestartPolicy.onFailure(1 + r.nextInt(20)))));
    }
    if (r.nextBoolean()) {
      b.healthCheck(HealthCheck.shell(nasty(r, 1, 20)).interval(duration(r, 1_000_000L))
          .timeout(duration(r, 1_000_000L)).startPeriod(duration(r, 0)).retries(r.nextInt(10)));
    }
    b.init(r.nextBoolean());
    if (r.nextBoolean()) {
      b.stopSignal(pick(r, List.of("SIGTERM", "SIGKILL", "9", "SIGRTMIN+3", "QUIT")));
    }
    if (r.nextBoolean()) {
      b.stopTimeout(Duration.ofSeconds(r.nextInt(600)));
    }
    newFields(r, b, network, targets);
    return b.build();
  }

  private static LogConfig logConfig(Random r) {
    switch (r.nextInt(5)) {
      case 0: return LogConfig.jsonFile(MemorySize.ofBytes(1 + r.nextInt(1 << 30)), 1 + r.nextInt(10));
      case 1: return LogConfig.builder("syslog").option("syslog-address",
          pick(r, List.of("udp://127.0.0.1:514", "tcp://[::1]:5514", "unix:///dev/log", "tcp+tls://logs:6514")))
          .option("tag", "t" + nasty(r, 0, 8).replaceAll("[\\t\\n]", "_")).build();
      case 2: return LogConfig.journald();
      case 3: return LogConfig.none();
      default:
        LogConfig.Builder b = LogConfig.builder(pick(r, List.of("grafana/loki:2.9", "fluentd", "local")));
        for (int i = r.nextInt(3); i > 0; i--) {
          b.option(pick(r, List.of("loki-url", "fluentd-address", "labels", "env", "mode", "x.y_z")),
              nasty(r, 0, 12));
        }
        return b.build();
    }
  }

  /** A duration of at least {@code min} nanoseconds, with any precision from hours to nanoseconds. */
  private static Duration duration(Random r, long min) {
    long unit = pick(r, List.of(1L, 1_000L, 1_000_000L, 1_000_000_000L, 60_000_000_000L));
    return Duration.ofNanos(min + unit * r.nextInt(5000));
  }

  private static String key(Random r) {
    String k;
    do {
      k = nasty(r, 1, 8).replace("=", "");
    } while (k.isEmpty() || k.startsWith(SecureContainerSpec.RESERVED_LABEL_PREFIX));
    return k;
  }

  private static List<String> words(Random r, int count) {
    List<String> words = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      words.add(nasty(r, 0, 8));
    }
    return words;
  }

  private static String path(Random r) {
    StringBuilder sb = new StringBuilder();
    for (int i = 1 + r.nextInt(3); i > 0; i--) {
      String part;
      do {
        part = from(r, PATH_CHARS, 1, 6);
      } while (part.equals(".") || part.equals(".."));
      sb.append('/').append(part);
    }
    return sb.toString();
  }

  private static String nasty(Random r, int min, int max) {
    return from(r, NASTY, min, max);
  }

  private static String alnum(Random r, int min, int max) {
    return from(r, "abcdefghijklmnopqrstuvwxyz0123456789", min, max);
  }

  private static String from(Random r, String chars, int min, int max) {
    int len = min + r.nextInt(max - min + 1);
    StringBuilder sb = new StringBuilder(len);
    for (int i = 0; i < len; i++) {
      sb.append(chars.charAt(r.nextInt(chars.length())));
    }
    return sb.toString();
  }

  private static <T> T pick(Random r, List<T> values) {
    return values.get(r.nextInt(values.size()));
  }
}
