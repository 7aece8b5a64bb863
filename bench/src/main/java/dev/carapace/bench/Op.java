package dev.carapace.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/** One measured operation (a launch, an exec, a copy), and running it once or in batches. */
@FunctionalInterface
interface Op {
  void run() throws Exception;

  /** Runs {@code op}; false, with a line on the console, when it throws. */
  static boolean attempt(String what, Op op) {
    try {
      op.run();
      return true;
    } catch (Exception e) {
      System.out.println(what + " failed: " + e);
      return false;
    }
  }

  /**
   * {@code warmup} rounds, then {@code rounds} measured rounds of every op in turn, each round
   * rotating which goes first; wall time in ms per op and round, {@code NaN} where the op failed.
   */
  static double[][] roundRobin(String section, String[] names, Op[] ops, int rounds, int warmup) {
    int n = ops.length;
    double[][] wall = new double[n][rounds];
    for (int round = -warmup; round < rounds; round++) {
      for (int k = 0; k < n; k++) {
        int i = Math.floorMod(k + round, n);
        long t0 = System.nanoTime();
        boolean ok = attempt(names[i], ops[i]);
        double ms = (System.nanoTime() - t0) / 1e6;
        if (round >= 0) {
          wall[i][round] = ok ? ms : Double.NaN;
        }
      }
      System.out.printf("%s latency round %d done%n", section, round);
    }
    return wall;
  }

  /** How many rounds of {@link #roundRobin} failed. */
  static int failures(double[] wall) {
    int failed = 0;
    for (double v : wall) {
      failed += Double.isNaN(v) ? 1 : 0;
    }
    return failed;
  }

  /** Runs {@code op} {@code n} times, {@code threads} at a time (on {@code pool} when more than one); the failures. */
  static int batch(ExecutorService pool, Op op, int n, int threads) throws InterruptedException {
    AtomicInteger failed = new AtomicInteger();
    if (threads == 1) {
      for (int i = 0; i < n; i++) {
        if (!attempt("batch", op)) {
          failed.incrementAndGet();
        }
      }
      return failed.get();
    }
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      futures.add(pool.submit(() -> {
        if (!attempt("batch", op)) {
          failed.incrementAndGet();
        }
      }));
    }
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (ExecutionException e) {
        failed.incrementAndGet();
      }
    }
    return failed.get();
  }
}
