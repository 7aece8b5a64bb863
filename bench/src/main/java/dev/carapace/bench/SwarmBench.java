package dev.carapace.bench;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.SwarmSpec;
import dev.carapace.cluster.SwarmDeployer;
import dev.carapace.cluster.SwarmDeployment;
import dev.carapace.core.Endpoint;
import dev.carapace.core.MemorySize;
import dev.carapace.core.NetworkMode;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SpecAttribute;
import dev.carapace.core.Ulimit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Section {@code swarm}: the time from deploy to a running, verified one-replica service, Carapace's
 * {@code SwarmDeployer.deploy} (create, wait until the task runs, inspect the service and the task's
 * container and compare them with the spec) against {@code docker service create --detach=false} with
 * the same flags (which returns once the task runs and is stable for the CLI's monitor period). In a
 * single-node swarm created for the section and left afterwards ({@code docker_gwbridge} removed);
 * refuses to run on an engine already in a swarm. Removal is not timed; each service is gone, its
 * container too, before the next round.
 */
final class SwarmBench {
  private static final int ROUNDS = Integer.getInteger("bench.swarmRounds", 10);
  private static final int WARMUP = Integer.getInteger("bench.swarmWarmup", 1);
  private static final Duration T = Duration.ofSeconds(120);
  private static final String IMAGE = "carapace-test/busybox:1";

  private SwarmBench() {}

  static void run(StringBuilder md, List<String[]> targets, DockerClient raw, Path socket) throws Exception {
    String state = String.valueOf(raw.infoCmd().exec().getSwarm().getLocalNodeState());
    if (!state.equalsIgnoreCase("inactive")) {
      throw new IllegalStateException("the engine is already in a swarm (" + state + "): the swarm section creates"
          + " and leaves its own");
    }
    raw.initializeSwarmCmd(new SwarmSpec()).withAdvertiseAddr("127.0.0.1").withListenAddr("127.0.0.1:2377").exec();
    double[][] wall = new double[2][ROUNDS];
    String[] names = {"Carapace `SwarmDeployer.deploy` (verification included)",
        "`docker service create --detach=false`"};
    try (SwarmDeployer swarm = SwarmDeployer.connect(Endpoint.unixSocket(socket))) {
      SecureContainerSpec spec = SecureContainerSpec.builder().image(IMAGE).command("sleep", "600")
          .user("1000:1000").readOnlyRootFilesystem(true).memoryLimit(MemorySize.ofMebibytes(64)).pidsLimit(64)
          .addUlimit(new Ulimit("nofile", 100, 200)).network(NetworkMode.bridge())
          .putLabel("carapace-bench", "swarm-carapace").build();
      for (int round = -WARMUP; round < ROUNDS; round++) {
        for (int k = 0; k < 2; k++) {
          int i = Math.floorMod(k + round, 2);
          String name = "carapace-bench-" + (i == 0 ? "lib" : "cli") + "-" + (round + WARMUP);
          long t0 = System.nanoTime();
          if (i == 0) {
            var service = swarm.deploy(spec, SwarmDeployment.builder(name).acceptLoss(SpecAttribute.NO_NEW_PRIVILEGES).build(), T);
            double ms = (System.nanoTime() - t0) / 1e6;
            service.remove();
            record(wall, i, round, ms);
          } else {
            cli("docker", "service", "create", "--detach=false", "--quiet", "--name", name, "--cap-drop", "ALL",
                "--user", "1000:1000", "--read-only", "--limit-memory", "64m", "--limit-pids", "64", "--ulimit",
                "nofile=100:200", "--restart-condition", "any", "--update-parallelism", "1", "--replicas", "1",
                "--container-label", "carapace-bench=swarm-cli", IMAGE, "sleep", "600");
            double ms = (System.nanoTime() - t0) / 1e6;
            cli("docker", "service", "rm", name);
            awaitGone(raw, name);
            record(wall, i, round, ms);
          }
        }
        System.out.printf("swarm round %d done%n", round);
      }
    } finally {
      for (var s : raw.listServicesCmd().exec()) {
        if (s.getSpec().getName().startsWith("carapace-bench-")) {
          raw.removeServiceCmd(s.getId()).exec();
        }
      }
      raw.leaveSwarmCmd().withForceEnabled(true).exec();
      for (int i = 0; i < 50 && !raw.listNetworksCmd().withNameFilter("docker_gwbridge").exec().isEmpty(); i++) {
        try {
          raw.removeNetworkCmd("docker_gwbridge").exec();
        } catch (RuntimeException busy) {
          Thread.sleep(200);
        }
      }
    }
    md.append("\n## Swarm: deploy to a running, verified one-replica service\n\nA single-node swarm created for this"
        + " section and left after it. Carapace `SwarmDeployer.deploy` (service create, wait until the task runs,"
        + " inspect the service and the task's container and compare them with the spec) against `docker service"
        + " create --detach=false` with the same flags (`--cap-drop ALL --user 1000:1000 --read-only --limit-memory"
        + " 64m --limit-pids 64 --ulimit nofile=100:200`, `sleep 600`). ").append(ROUNDS).append(" rounds after ")
        .append(WARMUP).append(" warm-up round(s), the two alternating who goes first; removal not timed.\n\n"
            + "| contender | median ms | p25 | p75 | min | max |\n|---|---|---|---|---|---|\n");
    for (int i = 0; i < 2; i++) {
      List<Double> w = Stats.valid(wall[i]);
      md.append("| ").append(names[i]).append(" | ").append(Stats.ms(Stats.median(w))).append(" | ")
          .append(Stats.ms(Stats.percentile(w, .25))).append(" | ").append(Stats.ms(Stats.percentile(w, .75)))
          .append(" | ").append(Stats.ms(Stats.percentile(w, 0))).append(" | ").append(Stats.ms(Stats.percentile(w, 1)))
          .append(" |\n");
    }
    List<Double> ratio = new ArrayList<>();
    for (int r = 0; r < ROUNDS; r++) {
      ratio.add(wall[0][r] / wall[1][r]);
    }
    double[] ci = Stats.medianCi(ratio);
    String text = "Carapace / CLI " + Stats.ratio(Stats.median(ratio)) + " (95% " + Stats.ratio(ci[0]) + "–"
        + Stats.ratio(ci[1]) + "; medians " + Stats.ms(Stats.median(Stats.valid(wall[0]))) + " ms vs "
        + Stats.ms(Stats.median(Stats.valid(wall[1]))) + " ms)";
    md.append("\nPaired by round: ").append(text).append(".\n");
    targets.add(new String[] {"Swarm: deploy to a verified running one-replica service vs `docker service create"
        + " --detach=false` (issue 11: a ratio, no target)", text, "measured"});
  }

  private static void record(double[][] wall, int i, int round, double ms) {
    if (round >= 0) {
      wall[i][round] = ms;
    }
  }


  private static void cli(String... argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", argv) + " failed: " + output);
    }
  }

  /** Waits until the service's task containers are gone, as {@code SwarmService.remove()} does. */
  private static void awaitGone(DockerClient raw, String service) throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      if (raw.listContainersCmd().withShowAll(true)
          .withLabelFilter(Map.of("com.docker.swarm.service.name", service)).exec().isEmpty()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("containers of " + service + " still present after 60 s");
  }
}
