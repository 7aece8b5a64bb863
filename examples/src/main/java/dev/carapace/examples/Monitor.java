package dev.carapace.examples;

import com.sun.net.httpserver.HttpServer;
import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.ContainerMetrics;
import dev.carapace.core.Endpoint;
import dev.carapace.core.MemorySize;
import dev.carapace.core.RunningContainer;
import dev.carapace.core.SecureContainerSpec;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small cAdvisor for Carapace, the way Java applications are monitored today: the containers a
 * launcher runs, as Micrometer meters ({@link ContainerMetrics}), served in Prometheus' text format
 * at {@code http://127.0.0.1:PORT/metrics} for a Prometheus server to scrape. It runs two containers
 * to watch: {@code monitor-busy-*}, a busy loop held to half a CPU with a 32 MiB memory limit, and
 * {@code monitor-idle-*}, a {@code sleep} with 16 MiB; at the end it prints what the meters say of
 * each, then removes them.
 *
 * <p>Run: {@code mvn -B -ntp -q -pl examples exec:java -Dexec.mainClass=dev.carapace.examples.Monitor
 * -Dexec.args="60 9464"}, then {@code curl http://127.0.0.1:9464/metrics} or point a Prometheus at it
 * (scrape_interval 1s). Arguments: seconds to run (default 10), the port (default 0: any free one).
 *
 * <p>The earlier version also exported a CSV file of every sample; Prometheus now keeps the series
 * (and exports them through its HTTP API), so the CSV export is gone.
 */
public final class Monitor implements AutoCloseable {
  /** The image of the two containers. */
  static final String IMAGE = "carapace-test/busybox:1";

  private final ContainerLauncher launcher;
  private final PrometheusMeterRegistry registry;
  private final ContainerMetrics metrics;
  private final HttpServer server;
  private final List<RunningContainer> containers = new ArrayList<>();

  private Monitor(ContainerLauncher launcher, PrometheusMeterRegistry registry, ContainerMetrics metrics,
      HttpServer server) {
    this.launcher = launcher;
    this.registry = registry;
    this.metrics = metrics;
    this.server = server;
  }

  public static void main(String[] args) throws InterruptedException {
    Duration duration = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 10);
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    System.exit(run(Endpoint.fromEnvironment(), duration, port, System.out));
  }

  /**
   * Serves the metrics for {@code duration}, then prints each container's meters to {@code out}.
   *
   * @return 0
   */
  public static int run(Endpoint endpoint, Duration duration, int port, PrintStream out) throws InterruptedException {
    try (Monitor monitor = start(endpoint, port)) {
      out.println("serving " + monitor.metricsUri() + " for " + duration.toSeconds() + " s");
      out.flush();
      Thread.sleep(duration.toMillis());
      monitor.print(out);
    }
    return 0;
  }

  /**
   * Starts the launcher, the metrics endpoint on 127.0.0.1:{@code port} (0: a free port) and the two
   * containers; {@link #close()} removes them and stops the endpoint.
   */
  public static Monitor start(Endpoint endpoint, int port) {
    ContainerLauncher launcher = ContainerLauncher.connect(endpoint);
    Monitor monitor = null;
    try {
      // --- snippet: metrics
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      ContainerMetrics metrics = ContainerMetrics.of(launcher, Duration.ofSeconds(1));
      metrics.bindTo(registry);             // every running container of the launcher, sampled each second
      // --- end snippet
      // --- snippet: metrics-endpoint
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
      server.createContext("/metrics", exchange -> {
        byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream os = exchange.getResponseBody()) {
          os.write(body);
        }
      });
      server.start();
      // --- end snippet
      monitor = new Monitor(launcher, registry, metrics, server);
      String tag = launcher.id().substring(0, 8);
      monitor.containers.add(launcher.launch(SecureContainerSpec.builder().image(IMAGE)
          .name("monitor-busy-" + tag).command("sh", "-c", "while :; do :; done")
          .nanoCpus(500_000_000L).memoryLimit(MemorySize.ofMebibytes(32)).build()));
      monitor.containers.add(launcher.launch(SecureContainerSpec.builder().image(IMAGE)
          .name("monitor-idle-" + tag).command("sleep", "3600").memoryLimit(MemorySize.ofMebibytes(16)).build()));
      metrics.refresh(); // their meters now, not at the next refresh
      return monitor;
    } catch (IOException e) {
      launcher.close();
      throw new UncheckedIOException("serving metrics on 127.0.0.1:" + port, e);
    } catch (RuntimeException e) {
      if (monitor != null) {
        monitor.close();
      } else {
        launcher.close();
      }
      throw e;
    }
  }

  /** Where Prometheus scrapes. */
  public URI metricsUri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/metrics");
  }

  /** The containers watched: busy first, then idle. */
  public List<RunningContainer> containers() {
    return List.copyOf(containers);
  }

  /** One line per container: its name, then CPU seconds, memory against its limit and pids. */
  public void print(PrintStream out) {
    metrics.refresh();
    for (RunningContainer c : containers) {
      String name = c.spec().name().orElse(c.id());
      FunctionCounter cpu = registry.find("container.cpu.time").tag("container.name", name).functionCounter();
      Gauge memory = registry.find("container.memory.working.set").tag("container.name", name).gauge();
      Gauge limit = registry.find("container.memory.limit").tag("container.name", name).gauge();
      Gauge pids = registry.find("container.pids").tag("container.name", name).gauge();
      if (cpu == null || memory == null || limit == null || pids == null) {
        out.printf("%-22s  no meters (not running)%n", name);
        continue;
      }
      out.printf(Locale.ROOT, "%-22s  cpu %7.2f s  memory %s / %s  pids %d%n", name, cpu.count(),
          human((long) memory.value()), human((long) limit.value()), (long) pids.value());
    }
    out.flush();
  }

  /** Bytes as docker stats shows them: 648KiB, 16MiB, 23.54GiB. */
  static String human(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return (v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v))
        + units[u];
  }

  /** Stops the endpoint and the meters, and removes the containers (closing the launcher). */
  @Override
  public void close() {
    server.stop(0);
    metrics.close();
    registry.close();
    launcher.close();
  }
}
