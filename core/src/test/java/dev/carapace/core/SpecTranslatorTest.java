package dev.carapace.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.core.DockerClientConfig;
import dev.carapace.core.internal.fields.RawLogConfig;
import dev.carapace.core.internal.fields.SpecTranslator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The HostConfig a spec produces, field by field; the ITs check the same against the kernel. */
class SpecTranslatorTest {
  private static final ObjectMapper MAPPER =
      DockerClientConfig.getDefaultObjectMapper().copy().registerModule(RawLogConfig.MODULE);

  private static HostConfig hc(SecureContainerSpec.Builder b) {
    return SpecTranslator.applyTo(b.build(), HostConfig.newHostConfig());
  }

  private static SecureContainerSpec.Builder spec() {
    return SecureContainerSpec.builder().image("busybox");
  }

  @Test
  void defaultSpecProducesTheHardenedHostConfig() {
    HostConfig hc = hc(spec());
    assertArrayEquals(new Capability[] {Capability.ALL}, hc.getCapDrop());
    assertNull(hc.getCapAdd());
    assertEquals(List.of("no-new-privileges"), hc.getSecurityOpts());
    assertEquals("none", hc.getNetworkMode());
    assertEquals(1024L, hc.getPidsLimit());
    assertEquals(false, hc.getPrivileged());
    assertEquals(false, hc.getReadonlyRootfs());
    assertNull(hc.getRuntime(), "the engine's default runtime is not named");
  }

  @Test
  void runtimeIsSentByNameAndUntrustedAsItsLabel() {
    assertEquals("runsc", hc(spec().runtime(ContainerRuntime.gvisor())).getRuntime());
    assertEquals("kata", hc(spec().runtime(ContainerRuntime.named("kata"))).getRuntime());
    assertEquals("runsc", MAPPER.valueToTree(hc(spec().runtime(ContainerRuntime.gvisor()))).at("/Runtime").asText(),
        "docker-java writes it as HostConfig.Runtime");
    assertEquals(Map.of("tier", "front"), SpecTranslator.labels(spec().putLabel("tier", "front").build()));
    assertEquals(Map.of("tier", "front", "dev.carapace.untrusted", "true"),
        SpecTranslator.labels(spec().putLabel("tier", "front").untrusted().build()));
  }

  @Test
  void resourcesAndSecurityOptionsMapOneToOne() {
    HostConfig hc = hc(spec().addCapability("NET_RAW").cpusetCpus(CpuSet.parse("0,1")).cpuShares(512)
        .memoryLimit(MemorySize.ofMebibytes(64)).memorySwap(MemorySize.ofMebibytes(128)).pidsLimit(50)
        .cpuQuota(50_000).cpuPeriod(100_000).readOnlyRootFilesystem(true)
        .selinuxLabel(SelinuxLabel.type("docker_apache_t")).apparmorProfile("docker-default")
        .addUlimit(Ulimit.parse("nofile=100:200")).restartPolicy(RestartPolicy.onFailure(5)).init(true));
    assertArrayEquals(new Capability[] {Capability.NET_RAW}, hc.getCapAdd());
    assertEquals("0-1", hc.getCpusetCpus());
    assertEquals(512, hc.getCpuShares());
    assertEquals(64L << 20, hc.getMemory());
    assertEquals(128L << 20, hc.getMemorySwap());
    assertEquals(50L, hc.getPidsLimit());
    assertEquals(50_000L, hc.getCpuQuota());
    assertEquals(100_000L, hc.getCpuPeriod());
    assertTrue(hc.getReadonlyRootfs());
    assertEquals(List.of("no-new-privileges", "label=type:docker_apache_t", "apparmor=docker-default"),
        hc.getSecurityOpts());
    assertEquals("nofile", hc.getUlimits()[0].getName());
    assertEquals("on-failure", hc.getRestartPolicy().getName());
    assertEquals(5, hc.getRestartPolicy().getMaximumRetryCount());
    assertTrue(hc.getInit());
  }

  @Test
  void namedDropListKeepsTheOtherDefaults() {
    HostConfig hc = hc(spec().keepDockerDefaultCapabilities().dropCapability("NET_RAW", "MKNOD"));
    assertArrayEquals(new Capability[] {Capability.NET_RAW, Capability.MKNOD}, hc.getCapDrop());
  }

  @Test
  void mountsAreBindAndVolumeMountsAndTmpfsIsNoexec() {
    HostConfig hc = hc(spec().addMount(Mount.bind("/srv/conf", ContainerPath.of("/conf")).asReadOnly(),
        Mount.volume("cache", ContainerPath.of("/cache")),
        Mount.tmpfs(ContainerPath.of("/tmp"), MemorySize.ofMebibytes(16))));
    assertEquals(MountType.BIND, hc.getMounts().get(0).getType());
    assertEquals("/srv/conf", hc.getMounts().get(0).getSource());
    assertTrue(hc.getMounts().get(0).getReadOnly());
    assertEquals(MountType.VOLUME, hc.getMounts().get(1).getType());
    assertFalse(hc.getMounts().get(1).getReadOnly());
    assertEquals(Map.of("/tmp", "rw,noexec,nosuid,nodev,size=16777216"), hc.getTmpFs());
  }

  @Test
  void portsBindTheExplicitHostIp() throws Exception {
    HostConfig hc = hc(spec().network(NetworkMode.bridge()).addPort(PortBinding.localhost(8080, 80)));
    JsonNode json = MAPPER.valueToTree(hc);
    assertEquals("127.0.0.1", json.at("/PortBindings/80~1tcp/0/HostIp").asText());
    assertEquals("8080", json.at("/PortBindings/80~1tcp/0/HostPort").asText());
    JsonNode any = MAPPER.valueToTree(hc(spec().network(NetworkMode.bridge()).addPort(new PortBinding("127.0.0.1", 0, 80, PortBinding.Protocol.TCP))));
    assertEquals("127.0.0.1", any.at("/PortBindings/80~1tcp/0/HostIp").asText());
    assertEquals("", any.at("/PortBindings/80~1tcp/0/HostPort").asText(""), "port 0: the engine picks");
  }

  @Test
  void anyLogDriverNameIsSentVerbatim() {
    JsonNode plugin = MAPPER.valueToTree(hc(spec().logConfig(LogConfig.builder("grafana/loki:2.9")
        .option("loki-url", "http://127.0.0.1:3100").build())));
    assertEquals("grafana/loki:2.9", plugin.at("/LogConfig/Type").asText());
    assertEquals("http://127.0.0.1:3100", plugin.at("/LogConfig/Config/loki-url").asText());
    JsonNode syslog = MAPPER.valueToTree(hc(spec().logConfig(LogConfig.syslog("udp://127.0.0.1:514"))));
    assertEquals("syslog", syslog.at("/LogConfig/Type").asText());
  }

  @Test
  void mergingKeepsWhatTheHostConfigAlreadyHeld() {
    HostConfig existing = HostConfig.newHostConfig()
        .withMounts(List.of(new com.github.dockerjava.api.model.Mount().withType(MountType.VOLUME)
            .withSource("tc").withTarget("/tc")))
        .withSecurityOpts(List.of("label=disable", "seccomp=unconfined"));
    HostConfig hc = SpecTranslator.applyTo(spec().build(), existing);
    assertEquals("/tc", hc.getMounts().get(0).getTarget());
    assertEquals(List.of("label=disable", "no-new-privileges"), hc.getSecurityOpts(),
        "a weaker seccomp already there is replaced by the spec's");
  }
}
