package dev.carapace.bench;

import static dev.carapace.bench.Settings.ITERATIONS;
import static dev.carapace.bench.Settings.SECTIONS;
import static dev.carapace.bench.Settings.SOCKET;
import static dev.carapace.bench.Settings.WARMUP;

import com.github.dockerjava.api.DockerClient;
import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.Endpoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Runs the benchmark sections in one JVM, one after another, and writes {@code results/<date>.md}: each
 * section is its own class ({@link RoundTripsBench}, {@link LatencyBench}, {@link ThroughputBench},
 * {@link GvisorBench}, {@link SwarmBench}, {@link ColdStartBench}, {@link SpecBench},
 * {@link ExecFilesBench}, {@link LogFollowBench}, {@link KubeBench}, {@link ManifestLimitsBench}, {@link SafeTarBench}, {@link SeccompBench},
 * {@link ProvenanceBench}); this class only dispatches. Started by
 * {@code bench/run.sh}; tune with system properties {@code bench.iterations} (latency rounds, 30),
 * {@code bench.warmup} (3), {@code bench.batch} (launches per throughput batch, 16),
 * {@code bench.rounds} (throughput rounds, 5), {@code bench.cold} (cold-start repetitions, 7),
 * {@code bench.sections} (comma list of roundtrips,latency,throughput,gvisor,swarm,cold,jmh,exec-files,deep-tree,logs,kube,manifests,safetar,provenance; default all).
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    for (String v : List.of("TESTCONTAINERS_RYUK_DISABLED", "TESTCONTAINERS_HOST_OVERRIDE")) {
      if (System.getenv(v) == null) {
        throw new IllegalStateException(v + " must be set (bench/run.sh sets it; see shared TESTBED.md)");
      }
    }
    Path results = Path.of(System.getProperty("bench.results", "results"));
    Files.createDirectories(results);
    ZonedDateTime started = ZonedDateTime.now();
    int exit = 0;
    try (ContainerLauncher launcher = ContainerLauncher.connect(Endpoint.unixSocket(SOCKET))) {
      DockerClient raw = Hardened.rawClient("unix://" + SOCKET);
      Report report = new Report();
      try {
        report.header(raw, started);
        runSections(launcher, raw, report.md, report.targets);
      } catch (Exception | Error e) {
        exit = 1;
        report.md.append("\n**The run failed:** `").append(e).append("`\n");
        e.printStackTrace();
      } finally {
        report.footer(started);
        Hardened.removeLeftovers(raw);
        raw.close();
      }
      Path file = results.resolve(started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmmss")) + ".md");
      Files.writeString(file, report.md.toString(), StandardCharsets.UTF_8);
      System.out.println("\n" + report.md);
      System.out.println("written: " + file.toAbsolutePath());
    }
    System.exit(exit);
  }

  /** Each section asked for by {@code bench.sections}, in this order. */
  private static void runSections(ContainerLauncher launcher, DockerClient raw, StringBuilder md,
      List<String[]> targets) throws Exception {
    if (SECTIONS.contains("roundtrips")) {
      RoundTripsBench.run(raw, md, targets);
    }
    if (SECTIONS.contains("latency")) {
      LatencyBench.run(launcher, raw, md, targets);
    }
    if (SECTIONS.contains("throughput")) {
      ThroughputBench.run(launcher, raw, md, targets);
    }
    if (SECTIONS.contains("gvisor")) {
      GvisorBench.run(launcher, md, targets);
    }
    if (SECTIONS.contains("swarm")) {
      SwarmBench.run(md, targets, raw, SOCKET);
    }
    if (SECTIONS.contains("cold")) {
      ColdStartBench.run(md, targets);
    }
    if (SECTIONS.contains("jmh")) {
      SpecBench.run(md, targets);
    }
    if (SECTIONS.contains("exec-files")) {
      new ExecFilesBench(launcher, raw, md, targets, ITERATIONS, WARMUP).run();
    }
    if (SECTIONS.contains("deep-tree")) {
      DeepTreeBench.run(launcher, md, targets);
    }
    if (SECTIONS.contains("logs")) {
      LogFollowBench.run(launcher, raw, md, targets);
    }
    if (SECTIONS.contains("kube")) {
      KubeBench.run(md);
    }
    if (SECTIONS.contains("manifests")) {
      ManifestLimitsBench.run(md, targets);
    }
    if (SECTIONS.contains("safetar")) {
      SafeTarBench.run(md, targets);
    }
    if (SECTIONS.contains("seccomp")) { // only when asked: root, and the host's printk rate limit off meanwhile
      SeccompBench.run(launcher, md, targets);
    }
    if (SECTIONS.contains("provenance")) {
      ProvenanceBench.run(md, targets);
    }
  }
}
