package dev.carapace.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.carapace.core.MemorySize;
import dev.carapace.core.NetworkAttachment;
import dev.carapace.core.NetworkMode;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SpecAttribute;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The Swarm and Kubernetes rows of the fields of issue 23: what each writes, and what each refuses. */
class NewSpecFieldsRowsTest {
  private static final Map<String, String> OWN = Map.of("dev.carapace.managed", "true");

  private static SecureContainerSpec.Builder carried() {
    return SecureContainerSpec.builder().image("busybox:1").network(NetworkMode.bridge())
        .addExtraHost("db", "10.0.0.5").addExtraHost("db-alias", "10.0.0.5").addExtraHost("db6", "fd00::5")
        .addDnsServer("10.0.0.2").addDnsSearch("corp.example")
        .putSysctl("net.ipv4.ip_unprivileged_port_start", "1024").putUnsafeSysctl("kernel.msgmax", "65536")
        .platform("linux/arm64").tty(true).openStdin(true);
  }

  @Test
  void swarmCarriesHostsDnsSysctlsPlatformTtyAndStdin() {
    SecureContainerSpec spec = carried().build();
    for (SwarmApi api : SwarmApi.values()) {
      // 1.41 has no per-service no-new-privileges: that loss is the existing one, none of the new fields
      assertEquals(api == SwarmApi.V1_41 ? List.of("noNewPrivileges") : List.of(), SwarmField.losses(spec, api)
          .keySet().stream().map(f -> f.attribute().builderName()).collect(Collectors.toList()), api.toString());
      ObjectNode body = SwarmRequest.of(spec, SwarmDeployment.builder("gen").build(), api, OWN);
      JsonNode c = body.path("TaskTemplate").path("ContainerSpec");
      assertEquals("[\"10.0.0.5 db\",\"10.0.0.5 db-alias\",\"fd00::5 db6\"]", c.path("Hosts").toString());
      assertEquals("{\"Nameservers\":[\"10.0.0.2\"],\"Search\":[\"corp.example\"]}", c.path("DNSConfig").toString());
      assertEquals("{\"net.ipv4.ip_unprivileged_port_start\":\"1024\",\"kernel.msgmax\":\"65536\"}",
          c.path("Sysctls").toString());
      assertEquals(true, c.path("TTY").asBoolean());
      assertEquals(true, c.path("OpenStdin").asBoolean());
      assertEquals("[{\"Architecture\":\"arm64\",\"OS\":\"linux\"}]",
          body.path("TaskTemplate").path("Placement").path("Platforms").toString());
    }
  }

  @Test
  void swarmRefusesShmSizeAVariantAliasesAndMoreNetworks() {
    SecureContainerSpec spec = SecureContainerSpec.builder().image("busybox:1").network(NetworkMode.bridge())
        .shmSize(MemorySize.ofMebibytes(256)).platform("linux/arm/v7")
        .addNetwork(NetworkAttachment.of(NetworkMode.named("back"), "api")).build();
    Map<String, String> losses = SwarmField.losses(spec, SwarmApi.V1_44).entrySet().stream()
        .collect(Collectors.toMap(e -> e.getKey().attribute().builderName(), Map.Entry::getValue));
    assertEquals(Map.of(
        "shmSize", "swarm services have no shm size: 256MiB (mount a tmpfs at /dev/shm instead:"
            + " Mount.tmpfs(ContainerPath.of(\"/dev/shm\"), size))",
        "platform", "swarm placement platforms have no variant: linux/arm/v7",
        "additionalNetworks", "carapace attaches swarm services to the default bridge only: [name=back,alias=api]"),
        losses);
    SecureContainerSpec aliased = SecureContainerSpec.builder().image("busybox:1").network(NetworkMode.named("n"))
        .addNetworkAlias("web").build();
    assertEquals("carapace attaches swarm services to the default bridge only, which takes no aliases: [web]",
        SwarmField.losses(aliased, SwarmApi.V1_44).get(SwarmField.NETWORK_ALIASES));
  }

  @Test
  void kubernetesWritesHostAliasesDnsSysctlsNodeSelectorShmTtyAndStdin() {
    SecureContainerSpec spec = carried().shmSize(MemorySize.ofMebibytes(256)).build();
    KubernetesWorkload<Pod> pod = KubernetesRenderer.builder(spec).acceptLoss(SpecAttribute.PIDS_LIMIT).build().pod();
    PodSpec p = pod.model().getSpec();
    assertEquals(2, p.getHostAliases().size());
    assertEquals("10.0.0.5", p.getHostAliases().get(0).getIp());
    assertEquals(List.of("db", "db-alias"), p.getHostAliases().get(0).getHostnames());
    assertEquals(List.of("db6"), p.getHostAliases().get(1).getHostnames());
    assertEquals("None", p.getDnsPolicy());
    assertEquals(List.of("10.0.0.2"), p.getDnsConfig().getNameservers());
    assertEquals(List.of("corp.example"), p.getDnsConfig().getSearches());
    assertEquals(Map.of("net.ipv4.ip_unprivileged_port_start", "1024", "kernel.msgmax", "65536"),
        p.getSecurityContext().getSysctls().stream().collect(Collectors.toMap(s -> s.getName(), s -> s.getValue())));
    assertEquals(Map.of("kubernetes.io/os", "linux", "kubernetes.io/arch", "arm64"), p.getNodeSelector());
    assertEquals(true, p.getContainers().get(0).getTty());
    assertEquals(true, p.getContainers().get(0).getStdin());
    assertEquals("Memory", p.getVolumes().stream().filter(v -> v.getName().equals("shm")).findFirst().orElseThrow()
        .getEmptyDir().getMedium());
    assertEquals("256Mi", p.getVolumes().stream().filter(v -> v.getName().equals("shm")).findFirst().orElseThrow()
        .getEmptyDir().getSizeLimit().toString());
    assertEquals("/dev/shm", p.getContainers().get(0).getVolumeMounts().stream()
        .filter(m -> m.getName().equals("shm")).findFirst().orElseThrow().getMountPath());
  }

  @Test
  void kubernetesRefusesAVariantAliasesAndMoreNetworks() {
    SecureContainerSpec spec = SecureContainerSpec.builder().image("busybox:1").network(NetworkMode.bridge())
        .platform("linux/arm/v7").addNetwork(NetworkAttachment.of(NetworkMode.named("back"))).build();
    UncarriableSpecException e = assertThrows(UncarriableSpecException.class,
        () -> KubernetesRenderer.builder(spec).acceptLoss(SpecAttribute.PIDS_LIMIT).build().pod());
    assertEquals("2 field(s) of the spec cannot be carried by kubernetes Pod: "
        + "additionalNetworks: a pod joins the cluster network only, not more networks: [name=back]; "
        + "platform: kubernetes selects nodes by os and arch only, not a variant: linux/arm/v7"
        + " (remove them from the spec, or accept each loss by name)", e.getMessage());
  }
}
