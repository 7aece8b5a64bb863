package dev.carapace.core;

import static dev.carapace.core.testing.TestEngine.busybox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.BlkioStatEntry;
import com.github.dockerjava.api.model.StatisticNetworksConfig;
import com.github.dockerjava.api.model.Statistics;
import dev.carapace.core.internal.engine.DockerClients;
import dev.carapace.core.testing.TestEngine;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ContainerMetrics} against the real engine: containers with a known load, their meters
 * checked against the engine's own stats read independently through docker-java's {@code stats
 * --no-stream} (the engine's two-sample read, another client and another parser). Tolerances are
 * stated where the two reads cannot be simultaneous; limits and pids are exact.
 */
class ContainerMetricsIT {
  private static final long MIB = 1L << 20;
  private static DockerClient docker;

  @BeforeAll
  static void connect() {
    docker = DockerClients.connect(TestEngine.endpoint());
  }

  @AfterAll
  static void close() throws Exception {
    docker.close();
  }

  @Test
  void metersMatchTheEnginesStatsOfContainersWithKnownLoad() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (ContainerLauncher launcher = TestEngine.launcher();
        ContainerMetrics metrics = ContainerMetrics.of(launcher, Duration.ofHours(1));
        RunningContainer busy = launcher.launch(busybox("sh", "-c", "while :; do :; done")
            .name("metrics-busy-" + suffix()).nanoCpus(500_000_000L).memoryLimit(MemorySize.ofMebibytes(32)).build());
        RunningContainer idle = launcher.launch(busybox("sleep", "300").name("metrics-idle-" + suffix())
            .memoryLimit(MemorySize.ofMebibytes(16)).unlimitedPids().build());
        RunningContainer memory = launcher.launch(busybox("sh", "-c",
            "dd if=/dev/zero of=/fill/blob bs=1M count=32 2>/dev/null; echo filled; exec sleep 300")
            .addMount(Mount.tmpfs(ContainerPath.of("/fill"), MemorySize.ofMebibytes(48)))
            .memoryLimit(MemorySize.ofMebibytes(96)).build());
        RunningContainer pids = launcher.launch(busybox("sh", "-c",
            "for i in 1 2 3 4 5; do sleep 300 & done; echo started; wait").pidsLimit(32).build())) {
      awaitLog(memory, "filled");
      awaitLog(pids, "started");
      metrics.bindTo(registry);
      long sampledAt = System.nanoTime(); // the meters' sample is taken between these two
      metrics.refresh();
      long sampledBy = System.nanoTime();

      // tags: the engine's name, the spec's image, the short id
      Meter busyCpu = registry.find("container.cpu.time").tag("container.id", busy.id().substring(0, 12)).meter();
      assertNotNull(busyCpu, registry.getMetersAsString());
      assertEquals(busy.spec().name().get(), busyCpu.getId().getTag("container.name"));
      assertEquals(TestEngine.BUSYBOX, busyCpu.getId().getTag("container.image"));
      assertEquals("seconds", busyCpu.getId().getBaseUnit());

      // memory limits: exact
      assertEquals(32 * MIB, gauge(registry, "container.memory.limit", busy), 0);
      assertEquals(16 * MIB, gauge(registry, "container.memory.limit", idle), 0);
      assertEquals(96 * MIB, gauge(registry, "container.memory.limit", memory), 0);

      // pids: the shell and its five sleeps, exactly, and the limit; as the engine counts them
      assertEquals(6, gauge(registry, "container.pids", pids), 0);
      assertEquals(32, gauge(registry, "container.pids.limit", pids), 0);
      assertEquals(1024, gauge(registry, "container.pids.limit", busy), 0); // the spec's default
      assertEquals(6L, engineStats(pids.id()).getPidsStats().getCurrent());
      assertEquals(1, gauge(registry, "container.pids", idle), 0);
      assertNull(registry.find("container.pids.limit").tag("container.id", idle.id().substring(0, 12)).gauge(),
          "unlimited pids: no limit gauge");

      // memory: 32 MiB written into a tmpfs stay charged to the container (shmem, not inactive file cache);
      // against the engine's own numbers within 2 MiB (the two reads are a second apart)
      double usage = gauge(registry, "container.memory.usage", memory);
      double workingSet = gauge(registry, "container.memory.working.set", memory);
      assertTrue(workingSet >= 32 * MIB && workingSet <= usage, workingSet + " of " + usage);
      Statistics m = engineStats(memory.id());
      long engineInactive = m.getMemoryStats().getStats().getTotalInactiveFile() != null
          ? m.getMemoryStats().getStats().getTotalInactiveFile() : orZero(m.getMemoryStats().getStats().getInactiveFile());
      assertEquals(m.getMemoryStats().getUsage(), usage, 2 * MIB);
      assertEquals(m.getMemoryStats().getUsage() - engineInactive, workingSet, 2 * MIB);
      assertEquals(m.getMemoryStats().getLimit(), gauge(registry, "container.memory.limit", memory), 0);

      // block I/O as the engine counts it (0 on this testbed's overlay and tmpfs)
      long[] engineBlock = blockIo(m);
      assertEquals(engineBlock[0], counter(registry, "container.disk.io", memory, "read"), MIB);
      assertEquals(engineBlock[1], counter(registry, "container.disk.io", memory, "write"), MIB);

      // the default network mode (none): the engine reports no networks, so there is no network meter
      assertNull(registry.find("container.network.io").tag("container.id", idle.id().substring(0, 12)).meter());

      // CPU: the meter is the engine's total_usage in seconds; the engine read, taken after the
      // meter's sample, is ahead by at most the busy loop's 0.5 CPU times the time between, plus 0.3 s
      double cpu1 = counter(registry, "container.cpu.time", busy, null);
      Statistics b = engineStats(busy.id());
      double between = (System.nanoTime() - sampledAt) / 1e9;
      double engineCpu = b.getCpuStats().getCpuUsage().getTotalUsage() / 1e9;
      assertTrue(engineCpu >= cpu1 && engineCpu - cpu1 <= 0.5 * between + 0.3,
          "engine " + engineCpu + " s, meter " + cpu1 + " s, read " + between + " s apart");

      // a meter never calls the engine: without a refresh the busy loop's counter stands still...
      Thread.sleep(1500);
      assertEquals(cpu1, counter(registry, "container.cpu.time", busy, null), 0);
      double idle1 = counter(registry, "container.cpu.time", idle, null);
      Thread.sleep(2500);
      long resampledAt = System.nanoTime();
      metrics.refresh();
      long resampledBy = System.nanoTime();
      // ...and moves on the next sample. The two samples are at least (resampledAt - sampledBy) and at most
      // (resampledBy - sampledAt) apart: the busy loop used at most 0.5 CPU (nanoCpus, plus 10% for the CFS
      // period's rounding) of the longest, and some of the shortest (a loaded 2-CPU machine may starve it);
      // sleep next to none
      double busyUsed = counter(registry, "container.cpu.time", busy, null) - cpu1;
      double shortest = (resampledAt - sampledBy) / 1e9;
      double longest = (resampledBy - sampledAt) / 1e9;
      assertTrue(busyUsed <= 0.55 * longest && busyUsed > 0.05 * shortest,
          "busy loop at 0.5 CPU used " + busyUsed + " s of CPU in " + shortest + " to " + longest + " s");
      double idleCpu = counter(registry, "container.cpu.time", idle, null) - idle1;
      assertTrue(idleCpu < 0.05 * longest, "sleep used " + idleCpu + " s of CPU in " + longest + " s at most");

      // removal drops the meters of that container, from the registry, at the next refresh
      int before = registry.getMeters().size();
      idle.close();
      metrics.refresh();
      assertTrue(registry.getMeters().stream().noneMatch(x -> idle.id().substring(0, 12)
          .equals(x.getId().getTag("container.id"))), registry.getMetersAsString());
      // cpu, memory usage, working set and limit, pids, disk read and write (no pids limit, no network)
      assertEquals(before - 7, registry.getMeters().size(), registry.getMetersAsString());
      metrics.close();
      assertEquals(List.of(), registry.getMeters(), "close removes every meter");
    }
  }

  @Test
  void networkMetersCountWhatAPublishedServerSent() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    try (ContainerLauncher launcher = TestEngine.launcher();
        ContainerMetrics metrics = ContainerMetrics.of(launcher, Duration.ofHours(1));
        RunningContainer web = launcher.launch(busybox("sh", "-c",
            "dd if=/dev/zero of=/srv/big bs=1k count=256 2>/dev/null && echo ready && exec httpd -f -p 8080 -h /srv")
            .addMount(Mount.tmpfs(ContainerPath.of("/srv"), MemorySize.ofMebibytes(4)))
            .network(NetworkMode.bridge()).addPort(PortBinding.localhost(port, 8080)).build())) {
      awaitLog(web, "ready");
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      URI big = URI.create("http://127.0.0.1:" + port + "/big");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      for (int fetched = 0; fetched < 4; ) {
        try {
          HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(big).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofByteArray());
          assertEquals(256 * 1024, r.body().length);
          fetched++;
        } catch (java.io.IOException e) {
          if (System.nanoTime() > deadline) {
            throw e;
          }
          Thread.sleep(200); // httpd not listening yet
        }
      }
      metrics.bindTo(registry);
      metrics.refresh();
      double sent = counter(registry, "container.network.io", web, "transmit");
      double received = counter(registry, "container.network.io", web, "receive");
      assertTrue(sent >= 4 * 256 * 1024, "sent " + sent);
      assertTrue(received > 0, "received " + received);
      // the engine's own count, read after: the same, give or take a few stray packets (64 KiB)
      long engineTx = 0;
      long engineRx = 0;
      for (StatisticNetworksConfig n : engineStats(web.id()).getNetworks().values()) {
        engineTx += n.getTxBytes();
        engineRx += n.getRxBytes();
      }
      assertTrue(engineTx >= sent && engineTx - sent <= 64 * 1024, "engine " + engineTx + ", meter " + sent);
      assertTrue(engineRx >= received && engineRx - received <= 64 * 1024, "engine " + engineRx + ", meter " + received);
    }
  }

  @Test
  void aCallersClientWithoutAnExposedTransportGivesTheSameMeters() {
    // docker-java's own stats --no-stream sample, written back to JSON: the pids limit comes from its raw values
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (ContainerLauncher launcher = ContainerLauncher.builder()
            .dockerClient(TestEngine.hidingItsTransport(docker)).build();
        ContainerMetrics metrics = ContainerMetrics.of(launcher, Duration.ofHours(1));
        RunningContainer c = launcher.launch(busybox("sleep", "300").pidsLimit(48)
            .memoryLimit(MemorySize.ofMebibytes(24)).build())) {
      ContainerStats s = c.stats();
      assertEquals(24 * MIB, s.memoryLimitBytes());
      assertEquals(1, s.pids());
      assertEquals(java.util.OptionalLong.of(48), s.pidsLimit());
      metrics.bindTo(registry);
      metrics.refresh();
      assertEquals(24 * MIB, gauge(registry, "container.memory.limit", c), 0);
      assertEquals(48, gauge(registry, "container.pids.limit", c), 0);
      assertEquals(1, gauge(registry, "container.pids", c), 0);
    }
  }

  @Test
  void aClosedLauncherLeavesNoMeters() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ContainerLauncher launcher = TestEngine.launcher();
    try (ContainerMetrics metrics = ContainerMetrics.of(launcher, Duration.ofHours(1))) {
      launcher.launch(busybox("sleep", "300").build());
      metrics.bindTo(registry);
      metrics.refresh();
      assertEquals(1, registry.find("container.pids").gauges().size(), registry.getMetersAsString());
      launcher.close(); // removes the container and closes the connections
      metrics.refresh();
      assertEquals(List.of(), registry.getMeters(), "the engine no longer answers for the launcher: no meters");
    } finally {
      launcher.close();
    }
  }

  private static double gauge(SimpleMeterRegistry registry, String name, RunningContainer c) {
    Gauge g = registry.find(name).tag("container.id", c.id().substring(0, 12)).gauge();
    assertNotNull(g, name + " of " + c + " in:\n" + registry.getMetersAsString());
    return g.value();
  }

  private static double counter(SimpleMeterRegistry registry, String name, RunningContainer c, String direction) {
    var search = registry.find(name).tag("container.id", c.id().substring(0, 12));
    FunctionCounter f = (direction == null ? search : search.tag("direction", direction)).functionCounter();
    assertNotNull(f, name + " " + direction + " of " + c + " in:\n" + registry.getMetersAsString());
    return f.count();
  }

  /** The engine's own {@code docker stats --no-stream} sample, through docker-java. */
  private static Statistics engineStats(String id) throws Exception {
    AtomicReference<Statistics> first = new AtomicReference<>();
    try (ResultCallback.Adapter<Statistics> cb = docker.statsCmd(id).withNoStream(true)
        .exec(new ResultCallback.Adapter<>() {
          @Override
          public void onNext(Statistics s) {
            first.compareAndSet(null, s);
          }
        })) {
      assertTrue(cb.awaitCompletion(30, TimeUnit.SECONDS), "no stats of " + id);
    }
    assertNotNull(first.get(), "no stats of " + id);
    return first.get();
  }

  private static long[] blockIo(Statistics s) {
    long read = 0;
    long write = 0;
    List<BlkioStatEntry> entries = s.getBlkioStats() == null ? null : s.getBlkioStats().getIoServiceBytesRecursive();
    for (BlkioStatEntry e : entries == null ? List.<BlkioStatEntry>of() : entries) {
      if ("read".equalsIgnoreCase(e.getOp())) {
        read += e.getValue();
      } else if ("write".equalsIgnoreCase(e.getOp())) {
        write += e.getValue();
      }
    }
    return new long[] {read, write};
  }

  private static long orZero(Long v) {
    return v == null ? 0 : v;
  }

  private static void awaitLog(RunningContainer c, String line) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!c.logs().stdout().contains(line)) {
      if (System.nanoTime() > deadline) {
        fail(c + " did not print " + line + ": " + c.logs());
      }
      Thread.sleep(100);
    }
  }

  private static String suffix() {
    return Long.toHexString(System.nanoTime() & 0xffffffL);
  }
}
