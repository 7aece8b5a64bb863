package dev.carapace.core;

import java.util.Optional;

/**
 * The attributes of a {@link SecureContainerSpec}, one constant each, in the spec's order: the one
 * list of fields that every target decides. The create request and the verifier, the {@code docker run}
 * flag table, a Swarm service, a Kubernetes workload and the policy's view each say, for every
 * constant, how they carry it or why they cannot; a unit test fails when a target has no decision for
 * a constant, so a new spec attribute cannot be forgotten by any of them.
 *
 * <pre>{@code
 * SwarmDeployment.builder("web").acceptLoss(SpecAttribute.CPUSET_CPUS)   // swarm services have no cpuset
 * SpecAttribute.PIDS_LIMIT.builderName()                                // "pidsLimit"
 * SpecAttribute.PIDS_LIMIT.dockerRunFlag()                              // Optional[--pids-limit]
 * }</pre>
 */
public enum SpecAttribute {
  /** {@link SecureContainerSpec#image()}: {@code docker run IMAGE}, a word after the flags, not a flag. */
  IMAGE("image", null),
  /** {@link SecureContainerSpec#command()}: {@code docker run IMAGE CMD...}, the words after the image. */
  COMMAND("command", null),
  /** {@link SecureContainerSpec#entrypoint()}. */
  ENTRYPOINT("entrypoint", "--entrypoint"),
  /** {@link SecureContainerSpec#env()}. */
  ENV("env", "--env"),
  /** {@link SecureContainerSpec#workingDir()}. */
  WORKING_DIR("workingDir", "--workdir"),
  /** {@link SecureContainerSpec#user()}. */
  USER("user", "--user"),
  /** {@link SecureContainerSpec#labels()}. */
  LABELS("labels", "--label"),
  /** {@link SecureContainerSpec#name()}. */
  NAME("name", "--name"),
  /** {@link SecureContainerSpec#hostname()}. */
  HOSTNAME("hostname", "--hostname"),
  /** {@link SecureContainerSpec#extraHosts()}: lines added to {@code /etc/hosts}. */
  EXTRA_HOSTS("extraHosts", "--add-host"),
  /** {@link SecureContainerSpec#dnsServers()}: the {@code nameserver} lines of {@code /etc/resolv.conf}. */
  DNS_SERVERS("dnsServers", "--dns"),
  /** {@link SecureContainerSpec#dnsSearch()}: the {@code search} line of {@code /etc/resolv.conf}. */
  DNS_SEARCH("dnsSearch", "--dns-search"),
  /** {@link SecureContainerSpec#dropAllCapabilities()}: {@code --cap-drop ALL}. */
  DROP_ALL_CAPABILITIES("dropAllCapabilities", "--cap-drop"),
  /** {@link SecureContainerSpec#addedCapabilities()}. */
  ADDED_CAPABILITIES("addedCapabilities", "--cap-add"),
  /** {@link SecureContainerSpec#droppedCapabilities()}. */
  DROPPED_CAPABILITIES("droppedCapabilities", "--cap-drop"),
  /** {@link SecureContainerSpec#noNewPrivileges()}: {@code --security-opt no-new-privileges}. */
  NO_NEW_PRIVILEGES("noNewPrivileges", "--security-opt"),
  /** {@link SecureContainerSpec#seccomp()}: {@code --security-opt seccomp=}. */
  SECCOMP("seccomp", "--security-opt"),
  /** {@link SecureContainerSpec#selinuxLabel()}: {@code --security-opt label=}. */
  SELINUX_LABEL("selinuxLabel", "--security-opt"),
  /** {@link SecureContainerSpec#apparmorProfile()}: {@code --security-opt apparmor=}. */
  APPARMOR_PROFILE("apparmorProfile", "--security-opt"),
  /** {@link SecureContainerSpec#cpusetCpus()}. */
  CPUSET_CPUS("cpusetCpus", "--cpuset-cpus"),
  /** {@link SecureContainerSpec#cpuShares()}. */
  CPU_SHARES("cpuShares", "--cpu-shares"),
  /** {@link SecureContainerSpec#cpuQuota()}. */
  CPU_QUOTA("cpuQuota", "--cpu-quota"),
  /** {@link SecureContainerSpec#cpuPeriod()}. */
  CPU_PERIOD("cpuPeriod", "--cpu-period"),
  /** {@link SecureContainerSpec#nanoCpus()}. */
  NANO_CPUS("nanoCpus", "--cpus"),
  /** {@link SecureContainerSpec#memoryLimit()}. */
  MEMORY_LIMIT("memoryLimit", "--memory"),
  /** {@link SecureContainerSpec#memorySwap()}. */
  MEMORY_SWAP("memorySwap", "--memory-swap"),
  /** {@link SecureContainerSpec#pidsLimit()}. */
  PIDS_LIMIT("pidsLimit", "--pids-limit"),
  /** {@link SecureContainerSpec#shmSize()}: the size of {@code /dev/shm}. */
  SHM_SIZE("shmSize", "--shm-size"),
  /** {@link SecureContainerSpec#sysctls()}: namespaced kernel parameters. */
  SYSCTLS("sysctls", "--sysctl"),
  /** {@link SecureContainerSpec#ulimits()}. */
  ULIMITS("ulimits", "--ulimit"),
  /** {@link SecureContainerSpec#logConfig()}: {@code --log-driver} and {@code --log-opt}. */
  LOG_CONFIG("logConfig", "--log-driver"),
  /** {@link SecureContainerSpec#readOnlyRootFilesystem()}. */
  READ_ONLY_ROOT_FILESYSTEM("readOnlyRootFilesystem", "--read-only"),
  /** {@link SecureContainerSpec#mounts()}: {@code --mount}, also {@code -v} and {@code --tmpfs}. */
  MOUNTS("mounts", "--mount"),
  /** {@link SecureContainerSpec#network()}. */
  NETWORK("network", "--network"),
  /** {@link SecureContainerSpec#networkAliases()}: names on {@link #NETWORK}, a user-defined network. */
  NETWORK_ALIASES("networkAliases", "--network-alias"),
  /** {@link SecureContainerSpec#additionalNetworks()}: {@code --network name=NET,alias=A}, repeated (CLI 25+). */
  ADDITIONAL_NETWORKS("additionalNetworks", "--network"),
  /** {@link SecureContainerSpec#ports()}. */
  PORTS("ports", "--publish"),
  /** {@link SecureContainerSpec#restartPolicy()}. */
  RESTART_POLICY("restartPolicy", "--restart"),
  /** {@link SecureContainerSpec#healthCheck()}: {@code --health-cmd} and its timings. */
  HEALTH_CHECK("healthCheck", "--health-cmd"),
  /** {@link SecureContainerSpec#init()}. */
  INIT("init", "--init"),
  /** {@link SecureContainerSpec#stopSignal()}. */
  STOP_SIGNAL("stopSignal", "--stop-signal"),
  /** {@link SecureContainerSpec#stopTimeout()}. */
  STOP_TIMEOUT("stopTimeout", "--stop-timeout"),
  /** {@link SecureContainerSpec#runtime()}. */
  RUNTIME("runtime", "--runtime"),
  /** {@link SecureContainerSpec#platform()}: {@code os/arch[/variant]} of the image to run. */
  PLATFORM("platform", "--platform"),
  /** {@link SecureContainerSpec#tty()}: a pseudo-terminal. */
  TTY("tty", "--tty"),
  /** {@link SecureContainerSpec#openStdin()}: standard input kept open. */
  OPEN_STDIN("openStdin", "--interactive"),
  /** {@link SecureContainerSpec#untrusted()}: {@code --label dev.carapace.untrusted=true}. */
  UNTRUSTED("untrusted", "--label");

  private final String builderName;
  private final String dockerRunFlag;

  SpecAttribute(String builderName, String dockerRunFlag) {
    this.builderName = builderName;
    this.dockerRunFlag = dockerRunFlag;
  }

  /**
   * The attribute's name on the spec and its builder, as {@link InvalidSpecException} messages and
   * reports spell it: {@code pidsLimit}, {@code cpusetCpus}.
   */
  public String builderName() {
    return builderName;
  }

  /**
   * The {@code docker run} flag that sets it, written in full ({@code --pids-limit}); empty for
   * {@link #IMAGE} and {@link #COMMAND}, which are words after the flags.
   */
  public Optional<String> dockerRunFlag() {
    return Optional.ofNullable(dockerRunFlag);
  }

  /**
   * The constant whose {@link #builderName()} is {@code builderName}.
   *
   * @throws IllegalArgumentException when the spec has no such attribute
   */
  public static SpecAttribute ofBuilderName(String builderName) {
    for (SpecAttribute a : values()) {
      if (a.builderName.equals(builderName)) {
        return a;
      }
    }
    throw new IllegalArgumentException("attribute must be a SecureContainerSpec attribute: " + builderName);
  }

  /** Its {@link #builderName()}. */
  @Override
  public String toString() {
    return builderName;
  }
}
