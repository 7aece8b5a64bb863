package dev.carapace.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import dev.carapace.core.internal.io.Strings;
import dev.carapace.core.internal.values.ValueStyle;
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
 *     .addCapability(Capability.CHOWN)             // drop ALL, then add back what it needs
 *     .cpusetCpus(CpuSet.parse("0"))
 *     .cpuShares(512)
 *     .memoryLimit(MemorySize.ofMebibytes(64))
 *     .readOnlyRootFilesystem(true)
 *     .addMount(Mount.tmpfs(ContainerPath.of("/tmp"), MemorySize.ofMebibytes(16)))
 *     .build();
 * }</pre>
 *
 * <p>For code nobody trusts, {@link Builder#untrusted()} marks the workload, and
 * {@code runtime(ContainerRuntime.gvisor())} ({@code --runtime runsc}) puts gVisor's user-space kernel
 * between it and the host's; see {@link ContainerRuntime} for what changes inside the sandbox.
 *
 * <p>{@link Builder#build()} checks the whole spec and throws one {@link InvalidSpecException} that
 * lists every problem. Checks that need the engine (is the image there, does it have CPU 5, does it
 * know the log driver) happen at launch.
 */
@Value.Immutable
@ValueStyle.WrappedBuilder
public abstract class SecureContainerSpec {
  /** Label keys under this prefix are Carapace's own. */
  public static final String RESERVED_LABEL_PREFIX = "dev.carapace.";
  /**
   * The label, {@code true}, on the container of a spec marked {@link Builder#untrusted()}: how the
   * policy, and anyone listing the engine's containers, tells untrusted code from the rest.
   */
  public static final String UNTRUSTED_LABEL = RESERVED_LABEL_PREFIX + "untrusted";
  /**
   * The sysctls Kubernetes calls safe (its kubelet's allowlist and Pod Security baseline, 1.29+): namespaced
   * per container and isolated from other containers on the node. {@link Builder#putSysctl} takes only
   * these; {@link Builder#putUnsafeSysctl} the other namespaced ones.
   */
  public static final Set<String> KUBERNETES_SAFE_SYSCTLS = Set.of("kernel.shm_rmid_forced",
      "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies",
      "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time",
      "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes");

  SecureContainerSpec() {}

  /** A new builder, with every secure default in place. */
  public static Builder builder() {
    return new Builder(new ImmutableSecureContainerSpec.Builder());
  }

  /** A builder holding this spec's values, to derive a changed copy. */
  public Builder toBuilder() {
    // from() skips an empty Optional, which would bring pidsLimit's default back after unlimitedPids()
    return new Builder(new ImmutableSecureContainerSpec.Builder().from(this).pidsLimit(pidsLimit()));
  }

  /**
   * Builds a {@link SecureContainerSpec}, starting from the secure defaults. Single values are set
   * with bare nouns ({@code user("1000:1000")}), collection elements with singular adders
   * ({@code addMount}, {@code putLabel}); each loosening is its own argument-free call
   * ({@link #keepDockerDefaultCapabilities()}, {@link #allowPrivilegeEscalation()},
   * {@link #allowHostNetwork()}, {@link #unlimitedPids()}).
   *
   * <p>Every method refuses {@code null} with a {@link NullPointerException} naming the attribute.
   * Values are checked by their own types when made ({@link CpuSet#parse}, {@link MemorySize}...);
   * {@link #build()} checks the whole spec and reports every problem at once.
   */
  public static final class Builder {
    private final ImmutableSecureContainerSpec.Builder b;

    private Builder(ImmutableSecureContainerSpec.Builder b) {
      this.b = b;
    }

    /**
     * The image to run ({@code docker run IMAGE}): a reference such as {@code busybox:1.36} or an
     * image id. Required. Checked by {@link #build()} against Docker's reference grammar: repository
     * names are lower case.
     */
    public Builder image(String image) {
      b.image(nonNull(image, "image"));
      return this;
    }

    /** The command, as words ({@code docker run IMAGE CMD...}). If unset, the image's {@code CMD}. */
    public Builder command(String... argv) {
      return command(List.of(nonNullElements(argv, "command")));
    }

    /** The command, as words ({@code docker run IMAGE CMD...}). If unset, the image's {@code CMD}. */
    public Builder command(List<String> argv) {
      b.command(List.copyOf(nonNullElements(argv, "command")));
      return this;
    }

    /**
     * The entrypoint ({@code --entrypoint}), as words. If unset, the image's {@code ENTRYPOINT}. One empty
     * word is refused by {@link #build()}: the engine reads {@code [""]} as clearing the image's
     * {@code ENTRYPOINT}, not as a program. A word holding NUL is refused too.
     */
    public Builder entrypoint(String... argv) {
      return entrypoint(List.of(nonNullElements(argv, "entrypoint")));
    }

    /** The entrypoint ({@code --entrypoint}), as words. If unset, the image's {@code ENTRYPOINT}. */
    public Builder entrypoint(List<String> argv) {
      b.entrypoint(List.copyOf(nonNullElements(argv, "entrypoint")));
      return this;
    }

    /**
     * Sets environment variable {@code name} ({@code -e NAME=VALUE}). The value never appears in
     * {@code toString}, logs or error messages. If unset, only the image's variables.
     */
    public Builder putEnv(String name, String value) {
      nonNull(name, "env name");
      if (value == null) {
        throw new NullPointerException("env value must not be null: " + name);
      }
      b.putEnv(name, value);
      return this;
    }

    /** Replaces the environment with {@code env}, checked as {@link #putEnv(String, String)} does. */
    public Builder env(Map<String, String> env) {
      nonNull(env, "env");
      b.env(Map.of());
      return putAllEnv(env);
    }

    /** Sets every variable of {@code env} as {@link #putEnv(String, String)} does. */
    public Builder putAllEnv(Map<String, String> env) {
      nonNull(env, "env").forEach(this::putEnv);
      return this;
    }

    /** The working directory ({@code -w}). If unset, the image's {@code WORKDIR}. */
    public Builder workingDir(ContainerPath dir) {
      b.workingDir(nonNull(dir, "workingDir"));
      return this;
    }

    /**
     * The user and optional group ({@code -u 1000:1000}, {@code -u app}). If unset, the image's
     * {@code USER}, which is often root: the policy module flags that. A numeric uid or gid is at most
     * 2147483647, as runc takes.
     */
    public Builder user(String user) {
      b.user(nonNull(user, "user"));
      return this;
    }

    /** Sets label {@code key} ({@code --label KEY=VALUE}); keys under {@code dev.carapace.} are reserved. */
    public Builder putLabel(String key, String value) {
      nonNull(key, "label key");
      if (value == null) {
        throw new NullPointerException("label value must not be null: " + key);
      }
      b.putLabels(key, value);
      return this;
    }

    /** Replaces the labels with {@code labels}, checked as {@link #putLabel(String, String)} does. */
    public Builder labels(Map<String, String> labels) {
      nonNull(labels, "labels");
      b.labels(Map.of());
      return putAllLabels(labels);
    }

    /** Sets every label of {@code labels} as {@link #putLabel(String, String)} does. */
    public Builder putAllLabels(Map<String, String> labels) {
      nonNull(labels, "labels").forEach(this::putLabel);
      return this;
    }

    /**
     * The container's name ({@code --name}): a letter or digit, then at least one letter, digit or
     * {@code _ . -} (the engine's own rule), at most 128 characters (Carapace's: the engine takes any
     * length). Checked by {@link #build()}. If unset, the engine picks one.
     */
    public Builder name(String name) {
      b.name(nonNull(name, "name"));
      return this;
    }

    /** The hostname ({@code --hostname}). If unset, the engine uses the container id. */
    public Builder hostname(String hostname) {
      b.hostname(nonNull(hostname, "hostname"));
      return this;
    }

    /**
     * Adds lines to the container's {@code /etc/hosts} ({@code --add-host HOST:IP}). If unset, only the
     * engine's own lines.
     */
    public Builder addExtraHost(ExtraHost... hosts) {
      for (ExtraHost h : nonNullElements(hosts, "extraHost")) {
        b.addExtraHosts(h);
      }
      return this;
    }

    /**
     * Adds {@code host} resolving to {@code ip} in {@code /etc/hosts} ({@code --add-host HOST:IP}), checked as
     * {@link ExtraHost#of(String, String)} does.
     *
     * @throws IllegalArgumentException naming the rule and the value
     */
    public Builder addExtraHost(String host, String ip) {
      return addExtraHost(ExtraHost.of(host, ip));
    }

    /** Replaces the extra {@code /etc/hosts} lines with {@code hosts}. */
    public Builder extraHosts(Collection<ExtraHost> hosts) {
      b.extraHosts(List.copyOf(nonNullElements(new ArrayList<>(nonNull(hosts, "extraHosts")), "extraHosts")));
      return this;
    }

    /**
     * Adds DNS servers ({@code --dns 10.0.0.2}), IP addresses written as {@code nameserver} lines of
     * {@code /etc/resolv.conf}, at most 3 (the resolver reads no more). Checked by {@link #build()}. If
     * unset, the engine's (the host's servers, or its embedded DNS on a user-defined network).
     */
    public Builder addDnsServer(String... servers) {
      for (String d : nonNullElements(servers, "dnsServer")) {
        b.addDnsServers(d);
      }
      return this;
    }

    /** Replaces the DNS servers with {@code servers}; see {@link #addDnsServer(String...)}. */
    public Builder dnsServers(Collection<String> servers) {
      b.dnsServers(List.copyOf(nonNullElements(new ArrayList<>(nonNull(servers, "dnsServers")), "dnsServers")));
      return this;
    }

    /**
     * Adds DNS search domains ({@code --dns-search example.com}), RFC 1123 names written on the
     * {@code search} line of {@code /etc/resolv.conf}. Checked by {@link #build()}. If unset, the host's.
     */
    public Builder addDnsSearch(String... domains) {
      for (String d : nonNullElements(domains, "dnsSearch")) {
        b.addDnsSearch(d);
      }
      return this;
    }

    /** Replaces the DNS search domains with {@code domains}; see {@link #addDnsSearch(String...)}. */
    public Builder dnsSearch(Collection<String> domains) {
      b.dnsSearch(List.copyOf(nonNullElements(new ArrayList<>(nonNull(domains, "dnsSearch")), "dnsSearch")));
      return this;
    }

    /**
     * Adds capabilities back after every capability was dropped ({@code --cap-add}). Each is a
     * privilege: add only what the workload needs. If unset, the container has none.
     */
    public Builder addCapability(Capability... capabilities) {
      for (Capability c : nonNullElements(capabilities, "capability")) {
        b.addAddedCapabilities(c);
      }
      return this;
    }

    /**
     * Adds capabilities by name, in any spelling ({@code "NET_RAW"}, {@code "cap_chown"}), as
     * {@code --cap-add}; see {@link #addCapability(Capability...)}.
     *
     * @throws IllegalArgumentException naming the first name that is not a capability
     */
    public Builder addCapability(String... names) {
      for (String n : nonNullElements(names, "capability")) {
        b.addAddedCapabilities(Capability.parse(n));
      }
      return this;
    }

    /** Adds every capability of {@code capabilities}, as {@link #addCapability(Capability...)}. */
    public Builder addAllCapabilities(Collection<Capability> capabilities) {
      return addCapability(nonNull(capabilities, "capabilities").toArray(new Capability[0]));
    }

    /** Replaces the added capabilities with {@code capabilities}; see {@link #addCapability(Capability...)}. */
    public Builder addedCapabilities(Collection<Capability> capabilities) {
      b.addedCapabilities(List.copyOf(nonNullElements(new ArrayList<>(nonNull(capabilities, "capabilities")),
          "capabilities")));
      return this;
    }

    /**
     * Drops every capability ({@code --cap-drop ALL}), the default: undoes
     * {@link #keepDockerDefaultCapabilities()} and forgets capabilities dropped by name. Added
     * capabilities stay.
     */
    public Builder dropAllCapabilities() {
      b.dropAllCapabilities(true);
      b.droppedCapabilities(List.of());
      return this;
    }

    /**
     * <b>Warning: keeps Docker's 14 default capabilities</b> (CHOWN, DAC_OVERRIDE, FOWNER, SETUID,
     * NET_RAW...) instead of {@code --cap-drop ALL}. Take some away with
     * {@link #dropCapability(Capability...)}. If not called, every capability is dropped.
     */
    public Builder keepDockerDefaultCapabilities() {
      b.dropAllCapabilities(false);
      return this;
    }

    /**
     * Drops capabilities from Docker's defaults ({@code --cap-drop X}); only after
     * {@link #keepDockerDefaultCapabilities()}, since by default all are dropped.
     */
    public Builder dropCapability(Capability... capabilities) {
      for (Capability c : nonNullElements(capabilities, "capability")) {
        b.addDroppedCapabilities(c);
      }
      return this;
    }

    /**
     * Drops capabilities by name, in any spelling, as {@code --cap-drop}; see
     * {@link #dropCapability(Capability...)}.
     *
     * @throws IllegalArgumentException naming the first name that is not a capability
     */
    public Builder dropCapability(String... names) {
      for (String n : nonNullElements(names, "capability")) {
        b.addDroppedCapabilities(Capability.parse(n));
      }
      return this;
    }

    /**
     * <b>Warning: lets processes gain privileges</b> through setuid binaries and file capabilities:
     * removes {@code --security-opt no-new-privileges}. If not called, no-new-privileges is set.
     */
    public Builder allowPrivilegeEscalation() {
      b.noNewPrivileges(false);
      return this;
    }

    /**
     * The seccomp filter ({@code --security-opt seccomp=...}). If unset,
     * {@link Seccomp#engineDefault()}. <b>{@link Seccomp#unconfined()} turns filtering off.</b>
     */
    public Builder seccomp(Seccomp seccomp) {
      b.seccomp(nonNull(seccomp, "seccomp"));
      return this;
    }

    /** The SELinux label ({@code --security-opt label=...}). If unset, the engine's default. */
    public Builder selinuxLabel(SelinuxLabel label) {
      b.selinuxLabel(nonNull(label, "selinuxLabel"));
      return this;
    }

    /**
     * The AppArmor profile ({@code --security-opt apparmor=NAME}). If unset, the engine's default
     * ({@code docker-default} where AppArmor runs). <b>{@code unconfined} turns AppArmor off.</b>
     */
    public Builder apparmorProfile(String profile) {
      b.apparmorProfile(nonNull(profile, "apparmorProfile"));
      return this;
    }

    /**
     * The CPUs the container may run on ({@code --cpuset-cpus}). If unset, all. The launcher refuses
     * CPUs beyond the engine's before create (the engine's {@code NCPU}, asked once per launcher).
     */
    public Builder cpusetCpus(CpuSet cpus) {
      b.cpusetCpus(nonNull(cpus, "cpusetCpus"));
      return this;
    }

    /**
     * The relative CPU weight ({@code -c}, {@code --cpu-shares}), 2 to 262144. If unset, 1024. It
     * only matters when CPUs are contended: 512 against 1024 gets a third of a shared core.
     */
    public Builder cpuShares(int shares) {
      b.cpuShares(shares);
      return this;
    }

    /**
     * CPU time per period in microseconds ({@code --cpu-quota}), 1000 to 2^44 - 1 (the kernel's limit).
     * If unset, no quota.
     */
    public Builder cpuQuota(long micros) {
      b.cpuQuota(micros);
      return this;
    }

    /** The CFS period in microseconds ({@code --cpu-period}), 1000 to 1000000. If unset, 100000. */
    public Builder cpuPeriod(long micros) {
      b.cpuPeriod(micros);
      return this;
    }

    /**
     * CPUs in billionths ({@code --cpus 1.5} is 1500000000), 10000000 to 8192000000000 (8192 CPUs, the
     * kernel's largest {@code NR_CPUS}); excludes quota and period. If unset, no limit. The launcher refuses
     * more than the engine's CPUs before create.
     */
    public Builder nanoCpus(long nanoCpus) {
      b.nanoCpus(nanoCpus);
      return this;
    }

    /** The memory limit ({@code -m}), at least 6 MiB. If unset, none: the policy module flags that. */
    public Builder memoryLimit(MemorySize limit) {
      b.memoryLimit(nonNull(limit, "memoryLimit"));
      return this;
    }

    /**
     * Memory plus swap ({@code --memory-swap}), at least the memory limit, which it needs. If unset,
     * the engine allows as much swap again as memory.
     */
    public Builder memorySwap(MemorySize memoryPlusSwap) {
      b.memorySwap(nonNull(memoryPlusSwap, "memorySwap"));
      return this;
    }

    /**
     * The most processes and threads ({@code --pids-limit}), 1 to 4194304 (the kernel's PID_MAX_LIMIT).
     * If unset, 1024, a fork bomb's end (CIS 5.28).
     */
    public Builder pidsLimit(long limit) {
      b.pidsLimit(limit);
      return this;
    }

    /**
     * The size of {@code /dev/shm} ({@code --shm-size}), the shared memory databases and browsers use:
     * positive, and at most {@link #memoryLimit} when that is set (the pages written there are charged to
     * the container's memory). If unset, the engine's 64 MiB.
     */
    public Builder shmSize(MemorySize size) {
      b.shmSize(nonNull(size, "shmSize"));
      return this;
    }

    /**
     * Sets a namespaced kernel parameter ({@code --sysctl NAME=VALUE}), one of those Kubernetes calls safe
     * ({@link SecureContainerSpec#KUBERNETES_SAFE_SYSCTLS}: {@code net.ipv4.ip_unprivileged_port_start},
     * {@code kernel.shm_rmid_forced}...). If unset, the kernel's or the engine's values (Docker sets
     * {@code net.ipv4.ip_unprivileged_port_start=0}).
     *
     * @throws IllegalArgumentException for any other name (see {@link #putUnsafeSysctl})
     */
    public Builder putSysctl(String name, String value) {
      nonNull(name, "sysctl name");
      if (!KUBERNETES_SAFE_SYSCTLS.contains(name)) {
        throw new IllegalArgumentException("sysctl must be one Kubernetes calls safe: " + Strings.show(name)
            + " (safe: " + new java.util.TreeSet<>(KUBERNETES_SAFE_SYSCTLS) + "; for another namespaced one,"
            + " call putUnsafeSysctl)");
      }
      b.putSysctls(name, nonNull(value, "sysctl value"));
      return this;
    }

    /**
     * <b>Warning: sets a namespaced kernel parameter Kubernetes does not call safe</b>
     * ({@code --sysctl net.core.somaxconn=1024}): one that is per container ({@code kernel.msg*},
     * {@code kernel.sem}, {@code kernel.shm*}, {@code fs.mqueue.*}, {@code net.*}) but may let it use more
     * of the host's kernel memory or weaken its network stack; the policy's {@code sysctls} rule flags it,
     * and the launcher logs it at WARN at each launch.
     * Parameters that are not namespaced (the host's own, such as {@code kernel.panic} or {@code vm.*})
     * are refused by {@link #build()} whatever the call.
     */
    public Builder putUnsafeSysctl(String name, String value) {
      b.putSysctls(nonNull(name, "sysctl name"), nonNull(value, "sysctl value"));
      return this;
    }

    /**
     * <b>Warning: removes the process limit</b> ({@code --pids-limit -1}): a fork bomb can exhaust
     * the host's process table. If not called, 1024.
     */
    public Builder unlimitedPids() {
      b.pidsLimit(OptionalLong.empty());
      return this;
    }

    /** Adds resource limits ({@code --ulimit nofile=1024:2048}). If unset, the engine's defaults. */
    public Builder addUlimit(Ulimit... ulimits) {
      for (Ulimit u : nonNullElements(ulimits, "ulimit")) {
        b.addUlimits(u);
      }
      return this;
    }

    /** Replaces the resource limits with {@code ulimits}. */
    public Builder ulimits(Collection<Ulimit> ulimits) {
      b.ulimits(List.copyOf(nonNullElements(new ArrayList<>(nonNull(ulimits, "ulimits")), "ulimits")));
      return this;
    }

    /** Adds every limit of {@code ulimits}, as {@link #addUlimit(Ulimit...)}. */
    public Builder addAllUlimits(Collection<Ulimit> ulimits) {
      nonNull(ulimits, "ulimits").forEach(this::addUlimit);
      return this;
    }

    /**
     * The log driver and its options ({@code --log-driver}, {@code --log-opt}). If unset, the
     * engine's default driver.
     */
    public Builder logConfig(LogConfig config) {
      b.logConfig(nonNull(config, "logConfig"));
      return this;
    }

    /**
     * Whether the root filesystem is read-only ({@code --read-only}). If unset, {@code false}. Add
     * {@link Mount#tmpfs} mounts for scratch space.
     */
    public Builder readOnlyRootFilesystem(boolean readOnly) {
      b.readOnlyRootFilesystem(readOnly);
      return this;
    }

    /** Adds bind mounts, volumes or tmpfs ({@code -v}, {@code --mount}, {@code --tmpfs}). If unset, none. */
    public Builder addMount(Mount... mounts) {
      for (Mount m : nonNullElements(mounts, "mount")) {
        b.addMounts(m);
      }
      return this;
    }

    /** Replaces the mounts with {@code mounts}. */
    public Builder mounts(Collection<Mount> mounts) {
      b.mounts(List.copyOf(nonNullElements(new ArrayList<>(nonNull(mounts, "mounts")), "mounts")));
      return this;
    }

    /** Adds every mount of {@code mounts}, as {@link #addMount(Mount...)}. */
    public Builder addAllMounts(Collection<Mount> mounts) {
      nonNull(mounts, "mounts").forEach(this::addMount);
      return this;
    }

    /**
     * The network ({@code --network}). If unset, {@link NetworkMode#none()}: no interface but
     * loopback (CIS 5.30, least privilege). For the host's network, see {@link #allowHostNetwork()}.
     *
     * @throws IllegalArgumentException for the host network, which has its own call
     */
    public Builder network(NetworkMode network) {
      if (nonNull(network, "network").kind() == NetworkMode.Kind.HOST) {
        throw new IllegalArgumentException(
            "network host must be asked for explicitly: host (call allowHostNetwork())");
      }
      b.network(network);
      return this;
    }

    /**
     * <b>Warning: shares the host's network namespace</b> ({@code --network host}): the container
     * sees and can bind every host interface, with no network isolation. If not called, the network
     * is {@link NetworkMode#none()} or the one set with {@link #network(NetworkMode)}.
     */
    public Builder allowHostNetwork() {
      b.network(NetworkMode.host());
      return this;
    }

    /**
     * Adds names the container has on its {@link #network(NetworkMode) network} ({@code --network-alias}),
     * which must be a user-defined one: other containers on it reach this one by each alias. RFC 1123 host
     * names. If unset, only its name and id.
     *
     * @throws IllegalArgumentException naming an alias that is not an RFC 1123 host name
     */
    public Builder addNetworkAlias(String... aliases) {
      for (String a : nonNullElements(aliases, "networkAlias")) {
        NetworkAttachment.checkAlias("networkAliases", a);
        b.addNetworkAliases(a);
      }
      return this;
    }

    /**
     * Joins more user-defined networks besides {@link #network(NetworkMode)}, each with its aliases: the
     * launcher connects them after create and before start ({@code docker network connect --alias}), and
     * verifies them. Needs a network of the container's own ({@link NetworkMode#bridge()} or a named one).
     * If unset, only {@link #network(NetworkMode)}.
     */
    public Builder addNetwork(NetworkAttachment... networks) {
      for (NetworkAttachment n : nonNullElements(networks, "network")) {
        b.addAdditionalNetworks(n);
      }
      return this;
    }

    /** Replaces the additional networks with {@code networks}; see {@link #addNetwork(NetworkAttachment...)}. */
    public Builder additionalNetworks(Collection<NetworkAttachment> networks) {
      b.additionalNetworks(List.copyOf(nonNullElements(new ArrayList<>(nonNull(networks, "additionalNetworks")),
          "additionalNetworks")));
      return this;
    }

    /**
     * Publishes ports ({@code -p 127.0.0.1:8080:80}); each names its host IP. Needs a network of
     * its own ({@link NetworkMode#bridge()} or a named one). If unset, none.
     */
    public Builder addPort(PortBinding... ports) {
      for (PortBinding p : nonNullElements(ports, "port")) {
        b.addPorts(p);
      }
      return this;
    }

    /** Replaces the published ports with {@code ports}; an empty list publishes none. */
    public Builder ports(Collection<PortBinding> ports) {
      b.ports(List.copyOf(nonNullElements(new ArrayList<>(nonNull(ports, "ports")), "ports")));
      return this;
    }

    /** Publishes every port of {@code ports}, as {@link #addPort(PortBinding...)}. */
    public Builder addAllPorts(Collection<PortBinding> ports) {
      nonNull(ports, "ports").forEach(this::addPort);
      return this;
    }

    /** The restart policy ({@code --restart}). If unset, {@code no}. */
    public Builder restartPolicy(RestartPolicy policy) {
      b.restartPolicy(nonNull(policy, "restartPolicy"));
      return this;
    }

    /** The health check ({@code --health-cmd}...). If unset, the image's {@code HEALTHCHECK}. */
    public Builder healthCheck(HealthCheck check) {
      b.healthCheck(nonNull(check, "healthCheck"));
      return this;
    }

    /**
     * Whether to run an init process as PID 1 ({@code --init}) that reaps zombies and forwards
     * signals. If unset, {@code false}.
     */
    public Builder init(boolean init) {
      b.init(init);
      return this;
    }

    /**
     * The signal that stops the container ({@code --stop-signal}): a Linux signal name in any case, with
     * or without {@code SIG} ({@code SIGTERM}, {@code sigquit}, {@code RTMIN+3}), or a number from 1 to
     * 64, as the engine reads it. If unset, the image's or SIGTERM.
     */
    public Builder stopSignal(String signal) {
      b.stopSignal(nonNull(signal, "stopSignal"));
      return this;
    }

    /**
     * How long to wait after the stop signal before SIGKILL ({@code --stop-timeout}), in whole
     * seconds. If unset, 10 s.
     */
    public Builder stopTimeout(Duration timeout) {
      b.stopTimeout(nonNull(timeout, "stopTimeout"));
      return this;
    }

    /**
     * The OCI runtime ({@code --runtime runsc}). If unset, {@link ContainerRuntime#engineDefault()}
     * (runc, unless the engine is configured otherwise). {@link ContainerRuntime#gvisor()} runs the
     * workload on gVisor's user-space kernel and needs {@link NetworkMode#none()}; the launcher refuses
     * a runtime the engine does not list.
     */
    public Builder runtime(ContainerRuntime runtime) {
      b.runtime(nonNull(runtime, "runtime"));
      return this;
    }

    /**
     * The platform of the image to run ({@code --platform linux/arm64}): {@code os/arch[/variant]}, a known
     * OS and architecture. The engine refuses at create an image of another platform. If unset, the
     * engine's own.
     */
    public Builder platform(String platform) {
      b.platform(nonNull(platform, "platform"));
      return this;
    }

    /** Whether to allocate a pseudo-terminal ({@code -t}, {@code --tty}). If unset, {@code false}. */
    public Builder tty(boolean tty) {
      b.tty(tty);
      return this;
    }

    /**
     * Whether to keep standard input open even when nothing is attached ({@code -i}, {@code --interactive}).
     * If unset, {@code false}.
     */
    public Builder openStdin(boolean open) {
      b.openStdin(open);
      return this;
    }

    /**
     * Marks the workload as untrusted code (user submissions, plugins, CI jobs from forks): its
     * container carries the label {@value SecureContainerSpec#UNTRUSTED_LABEL}{@code =true}
     * ({@code --label dev.carapace.untrusted=true}), which the policy module's
     * {@code untrusted-sandboxed} rule reads, before launch and on the running container, to require a
     * sandboxed runtime such as {@link ContainerRuntime#gvisor()}. The mark changes nothing else. If
     * not called, the workload is not marked.
     */
    public Builder untrusted() {
      b.untrusted(true);
      return this;
    }

    /**
     * Checks the whole spec and builds it.
     *
     * @throws InvalidSpecException listing every problem found, one per line
     */
    public SecureContainerSpec build() {
      return b.build();
    }

    private static <T> T nonNull(T value, String attribute) {
      if (value == null) {
        throw new NullPointerException(attribute + " must not be null");
      }
      return value;
    }

    private static <T> T[] nonNullElements(T[] values, String attribute) {
      nonNull(values, attribute);
      for (int i = 0; i < values.length; i++) {
        if (values[i] == null) {
          throw new NullPointerException(attribute + " must not contain null: at index " + i);
        }
      }
      return values;
    }

    private static <T> List<T> nonNullElements(List<T> values, String attribute) {
      nonNull(values, attribute);
      for (int i = 0; i < values.size(); i++) {
        if (values.get(i) == null) {
          throw new NullPointerException(attribute + " must not contain null: at index " + i);
        }
      }
      return values;
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

  /** Lines added to {@code /etc/hosts} ({@code --add-host HOST:IP}). */
  public abstract List<ExtraHost> extraHosts();

  /** DNS servers ({@code --dns}), IP addresses; if empty, the engine's. */
  public abstract List<String> dnsServers();

  /** DNS search domains ({@code --dns-search}); if empty, the host's. */
  public abstract List<String> dnsSearch();

  /**
   * Whether every capability is dropped before {@link #addedCapabilities()} are added back
   * ({@code --cap-drop ALL}). {@code true} unless {@link Builder#keepDockerDefaultCapabilities()}.
   */
  @Value.Default
  public boolean dropAllCapabilities() {
    return true;
  }

  /** Capabilities added ({@code --cap-add}). */
  public abstract Set<Capability> addedCapabilities();

  /** Capabilities dropped from Docker's defaults ({@code --cap-drop X}), when those are kept. */
  public abstract Set<Capability> droppedCapabilities();

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
   * The most processes and threads ({@code --pids-limit}); 1024 unless set, empty after
   * {@link Builder#unlimitedPids()}.
   */
  @Value.Default
  public OptionalLong pidsLimit() {
    return OptionalLong.of(1024);
  }

  /** The size of {@code /dev/shm} ({@code --shm-size}); if unset, the engine's 64 MiB. */
  public abstract Optional<MemorySize> shmSize();

  /**
   * Namespaced kernel parameters ({@code --sysctl}): those of {@link #KUBERNETES_SAFE_SYSCTLS}, others only
   * through {@link Builder#putUnsafeSysctl}.
   */
  public abstract Map<String, String> sysctls();

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
   * The network ({@code --network}); {@link NetworkMode#none()} unless set, host only after
   * {@link Builder#allowHostNetwork()}.
   */
  @Value.Default
  public NetworkMode network() {
    return NetworkMode.none();
  }

  /** Names on {@link #network()}, a user-defined network ({@code --network-alias}). */
  public abstract List<String> networkAliases();

  /** User-defined networks joined besides {@link #network()}, each with its aliases. */
  public abstract List<NetworkAttachment> additionalNetworks();

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

  /**
   * The OCI runtime ({@code --runtime}); {@link ContainerRuntime#engineDefault()} unless set. Under
   * {@link ContainerRuntime#gvisor()} the network must be {@link NetworkMode#none()}.
   */
  @Value.Default
  public ContainerRuntime runtime() {
    return ContainerRuntime.engineDefault();
  }

  /** The platform of the image ({@code --platform os/arch[/variant]}); if unset, the engine's. */
  public abstract Optional<String> platform();

  /** Whether a pseudo-terminal is allocated ({@code --tty}); default {@code false}. */
  @Value.Default
  public boolean tty() {
    return false;
  }

  /** Whether standard input stays open ({@code --interactive}); default {@code false}. */
  @Value.Default
  public boolean openStdin() {
    return false;
  }

  /**
   * Whether the workload is marked untrusted ({@code --label dev.carapace.untrusted=true}); see
   * {@link Builder#untrusted()}. Default {@code false}.
   */
  @Value.Default
  public boolean untrusted() {
    return false;
  }

  /** The capabilities the container's processes end up with, before the user's own limits. */
  public Set<Capability> effectiveCapabilities() {
    EnumSet<Capability> caps = EnumSet.noneOf(Capability.class);
    if (!dropAllCapabilities()) {
      caps.addAll(Capability.dockerDefaults());
      caps.removeAll(droppedCapabilities());
    }
    caps.addAll(addedCapabilities());
    return caps;
  }

  @Value.Check
  final void check() {
    List<String> problems = SpecValidator.problems(this);
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(problems);
    }
  }
}
