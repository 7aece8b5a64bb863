package dev.carapace.examples;

import dev.carapace.core.ContainerStats;
import dev.carapace.core.RunningContainer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Measures the CPU time containers use over a window, from the cgroup accounting the engine reports
 * ({@code cpuacct.usage} and {@code cpuacct.usage_percpu}, read by {@link RunningContainer#stats()}): one
 * sample of every container at the start, one at the end, taken in parallel. Shared by
 * {@link CpuPinning} and {@link CpuShares}.
 */
final class CpuAccounting {
  private CpuAccounting() {}

  /**
   * The CPU one container used in the window.
   *
   * @param cpuNanos CPU time used between the two samples, all CPUs
   * @param perCpuNanos the same per CPU (CPU 0 first); empty when the engine does not report it
   * @param wallNanos time between the two samples, by the engine's clock
   */
  record Usage(long cpuNanos, long[] perCpuNanos, long wallNanos) {
    /** CPU used per wall-clock time: 1.0 is one whole core. */
    double cores() {
      return wallNanos <= 0 ? 0 : (double) cpuNanos / wallNanos;
    }

    /** The part of the CPU time spent on {@code cpu}, 0 to 1. */
    double fractionOn(int cpu) {
      return cpuNanos <= 0 || cpu >= perCpuNanos.length ? 0 : (double) perCpuNanos[cpu] / cpuNanos;
    }
  }

  /** Samples every container, waits {@code window}, samples again; the usages in the same order. */
  static List<Usage> measure(List<RunningContainer> containers, Duration window) {
    List<ContainerStats> before = sampleAll(containers);
    try {
      Thread.sleep(window.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while measuring CPU", e);
    }
    List<ContainerStats> after = sampleAll(containers);
    List<Usage> usages = new ArrayList<>();
    for (int i = 0; i < containers.size(); i++) {
      ContainerStats a = before.get(i);
      ContainerStats b = after.get(i);
      long[] perCpu = new long[Math.min(a.perCpuNanos().size(), b.perCpuNanos().size())];
      for (int cpu = 0; cpu < perCpu.length; cpu++) {
        perCpu[cpu] = b.perCpuNanos().get(cpu) - a.perCpuNanos().get(cpu);
      }
      usages.add(new Usage(b.cpuTotalNanos() - a.cpuTotalNanos(), perCpu,
          Duration.between(a.read(), b.read()).toNanos()));
    }
    return usages;
  }

  /** One {@code docker stats --no-stream} sample of each container, taken in parallel. */
  private static List<ContainerStats> sampleAll(List<RunningContainer> containers) {
    // one thread each: the common pool has a single thread on 2 CPUs, which would sample in turn
    ExecutorService pool = Executors.newFixedThreadPool(containers.size());
    try {
      List<CompletableFuture<ContainerStats>> futures = new ArrayList<>();
      for (RunningContainer c : containers) {
        futures.add(CompletableFuture.supplyAsync(c::stats, pool));
      }
      return futures.stream().map(CompletableFuture::join).toList();
    } finally {
      pool.shutdown();
    }
  }

  /** Removes the containers in parallel (each removal kills a busy loop and waits for it). */
  static void removeAll(List<RunningContainer> containers) {
    List<Thread> threads = new ArrayList<>();
    for (RunningContainer c : containers) {
      Thread t = new Thread(c::close, "remove-" + c.id().substring(0, 12));
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
