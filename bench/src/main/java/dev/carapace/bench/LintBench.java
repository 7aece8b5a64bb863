package dev.carapace.bench;

import dev.carapace.cluster.ManifestAudit;
import dev.carapace.policy.LocatedReport;
import dev.carapace.policy.Policy;
import dev.carapace.policy.Profiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code carapace lint}'s library side in one warm JVM: every {@code *.yaml} of a folder read and judged with
 * {@link ManifestAudit#lint} (profile carapace-default), as the command does for each file, timed over whole
 * passes after warm-up passes. {@code bench/run-cli-lint.sh} compares it with the command run as a process on the
 * same files. Needs no engine.
 *
 * <pre>
 * java -cp 'cli/target/carapace/lib/*' bench/src/main/java/dev/carapace/bench/LintBench.java DIR [ROUNDS [WARMUP]]
 * </pre>
 * Prints {@code files=N findings=F warmup=W rounds=R median_ms=M each_ms=a,b,c}.
 */
public final class LintBench {
  private LintBench() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    Policy policy = Profiles.carapaceDefault();
    int findings = 0;
    for (int i = 0; i < warmup; i++) {
      findings = pass(files, policy);
    }
    double[] ms = new double[rounds];
    List<String> each = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      long t = System.nanoTime();
      findings = pass(files, policy);
      ms[i] = (System.nanoTime() - t) / 1e6;
      each.add(String.format("%.0f", ms[i]));
    }
    double[] sorted = ms.clone();
    Arrays.sort(sorted);
    double median = rounds % 2 == 1 ? sorted[rounds / 2] : (sorted[rounds / 2 - 1] + sorted[rounds / 2]) / 2;
    System.out.printf("files=%d findings=%d warmup=%d rounds=%d median_ms=%.1f each_ms=%s%n", files.size(), findings,
        warmup, rounds, median, String.join(",", each));
  }

  /** One pass: every file read and judged; the number of findings. */
  private static int pass(List<Path> files, Policy policy) throws IOException {
    int findings = 0;
    for (Path f : files) {
      LocatedReport r = ManifestAudit.lint(Files.readString(f, StandardCharsets.UTF_8), policy);
      findings += r.violations().size();
    }
    return findings;
  }
}
