package dev.carapace.examples;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.CpuUsageConfig;
import com.github.dockerjava.api.model.Statistics;
import dev.carapace.core.DockerClients;
import dev.carapace.core.Endpoint;
import dev.carapace.core.RunningContainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Measures the CPU time containers use over a window, from the cgroup accounting the engine reports
 * ({@code cpuacct.usage} and {@code cpuacct.usage_percpu}, as {@code docker stats} reads them): one
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

  private record Sample(Instant read, long total, long[] perCpu) {}

  /** Samples every container, waits {@code window}, samples again; the usages in the same order. */
  static List<Usage> measure(Endpoint endpoint, List<RunningContainer> containers, Duration window) {
    ExecutorService pool = Executors.newFixedThreadPool(containers.size());
    DockerClient docker = DockerClients.connect(endpoint);
    try {
      List<Sample> before = sampleAll(pool, docker, containers);
      Thread.sleep(window.toMillis());
      List<Sample> after = sampleAll(pool, docker, containers);
      List<Usage> usages = new ArrayList<>();
      for (int i = 0; i < containers.size(); i++) {
        Sample a = before.get(i);
        Sample b = after.get(i);
        long[] perCpu = new long[Math.min(a.perCpu().length, b.perCpu().length)];
        for (int cpu = 0; cpu < perCpu.length; cpu++) {
          perCpu[cpu] = b.perCpu()[cpu] - a.perCpu()[cpu];
        }
        usages.add(new Usage(b.total() - a.total(), perCpu, Duration.between(a.read(), b.read()).toNanos()));
      }
      return usages;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while measuring CPU", e);
    } finally {
      pool.shutdownNow();
      close(docker);
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

  static void close(DockerClient docker) {
    try {
      docker.close();
    } catch (IOException e) {
      throw new UncheckedIOException("closing the docker client", e);
    }
  }

  private static List<Sample> sampleAll(ExecutorService pool, DockerClient docker,
      List<RunningContainer> containers) throws InterruptedException {
    List<Future<Sample>> futures = new ArrayList<>();
    for (RunningContainer c : containers) {
      futures.add(pool.submit(() -> sample(docker, c.id())));
    }
    List<Sample> samples = new ArrayList<>();
    for (Future<Sample> f : futures) {
      try {
        samples.add(f.get());
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException) {
          throw (RuntimeException) e.getCause();
        }
        throw new IllegalStateException("stats failed", e.getCause());
      }
    }
    return samples;
  }

  /** One {@code docker stats --no-stream} sample of container {@code id}. */
  private static Sample sample(DockerClient docker, String id) throws InterruptedException {
    AtomicReference<Statistics> first = new AtomicReference<>();
    ResultCallback.Adapter<Statistics> cb = docker.statsCmd(id).withNoStream(true)
        .exec(new ResultCallback.Adapter<>() {
          @Override
          public void onNext(Statistics s) {
            first.compareAndSet(null, s);
          }
        });
    if (!cb.awaitCompletion(30, TimeUnit.SECONDS) || first.get() == null) {
      throw new IllegalStateException("container " + id + " sent no stats sample within 30 s");
    }
    Statistics s = first.get();
    CpuUsageConfig usage = s.getCpuStats().getCpuUsage();
    List<Long> perCpu = usage.getPercpuUsage() == null ? List.of() : usage.getPercpuUsage();
    return new Sample(Instant.parse(s.getRead()), usage.getTotalUsage(),
        perCpu.stream().mapToLong(v -> v == null ? 0 : v).toArray());
  }
}
