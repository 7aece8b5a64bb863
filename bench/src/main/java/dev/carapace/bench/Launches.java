package dev.carapace.bench;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.model.HostConfig;
import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.RunResult;
import dev.carapace.core.RunningContainer;
import dev.carapace.core.SecureContainerSpec;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.utility.DockerImageName;

/** One launch of the hardened container, each contender's way. Each throws unless {@code true} exited 0. */
final class Launches {
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  private Launches() {}

  /** {@code launcher.run}: create, inspect, start, wait, logs, remove. */
  static void carapaceRun(ContainerLauncher launcher, SecureContainerSpec spec) {
    RunResult r = launcher.run(spec, TIMEOUT);
    check(r.exitCode(), "carapace run");
  }

  /** {@code launch}, {@code awaitExit}, {@code close}: create, inspect, start, wait, remove. */
  static void carapaceLaunch(ContainerLauncher launcher, SecureContainerSpec spec) {
    try (RunningContainer c = launcher.launch(spec)) {
      OptionalInt exit = c.awaitExit(TIMEOUT);
      check(exit.orElse(-1), "carapace launch");
    }
  }

  /** Raw docker-java with one reused client: create, [inspect,] start, wait, remove. */
  static void raw(DockerClient client, boolean inspect, String who) {
    String id = client.createContainerCmd(Hardened.IMAGE)
        .withCmd("true")
        .withLabels(Hardened.label(who))
        .withHostConfig(Hardened.hostConfig(HostConfig.newHostConfig()))
        .exec().getId();
    try {
      if (inspect) {
        client.inspectContainerCmd(id).exec();
      }
      client.startContainerCmd(id).exec();
      try (WaitContainerResultCallback cb = client.waitContainerCmd(id).exec(new WaitContainerResultCallback())) {
        check(cb.awaitStatusCode(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "raw docker-java");
      } catch (IOException e) {
        throw new IllegalStateException("closing the wait stream", e);
      }
    } finally {
      client.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
    }
  }

  /** {@code docker run --rm ...}. */
  static void cli(String host, String who) throws IOException, InterruptedException {
    List<String> argv = Hardened.cli(host, who);
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("docker run did not finish");
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException("docker run exited " + p.exitValue() + ": " + new String(out).trim());
    }
  }

  /** Testcontainers: GenericContainer with the same HostConfig, one-shot startup check, start and stop. */
  @SuppressWarnings("resource")
  static void testcontainers(String who) {
    GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(Hardened.IMAGE))
        .withCommand("true")
        .withLabel(Hardened.LABEL, who)
        .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(TIMEOUT))
        .withCreateContainerCmdModifier(cmd -> cmd.withHostConfig(Hardened.hostConfig(
            cmd.getHostConfig() == null ? HostConfig.newHostConfig() : cmd.getHostConfig())));
    try {
      c.start();
    } finally {
      c.stop();
    }
  }

  private static void check(Integer exit, String who) {
    if (exit == null || exit != 0) {
      throw new IllegalStateException(who + ": container exited " + exit);
    }
  }
}
