package dev.carapace.core;

import static dev.carapace.core.testing.TestEngine.busybox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.carapace.core.internal.engine.EngineSession;
import dev.carapace.core.internal.fields.RecordedVerifier;
import dev.carapace.core.testing.RewritingProxy;
import dev.carapace.core.testing.TestEngine;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verifier against the real engine: every field asked is read back despite the engine's own
 * spellings, and a real man in the middle (an HTTP proxy between the launcher and the engine's socket)
 * that rewrites one field of the create request fails the launch, naming that field, with nothing left.
 */
class RecordedFieldsIT {
  private static final Path SOCKET = Path.of("/var/run/docker.sock");
  private static final Duration T = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  /** A spec asking for every field the translator sends, with the values the engine normalises. */
  private SecureContainerSpec.Builder everyField() {
    return busybox("sleep", "30").entrypoint("/bin/busybox").name("carapace-rf-" + System.nanoTime())
        .hostname("rf-host").workingDir(ContainerPath.of("/tmp")).user("1000:1000")
        .putEnv("TOKEN", "never-printed").putEnv("PATH", "/bin").putLabel("app", "rf")
        .addCapability(Capability.CHOWN).cpusetCpus(CpuSet.of(0)).cpuShares(512).cpuQuota(50_000).cpuPeriod(100_000)
        .memoryLimit(MemorySize.ofMebibytes(64)).memorySwap(MemorySize.ofMebibytes(96)).pidsLimit(64)
        .addUlimit(new Ulimit("nofile", 64, 64)).logConfig(LogConfig.jsonFile(MemorySize.ofMebibytes(1), 2))
        .readOnlyRootFilesystem(true)
        .addMount(Mount.bind(dir.toString(), ContainerPath.of("/data")).asReadOnly())
        .addMount(Mount.tmpfs(ContainerPath.of("/tmp"), MemorySize.ofMebibytes(8)))
        .addMount(Mount.tmpfs(ContainerPath.of("/run")))
        .network(NetworkMode.bridge()).addPort(PortBinding.localhost(0, 80))
        .addPort(new PortBinding("127.0.0.1", 0, 81, PortBinding.Protocol.UDP))
        .restartPolicy(RestartPolicy.onFailure(2))
        .healthCheck(HealthCheck.exec("true").interval(Duration.ofSeconds(2)).timeout(Duration.ofMillis(1500))
            .startPeriod(Duration.ofMillis(250)).retries(4))
        .init(true).stopSignal("SIGQUIT").stopTimeout(Duration.ofSeconds(7))
        // issue 23
        .shmSize(MemorySize.ofMebibytes(32)).addExtraHost("db.internal", "10.0.0.5").addExtraHost("db6", "fd00::5")
        .addDnsServer("10.0.0.2").addDnsSearch("corp.example").putSysctl("kernel.shm_rmid_forced", "1")
        .putUnsafeSysctl("net.core.somaxconn", "1024").platform("linux/amd64").tty(true).openStdin(true);
  }

  @Test
  void everyFieldAskedIsReadBackFromTheEngine() throws Exception {
    List<SecureContainerSpec> specs = List.of(everyField().build(),
        // left to the image or the engine: command, entrypoint, health check, stop signal and timeout
        busybox().unlimitedPids().stopTimeout(Duration.ZERO).build(),
        // an entrypoint without a command: the engine takes no CMD from the image
        busybox().entrypoint("/bin/true").keepDockerDefaultCapabilities().dropCapability(Capability.MKNOD)
            .allowPrivilegeEscalation().nanoCpus(500_000_000L).restartPolicy(RestartPolicy.unlessStopped()).build());
    try (ContainerLauncher launcher = TestEngine.launcher();
        EngineSession raw = EngineSession.open(TestEngine.endpoint(), null, T, Map.of());
        DockerClient callers = DockerClientImpl.getInstance(DefaultDockerClientConfig.createDefaultConfigBuilder()
            .withDockerHost("unix://" + SOCKET).build(),
            new ApacheDockerHttpClient.Builder().dockerHost(URI.create("unix://" + SOCKET)).build())) {
      for (SecureContainerSpec spec : specs) {
        try (RunningContainer c = launcher.launch(spec);   // verified: a mismatch would throw
            EngineSession model = EngineSession.reuse(TestEngine.hidingItsTransport(callers), T, T, Map.of())) {
          assertEquals(List.of(), RecordedVerifier.mismatches(spec, raw.inspectRaw(c.id())));
          // a caller's client that exposes no transport: docker-java's model, written back, carries every field
          assertEquals(List.of(), RecordedVerifier.mismatches(spec, model.inspectRaw(c.id())));
        }
      }
    }
  }

  private static void rewriteFirstPortBinding(ObjectNode create, String field, String value) {
    ObjectNode ports = (ObjectNode) create.get("HostConfig").get("PortBindings");
    ((ObjectNode) ports.elements().next().get(0)).put(field, value);
  }

  private void launchThrough(Consumer<ObjectNode> rewrite, SecureContainerSpec spec, List<String> expected)
      throws Exception {
    String launcherId;
    try (RewritingProxy proxy = new RewritingProxy(SOCKET, rewrite);
        ContainerLauncher launcher = ContainerLauncher.connect(Endpoint.plainTcp("127.0.0.1", proxy.port()))) {
      launcherId = launcher.id();
      RecordedMismatchException e = assertThrows(RecordedMismatchException.class, () -> launcher.launch(spec));
      assertEquals(expected, e.mismatches());
      assertEquals("verify of " + spec.image() + " failed: the daemon did not record what was asked: "
          + String.join("; ", expected), e.getMessage().replaceFirst(" \\(container [0-9a-f]{12}\\)", ""));
      assertEquals(1, proxy.rewritten(), proxy + " rewrote no create request");
      assertNoneLeft(launcherId);   // removed at once, before close
    }
    assertNoneLeft(launcherId);
  }

  private static void assertNoneLeft(String launcherId) {
    String filters = "{\"label\":[\"" + OwnerLabels.LAUNCHER + "=" + launcherId + "\"]}";
    JsonNode left = TestEngine.getJson("/containers/json?all=1&filters="
        + URLEncoder.encode(filters, StandardCharsets.UTF_8)).get(0);
    assertEquals(0, left.size(), "containers left by launcher " + launcherId + ": " + left);
  }

  @Test
  void aProxyThatChangesNothingLetsTheLaunchThrough() throws Exception {
    try (RewritingProxy proxy = new RewritingProxy(SOCKET, create -> { });
        ContainerLauncher launcher = ContainerLauncher.connect(Endpoint.plainTcp("127.0.0.1", proxy.port()));
        RunningContainer c = launcher.launch(everyField().build())) {
      assertEquals(1, proxy.rewritten());
      assertEquals("running", TestEngine.getJson("/containers/" + c.id() + "/json").get(0)
          .path("State").path("Status").asText());
    }
  }

  @Test
  void aPortPublishedOnEveryInterfaceIsNamed() throws Exception {
    launchThrough(create -> rewriteFirstPortBinding(create, "HostIp", "0.0.0.0"),
        busybox("sleep", "30").network(NetworkMode.bridge()).addPort(PortBinding.localhost(0, 80)).build(),
        List.of("PortBindings[80/tcp] recorded [0.0.0.0:], asked [127.0.0.1:]"));
  }

  @Test
  void aMountsDroppedReadOnlyFlagIsNamed() throws Exception {
    launchThrough(create -> ((ObjectNode) create.get("HostConfig").get("Mounts").get(0)).remove("ReadOnly"),
        busybox("sleep", "30").addMount(Mount.bind(dir.toString(), ContainerPath.of("/data")).asReadOnly()).build(),
        List.of("Mounts[/data].ReadOnly recorded false, asked true"));
  }

  @Test
  void aRaisedUlimitIsNamed() throws Exception {
    launchThrough(create -> ((ObjectNode) create.get("HostConfig").get("Ulimits").get(0))
            .put("Soft", 1048576).put("Hard", 1048576),
        busybox("sleep", "30").addUlimit(new Ulimit("nofile", 64, 64)).build(),
        List.of("Ulimits[nofile] recorded 1048576:1048576, asked 64:64"));
  }

  @Test
  void aChangedRestartPolicyIsNamed() throws Exception {
    launchThrough(create -> ((ObjectNode) create.get("HostConfig")).putObject("RestartPolicy")
            .put("Name", "always").put("MaximumRetryCount", 0),
        busybox("sleep", "30").restartPolicy(RestartPolicy.onFailure(2)).build(),
        List.of("RestartPolicy recorded always, asked on-failure:2"));
  }

  @Test
  void anExecutableTmpfsAndAnAddedBindAreNamed() throws Exception {
    launchThrough(create -> {
      ObjectNode hc = (ObjectNode) create.get("HostConfig");
      ((ObjectNode) hc.get("Tmpfs")).put("/tmp", "rw,exec,nosuid,nodev");
      hc.putArray("Binds").add(dir + ":/host");
    }, busybox("sleep", "30").addMount(Mount.tmpfs(ContainerPath.of("/tmp"))).build(),
        List.of("Binds recorded [" + dir + ":/host], asked []",
            "Tmpfs[/tmp] recorded rw,exec,nosuid,nodev, asked rw,noexec,nosuid,nodev"));
  }
}
