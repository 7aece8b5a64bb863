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

  /**
   * Runs the two {@code ops} alternately, {@code warmup} rounds unrecorded then {@code rounds}
   * recorded, each round rotating who goes first; the wall milliseconds of each (NaN for a failed
   * run), and the failures per op in {@code failed}.
   */
  static double[][] alternating(String[] names, Op[] ops, int warmup, int rounds, int[] failed, String label) {
    double[][] wall = new double[2][rounds];
    for (int round = -warmup; round < rounds; round++) {
      for (int k = 0; k < 2; k++) {
        int i = Math.floorMod(k + round, 2);
        long t0 = System.nanoTime();
        boolean ok = attempt(names[i], ops[i]);
        double ms = (System.nanoTime() - t0) / 1e6;
        if (round >= 0) {
          wall[i][round] = ok ? ms : Double.NaN;
          failed[i] += ok ? 0 : 1;
        }
      }
      System.out.printf("%s round %d done%n", label, round);
    }
    return wall;
  }
}
