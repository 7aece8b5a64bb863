package dev.carapace.core;

import static dev.carapace.core.testing.TestEngine.busybox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.carapace.core.testing.TestEngine;
import dev.carapace.core.internal.engine.EngineSession;
import dev.carapace.core.internal.fields.RecordedVerifier;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A launcher on the docker-java client the application already has: it launches through that client,
 * verifies what the engine recorded, removes its containers, and leaves the client open.
 */
class CallersDockerClientIT {
  private static final Duration T = Duration.ofSeconds(30);

  private DockerClient callers;

  /** The application's own client, made the way docker-java's README makes one. */
  @BeforeEach
  void applicationsOwnClient() {
    DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
        .withDockerHost("unix:///var/run/docker.sock").build();
    ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
        .dockerHost(config.getDockerHost()).build();
    callers = DockerClientImpl.getInstance(config, http);
  }

  @AfterEach
  void closeIt() throws Exception {
    callers.close();
  }

  private List<String> containersOf(ContainerLauncher launcher) {
    return callers.listContainersCmd().withShowAll(true)
        .withLabelFilter(Map.of(OwnerLabels.LAUNCHER, launcher.id())).exec()
        .stream().map(c -> c.getId()).toList();
  }

  @Test
  void runsHardenedThroughTheCallersClientAndLeavesItOpen() {
    ContainerLauncher launcher = ContainerLauncher.builder().dockerClient(callers).build();
    RunResult r = launcher.run(busybox("sh", "-c", "grep CapEff /proc/self/status").build(), T);
    assertEquals(0, r.exitCode(), r.stderr());
    assertEquals("CapEff:\t0000000000000000", r.stdout().trim());
    // a handle never closed: the launcher's close removes it, through the caller's client
    RunningContainer forgotten = launcher.launch(busybox("sleep", "30").build());
    assertEquals(List.of(forgotten.id()), containersOf(launcher));

    launcher.close();

    callers.pingCmd().exec();   // a closed docker-java client throws "Connection pool shut down"
    assertEquals(List.of(), containersOf(launcher), "containers left behind by the launcher");
    launcher.close();   // idempotent, and still leaves the caller's client open
    callers.pingCmd().exec();
  }

  @Test
  void aClientWithoutAnExposedTransportIsVerifiedFromDockerJavasModel() {
    DockerClient delegate = TestEngine.hidingItsTransport(callers);
    SecureContainerSpec asked = busybox("sleep", "30")
        .memoryLimit(MemorySize.ofMebibytes(64)).memorySwap(MemorySize.ofMebibytes(128))
        .cpuShares(512).cpuQuota(50_000).cpuPeriod(100_000).cpusetCpus(CpuSet.of(0)).pidsLimit(64)
        .readOnlyRootFilesystem(true).user("1000:1000").addCapability(Capability.CHOWN)
        .logConfig(LogConfig.jsonFile(MemorySize.ofMebibytes(1), 2))
        .build();
    try (ContainerLauncher launcher = ContainerLauncher.builder().dockerClient(delegate).build();
        RunningContainer c = launcher.launch(asked);   // verified from the model: nothing missing
        EngineSession raw = EngineSession.reuse(callers, T, T, Map.of());
        EngineSession model = EngineSession.reuse(delegate, T, T, Map.of())) {
      assertNotNull(((DockerClientImpl) callers).getHttpClient(), "docker-java exposes the caller's transport");
      JsonNode fromTransport = raw.inspectRaw(c.id());
      JsonNode fromModel = model.inspectRaw(c.id());
      assertEquals(List.of(), RecordedVerifier.mismatches(asked, fromModel));
      // every field verified reads the same from both: each one differs from the record here
      SecureContainerSpec quota = busybox("true")
          .memoryLimit(MemorySize.ofMebibytes(32)).memorySwap(MemorySize.ofMebibytes(48))
          .cpuShares(256).cpuQuota(20_000).cpuPeriod(50_000).cpusetCpus(CpuSet.of(1)).pidsLimit(32)
          .user("2000").addCapability(Capability.NET_RAW).network(NetworkMode.bridge())
          .logConfig(LogConfig.syslog("udp://127.0.0.1:5514"))
          .build();
      SecureContainerSpec nano = busybox("true").nanoCpus(500_000_000L).keepDockerDefaultCapabilities()
          .dropCapability(Capability.MKNOD).allowPrivilegeEscalation().build();
      for (SecureContainerSpec other : List.of(quota, nano)) {
        List<String> expected = RecordedVerifier.mismatches(other, fromTransport);
        assertEquals(expected, RecordedVerifier.mismatches(other, fromModel));
        assertFalse(expected.isEmpty());
      }
      assertEquals(List.of("CapAdd", "CpusetCpus", "CpuShares", "CpuQuota", "CpuPeriod", "Memory", "MemorySwap",
          "PidsLimit", "ReadonlyRootfs", "NetworkMode", "LogConfig.Type", "LogConfig.Config[syslog-address]",
          "Config.User", "Config.Cmd"), fields(RecordedVerifier.mismatches(quota, fromModel)));
      assertEquals(List.of("CapDrop recorded [ALL], asked [MKNOD]", "CapAdd recorded [CHOWN], asked []",
          "SecurityOpt recorded [no-new-privileges], asked []", "CpusetCpus recorded 0, asked null", "NanoCpus recorded 0, asked 500000000",
          "PidsLimit recorded 64, asked 1024", "ReadonlyRootfs recorded true, asked false",
          "Config.Cmd recorded [sleep, 30], asked [true]"), RecordedVerifier.mismatches(nano, fromModel));
    }
    callers.pingCmd().exec();
  }

  private static List<String> fields(List<String> mismatches) {
    return mismatches.stream().map(m -> m.substring(0, m.indexOf(" recorded "))).toList();
  }
}
