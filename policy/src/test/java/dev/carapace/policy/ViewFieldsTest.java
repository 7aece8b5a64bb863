package dev.carapace.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.carapace.core.Capability;
import dev.carapace.core.ContainerPath;
import dev.carapace.core.ContainerRuntime;
import dev.carapace.core.CpuSet;
import dev.carapace.core.DockerRunCommand;
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
import dev.carapace.core.SpecAttribute;
import dev.carapace.core.Ulimit;
import dev.carapace.core.testing.EveryAttribute;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The policy's view decides every spec attribute, and says so truly: changing one attribute alone
 * changes {@link ContainerView#of(SecureContainerSpec)} exactly when {@link ViewFields} says a view
 * fact carries it.
 */
class ViewFieldsTest {
  private static SecureContainerSpec.Builder base() {
    return SecureContainerSpec.builder().image("busybox:1").network(NetworkMode.bridge())
        .memoryLimit(MemorySize.ofMebibytes(64));
  }

  /** One change per attribute, applied to {@link #base()}. */
  private static final Map<SpecAttribute, UnaryOperator<SecureContainerSpec.Builder>> CHANGES =
      new EnumMap<>(SpecAttribute.class);

  static {
    SecureContainerSpec b = base().build();
    CHANGES.put(SpecAttribute.IMAGE, s -> s.image("busybox:2"));
    CHANGES.put(SpecAttribute.COMMAND, s -> s.command("sh"));
    CHANGES.put(SpecAttribute.ENTRYPOINT, s -> s.entrypoint("/bin/sh"));
    CHANGES.put(SpecAttribute.ENV, s -> s.putEnv("A", "1"));
    CHANGES.put(SpecAttribute.WORKING_DIR, s -> s.workingDir(ContainerPath.of("/tmp")));
    CHANGES.put(SpecAttribute.USER, s -> s.user("1000:1000"));
    CHANGES.put(SpecAttribute.LABELS, s -> s.putLabel("team", "web"));
    CHANGES.put(SpecAttribute.NAME, s -> s.name("web"));
    CHANGES.put(SpecAttribute.HOSTNAME, s -> s.hostname("web"));
    CHANGES.put(SpecAttribute.DROP_ALL_CAPABILITIES, s -> s.keepDockerDefaultCapabilities());
    CHANGES.put(SpecAttribute.ADDED_CAPABILITIES, s -> s.addCapability(Capability.CHOWN));
    CHANGES.put(SpecAttribute.NO_NEW_PRIVILEGES, s -> s.allowPrivilegeEscalation());
    CHANGES.put(SpecAttribute.SECCOMP, s -> s.seccomp(Seccomp.unconfined()));
    CHANGES.put(SpecAttribute.SELINUX_LABEL, s -> s.selinuxLabel(SelinuxLabel.type("container_t")));
    CHANGES.put(SpecAttribute.APPARMOR_PROFILE, s -> s.apparmorProfile("docker-default"));
    CHANGES.put(SpecAttribute.CPUSET_CPUS, s -> s.cpusetCpus(CpuSet.parse("0")));
    CHANGES.put(SpecAttribute.CPU_SHARES, s -> s.cpuShares(512));
    CHANGES.put(SpecAttribute.CPU_QUOTA, s -> s.cpuQuota(50_000));
    CHANGES.put(SpecAttribute.CPU_PERIOD, s -> s.cpuPeriod(100_000));
    CHANGES.put(SpecAttribute.NANO_CPUS, s -> s.nanoCpus(500_000_000L));
    CHANGES.put(SpecAttribute.MEMORY_LIMIT, s -> s.memoryLimit(MemorySize.ofMebibytes(128)));
    CHANGES.put(SpecAttribute.MEMORY_SWAP, s -> s.memorySwap(MemorySize.ofMebibytes(128)));
    CHANGES.put(SpecAttribute.PIDS_LIMIT, s -> s.pidsLimit(64));
    CHANGES.put(SpecAttribute.ULIMITS, s -> s.addUlimit(new Ulimit("nofile", 100, 200)));
    CHANGES.put(SpecAttribute.LOG_CONFIG, s -> s.logConfig(LogConfig.syslog("udp://127.0.0.1:514")));
    CHANGES.put(SpecAttribute.READ_ONLY_ROOT_FILESYSTEM, s -> s.readOnlyRootFilesystem(!b.readOnlyRootFilesystem()));
    CHANGES.put(SpecAttribute.MOUNTS, s -> s.addMount(Mount.tmpfs(ContainerPath.of("/scratch"))));
    CHANGES.put(SpecAttribute.NETWORK, s -> s.network(NetworkMode.none()));
    CHANGES.put(SpecAttribute.PORTS, s -> s.addPort(PortBinding.localhost(8080, 80)));
    CHANGES.put(SpecAttribute.RESTART_POLICY, s -> s.restartPolicy(RestartPolicy.onFailure(3)));
    CHANGES.put(SpecAttribute.HEALTH_CHECK, s -> s.healthCheck(HealthCheck.exec("true")));
    CHANGES.put(SpecAttribute.INIT, s -> s.init(!b.init()));
    CHANGES.put(SpecAttribute.STOP_SIGNAL, s -> s.stopSignal("SIGINT"));
    CHANGES.put(SpecAttribute.STOP_TIMEOUT, s -> s.stopTimeout(Duration.ofSeconds(5)));
    CHANGES.put(SpecAttribute.RUNTIME, s -> s.runtime(ContainerRuntime.named("kata")));
    CHANGES.put(SpecAttribute.UNTRUSTED, s -> s.untrusted());
    CHANGES.put(SpecAttribute.EXTRA_HOSTS, s -> s.addExtraHost("db", "10.0.0.5"));
    CHANGES.put(SpecAttribute.DNS_SERVERS, s -> s.addDnsServer("10.0.0.2"));
    CHANGES.put(SpecAttribute.DNS_SEARCH, s -> s.addDnsSearch("corp.example"));
    CHANGES.put(SpecAttribute.SHM_SIZE, s -> s.shmSize(MemorySize.ofMebibytes(32)));
    CHANGES.put(SpecAttribute.SYSCTLS, s -> s.putSysctl("kernel.shm_rmid_forced", "1"));
    CHANGES.put(SpecAttribute.ADDITIONAL_NETWORKS, s -> s.addNetwork(NetworkAttachment.of(NetworkMode.named("n"))));
    CHANGES.put(SpecAttribute.PLATFORM, s -> s.platform("linux/amd64"));
    CHANGES.put(SpecAttribute.TTY, s -> s.tty(true));
    CHANGES.put(SpecAttribute.OPEN_STDIN, s -> s.openStdin(true));
  }

  @Test
  void everySpecAttributeIsCarriedOrSaidNotJudged() {
    EveryAttribute.assertDecided("the policy's view", ViewFields::decision);
  }

  @Test
  void eachViolationNamesTheSpecAttributesItIsAboutFromTheViewsRows() {
    SecureContainerSpec dockerDefaults = DockerRunCommand.parse("docker run -p 0.0.0.0:8080:80 busybox:1.36");
    Map<String, List<SpecAttribute>> about = new TreeMap<>();
    for (Violation v : Profiles.cisDocker().evaluate(ContainerView.of(dockerDefaults)).violations()) {
      about.put(v.ruleId() + " " + v.attribute(), v.specAttributes());
    }
    assertEquals(Map.of(
        "cpu-limit cpu", List.of(SpecAttribute.NANO_CPUS, SpecAttribute.CPUSET_CPUS, SpecAttribute.CPU_SHARES,
            SpecAttribute.CPU_QUOTA, SpecAttribute.CPU_PERIOD),
        "capabilities capDrop", List.of(SpecAttribute.DROP_ALL_CAPABILITIES,
            SpecAttribute.DROPPED_CAPABILITIES),
        "healthcheck healthcheck", List.of(SpecAttribute.HEALTH_CHECK),
        "image-pinned image", List.of(SpecAttribute.IMAGE),
        "memory-limit memory", List.of(SpecAttribute.MEMORY_LIMIT),
        "no-new-privileges securityOpts", List.of(SpecAttribute.NO_NEW_PRIVILEGES),
        "non-root-user user", List.of(SpecAttribute.USER),
        "pids-limit pidsLimit", List.of(SpecAttribute.PIDS_LIMIT),
        "ports-all-interfaces ports[0].hostIp", List.of(SpecAttribute.PORTS),
        "read-only-rootfs readOnlyRootfs", List.of(SpecAttribute.READ_ONLY_ROOT_FILESYSTEM)),
        about.entrySet().stream().filter(e -> !e.getKey().startsWith("default-bridge"))
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    assertEquals(List.of(SpecAttribute.NETWORK), about.get("default-bridge networkMode"));
    assertEquals(List.of(), Profiles.cisDocker().evaluate(ContainerView.builder().from(ContainerView.of(dockerDefaults))
        .privileged(true).build()).violations().stream().filter(v -> v.ruleId().equals("privileged")).findFirst()
        .orElseThrow().specAttributes());
  }

  @Test
  void aSingleChangeReachesTheViewExactlyWhenTheTableSaysSo() {
    EnumSet<SpecAttribute> tested = EnumSet.of(SpecAttribute.DROPPED_CAPABILITIES, SpecAttribute.NETWORK_ALIASES);
    // an alias needs a user-defined network: compared against a base on one
    assertChange(SpecAttribute.NETWORK_ALIASES, base().network(NetworkMode.named("n")).build(),
        base().network(NetworkMode.named("n")).addNetworkAlias("web").build());
    // dropping one capability needs Docker's defaults kept: compared against that, not the base
    assertChange(SpecAttribute.DROPPED_CAPABILITIES, base().keepDockerDefaultCapabilities().build(),
        base().keepDockerDefaultCapabilities().dropCapability(Capability.NET_RAW).build());
    CHANGES.forEach((attribute, change) -> {
      tested.add(attribute);
      assertChange(attribute, base().build(), change.apply(base()).build());
    });
    assertEquals(EnumSet.allOf(SpecAttribute.class), tested, "an attribute without a change in this test");
  }

  private static void assertChange(SpecAttribute attribute, SecureContainerSpec before, SecureContainerSpec after) {
    assertEquals(false, before.equals(after), attribute + ": the change changes the spec");
    boolean changed = !ContainerView.of(before).equals(ContainerView.of(after));
    assertEquals(ViewFields.facts(attribute).isPresent(), changed, attribute + ": " + ViewFields.decision(attribute)
        .orElse("no decision") + (changed ? ", yet the view changed" : ", yet the view stayed the same"));
  }
}
