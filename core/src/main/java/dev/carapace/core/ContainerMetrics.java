package dev.carapace.core;

import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.Container;
import dev.carapace.core.EngineException.Step;
import dev.carapace.core.internal.engine.EngineSession;
import dev.carapace.core.internal.engine.EngineStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Micrometer meters for the running containers of one {@link ContainerLauncher}: what cAdvisor
 * exports, from the engine's own stats, in the registry the application already scrapes.
 *
 * <pre>{@code
 * try (ContainerLauncher launcher = ContainerLauncher.connect(Endpoint.fromEnvironment());
 *     ContainerMetrics metrics = ContainerMetrics.of(launcher, Duration.ofSeconds(5))) {
 *   metrics.bindTo(registry);                      // e.g. a PrometheusMeterRegistry
 *   RunningContainer web = launcher.launch(spec);  // its meters appear within 5 s
 *   metrics.refresh();                             // or at once
 * }
 * }</pre>
 *
 * <p>Every container the launcher created that is running gets these meters, tagged
 * {@code container.name} (the engine's name, without the leading slash), {@code container.image} (as
 * the spec names it) and {@code container.id} (the short, 12-character id); Prometheus names in
 * parentheses:
 * <ul>
 *   <li>{@code container.cpu.time}, a function counter in seconds: CPU time since start, all CPUs
 *       ({@code container_cpu_time_seconds_total}; its {@code rate()} is the CPUs used);
 *   <li>{@code container.memory.usage}, bytes, page cache included ({@code container_memory_usage_bytes});
 *   <li>{@code container.memory.working.set}, bytes, less the inactive file cache: {@code docker stats}'
 *       MEM USAGE ({@code container_memory_working_set_bytes});
 *   <li>{@code container.memory.limit}, bytes, the host's memory when unlimited
 *       ({@code container_memory_limit_bytes});
 *   <li>{@code container.pids}, processes and threads ({@code container_pids}), and
 *       {@code container.pids.limit} when the container has one ({@code container_pids_limit});
 *   <li>{@code container.network.io}, a function counter in bytes, tagged {@code direction}
 *       {@code receive} or {@code transmit}, summed over the interfaces, when the engine reports
 *       networks (not for network mode {@code none}) ({@code container_network_io_bytes_total});
 *   <li>{@code container.disk.io}, a function counter in bytes, tagged {@code direction} {@code read} or
 *       {@code write}: block-device I/O as {@code docker stats} counts it ({@code container_disk_io_bytes_total}).
 * </ul>
 *
 * <p><b>Sampling.</b> A meter never calls the engine: a background thread (a daemon) lists the
 * launcher's containers and reads one stats sample per running container every refresh interval
 * (one-shot reads, a few milliseconds each), and the meters read that sample. So a scrape costs the
 * engine nothing, and values are at most one interval old. Containers that exited or were removed
 * lose their meters, removed from every registry, at the next refresh; so do all of them while the
 * engine does not answer the listing (no stale values), until it answers again. A meter never throws.
 *
 * <p>Micrometer is an optional dependency of carapace-core: add {@code io.micrometer:micrometer-core}
 * to use this class ({@code requires micrometer.core} on the module path). {@link #close()} stops the
 * thread and removes every meter; close it before the launcher.
 */
public final class ContainerMetrics implements MeterBinder, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerMetrics.class);
  /** The refresh interval of {@link #of(ContainerLauncher)}. */
  public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(10);

  private final EngineSession session;
  private final Map<String, String> launcherLabel;
  private final Duration refreshInterval;
  private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
  /** The containers with meters, by full id; guarded by {@code this}. */
  private final Map<String, Tracked> tracked = new LinkedHashMap<>();
  private ScheduledExecutorService scheduler;
  private boolean closed;
  private boolean failing;

  private ContainerMetrics(ContainerLauncher launcher, Duration refreshInterval) {
    this.session = launcher.session();
    this.launcherLabel = Map.of(OwnerLabels.LAUNCHER, launcher.id());
    this.refreshInterval = refreshInterval;
  }

  /** Meters for {@code launcher}'s containers, refreshed every {@link #DEFAULT_REFRESH_INTERVAL}. */
  public static ContainerMetrics of(ContainerLauncher launcher) {
    return of(launcher, DEFAULT_REFRESH_INTERVAL);
  }

  /**
   * Meters for {@code launcher}'s containers, sampled every {@code refreshInterval} (match it to the
   * scrape interval, or less).
   *
   * @throws IllegalArgumentException when {@code refreshInterval} is not positive
   */
  public static ContainerMetrics of(ContainerLauncher launcher, Duration refreshInterval) {
    Objects.requireNonNull(launcher, "launcher");
    Objects.requireNonNull(refreshInterval, "refreshInterval");
    if (refreshInterval.isNegative() || refreshInterval.isZero()) {
      throw new IllegalArgumentException("refreshInterval must be positive: " + refreshInterval);
    }
    return new ContainerMetrics(launcher, refreshInterval);
  }

  /** The interval between two samples of the containers. */
  public Duration refreshInterval() {
    return refreshInterval;
  }

  /**
   * Registers the meters of the containers known so far in {@code registry}, and those of later ones
   * as they are found; starts the background refresh on the first call. No call reaches the engine
   * here: the first sample is taken one refresh interval later, or at once by {@link #refresh()}.
   *
   * @throws IllegalStateException after {@link #close()}
   */
  @Override
  public synchronized void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    if (closed) {
      throw new IllegalStateException("container metrics closed: bind a new ContainerMetrics");
    }
    if (registries.contains(registry)) {
      return;
    }
    registries.add(registry);
    for (Tracked t : tracked.values()) {
      t.meters.put(registry, t.register(registry));
    }
    if (scheduler == null) {
      scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "carapace-container-metrics");
        thread.setDaemon(true);
        return thread;
      });
      long every = refreshInterval.toMillis();
      scheduler.scheduleWithFixedDelay(this::refreshQuietly, every, every, TimeUnit.MILLISECONDS);
    }
  }

  private void refreshQuietly() {
    try {
      refresh();
    } catch (RuntimeException e) {
      // never let the scheduler stop: the next run tries again
      LOG.warn("container metrics: refresh failed: {}", e.toString());
    }
  }

  /**
   * Samples the launcher's containers now, as the background refresh does: lists them (one call), reads
   * one stats sample per running container, adds the meters of new ones and removes those of
   * containers no longer running. For tests and for callers who want a sample before a scrape.
   */
  public synchronized void refresh() {
    if (closed) {
      return;
    }
    List<Container> listed;
    try {
      listed = session.list(launcherLabel);
    } catch (RuntimeException e) {
      if (!failing) {
        failing = true;
        LOG.warn("container metrics: the engine did not list the launcher's containers, their meters are removed"
            + " until it does: {}", session.fail(Step.STATS, "*", null, e).getMessage());
      }
      new ArrayList<>(tracked.keySet()).forEach(this::drop);
      return;
    }
    if (failing) {
      failing = false;
      LOG.info("container metrics: the engine lists the launcher's containers again");
    }
    Map<String, Container> running = new HashMap<>();
    for (Container c : listed) {
      if ("running".equals(c.getState()) && c.getId() != null) {
        running.put(c.getId(), c);
      }
    }
    new ArrayList<>(tracked.keySet()).stream().filter(id -> !running.containsKey(id)).forEach(this::drop);
    for (Container c : running.values()) {
      ContainerStats sample;
      try {
        sample = EngineStats.parse(session.statsRaw(c.getId()));
      } catch (RuntimeException e) {
        if (e instanceof DockerException && ((DockerException) e).getHttpStatus() == 404) {
          drop(c.getId()); // removed since the listing
        } else {
          LOG.debug("container metrics: no stats sample of {}: {}", c.getId(), e.toString());
        }
        continue;
      }
      Tracked t = tracked.get(c.getId());
      if (t != null) {
        t.latest = sample;
      } else {
        t = new Tracked(c, sample);
        tracked.put(c.getId(), t);
        for (MeterRegistry registry : registries) {
          t.meters.put(registry, t.register(registry));
        }
      }
    }
  }

  private void drop(String id) {
    Tracked t = tracked.remove(id);
    if (t != null) {
      t.meters.forEach((registry, meters) -> meters.forEach(registry::remove));
      t.meters.clear();
    }
  }

  /** Stops the background refresh and removes every meter from every registry. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    new ArrayList<>(tracked.keySet()).forEach(this::drop);
    registries.clear();
  }

  @Override
  public String toString() {
    return "ContainerMetrics{launcher " + launcherLabel.get(OwnerLabels.LAUNCHER) + ", every " + refreshInterval
        + "}";
  }

  /** One container with meters: its tags, its latest sample, its meters in each registry. */
  private static final class Tracked {
    final Tags tags;
    final boolean pidsLimit;
    final boolean network;
    final boolean blockIo;
    final Map<MeterRegistry, List<Meter>> meters = new HashMap<>();
    volatile ContainerStats latest;

    Tracked(Container c, ContainerStats first) {
      String name = c.getNames() == null || c.getNames().length == 0 ? "" : c.getNames()[0].replaceFirst("^/", "");
      String id = c.getId();
      this.tags = Tags.of("container.name", name, "container.image", c.getImage() == null ? "" : c.getImage(),
          "container.id", id.substring(0, Math.min(12, id.length())));
      this.latest = first;
      this.pidsLimit = first.pidsLimit().isPresent();
      this.network = first.network().isPresent();
      this.blockIo = first.blockIo().isPresent();
    }

    List<Meter> register(MeterRegistry registry) {
      List<Meter> m = new ArrayList<>();
      m.add(FunctionCounter.builder("container.cpu.time", this, t -> t.latest.cpuTotalNanos() / 1e9)
          .tags(tags).baseUnit("seconds").description("CPU time used since start, all CPUs").register(registry));
      m.add(gauge(registry, "container.memory.usage", BaseUnits.BYTES, "memory in use, page cache included",
          t -> t.latest.memoryUsageBytes()));
      m.add(gauge(registry, "container.memory.working.set", BaseUnits.BYTES,
          "memory in use less the inactive file cache (docker stats' MEM USAGE)",
          t -> t.latest.memoryWorkingSetBytes()));
      m.add(gauge(registry, "container.memory.limit", BaseUnits.BYTES, "memory limit (the host's memory when unlimited)",
          t -> t.latest.memoryLimitBytes()));
      m.add(gauge(registry, "container.pids", null, "processes and threads", t -> t.latest.pids()));
      if (pidsLimit) {
        m.add(gauge(registry, "container.pids.limit", null, "limit on processes and threads",
            t -> t.latest.pidsLimit().isPresent() ? t.latest.pidsLimit().getAsLong() : Double.NaN));
      }
      if (network) {
        m.add(counter(registry, "container.network.io", "receive", "bytes through the network interfaces",
            t -> t.latest.network().map(ContainerStats.NetworkIo::receivedBytes).orElse(0L)));
        m.add(counter(registry, "container.network.io", "transmit", "bytes through the network interfaces",
            t -> t.latest.network().map(ContainerStats.NetworkIo::transmittedBytes).orElse(0L)));
      }
      if (blockIo) {
        m.add(counter(registry, "container.disk.io", "read", "bytes read from and written to block devices",
            t -> t.latest.blockIo().map(ContainerStats.BlockIo::readBytes).orElse(0L)));
        m.add(counter(registry, "container.disk.io", "write", "bytes read from and written to block devices",
            t -> t.latest.blockIo().map(ContainerStats.BlockIo::writtenBytes).orElse(0L)));
      }
      return m;
    }

    private Meter gauge(MeterRegistry registry, String name, String unit, String description,
        ToDoubleFunction<Tracked> value) {
      return Gauge.builder(name, this, value).tags(tags).baseUnit(unit).description(description)
          .strongReference(true).register(registry);
    }

    private Meter counter(MeterRegistry registry, String name, String direction, String description,
        ToDoubleFunction<Tracked> value) {
      return FunctionCounter.builder(name, this, value).tags(tags).tag("direction", direction)
          .baseUnit(BaseUnits.BYTES).description(description).register(registry);
    }
  }
}
