package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import dev.carapace.core.RunningContainer;
import dev.carapace.core.testing.TestEngine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Monitor example scraped by a real Prometheus (Debian's {@code prometheus}, installed by
 * {@code testbed/prometheus.sh}): the test starts its own server on 127.0.0.1, on a free port, with a
 * generated config scraping the example's {@code /metrics} every second, waits until the target is
 * up, asks PromQL about the example's containers through {@code /api/v1/query}, then stops it and
 * deletes its data.
 */
class MonitorIT {
  private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void prometheusScrapesTheContainersMeters(@TempDir Path dir) throws Exception {
    if (!Files.isExecutable(PROMETHEUS)) {
      fail("no " + PROMETHEUS + " (run testbed/prometheus.sh as root: it installs Debian's prometheus)");
    }
    String launcherId;
    List<String> names;
    try (Monitor monitor = Monitor.start(TestEngine.endpoint(), 0)) {
      RunningContainer busy = monitor.containers().get(0);
      RunningContainer idle = monitor.containers().get(1);
      String busyName = busy.spec().name().orElseThrow();
      String idleName = idle.spec().name().orElseThrow();
      launcherId = busy.spec().name().orElseThrow().substring("monitor-busy-".length());
      names = List.of(busyName, idleName);

      // the endpoint itself, in Prometheus' text format
      String scraped = get(monitor.metricsUri());
      assertTrue(scraped.contains("# TYPE container_cpu_time_seconds_total counter"), scraped);
      assertTrue(scraped.contains("container_memory_limit_bytes{container_id=\"" + busy.id().substring(0, 12)
          + "\",container_image=\"" + Monitor.IMAGE + "\",container_name=\"" + busyName + "\"} 3.3554432E7"), scraped);

      int port = freePort();
      Path data = dir.resolve("prometheus-data");
      Path config = dir.resolve("prometheus.yml");
      Files.writeString(config, String.join("\n",
          "global:",
          "  scrape_interval: 1s",
          "  evaluation_interval: 1s",
          "scrape_configs:",
          "  - job_name: carapace-monitor",
          "    metrics_path: /metrics",
          "    static_configs:",
          "      - targets: ['127.0.0.1:" + monitor.metricsUri().getPort() + "']",
          ""));
      Process prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config,
          "--storage.tsdb.path=" + data, "--web.listen-address=127.0.0.1:" + port,
          "--storage.tsdb.retention.time=1h")
          .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
      try {
        URI api = URI.create("http://127.0.0.1:" + port);
        awaitTargetUp(api, prometheus, dir.resolve("prometheus.log"));

        // the memory limit of a named container is the spec's
        JsonNode limit = awaitResult(api, "container_memory_limit_bytes{container_name=\"" + busyName + "\"}");
        assertEquals(32L << 20, (long) Double.parseDouble(limit.get(0).path("value").get(1).asText()), limit.toString());
        JsonNode idleLimit = awaitResult(api, "container_memory_limit_bytes{container_name=\"" + idleName + "\"}");
        assertEquals(16L << 20, (long) Double.parseDouble(idleLimit.get(0).path("value").get(1).asText()));

        // the busy loop's CPU counter increases: its rate over ten seconds of scrapes is some CPU, about half
        // a one at most (nanoCpus); Prometheus stamps each value with its scrape time, not the engine's read
        // time, so up to a second of refresh jitter on a loaded machine shows in the window: 0.75 at most
        double first = value(awaitResult(api, "container_cpu_time_seconds_total{container_name=\"" + busyName + "\"}"));
        Thread.sleep(8000);
        double later = value(awaitResult(api, "container_cpu_time_seconds_total{container_name=\"" + busyName + "\"}"));
        assertTrue(later > first, first + " then " + later);
        JsonNode rate = awaitResult(api, "rate(container_cpu_time_seconds_total{container_name=\"" + busyName + "\"}[10s])");
        assertTrue(value(rate) > 0 && value(rate) <= 0.75, "rate " + rate);

        // one series per container of the launcher, each with its image
        JsonNode pids = awaitResult(api, "container_pids{container_image=\"" + Monitor.IMAGE + "\",container_name=~\"monitor-.*-"
            + launcherId + "\"}");
        assertEquals(2, pids.size(), pids.toString());
      } finally {
        prometheus.destroy();
        if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
          prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        deleteTree(data);
      }
      assertTrue(!Files.exists(data), "prometheus data deleted");
    }
    assertGone(names.toArray(new String[0]));
  }

  @Test
  void runPrintsEachContainersMetersAndRemovesThem() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    assertEquals(0, Monitor.run(TestEngine.endpoint(), Duration.ofSeconds(3), 0,
        new PrintStream(buf, true, StandardCharsets.UTF_8)));
    List<String> lines = buf.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(3, lines.size(), String.join("\n", lines));
    assertTrue(lines.get(0).matches("serving http://127\\.0\\.0\\.1:\\d+/metrics for 3 s"), lines.get(0));
    assertTrue(lines.get(1).matches("monitor-busy-[0-9a-f]{8} +cpu +\\d+\\.\\d\\d s  memory \\S+ / 32MiB  pids 1"),
        lines.get(1));
    assertTrue(lines.get(2).matches("monitor-idle-[0-9a-f]{8} +cpu +\\d+\\.\\d\\d s  memory \\S+ / 16MiB  pids 1"),
        lines.get(2));
    double busyCpu = Double.parseDouble(lines.get(1).replaceAll(".* cpu +(\\S+) s .*", "$1"));
    assertTrue(busyCpu > 0.05, "a busy loop uses CPU: " + lines.get(1));
    assertGone(lines.get(1).split(" ")[0], lines.get(2).split(" ")[0]);
  }

  /** No container of these names is left on the engine. */
  private static void assertGone(String... names) throws IOException {
    try (DockerClient docker = ExampleClients.connect(TestEngine.endpoint())) {
      for (String name : names) {
        List<String> left = docker.listContainersCmd().withShowAll(true).withNameFilter(List.of(name)).exec().stream()
            .map(Container::getId).toList();
        assertEquals(List.of(), left, "containers named " + name + " left");
      }
    }
  }

  private static void awaitTargetUp(URI api, Process prometheus, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String last = "";
    while (System.nanoTime() < deadline) {
      if (!prometheus.isAlive()) {
        fail("prometheus exited " + prometheus.exitValue() + ": " + Files.readString(log));
      }
      try {
        JsonNode targets = JSON.readTree(get(api.resolve("/api/v1/targets"))).path("data").path("activeTargets");
        last = targets.toString();
        if (targets.size() == 1 && "up".equals(targets.get(0).path("health").asText())) {
          return;
        }
      } catch (IOException e) {
        last = e.toString(); // not listening yet
      }
      Thread.sleep(250);
    }
    fail("prometheus target not up within 60 s: " + last + "\n" + Files.readString(log));
  }

  /** The vector {@code query} answers, once it has at least one element (scrapes take a second). */
  private static JsonNode awaitResult(URI api, String query) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    JsonNode answer = null;
    while (System.nanoTime() < deadline) {
      answer = JSON.readTree(get(api.resolve("/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8))));
      assertEquals("success", answer.path("status").asText(), answer.toString());
      if (answer.path("data").path("result").size() > 0) {
        return answer.path("data").path("result");
      }
      Thread.sleep(250);
    }
    throw new AssertionError("no result for " + query + ": " + answer);
  }

  private static double value(JsonNode result) {
    assertEquals(1, result.size(), result.toString());
    return Double.parseDouble(result.get(0).path("value").get(1).asText());
  }

  private static String get(URI uri) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), uri + ": " + r.body());
    return r.body();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
