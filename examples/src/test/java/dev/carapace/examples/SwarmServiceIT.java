package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.SwarmSpec;
import dev.carapace.core.internal.engine.DockerClients;
import dev.carapace.core.testing.TestEngine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs the {@code SwarmService} example in a single-node swarm this test creates and leaves
 * ({@code docker_gwbridge} removed); fails loudly when the engine is already in someone's swarm.
 */
class SwarmServiceIT {
  @Test
  void refusedThenDeployedWithTheLossAcceptedScaledAndRemoved() throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (DockerClient docker = DockerClients.connect(TestEngine.endpoint())) {
      String state = String.valueOf(docker.infoCmd().exec().getSwarm().getLocalNodeState());
      if (!state.equalsIgnoreCase("inactive")) {
        throw new IllegalStateException("the engine is already in a swarm (" + state + "): this test creates and"
            + " leaves its own, and will not leave someone else's");
      }
      docker.initializeSwarmCmd(new SwarmSpec()).withAdvertiseAddr("127.0.0.1").withListenAddr("127.0.0.1:2377").exec();
      try {
        assertEquals(0, SwarmService.run(TestEngine.endpoint(), TestEngine.BUSYBOX,
            new PrintStream(buf, true, StandardCharsets.UTF_8)), buf.toString(StandardCharsets.UTF_8));
      } finally {
        docker.leaveSwarmCmd().withForceEnabled(true).exec();
        for (int i = 0; i < 50 && !docker.listNetworksCmd().withNameFilter("docker_gwbridge").exec().isEmpty(); i++) {
          try {
            docker.removeNetworkCmd("docker_gwbridge").exec();
          } catch (RuntimeException busy) {
            sleep();
          }
        }
      }
      assertEquals(0, docker.listNetworksCmd().withNameFilter("docker_gwbridge").exec().size());
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    assertTrue(Pattern.compile("target: swarm on API 1\\.41 \\(engine 20\\.10[^)]*\\)\n"
        + "refused before any call: 2 field\\(s\\) of the spec cannot be carried by swarm on API 1\\.41 \\(engine"
        + " [^)]*\\): noNewPrivileges: swarm services have no no-new-privileges before API 1\\.44; network: swarm"
        + " services have no --network none \\(remove them from the spec, or accept each loss by name\\)\n"
        + "1 running [0-9a-f]{12}\n2 running [0-9a-f]{12}\n"
        + "(uid=1000 CapEff: 0000000000000000\n){1,2}"
        + "\\[HIGH\\] accepted-loss: noNewPrivileges is not carried \\(loss accepted\\): swarm on API 1\\.41 [^\n]*:"
        + " swarm services have no no-new-privileges before API 1\\.44 \\(remove the field from the spec, or run it"
        + " where it is carried \\(a newer engine, docker run\\)\\)\n").matcher(out).matches(), out);
  }

  private static void sleep() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
