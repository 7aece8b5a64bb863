package dev.carapace.bench;

import com.github.dockerjava.api.DockerClient;
import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.Endpoint;
import dev.carapace.core.SecureContainerSpec;
import org.testcontainers.DockerClientFactory;

/**
 * The child of the cold-start benchmark: a fresh JVM that launches the hardened container and exits.
 * Prints one line, {@code phases <boot> <client> <launch>}: milliseconds from the parent's spawn to
 * {@code main}, to a ready client, and to the end of the launch(es).
 *
 * <p>Usage: {@code OneLaunch noop|carapace|raw|testcontainers <spawnEpochMillis> [launches]}
 */
public final class OneLaunch {
  private OneLaunch() {}

  public static void main(String[] args) throws Exception {
    long main = System.currentTimeMillis();
    long spawned = Long.parseLong(args[1]);
    int launches = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    long client = main;
    switch (args[0]) {
      case "noop":
        break;
      case "carapace": {
        // what an application does: the endpoint from the environment, a launcher, one run
        try (ContainerLauncher launcher = ContainerLauncher.connect(Endpoint.fromEnvironment())) {
          SecureContainerSpec spec = Hardened.spec("cold-carapace");
          client = System.currentTimeMillis();
          for (int i = 0; i < launches; i++) {
            Launches.carapaceRun(launcher, spec);
          }
        }
        break;
      }
      case "raw": {
        DockerClient docker = Hardened.rawClient(null);
        client = System.currentTimeMillis();
        for (int i = 0; i < launches; i++) {
          Launches.raw(docker, false, "cold-raw");
        }
        docker.close();
        break;
      }
      case "testcontainers": {
        DockerClientFactory.instance().client();
        client = System.currentTimeMillis();
        for (int i = 0; i < launches; i++) {
          Launches.testcontainers("cold-testcontainers");
        }
        break;
      }
      default:
        throw new IllegalArgumentException("mode must be noop, carapace, raw or testcontainers: " + args[0]);
    }
    long done = System.currentTimeMillis();
    System.out.println("phases " + (main - spawned) + " " + (client - main) + " " + (done - client));
    System.out.flush();
    // docker-java and Testcontainers leave non-daemon threads behind; a CLI-like tool exits here
    System.exit(0);
  }
}
