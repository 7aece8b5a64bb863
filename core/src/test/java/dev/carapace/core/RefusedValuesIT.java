package dev.carapace.core;

import static dev.carapace.core.testing.TestEngine.BUSYBOX;
import static dev.carapace.core.testing.TestEngine.busybox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.HostConfig;
import dev.carapace.core.internal.DockerClients;
import dev.carapace.core.testing.TestEngine;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Why the spec refuses what it refuses at build: the same values sent raw to the real engine are
 * accepted at create and then fail at start or exec, or do the opposite of what they say. And the limits are
 * the engine's own: its edge values still launch through the spec.
 */
class RefusedValuesIT {
  private static final Duration T = Duration.ofSeconds(30);
  private static ContainerLauncher launcher;
  private static DockerClient docker;

  @BeforeAll
  static void connect() {
    launcher = TestEngine.launcher();
    docker = DockerClients.connect(TestEngine.endpoint());
  }

  @AfterAll
  static void close() throws Exception {
    launcher.close();
    docker.close();
  }

  /** Creates a raw container (no Carapace), starts it and returns its exit code; always removes it. */
  private static int runRaw(UnaryOperator<CreateContainerCmd> request) throws InterruptedException {
    String id = request.apply(docker.createContainerCmd(BUSYBOX)
        .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none"))).exec().getId();
    try {
      docker.startContainerCmd(id).exec();
      return docker.waitContainerCmd(id).start().awaitStatusCode(30, TimeUnit.SECONDS);
    } finally {
      docker.removeContainerCmd(id).withForce(true).exec();
    }
  }

  @Test
  void aUidAboveRuncsLimitFailsAtStartAndTheLimitItselfRuns() {
    DockerException e = assertThrows(DockerException.class,
        () -> runRaw(c -> c.withUser("2147483648").withCmd("true")));
    assertTrue(e.getMessage().contains("uids and gids must be in range 0-2147483647"), e.getMessage());
    assertThrows(InvalidSpecException.class, () -> busybox("true").user("2147483648").build());
    assertEquals(0, launcher.run(busybox("true").user("2147483647:2147483647").build(), T).exitCode());
  }

  @Test
  void aNulInACommandWordFailsItsExec() throws InterruptedException {
    // the start is accepted; the exec in the container fails ("exec /bin/echo: invalid argument", exit 1)
    assertTrue(runRaw(c -> c.withCmd("echo", "a\0b")) != 0);
    assertEquals(0, runRaw(c -> c.withCmd("echo", "a b")));
    assertThrows(InvalidSpecException.class, () -> busybox("echo", "a\0b").build());
  }

  @Test
  void aTmpfsOfSizeZeroHasNoLimit() throws InterruptedException {
    String write20MiB = "dd if=/dev/zero of=/t/x bs=1M count=20";
    assertEquals(0, runRaw(c -> c.withCmd("sh", "-c", write20MiB)
        .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none").withTmpFs(Map.of("/t", "size=0")))),
        "20 MiB fit in a tmpfs of size 0");
    assertTrue(launcher.run(busybox("sh", "-c", write20MiB)
        .addMount(Mount.tmpfs(ContainerPath.of("/t"), MemorySize.ofMebibytes(1))).build(), T).exitCode() != 0,
        "but not in one of 1 MiB");
    assertThrows(InvalidSpecException.class, () -> busybox("true")
        .addMount(Mount.tmpfs(ContainerPath.of("/t"), MemorySize.ofBytes(0))).build());
  }

  @Test
  void anEntrypointOfOneEmptyWordClearsTheImagesEntrypoint() throws InterruptedException {
    String id = docker.createContainerCmd(BUSYBOX).withEntrypoint("").withCmd("true")
        .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none")).exec().getId();
    try {
      assertEquals(null, docker.inspectContainerCmd(id).exec().getConfig().getEntrypoint(),
          "the engine records no entrypoint, not a program named \"\"");
    } finally {
      docker.removeContainerCmd(id).withForce(true).exec();
    }
    assertThrows(InvalidSpecException.class, () -> busybox("true").entrypoint("").build());
  }
}
