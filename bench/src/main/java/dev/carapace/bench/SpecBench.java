package dev.carapace.bench;

import dev.carapace.policy.Profiles;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Section {@code jmh}: spec building, validation and {@code Profiles.carapaceDefault()} evaluation per second
 * ({@link SpecBenchmark}, JMH, one thread, with the GC profiler's bytes per operation).
 */
final class SpecBench {
  private SpecBench() {}

  static void run(StringBuilder md, List<String[]> targets) throws Exception {
    Options opt = new OptionsBuilder()
        .include(SpecBenchmark.class.getName() + "\\.")
        .addProfiler("gc")
        .jvmArgsAppend("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
        .build();
    Collection<RunResult> results = new Runner(opt).run();
    md.append("\n## Spec building, validation and policy evaluation (JMH)\n\nOne thread, throughput mode, "
            + "1 fork, 3×1 s warm-up, 5×1 s measurement, `")
        .append(Profiles.carapaceDefault()).append("`; the spec is the hardened container above (")
        .append(Profiles.carapaceDefault().evaluate(Hardened.spec("jmh")).passed() ? "passes" : "does not pass")
        .append(" the policy: no user and no health check set).\n\n"
            + "| benchmark | ops/s | ± (99.9%) | µs/op | allocated B/op |\n|---|---|---|---|---|\n");
    double combined = Double.NaN;
    for (RunResult r : results) {
      md.append(Report.jmhRow(r, "%.3f"));
      if (Report.jmhName(r).equals("buildValidateEvaluate")) {
        combined = r.getPrimaryResult().getScore();
      }
    }
    targets.add(new String[] {"spec validation + policy evaluation above 1 million/s on one core",
        String.format("%,.0f ops/s (`buildValidateEvaluate`)", combined), combined > 1e6 ? "met" : "not met"});
  }
}
