package dev.carapace.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;
import org.immutables.value.Value;

/**
 * An immutable, validated description of a container to launch, hardened by default.
 *
 * <p>Without any call beyond {@code image}, a spec asks for what {@code docker run} gives only with
 * many flags: {@code --cap-drop ALL --security-opt no-new-privileges --network none
 * --pids-limit 1024}, the engine's default seccomp profile, never {@code --privileged}, no host
 * namespaces. Each loosening is an explicit call, documented with a warning.
 *
 * <pre>{@code
 * SecureContainerSpec spec = SecureContainerSpec.builder()
 *     .image("busybox:1.36")
 *     .command(List.of("sh", "-c", "chown 1000 /data"))
 *     .addCapAdd(Capability.CHOWN)                 // drop ALL, then add back what it needs
 *     .cpusetCpus(CpuSet.parse("0"))
 *     .cpuShares(512)
 *     .memoryLimit(MemorySize.ofMebibytes(64))
 *     .readOnlyRootFilesystem(true)
 *     .addMounts(Mount.tmpfs(ContainerPath.of("/tmp"), MemorySize.ofMebibytes(16)))
 *     .build();
 * }</pre>
 *
 * <p>{@link Builder#build()} checks the whole spec and throws one {@link InvalidSpecException} that
 * lists every problem. Checks that need the engine (is the image there, does it have CPU 5, does it
 * know the log driver) happen at launch.
 */
@Value.Immutable
public abstract class SecureContainerSpec {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
  private static final Pattern HOSTNAME =
      Pattern.compile("[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*");
  private static final Pattern USER_PART = Pattern.compile("[0-9]+|[a-zA-Z_][a-zA-Z0-9_.-]*\\$?");
  private static final Pattern ENV_KEY = Pattern.compile("[^=\\x00]+");
  private static final Pattern SIGNAL = Pattern.compile("(SIG)?[A-Z0-9+-]+|[0-9]+");
  private static final Pattern IMAGE = Pattern.compile("[^\\s]+");
  private static final Pattern NETWORK = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.:-]*");
  /** Label keys under this prefix are Carapace's own. */
  public static final String RESERVED_LABEL_PREFIX = "dev.carapace.";

  SecureContainerSpec() {}

  /** A new builder, with every secure default in place. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this spec's values, to derive a changed copy. */
  public Builder toBuilder() {
    return new Builder().from(this);
  }

  /**
   * Builds a {@link SecureContainerSpec}. Setters are bare nouns ({@code user("1000:1000")}),
   * collections take {@code addX}, {@code addAllX}, {@code putX}.
   */
  public static final class Builder extends ImmutableSecureContainerSpec.Builder {
    Builder() {}

    /**
     * Adds capabilities by name, in any spelling ({@code "NET_RAW"}, {@code "cap_chown"}), as
     * {@code --cap-add}.
     */
    public Builder addCapAdd(String... names) {
      for (String n : names) {
        addCapAdd(Capability.parse(n));
      }
      return this;
    }

    /** Drops capabilities by name, in any spelling, as {@code --cap-drop}; see {@link #capDrop()}. */
    public Builder addCapDrop(String... names) {
      for (String n : names) {
        addCapDrop(Capability.parse(n));
      }
      return this;
    }

    /**
     * <b>Warning: lets processes gain privileges</b> through setuid binaries and file capabilities:
     * removes {@code --security-opt no-new-privileges}. Same as {@code noNewPrivileges(false)}.
     */
    public Builder allowPrivilegeEscalation() {
      return noNewPrivileges(false);
    }

    /** Sets the command from words ({@code docker run IMAGE CMD...}). */
    public Builder command(String... argv) {
      return command(List.of(argv));
    }
  }

  /** The image to run ({@code docker run IMAGE}), e.g. {@code busybox:1.36} or an image id. Required. */
  public abstract String image();

  /** The command ({@code docker run IMAGE CMD...}); empty means the image's {@code CMD}. */
  public abstract List<String> command();

  /** The entrypoint ({@code --entrypoint}); empty means the image's {@code ENTRYPOINT}. */
  public abstract List<String> entrypoint();

  /**
   * Environment variables ({@code -e KEY=VALUE}). Values never appear in {@code toString}, logs or
   * error messages.
   */
  @Value.Redacted
  public abstract Map<String, String> env();

  /** The working directory ({@code -w}); if unset, the image's. */
  public abstract Optional<ContainerPath> workingDir();

  /**
   * The user and optional group ({@code -u 1000:1000}, {@code -u app}); if unset, the image's
   * {@code USER}, which is often root: the policy module flags that.
   */
  public abstract Optional<String> user();

  /** Labels ({@code --label}); keys under {@code dev.carapace.} are reserved. */
  public abstract Map<String, String> labels();

  /** The container's name ({@code --name}); if unset, the engine picks one. */
  public abstract Optional<String> name();

  /** The hostname ({@code --hostname}); if unset, the engine uses the container id. */
  public abstract Optional<String> hostname();

  /**
   * Whether to drop every capability before adding {@link #capAdd()} back ({@code --cap-drop ALL}).
   * Default {@code true}: the seed's first way. <b>Set {@code false} only to start from Docker's 14
   * default capabilities</b> and take some away with {@link #capDrop()}, the seed's second way.
   */
  @Value.Default
  public boolean dropAllCapabilities() {
    return true;
  }

  /** Capabilities to add ({@code --cap-add}). Each is a privilege: add only what the workload needs. */
  public abstract Set<Capability> capAdd();

  /**
   * Capabilities to drop from Docker's defaults ({@code --cap-drop X}); only with
   * {@code dropAllCapabilities(false)}, since ALL already drops them.
   */
  public abstract Set<Capability> capDrop();

  /**
   * Whether processes are barred from gaining privileges ({@code --security-opt no-new-privileges}).
   * Default {@code true}; see {@link Builder#allowPrivilegeEscalation()}.
   */
  @Value.Default
  public boolean noNewPrivileges() {
    return true;
  }

  /** The seccomp filter; default {@link Seccomp#engineDefault()}. */
  @Value.Default
  public Seccomp seccomp() {
    return Seccomp.engineDefault();
  }

  /** The SELinux label ({@code --security-opt label=...}); if unset, the engine's default. */
  public abstract Optional<SelinuxLabel> selinuxLabel();

  /**
   * The AppArmor profile ({@code --security-opt apparmor=NAME}); if unset, the engine's default
   * ({@code docker-default} where AppArmor runs). <b>{@code unconfined} turns AppArmor off.</b>
   */
  public abstract Optional<String> apparmorProfile();

  /** The CPUs the container may run on ({@code --cpuset-cpus}); if unset, all. Checked against the engine at launch. */
  public abstract Optional<CpuSet> cpusetCpus();

  /**
   * The relative CPU weight ({@code -c}, {@code --cpu-shares}), 2 to 262144; if unset, 1024. It only
   * matters when CPUs are contended: 512 against 1024 gets a third of a shared core.
   */
  public abstract OptionalInt cpuShares();

  /** CPU time per period in microseconds ({@code --cpu-quota}); excludes {@link #nanoCpus()}. */
  public abstract OptionalLong cpuQuota();

  /** The CFS period in microseconds ({@code --cpu-period}), 1000 to 1000000; excludes {@link #nanoCpus()}. */
  public abstract OptionalLong cpuPeriod();

  /** CPUs in billionths ({@code --cpus 1.5} is 1500000000); excludes quota and period. */
  public abstract OptionalLong nanoCpus();

  /** The memory limit ({@code -m}); at least 6 MiB. If unset, none: the policy module flags that. */
  public abstract Optional<MemorySize> memoryLimit();

  /**
   * Memory plus swap ({@code --memory-swap}); at least {@link #memoryLimit()}, which it needs. If
   * unset, the engine allows as much swap again as memory.
   */
  public abstract Optional<MemorySize> memorySwap();

  /**
   * The most processes and threads ({@code --pids-limit}). Default 1024, a fork bomb's end
   * (CIS 5.28). <b>{@code -1} removes the limit.</b>
   */
  @Value.Default
  public long pidsLimit() {
    return 1024;
  }

  /** Resource limits ({@code --ulimit}). */
  public abstract List<Ulimit> ulimits();

  /** The log driver and options ({@code --log-driver}, {@code --log-opt}); if unset, the engine's default. */
  public abstract Optional<LogConfig> logConfig();

  /** Whether the root filesystem is read-only ({@code --read-only}); default {@code false}. Add tmpfs mounts for scratch space. */
  @Value.Default
  public boolean readOnlyRootFilesystem() {
    return false;
  }

  /** Bind mounts, volumes and tmpfs ({@code -v}, {@code --mount}, {@code --tmpfs}). */
  public abstract List<Mount> mounts();

  /**
   * The network ({@code --network}). Default {@code none}: no interface but loopback (CIS 5.30,
   * least privilege). Use {@code bridge} or a named network to talk to the world. <b>{@code host}
   * shares the host's network stack and needs {@link #hostNetworkAllowed()}.</b>
   */
  @Value.Default
  public String network() {
    return "none";
  }

  /** <b>Warning: allows {@code network("host")}</b>, which shares the host's network namespace. Default false. */
  @Value.Default
  public boolean hostNetworkAllowed() {
    return false;
  }

  /** Published ports ({@code -p}); each names its host IP. Need a network other than none and host. */
  public abstract List<PortBinding> ports();

  /** The restart policy ({@code --restart}); if unset, {@code no}. */
  public abstract Optional<RestartPolicy> restartPolicy();

  /** The health check ({@code --health-cmd}...); if unset, the image's {@code HEALTHCHECK}. */
  public abstract Optional<HealthCheck> healthCheck();

  /** Whether to run an init process as PID 1 ({@code --init}) that reaps zombies and forwards signals. */
  @Value.Default
  public boolean init() {
    return false;
  }

  /** The signal that stops the container ({@code --stop-signal}); if unset, the image's or SIGTERM. */
  public abstract Optional<String> stopSignal();

  /** How long to wait after the stop signal before SIGKILL ({@code --stop-timeout}); if unset, 10 s. */
  public abstract Optional<Duration> stopTimeout();

  /** The capabilities the container's processes end up with, before the user's own limits. */
  public Set<Capability> effectiveCapabilities() {
    EnumSet<Capability> caps = EnumSet.noneOf(Capability.class);
    if (!dropAllCapabilities()) {
      caps.addAll(Capability.dockerDefaults());
      caps.removeAll(capDrop());
    }
    caps.addAll(capAdd());
    return caps;
  }

  /** Every {@code --security-opt} value this spec sends, in order. */
  public List<String> securityOpts() {
    List<String> opts = new ArrayList<>(4);
    if (noNewPrivileges()) {
      opts.add("no-new-privileges");
    }
    seccomp().securityOpt().ifPresent(opts::add);
    selinuxLabel().ifPresent(l -> opts.addAll(l.securityOpts()));
    apparmorProfile().ifPresent(p -> opts.add("apparmor=" + p));
    return opts;
  }

  @Value.Check
  final void check() {
    List<String> problems = new ArrayList<>();
    if (image() == null) {
      problems.add("image is required: unset (call image(\"busybox:1.36\"))");
    } else if (!IMAGE.matcher(image()).matches()) {
      problems.add("image must be a reference without blanks: \"" + image() + "\"");
    }
    for (String key : env().keySet()) {
      if (!ENV_KEY.matcher(key).matches()) {
        problems.add("env name must be non-empty without '=': \"" + key + "\"");
      }
    }
    for (Map.Entry<String, String> e : labels().entrySet()) {
      if (e.getKey().isEmpty()) {
        problems.add("label key must not be empty: \"\"");
      } else if (e.getKey().indexOf('=') >= 0) {
        problems.add("label key must not contain '=': " + e.getKey());
      } else if (e.getKey().startsWith(RESERVED_LABEL_PREFIX)) {
        problems.add("label key must not start with " + RESERVED_LABEL_PREFIX + " (reserved for Carapace): "
            + e.getKey());
      }
    }
    user().ifPresent(u -> {
      String[] parts = u.split(":", -1);
      if (parts.length > 2 || !USER_PART.matcher(parts[0]).matches()
          || (parts.length == 2 && !USER_PART.matcher(parts[1]).matches())) {
        problems.add("user must be name or uid, optionally :group or :gid: " + u);
      }
    });
    name().ifPresent(n -> {
      if (!NAME.matcher(n).matches() || n.length() < 2) {
        problems.add("name must match [a-zA-Z0-9][a-zA-Z0-9_.-]+: " + n);
      }
    });
    hostname().ifPresent(h -> {
      if (h.length() > 253 || !HOSTNAME.matcher(h).matches()) {
        problems.add("hostname must be an RFC 1123 host name: " + h);
      }
    });
    Set<Capability> both = EnumSet.noneOf(Capability.class);
    both.addAll(capAdd());
    both.retainAll(capDrop());
    if (!both.isEmpty()) {
      problems.add("capAdd and capDrop must not share capabilities: " + both);
    }
    if (dropAllCapabilities() && !capDrop().isEmpty()) {
      problems.add("capDrop is redundant when dropAllCapabilities is true: " + capDrop()
          + " (call dropAllCapabilities(false) to drop a named list from Docker's defaults)");
    }
    apparmorProfile().ifPresent(p -> {
      if (!p.matches("[a-zA-Z0-9_./-]+")) {
        problems.add("apparmorProfile must match [a-zA-Z0-9_./-]+: " + p);
      }
    });
    cpuShares().ifPresent(s -> {
      if (s < 2 || s > 262144) {
        problems.add("cpuShares must be between 2 and 262144: " + s);
      }
    });
    cpuPeriod().ifPresent(p -> {
      if (p < 1000 || p > 1000000) {
        problems.add("cpuPeriod must be between 1000 and 1000000 microseconds: " + p);
      }
    });
    cpuQuota().ifPresent(q -> {
      if (q < 1000) {
        problems.add("cpuQuota must be at least 1000 microseconds: " + q);
      }
    });
    nanoCpus().ifPresent(n -> {
      if (n < 10_000_000L) {
        problems.add("nanoCpus must be at least 10000000 (0.01 CPU): " + n);
      }
      if (cpuQuota().isPresent() || cpuPeriod().isPresent()) {
        problems.add("nanoCpus excludes cpuQuota and cpuPeriod: " + n
            + " with quota " + cpuQuota() + " and period " + cpuPeriod());
      }
    });
    MemorySize minMemory = MemorySize.ofMebibytes(6);
    memoryLimit().ifPresent(m -> {
      if (m.compareTo(minMemory) < 0) {
        problems.add("memoryLimit must be at least 6MiB: " + m);
      }
    });
    memorySwap().ifPresent(s -> {
      if (memoryLimit().isEmpty()) {
        problems.add("memorySwap needs memoryLimit: " + s + " (set memoryLimit too)");
      } else if (s.compareTo(memoryLimit().get()) < 0) {
        problems.add("memorySwap must be at least memoryLimit: " + s + " < " + memoryLimit().get());
      }
    });
    if (pidsLimit() == 0 || pidsLimit() < -1) {
      problems.add("pidsLimit must be positive, or -1 for no limit: " + pidsLimit());
    }
    Set<String> ulimitNames = new HashSet<>();
    for (Ulimit u : ulimits()) {
      if (!ulimitNames.add(u.name())) {
        problems.add("ulimits must not repeat a name: " + u.name());
      }
    }
    Set<ContainerPath> targets = new HashSet<>();
    for (Mount m : mounts()) {
      if (!targets.add(m.target())) {
        problems.add("mount targets must be unique: " + m.target());
      }
      if (m.target().toString().equals("/")) {
        problems.add("mount target must not be the root: /");
      }
    }
    if (network() == null || !NETWORK.matcher(network()).matches()) {
      problems.add("network must be none, bridge, host, container:NAME or a network name: " + network());
    } else {
      if (network().equals("host") && !hostNetworkAllowed()) {
        problems.add("network host shares the host's network namespace: host"
            + " (call hostNetworkAllowed(true) to accept that)");
      }
      if (!ports().isEmpty() && (network().equals("none") || network().equals("host")
          || network().startsWith("container:"))) {
        problems.add("ports require a network of their own: network is " + network()
            + " (call network(\"bridge\"))");
      }
      if (hostname().isPresent() && (network().equals("host") || network().startsWith("container:"))) {
        problems.add("hostname conflicts with network " + network() + ": " + hostname().get());
      }
    }
    Set<String> published = new HashSet<>();
    for (PortBinding p : ports()) {
      if (p.hostPort() != 0 && !published.add(p.hostIp() + ":" + p.hostPort() + "/" + p.protocol())) {
        problems.add("ports must not publish a host port twice: " + p);
      }
    }
    stopSignal().ifPresent(s -> {
      if (!SIGNAL.matcher(s).matches()) {
        problems.add("stopSignal must be a signal name or number like SIGTERM: " + s);
      }
    });
    stopTimeout().ifPresent(t -> {
      if (t.isNegative() || t.getSeconds() > Integer.MAX_VALUE) {
        problems.add("stopTimeout must be between 0 and " + Integer.MAX_VALUE + " seconds: " + t);
      } else if (t.getNano() != 0) {
        problems.add("stopTimeout must be whole seconds (the engine takes seconds): " + t);
      }
    });
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(problems);
    }
  }
}
