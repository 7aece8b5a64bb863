package dev.carapace.core.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.carapace.core.Endpoint;
import dev.carapace.core.OwnerLabels;
import dev.carapace.core.internal.values.LocalOwners;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The owner skeleton without an engine: the builder's choice, labels, tracking, cleanup and close. */
class EngineOwnerTest {
  /** A caller's client whose transport answers nothing: every test here must send no request. */
  static DockerClient silentClient() {
    DockerHttpClient none = new DockerHttpClient() {
      @Override
      public Response execute(Request request) {
        throw new AssertionError("no request expected: " + request.path());
      }

      @Override
      public void close() {}
    };
    return DockerClientImpl.getInstance(DefaultDockerClientConfig.createDefaultConfigBuilder()
        .withDockerHost("tcp://127.0.0.1:1").build(), none);
  }

  @Test
  void endpointAndClientAreExclusiveNamingWhatIsBuilt() {
    EngineOwner.Connection c = new EngineOwner.Connection("deployer");
    c.endpoint(Endpoint.unixSocket(java.nio.file.Path.of("/var/run/docker.sock")));
    assertEquals("endpoint and dockerClient are exclusive: both set (call endpoint(..) for a deployer with its own"
        + " connections, or dockerClient(..) to reuse yours, not both)",
        assertThrows(IllegalStateException.class, () -> c.dockerClient(silentClient())).getMessage());
    EngineOwner.Connection other = new EngineOwner.Connection("audit");
    other.dockerClient(silentClient());
    assertTrue(other.callersClient());
    assertThrows(IllegalStateException.class, () -> other.endpoint(Endpoint.unixSocket(java.nio.file.Path.of("/var/run/docker.sock"))));
    assertEquals("stream timeout must be positive: PT0S",
        assertThrows(IllegalArgumentException.class, () -> other.streamTimeout(Duration.ZERO)).getMessage());
  }

  @Test
  void anOwnerLabelsWhatItMakesAndHandsOutTheCallersClient() {
    DockerClient client = silentClient();
    EngineOwner.Connection c = new EngineOwner.Connection("launcher");
    c.dockerClient(client);
    EngineOwner owner = EngineOwner.open(c, LoggerFactory.getLogger(EngineOwnerTest.class));
    EngineOwner second = EngineOwner.open(c, LoggerFactory.getLogger(EngineOwnerTest.class));
    assertNotEquals(owner.id(), second.id());
    assertEquals(Map.of(OwnerLabels.MANAGED, "true", OwnerLabels.OWNER, OwnerLabels.currentOwner(),
        OwnerLabels.LAUNCHER, owner.id()), owner.labels());
    assertEquals(Map.of(OwnerLabels.LAUNCHER, owner.id()), owner.ownLabels());
    assertSame(client, owner.dockerClient());
    assertTrue(owner.callersClient());
    owner.track("a");
    owner.track("b");
    owner.forget("a");
    assertEquals(List.of("b"), owner.tracked());
    owner.close();
    second.close();
  }

  @Test
  void cleanupSelectsByTheOwnerLabelAsLocalOwnersJudgesIt() {
    String host = LocalOwners.hostName();
    List<String> owners = Arrays.asList(OwnerLabels.currentOwner(), "2147483646@" + host + "@1",
        "2147483646@another-host@1", "not-an-owner", null);
    assertEquals(List.of("2147483646@" + host + "@1"),
        EngineOwner.Cleanup.LEFTOVERS.select(owners, o -> o));
    assertEquals(owners.subList(0, 4), EngineOwner.Cleanup.ALL.select(owners, o -> o));
  }

  @Test
  void closeRunsEveryStepThrowsTheFirstFailureAndSuppressesTheRest() {
    EngineOwner.Connection c = new EngineOwner.Connection("launcher");
    c.dockerClient(silentClient());
    EngineOwner owner = EngineOwner.open(c, LoggerFactory.getLogger(EngineOwnerTest.class));
    List<String> ran = new ArrayList<>();
    IllegalStateException first = new IllegalStateException("networks");
    IllegalStateException second = new IllegalStateException("services");
    IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> owner.close(
        () -> {
          ran.add("networks");
          throw first;
        },
        () -> {
          ran.add("services");
          throw second;
        },
        () -> ran.add("third")));
    assertSame(first, thrown);
    assertEquals(List.of(second), List.of(thrown.getSuppressed()));
    assertEquals(List.of("networks", "services", "third"), ran);
  }
}
