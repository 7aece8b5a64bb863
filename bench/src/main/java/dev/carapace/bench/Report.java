package dev.carapace.bench;

import static dev.carapace.bench.Settings.BATCH;
import static dev.carapace.bench.Settings.COLD;
import static dev.carapace.bench.Settings.ITERATIONS;
import static dev.carapace.bench.Settings.ROUNDS;
import static dev.carapace.bench.Settings.WARMUP;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Version;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * One run's results file: the machine and settings, each section's tables ({@link #md}, appended by the
 * sections), and the targets with their verdicts ({@link #targets}: target, measured, verdict).
 */
final class Report {
  final StringBuilder md = new StringBuilder();
  final List<String[]> targets = new ArrayList<>();

  void header(DockerClient raw, ZonedDateTime started) throws IOException {
    Version v = raw.versionCmd().exec();
    md.append("# Carapace benchmarks, ").append(started.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append("\n\n");
    md.append("Command: `").append(System.getenv().getOrDefault("BENCH_COMMAND", "bench/run.sh")).append("`\n\n");
    md.append("| fact | value |\n|---|---|\n");
    row("CPUs (nproc)", String.valueOf(Runtime.getRuntime().availableProcessors()));
    row("CPU model", cpuModel());
    row("memory", memTotal());
    row("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    row("engine", "Docker Engine " + v.getVersion() + " (API " + v.getApiVersion() + "), "
        + Hardened.DOCKER_CLI + " client");
    row("Java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    row("libraries", "docker-java 3.7.1 (httpclient5 transport), Testcontainers 2.0.5, JMH 1.37");
    row("load average at start", loadAverage());
    row("settings", "latency " + ITERATIONS + " rounds after " + WARMUP + " warm-up rounds; throughput "
        + ROUNDS + " rounds of " + BATCH + " launches; cold start " + COLD + " repetitions");
    md.append("\nThe container, for every contender: image `").append(Hardened.IMAGE)
        .append("`, command `true`, `--cap-drop ALL --security-opt no-new-privileges --read-only "
            + "--cpu-shares 512 --cpuset-cpus 0 --pids-limit 64 --memory 64m --network none`.\n\n")
        .append("**Noise:** the machine's 2 CPUs are shared with other sessions' builds and tests. Every "
            + "table interleaves its contenders round-robin (each round rotates who goes first), reports "
            + "medians, and pairs samples of the same round for ratios, but differences of a few percent "
            + "are below what one run can resolve; the 95% intervals (bootstrap over rounds) say how much.\n");
  }

  void footer(ZonedDateTime started) throws IOException {
    md.append("\n## Targets\n\n| target | measured | verdict |\n|---|---|---|\n");
    for (String[] t : targets) {
      md.append("| ").append(t[0]).append(" | ").append(t[1]).append(" | ").append(t[2]).append(" |\n");
    }
    md.append("\nLoad average at end: ").append(loadAverage()).append("; run took ")
        .append(java.time.Duration.between(started, ZonedDateTime.now()).toSeconds()).append(" s.\n");
  }

  private void row(String k, String v) {
    md.append("| ").append(k).append(" | ").append(v).append(" |\n");
  }

  private static String cpuModel() throws IOException {
    return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
        .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
  }

  private static String memTotal() throws IOException {
    return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
        .findFirst().map(l -> l.replaceAll("\\s+", " ").substring(10)).orElse("?");
  }

  private static String loadAverage() throws IOException {
    String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return f[0] + " " + f[1] + " " + f[2];
  }

  /** A JMH benchmark's method name. */
  static String jmhName(RunResult r) {
    String name = r.getParams().getBenchmark();
    return name.substring(name.lastIndexOf('.') + 1);
  }

  /**
   * One markdown row of a JMH throughput result: name, ops/s, its 99.9% error, µs per op (formatted
   * with {@code usFormat}) and the GC profiler's bytes allocated per op.
   */
  static String jmhRow(RunResult r, String usFormat) {
    Result<?> p = r.getPrimaryResult();
    String alloc = r.getSecondaryResults().entrySet().stream()
        .filter(e -> e.getKey().endsWith("gc.alloc.rate.norm")).map(e -> String.format("%.0f", e.getValue().getScore()))
        .findFirst().orElse("n/a");
    return "| `" + jmhName(r) + "` | " + String.format("%,.0f", p.getScore()) + " | "
        + String.format("%,.0f", p.getScoreError()) + " | " + String.format(usFormat, 1e6 / p.getScore()) + " | "
        + alloc + " |\n";
  }
}
