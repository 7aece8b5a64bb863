package dev.carapace.bench;

import static dev.carapace.bench.Settings.BATCH;
import static dev.carapace.bench.Settings.CONCURRENCY;
import static dev.carapace.bench.Settings.ITERATIONS;
import static dev.carapace.bench.Settings.ROUNDS;
import static dev.carapace.bench.Settings.WARMUP;

import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.ContainerRuntime;
import dev.carapace.core.SecureContainerSpec;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Section {@code gvisor}: the same hardened container through the same launcher, on the engine's default runtime
 * (runc) and on gVisor ({@code --runtime runsc}): sequential latency, paired by round, and 8-way throughput, rounds
 * alternating. Needs {@code runsc} registered with the engine ({@code testbed/setup.sh}).
 */
final class GvisorBench {
  private GvisorBench() {}

  static void run(ContainerLauncher launcher, StringBuilder md, List<String[]> targets) throws Exception {
    SecureContainerSpec runc = Hardened.spec("gvisor-runc");
    SecureContainerSpec runsc = Hardened.spec("gvisor-runsc").toBuilder().runtime(ContainerRuntime.gvisor()).build();
    String[] names = {"runc (the engine's default)", "gVisor (`--runtime runsc`)"};
    Op[] ops = {() -> Launches.carapaceLaunch(launcher, runc), () -> Launches.carapaceLaunch(launcher, runsc)};
    double[][] wall = Op.roundRobin("gvisor", names, ops, ITERATIONS, WARMUP);
    ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
    double[][] rate = new double[2][ROUNDS];
    int[] batchFailed = new int[2];
    try {
      for (int i = 0; i < 2; i++) { // warm-up: one small batch each
        Op.batch(pool, ops[i], CONCURRENCY, CONCURRENCY);
      }
      for (int round = 0; round < ROUNDS; round++) {
        for (int k = 0; k < 2; k++) {
          int i = (k + round) % 2;
          long t0 = System.nanoTime();
          int f = Op.batch(pool, ops[i], BATCH, CONCURRENCY);
          rate[i][round] = (BATCH - f) / ((System.nanoTime() - t0) / 1e9);
          batchFailed[i] += f;
          System.out.printf("gvisor throughput round %d %s: %.2f/s%n", round, names[i], rate[i][round]);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    md.append("\n## gVisor vs runc: the same hardened container\n\nCarapace `launch` + `awaitExit` + `close` "
            + "(create, inspect, start, wait, remove) of the container above through one launcher, on the engine's "
            + "default runtime and with `runtime(ContainerRuntime.gvisor())` (`--runtime runsc`, registered with "
            + "`--network=none`). Latency: ").append(ITERATIONS).append(" sequential rounds after ").append(WARMUP)
        .append(" warm-up rounds, the two alternating who goes first; ratio: the median over rounds of gVisor / runc "
            + "in the same round. Throughput: ").append(ROUNDS).append(" rounds of ").append(BATCH).append(" launches, ")
        .append(CONCURRENCY).append(" at a time.\n\n| runtime | latency median ms | p25 | p75 | min | failed "
            + "| 8-way launches/s (median) | min | max | failed |\n|---|---|---|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < 2; i++) {
      List<Double> w = Stats.valid(wall[i]);
      List<Double> r = Stats.valid(rate[i]);
      md.append("| ").append(names[i]).append(" | ").append(Stats.ms(Stats.median(w))).append(" | ")
          .append(Stats.ms(Stats.percentile(w, .25))).append(" | ").append(Stats.ms(Stats.percentile(w, .75)))
          .append(" | ").append(Stats.ms(Stats.percentile(w, 0))).append(" | ").append(Op.failures(wall[i])).append(" | ")
          .append(String.format("%.2f", Stats.median(r))).append(" | ")
          .append(String.format("%.2f", Stats.percentile(r, 0))).append(" | ")
          .append(String.format("%.2f", Stats.percentile(r, 1))).append(" | ").append(batchFailed[i]).append(" |\n");
    }
    List<Double> latency = Stats.pairedRatios(wall[1], wall[0]);
    double[] latencyCi = Stats.medianCi(latency);
    List<Double> added = Stats.pairedDiffs(wall[1], wall[0]);
    double[] addedCi = Stats.medianCi(added);
    List<Double> throughput = Stats.pairedRatios(rate[1], rate[0]);
    double[] throughputCi = Stats.medianCi(throughput);
    String latencyText = "latency gVisor / runc " + Stats.ratio(Stats.median(latency)) + " (95% "
        + Stats.ratio(latencyCi[0]) + "–" + Stats.ratio(latencyCi[1]) + "), "
        + String.format("%+.1f", Stats.median(added)) + " ms per launch (95% " + String.format("%+.1f", addedCi[0])
        + " to " + String.format("%+.1f", addedCi[1]) + ")";
    String throughputText = "8-way throughput gVisor / runc " + Stats.ratio(Stats.median(throughput)) + " (95% "
        + Stats.ratio(throughputCi[0]) + "–" + Stats.ratio(throughputCi[1]) + "; per round "
        + throughput.stream().map(Stats::ratio).toList() + ")";
    md.append("\nL").append(latencyText.substring(1)).append(".\n\n8").append(throughputText.substring(1))
        .append(".\n");
    targets.add(new String[] {"gVisor vs runc for the same hardened container (issue 13: a ratio, no target)",
        latencyText + "; " + throughputText, "measured"});
  }
}
