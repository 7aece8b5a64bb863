package dev.carapace.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.SwarmSpec;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The single-node swarm a Swarm IT creates before its first test and leaves after its last
 * ({@code docker_gwbridge} removed), so the engine ends as it began. It refuses to start when the engine
 * is already in a swarm: that swarm is someone else's.
 */
final class SingleNodeSwarm {
  private SingleNodeSwarm() {}

  /** {@code docker swarm init --advertise-addr 127.0.0.1}, refused when the engine is in a swarm already. */
  static void init(DockerClient docker, String test) {
    String state = String.valueOf(docker.infoCmd().exec().getSwarm().getLocalNodeState());
    if (!state.equalsIgnoreCase("inactive")) {
      throw new IllegalStateException("the engine is already in a swarm (" + state + "): " + test + " creates and"
          + " leaves its own, and will not leave someone else's; run it on an engine outside any swarm");
    }
    docker.initializeSwarmCmd(new SwarmSpec()).withAdvertiseAddr("127.0.0.1").withListenAddr("127.0.0.1:2377").exec();
  }

  /** {@code docker swarm leave --force}, then removes {@code docker_gwbridge} (retried while it is busy). */
  static void leave(DockerClient docker) {
    docker.leaveSwarmCmd().withForceEnabled(true).exec();
    for (int i = 0; i < 50 && !docker.listNetworksCmd().withNameFilter("docker_gwbridge").exec().isEmpty(); i++) {
      try {
        docker.removeNetworkCmd("docker_gwbridge").exec();
      } catch (RuntimeException busy) {
        SwarmDeployer.sleep(java.time.Duration.ofMillis(200));
      }
    }
    assertEquals(List.of(), docker.listNetworksCmd().withNameFilter("docker_gwbridge").exec().stream()
        .map(n -> n.getName()).collect(Collectors.toList()));
  }
}
