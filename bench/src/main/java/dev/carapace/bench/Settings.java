package dev.carapace.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/** What a run measures and how often, from system properties (see {@link BenchMain}). */
final class Settings {
  static final Path SOCKET = Path.of("/var/run/docker.sock");
  static final int ITERATIONS = Integer.getInteger("bench.iterations", 30);
  static final int WARMUP = Integer.getInteger("bench.warmup", 3);
  static final int BATCH = Integer.getInteger("bench.batch", 16);
  static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
  static final int COLD = Integer.getInteger("bench.cold", 7);
  static final int CONCURRENCY = 8;
  static final Set<String> SECTIONS = new LinkedHashSet<>(Arrays.asList(
      System.getProperty("bench.sections", "roundtrips,latency,throughput,gvisor,swarm,cold,jmh,exec-files,deep-tree,logs,kube,manifests,safetar,provenance").split(",")));

  private Settings() {}
}
