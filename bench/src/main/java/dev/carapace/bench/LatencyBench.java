package dev.carapace.bench;

import static dev.carapace.bench.Settings.ITERATIONS;
import static dev.carapace.bench.Settings.WARMUP;

import com.github.dockerjava.api.DockerClient;
import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.SecureContainerSpec;
import java.util.List;

/**
 * Section {@code latency}: the wall time of one launch, sequential, for Carapace ({@code run}; {@code launch} +
 * {@code awaitExit} + {@code close}), raw docker-java (with and without the verifying inspect), the docker CLI and
 * Testcontainers, interleaved round-robin; ratios paired by round against raw docker-java doing the same calls.
 */
final class LatencyBench {
  private LatencyBench() {}

  private record Contender(String name, String calls, Op op, boolean cpu) {}

  static void run(ContainerLauncher launcher, DockerClient raw, StringBuilder md, List<String[]> targets)
      throws Exception {
    SecureContainerSpec spec = Hardened.spec("latency-carapace");
    List<Contender> all = List.of(
        new Contender("Carapace `run`", "create, inspect, start, wait, logs, remove",
            () -> Launches.carapaceRun(launcher, spec), true),
        new Contender("Carapace `launch` + `awaitExit` + `close`", "create, inspect, start, wait, remove",
            () -> Launches.carapaceLaunch(launcher, spec), true),
        new Contender("raw docker-java, same calls", "create, inspect, start, wait, remove",
            () -> Launches.raw(raw, true, "latency-raw-inspect"), true),
        new Contender("raw docker-java", "create, start, wait, remove",
            () -> Launches.raw(raw, false, "latency-raw"), true),
        new Contender("docker CLI `run --rm`", "a new process: ping, create, attach, wait, start, (auto-remove)",
            () -> Launches.cli(null, "latency-cli"), false),
        new Contender("Testcontainers start + stop", "GenericContainer, OneShotStartupCheckStrategy",
            () -> Launches.testcontainers("latency-testcontainers"), true));
    int n = all.size();
    double[][] wall = new double[n][ITERATIONS];
    double[][] cpu = new double[n][ITERATIONS];
    int[] failures = new int[n];
    for (int round = -WARMUP; round < ITERATIONS; round++) {
      for (int k = 0; k < n; k++) {
        int i = Math.floorMod(k + round, n);
        Contender c = all.get(i);
        long cpu0 = Stats.processCpuNanos();
        long t0 = System.nanoTime();
        boolean ok = Op.attempt(c.name(), c.op());
        double ms = (System.nanoTime() - t0) / 1e6;
        double cpuMs = (Stats.processCpuNanos() - cpu0) / 1e6;
        if (round >= 0) {
          wall[i][round] = ok ? ms : Double.NaN;
          cpu[i][round] = ok && c.cpu() ? cpuMs : Double.NaN;
          failures[i] += ok ? 0 : 1;
        }
      }
      System.out.printf("latency round %d done%n", round);
    }
    int base = 2;
    md.append("\n## Per-launch latency (sequential, one launch at a time)\n\n")
        .append("Wall time of one launch, ms. Ratio: the median over rounds of (contender / raw docker-java "
            + "with the same calls) in the same round, with its 95% interval. Client CPU: this JVM's CPU "
            + "time during the launch (all threads, JIT and GC included); the kernel counts it in 10 ms ticks, so "
            + "this is the mean over rounds.\n\n")
        .append("| contender | API calls | median | p25 | p75 | min | ratio vs raw same calls | 95% interval "
            + "| client CPU ms | failed |\n|---|---|---|---|---|---|---|---|---|---|\n");
    double[] medians = new double[n];
    double[] ratios = new double[n];
    double[][] cis = new double[n][];
    for (int i = 0; i < n; i++) {
      List<Double> w = Stats.valid(wall[i]);
      medians[i] = Stats.median(w);
      List<Double> r = Stats.pairedRatios(wall[i], wall[base]);
      ratios[i] = Stats.median(r);
      cis[i] = Stats.medianCi(r);
      md.append("| ").append(all.get(i).name()).append(" | ").append(all.get(i).calls())
          .append(" | ").append(Stats.ms(medians[i])).append(" | ").append(Stats.ms(Stats.percentile(w, .25)))
          .append(" | ").append(Stats.ms(Stats.percentile(w, .75))).append(" | ").append(Stats.ms(Stats.percentile(w, 0)))
          .append(" | ").append(Stats.ratio(ratios[i])).append(" | ")
          .append(Stats.ratio(cis[i][0])).append("–").append(Stats.ratio(cis[i][1]))
          .append(" | ").append(all.get(i).cpu() ? Stats.ms(Stats.mean(Stats.valid(cpu[i]))) : "n/a (other process)")
          .append(" | ").append(failures[i]).append(" |\n");
    }
    List<Double> diff = Stats.pairedDiffs(wall[1], wall[base]);
    double[] diffCi = Stats.medianCi(diff);
    double cpuDiff = Stats.mean(Stats.valid(cpu[1])) - Stats.mean(Stats.valid(cpu[base]));
    md.append("\nCarapace launch minus raw same calls, paired by round: median ")
        .append(Stats.ms(Stats.median(diff))).append(" ms (95% interval ").append(Stats.ms(diffCi[0])).append(" to ")
        .append(Stats.ms(diffCi[1])).append(" ms); client CPU difference (means) ").append(String.format("%+.1f", cpuDiff))
        .append(" ms. The verifying inspect (raw same calls vs raw): ")
        .append(Stats.ms(Stats.median(Stats.pairedDiffs(wall[base], wall[3])))).append(" ms.\n");

    String within = ratios[1] <= 1.01
        ? (cis[1][1] <= 1.01 ? "met" : "met by the median; the 95% interval is wider than ±1%, so one run cannot prove it")
        : cis[1][0] <= 1.01 ? "not met by the median, but within this run's noise" : "not met";
    targets.add(new String[] {"median launch within 1% of raw docker-java doing the same calls",
        "launch+awaitExit+close " + Stats.pct(ratios[1]) + " (95% " + Stats.pct(cis[1][0]) + " to "
            + Stats.pct(cis[1][1]) + "); `run` (adds logs) " + Stats.pct(ratios[0]) + "; vs raw without inspect "
            + Stats.pct(Stats.median(Stats.pairedRatios(wall[1], wall[3]))), within});
    List<Double> vsCli = Stats.pairedRatios(wall[0], wall[4]);
    List<Double> vsTc = Stats.pairedRatios(wall[0], wall[5]);
    double[] cliCi = Stats.medianCi(vsCli);
    double[] tcCi = Stats.medianCi(vsTc);
    boolean faster = Stats.median(vsCli) < 1 && Stats.median(vsTc) < 1;
    boolean surely = cliCi[1] < 1 && tcCi[1] < 1;
    targets.add(new String[] {"faster than the docker CLI and Testcontainers",
        "`run` " + Stats.ms(medians[0]) + " ms vs CLI " + Stats.ms(medians[4]) + " ms (paired ratio "
            + Stats.ratio(Stats.median(vsCli)) + ", 95% " + Stats.ratio(cliCi[0]) + "–" + Stats.ratio(cliCi[1])
            + ") and Testcontainers " + Stats.ms(medians[5]) + " ms (" + Stats.ratio(Stats.median(vsTc)) + ", 95% "
            + Stats.ratio(tcCi[0]) + "–" + Stats.ratio(tcCi[1]) + ")",
        faster ? (surely ? "met" : "met by the median; an interval reaches 1.0") : "not met"});
  }
}
