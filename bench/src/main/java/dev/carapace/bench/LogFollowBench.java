package dev.carapace.bench;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.LogStream;
import dev.carapace.core.LogSubscription;
import dev.carapace.core.RunningContainer;
import dev.carapace.core.SecureContainerSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Section {@code logs}: lines per second of following a container's log to its end, Carapace
 * ({@code followLogs} with a counting consumer, and the pull-style {@code streamLogs}) against
 * docker-java's own callback ({@code logContainerCmd(id).withFollowStream(true)} with a
 * {@code ResultCallback.Adapter<Frame>} that counts newlines), on the same container output, rounds
 * rotating who goes first. Properties {@code bench.logs.lines} (200000), {@code bench.logs.rounds}
 * (15), {@code bench.logs.warmup} (3).
 */
final class LogFollowBench {
  private static final int LINES = Integer.getInteger("bench.logs.lines", 200_000);
  private static final int ROUNDS = Integer.getInteger("bench.logs.rounds", 15);
  private static final int WARMUP = Integer.getInteger("bench.logs.warmup", 3);
  private static final Duration T = Duration.ofMinutes(2);

  private LogFollowBench() {}

  interface Follow {
    long lines(String containerId, RunningContainer c) throws Exception;
  }

  record Contender(String name, String how, Follow follow) {}

  /** Appends the section to {@code md} and its target to {@code targets}. */
  static void run(ContainerLauncher launcher, DockerClient raw, StringBuilder md, List<String[]> targets)
      throws Exception {
    SecureContainerSpec spec = Hardened.spec("logs-carapace").toBuilder()
        .command("seq", "1", String.valueOf(LINES)).build();
    List<Contender> all = List.of(
        new Contender("raw docker-java callback", "`logContainerCmd(id).withStdOut(true).withStdErr(true)"
            + ".withFollowStream(true).exec(adapter)`, `onNext` counts `\\n` in each frame",
            (id, c) -> rawFollow(raw, id)),
        new Contender("Carapace `followLogs`", "`followLogs(line -> count++)` then `awaitEnd`: a `LogLine` "
            + "(a `String`) per line", (id, c) -> carapaceFollow(c)),
        new Contender("Carapace `streamLogs`", "`streamLogs()` then `next(..)` until `ended()`: through its "
            + "bounded buffer of 1024 lines", (id, c) -> carapaceStream(c)));
    int n = all.size();
    double[][] rate = new double[n][ROUNDS];
    int[] failures = new int[n];
    for (int round = -WARMUP; round < ROUNDS; round++) {
      try (RunningContainer c = launcher.launch(spec)) {
        if (c.awaitExit(T).orElse(-1) != 0) {
          throw new IllegalStateException("seq did not exit 0");
        }
        for (int k = 0; k < n; k++) {
          int i = Math.floorMod(k + round, n);
          Contender who = all.get(i);
          long t0 = System.nanoTime();
          long lines;
          try {
            lines = who.follow().lines(c.id(), c);
          } catch (Exception e) {
            System.out.println("logs " + who.name() + " failed: " + e);
            lines = -1;
          }
          double s = (System.nanoTime() - t0) / 1e9;
          boolean ok = lines == LINES;
          if (!ok && lines >= 0) {
            System.out.println("logs " + who.name() + " read " + lines + " lines of " + LINES);
          }
          if (round >= 0) {
            rate[i][round] = ok ? LINES / s : Double.NaN;
            failures[i] += ok ? 0 : 1;
          }
        }
      }
      System.out.printf("logs round %d done%n", round);
    }
    md.append("\n## Log follow: lines per second\n\nEach round launches the benchmark's hardened container with "
            + "command `seq 1 ").append(LINES).append("` (").append(LINES)
        .append(" lines, json-file log), waits for its exit, then each contender follows its log "
            + "(`GET /containers/{id}/logs?follow=1&stdout=1&stderr=1`) from the first line to the end, one after "
            + "the other, the order rotating by round. Rate: lines / wall time from the request to the last line. ")
        .append(ROUNDS).append(" rounds after ").append(WARMUP).append(" warm-up rounds. Ratio: the median over "
            + "rounds of (contender / raw docker-java) in the same round, with its 95% interval (bootstrap).\n\n")
        .append("| contender | how | lines/s (median) | min | max | ratio vs raw | 95% interval | failed |\n"
            + "|---|---|---|---|---|---|---|---|\n");
    double[] ratios = new double[n];
    double[][] cis = new double[n][];
    for (int i = 0; i < n; i++) {
      List<Double> r = Stats.valid(rate[i]);
      List<Double> paired = Stats.pairedRatios(rate[i], rate[0]);
      ratios[i] = Stats.median(paired);
      cis[i] = Stats.medianCi(paired);
      md.append("| ").append(all.get(i).name()).append(" | ").append(all.get(i).how()).append(" | ")
          .append(String.format("%,.0f", Stats.median(r))).append(" | ")
          .append(String.format("%,.0f", Stats.percentile(r, 0))).append(" | ")
          .append(String.format("%,.0f", Stats.percentile(r, 1))).append(" | ")
          .append(Stats.ratio(ratios[i])).append(" | ").append(Stats.ratio(cis[i][0])).append("–")
          .append(Stats.ratio(cis[i][1])).append(" | ").append(failures[i]).append(" |\n");
    }
    targets.add(new String[] {"log follow lines per second within 5% of raw docker-java's callback",
        "`followLogs` " + String.format("%,.0f", Stats.median(Stats.valid(rate[1]))) + " vs raw "
            + String.format("%,.0f", Stats.median(Stats.valid(rate[0]))) + " lines/s: ratio " + Stats.ratio(ratios[1])
            + " (95% " + Stats.ratio(cis[1][0]) + "–" + Stats.ratio(cis[1][1]) + ", " + Stats.pct(ratios[1])
            + "); `streamLogs` " + Stats.ratio(ratios[2]) + " (" + Stats.pct(ratios[2]) + ")",
        verdict(ratios[1], cis[1])});
    targets.add(new String[] {"log follow at or under raw docker-java's time (issue 23): lines per second at least raw's",
        "`followLogs` / raw lines/s " + Stats.ratio(ratios[1]) + " (95% " + Stats.ratio(cis[1][0]) + "–"
            + Stats.ratio(cis[1][1]) + ")",
        ratios[1] >= 1.0 ? "met" : Double.isNaN(ratios[1]) ? "not measured"
            : String.format("not met by %.1f%%", (1 - ratios[1]) * 100)});
  }

  /** {@code met}, or {@code not met by X%} where X is how far the median falls below 95% of raw. */
  static String verdict(double ratio, double[] ci) {
    if (Double.isNaN(ratio)) {
      return "not measured";
    }
    if (ratio >= 0.95) {
      return ci[0] >= 0.95 ? "met" : "met by the median; the 95% interval reaches below 0.95";
    }
    return String.format("not met by %.1f%%", (0.95 - ratio) * 100);
  }

  private static long rawFollow(DockerClient raw, String id) throws Exception {
    AtomicLong lines = new AtomicLong();
    ResultCallback.Adapter<Frame> cb = new ResultCallback.Adapter<>() {
      @Override
      public void onNext(Frame frame) {
        long k = 0;
        for (byte b : frame.getPayload()) {
          if (b == '\n') {
            k++;
          }
        }
        lines.addAndGet(k);
      }
    };
    raw.logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true).exec(cb);
    if (!cb.awaitCompletion(T.toMillis(), TimeUnit.MILLISECONDS)) {
      cb.close();
      throw new IllegalStateException("raw follow did not end within " + T);
    }
    return lines.get();
  }

  private static long carapaceFollow(RunningContainer c) {
    AtomicLong lines = new AtomicLong();
    try (LogSubscription s = c.followLogs(line -> lines.incrementAndGet())) {
      if (!s.awaitEnd(T)) {
        throw new IllegalStateException("followLogs did not end within " + T);
      }
    }
    return lines.get();
  }

  private static long carapaceStream(RunningContainer c) {
    long lines = 0;
    long end = System.nanoTime() + T.toNanos();
    try (LogStream s = c.streamLogs()) {
      while (!s.ended()) {
        if (s.next(Duration.ofSeconds(1)).isPresent()) {
          lines++;
        }
        if (System.nanoTime() > end) {
          throw new IllegalStateException("streamLogs did not end within " + T);
        }
      }
    }
    return lines;
  }


}
