package dev.carapace.bench;

import dev.carapace.policy.Profiles;
import java.util.Collection;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Section {@code kube}: Kubernetes manifests rendered and judged per second ({@link KubeBenchmark}, JMH,
 * one thread). Needs no engine. Issue 11 sets no figure to meet: the table is the result.
 */
final class KubeBench {
  private KubeBench() {}

  static void run(StringBuilder md) throws Exception {
    Options opt = new OptionsBuilder()
        .include(KubeBenchmark.class.getName() + "\\.")
        .addProfiler("gc")
        .jvmArgsAppend("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
        .jvmArgsAppend("-Dorg.slf4j.simpleLogger.log.dev.carapace.cluster=error")
        .build();
    Collection<RunResult> results = new Runner(opt).run();
    md.append("\n## Kubernetes manifests: rendering and Pod Security judgement (JMH)\n\nOne thread, throughput mode, "
            + "1 fork, 3×1 s warm-up, 5×1 s measurement. The spec is a hardened busybox (user 1000:1000, read-only"
            + " root, 64 MiB, a 16 MiB tmpfs), rendered as a Pod with its pids limit and `--network none` accepted"
            + " as losses (their warnings logged at error level only, so not written); judged by `")
        .append(Profiles.podSecurityRestricted())
        .append("` through `ManifestAudit` (YAML parsed, fabric8's model, one policy view per container). The"
            + " hand-written Pod has an init container and two containers breaking many rules.\n\n"
            + "| benchmark | manifests/s | ± (99.9%) | µs/manifest | allocated B/op |\n|---|---|---|---|---|\n");
    for (RunResult r : results) {
      md.append(Report.jmhRow(r, "%.1f"));
    }
  }
}
