package dev.carapace.bench;

import dev.carapace.cluster.InvalidManifestException;
import dev.carapace.cluster.ManifestAudit;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Section {@code manifests}: how long {@code ManifestAudit} takes to refuse a manifest too large to read (a
 * 50 MB one, refused before parsing; an 8 MiB single document, refused at the 3 MiB document limit) next to
 * reading a 1 MiB one (issue 19: refusing 50 MB must not take longer than reading 1 MB). Plain timing,
 * median of {@code bench.manifests.rounds} (11) after 2 warm-ups. Then reading 2 MiB against reading
 * 0.25 MiB, paired by round, the order alternating (8 times the text: linear is about 8, a scan quadratic in
 * the text 64; {@code ManifestReaderTest} had the bound 24, moved here). Needs no engine; {@link #main} runs
 * it alone.
 */
final class ManifestLimitsBench {
  private ManifestLimitsBench() {}

  /** A Pod of about {@code chars} characters: one container with many environment variables. */
  static String pod(int chars) {
    StringBuilder sb = new StringBuilder(chars + 128)
        .append("apiVersion: v1\nkind: Pod\nmetadata: {name: big}\nspec:\n  containers:\n    - name: a\n")
        .append("      image: registry.example/app:1\n      env:\n");
    for (int i = 0; sb.length() < chars; i++) {
      sb.append("        - {name: VAR_").append(i).append(", value: \"0123456789abcdefghijklmnopqrstuvwxyz\"}\n");
    }
    return sb.toString();
  }

  private static double medianMillis(Supplier<String> task, int rounds) {
    for (int i = 0; i < 2; i++) {
      task.get();
    }
    double[] ms = new double[rounds];
    for (int i = 0; i < rounds; i++) {
      long t = System.nanoTime();
      task.get();
      ms[i] = (System.nanoTime() - t) / 1e6;
    }
    Arrays.sort(ms);
    return ms[rounds / 2];
  }

  private static String refusal(String yaml) {
    try {
      ManifestAudit.containers(yaml);
      throw new IllegalStateException("a manifest of " + yaml.length() + " characters was read, not refused");
    } catch (InvalidManifestException e) {
      return e.getMessage();
    }
  }

  static void run(StringBuilder md) {
    run(md, new java.util.ArrayList<>());
  }

  static void run(StringBuilder md, java.util.List<String[]> targets) {
    int rounds = Integer.getInteger("bench.manifests.rounds", 11);
    String oneMb = pod(1 << 20);
    String eightMb = pod(8 << 20);
    String fiftyMb = pod(50_000_000);
    double read = medianMillis(() -> String.valueOf(ManifestAudit.containers(oneMb).size()), rounds);
    double refuseEight = medianMillis(() -> refusal(eightMb), rounds);
    double refuseFifty = medianMillis(() -> refusal(fiftyMb), rounds);
    md.append("\n## Kubernetes manifests: size limits (ManifestAudit)\n\nMedian of ").append(rounds)
        .append(" rounds after 2 warm-ups; one Pod, one container with many environment variables.\n\n"
            + "| manifest | outcome | ms (median) |\n|---|---|---|\n")
        .append(String.format("| 1 MiB (%d characters) | read, one container view | %.2f |%n", oneMb.length(), read))
        .append(String.format("| 8 MiB, one document | refused at the 3 MiB document limit | %.2f |%n", refuseEight))
        .append(String.format("| 50 MB | refused before reading (16 MiB manifest limit) | %.4f |%n", refuseFifty))
        .append(String.format("%nRefusing 50 MB took %s than reading 1 MiB (%.4f ms against %.2f ms).%n",
            refuseFifty <= read ? "less time" : "LONGER", refuseFifty, read));
    targets.add(new String[] {"a 50 MB manifest refused in no more time than a 1 MiB one read",
        String.format("%.4f ms against %.2f ms", refuseFifty, read), refuseFifty <= read ? "met" : "not met"});
    linearity(md, targets, rounds);
  }

  /** Reading 2 MiB against 0.25 MiB, paired by round. */
  private static void linearity(StringBuilder md, java.util.List<String[]> targets, int rounds) {
    String quarter = pod(1 << 18);
    String two = pod(2 << 20);
    for (int i = 0; i < 2; i++) {
      ManifestAudit.containers(quarter);
      ManifestAudit.containers(two);
    }
    double[] q = new double[rounds];
    double[] t = new double[rounds];
    for (int i = 0; i < rounds; i++) {
      for (int k = 0; k < 2; k++) {
        boolean quarterNow = (i + k) % 2 == 0;
        long t0 = System.nanoTime();
        ManifestAudit.containers(quarterNow ? quarter : two);
        (quarterNow ? q : t)[i] = (System.nanoTime() - t0) / 1e6;
      }
    }
    java.util.List<Double> ratios = Stats.pairedRatios(t, q);
    double ratio = Stats.median(ratios);
    double[] ci = Stats.medianCi(ratios);
    md.append(String.format("%n| manifest read | ms (median of %d, paired rounds) |%n|---|---|%n| 0.25 MiB (%d characters)"
        + " | %.2f |%n| 2 MiB (%d characters) | %.2f |%n%n2 MiB / 0.25 MiB, paired by round: %.2f (95%% %.2f–%.2f);"
        + " 8 times the text, linear is about 8, quadratic 64.%n", rounds, quarter.length(),
        Stats.median(Stats.valid(q)), two.length(), Stats.median(Stats.valid(t)), ratio, ci[0], ci[1]));
    targets.add(new String[] {"reading a manifest in time linear in its text: 2 MiB within 24x of 0.25 MiB",
        String.format("ratio %.2f (95%% %.2f–%.2f)", ratio, ci[0], ci[1]),
        ratio < 24 ? (ci[1] < 24 ? "met" : "met by the median; the interval reaches the bound") : "not met"});
  }

  public static void main(String[] args) {
    StringBuilder md = new StringBuilder();
    run(md);
    System.out.print(md);
  }
}
