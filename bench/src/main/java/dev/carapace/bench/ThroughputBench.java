package dev.carapace.bench;

import static dev.carapace.bench.Settings.BATCH;
import static dev.carapace.bench.Settings.CONCURRENCY;
import static dev.carapace.bench.Settings.ROUNDS;

import com.github.dockerjava.api.DockerClient;
import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.SecureContainerSpec;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Section {@code throughput}: launches per second over a batch, sequential and 8 concurrent, Carapace through one
 * shared launcher against raw docker-java through one shared client; ratios paired by round.
 */
final class ThroughputBench {
  private ThroughputBench() {}

  static void run(ContainerLauncher launcher, DockerClient raw, StringBuilder md, List<String[]> targets)
      throws Exception {
    SecureContainerSpec spec = Hardened.spec("throughput-carapace");
    Op carapace = () -> Launches.carapaceLaunch(launcher, spec);
    Op rawOp = () -> Launches.raw(raw, true, "throughput-raw");
    String[] names = {"Carapace, sequential", "Carapace, 8 concurrent", "raw docker-java, sequential",
        "raw docker-java, 8 concurrent"};
    Op[] ops = {carapace, carapace, rawOp, rawOp};
    int[] threads = {1, CONCURRENCY, 1, CONCURRENCY};
    ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
    double[][] rate = new double[4][ROUNDS];
    double[][] cpu = new double[4][ROUNDS];
    int[] failures = new int[4];
    try {
      for (int i = 0; i < 4; i++) { // warm-up: one small batch each
        Op.batch(pool, ops[i], CONCURRENCY, threads[i]);
      }
      for (int round = 0; round < ROUNDS; round++) {
        for (int k = 0; k < 4; k++) {
          int i = (k + round) % 4;
          long cpu0 = Stats.processCpuNanos();
          long t0 = System.nanoTime();
          int failed = Op.batch(pool, ops[i], BATCH, threads[i]);
          double s = (System.nanoTime() - t0) / 1e9;
          cpu[i][round] = (Stats.processCpuNanos() - cpu0) / 1e6 / Math.max(1, BATCH - failed);
          failures[i] += failed;
          rate[i][round] = (BATCH - failed) / s;
          System.out.printf("throughput round %d %s: %.2f/s%n", round, names[i], rate[i][round]);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    md.append("\n## Throughput: ").append(BATCH).append(" launches sequential vs ").append(CONCURRENCY)
        .append(" concurrent\n\nLaunches per second over a batch (create, inspect, start, wait, remove; "
            + "Carapace through one shared launcher, raw docker-java through one shared client), median over ")
        .append(ROUNDS).append(" rounds.\n\n| contender | launches/s (median) | min | max | speed-up vs sequential "
            + "| client CPU ms per launch (mean) | failed |\n|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < 4; i++) {
      List<Double> r = Stats.valid(rate[i]);
      double seq = Stats.median(Stats.valid(rate[i - i % 2]));
      md.append("| ").append(names[i]).append(" | ").append(String.format("%.2f", Stats.median(r)))
          .append(" | ").append(String.format("%.2f", Stats.percentile(r, 0))).append(" | ")
          .append(String.format("%.2f", Stats.percentile(r, 1))).append(" | ")
          .append(Stats.ratio(Stats.median(r) / seq)).append(" | ").append(Stats.ms(Stats.mean(Stats.valid(cpu[i]))))
          .append(" | ").append(failures[i]).append(" |\n");
    }
    List<Double> r8 = Stats.pairedRatios(rate[1], rate[3]);
    double ratio = Stats.median(r8);
    md.append("\nCarapace 8-way / raw 8-way, paired by round: ").append(Stats.ratio(ratio)).append(" (per round: ")
        .append(r8.stream().map(Stats::ratio).toList()).append(").\n");
    targets.add(new String[] {"8-way throughput at least raw docker-java's",
        String.format("%.2f vs %.2f launches/s, ratio %s", Stats.median(Stats.valid(rate[1])),
            Stats.median(Stats.valid(rate[3])), Stats.ratio(ratio)),
        ratio >= 1.0 ? "met" : ratio >= 0.97 ? "not met by " + Stats.pct(ratio) + " (within this run's noise)"
            : "not met"});
  }
}
