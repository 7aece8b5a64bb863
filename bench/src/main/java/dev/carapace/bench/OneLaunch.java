package dev.carapace.bench;

import com.github.dockerjava.api.DockerClient;
import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.Endpoint;
import dev.carapace.core.SecureContainerSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

  /** Runs this class in a fresh JVM ({@code mode} as above); returns its phases (ms). */
  static double[] spawn(String mode, String dockerHost, int launches, String... jvmArgs) throws Exception {
    List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
    argv.addAll(List.of(jvmArgs));
    argv.addAll(List.of(OneLaunch.class.getName(), mode, String.valueOf(System.currentTimeMillis()),
        String.valueOf(launches)));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    if (dockerHost != null) {
      pb.environment().put("DOCKER_HOST", dockerHost);
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("child " + mode + " exited " + p.exitValue() + ": " + out);
    }
    String line = out.lines().filter(l -> l.startsWith("phases ")).reduce((a, b) -> b)
        .orElseThrow(() -> new IllegalStateException("child " + mode + " printed no phases: " + out));
    String[] f = line.split(" ");
    return new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3])};
  }
}
