package dev.carapace.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Order statistics for small, noisy samples. */
final class Stats {
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private Stats() {}

  /** The values that were measured ({@code NaN} marks a round that failed or was skipped). */
  static List<Double> valid(double[] values) {
    List<Double> out = new ArrayList<>();
    for (double v : values) {
      if (!Double.isNaN(v)) {
        out.add(v);
      }
    }
    return out;
  }

  /** {@code a[i] / b[i]} for each round both measured: ratios paired by round. */
  static List<Double> pairedRatios(double[] a, double[] b) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < a.length; i++) {
      if (!Double.isNaN(a[i]) && !Double.isNaN(b[i])) {
        out.add(a[i] / b[i]);
      }
    }
    return out;
  }

  static double percentile(List<Double> values, double p) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    double rank = p * (sorted.size() - 1);
    int lo = (int) Math.floor(rank);
    int hi = (int) Math.ceil(rank);
    return sorted.get(lo) + (sorted.get(hi) - sorted.get(lo)) * (rank - lo);
  }

  static double median(List<Double> values) {
    return percentile(values, 0.5);
  }

  /** A 95% percentile-bootstrap interval for the median of {@code values} (fixed seed: reproducible). */
  static double[] medianCi(List<Double> values) {
    if (values.size() < 3) {
      return new double[] {Double.NaN, Double.NaN};
    }
    Random random = new Random(42);
    List<Double> medians = new ArrayList<>();
    List<Double> resample = new ArrayList<>(values.size());
    for (int b = 0; b < 2000; b++) {
      resample.clear();
      for (int i = 0; i < values.size(); i++) {
        resample.add(values.get(random.nextInt(values.size())));
      }
      medians.add(median(resample));
    }
    return new double[] {percentile(medians, 0.025), percentile(medians, 0.975)};
  }

  static double mean(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  /** {@code a[i] - b[i]} for each round both measured: differences paired by round. */
  static List<Double> pairedDiffs(double[] a, double[] b) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < a.length; i++) {
      if (!Double.isNaN(a[i]) && !Double.isNaN(b[i])) {
        out.add(a[i] - b[i]);
      }
    }
    return out;
  }

  /** This JVM's CPU time so far, all threads, ns (the kernel counts it in 10 ms ticks). */
  static long processCpuNanos() {
    return OS.getProcessCpuTime();
  }

  static String ms(double v) {
    return Double.isNaN(v) ? "n/a" : String.format("%.1f", v);
  }

  static String ratio(double v) {
    return Double.isNaN(v) ? "n/a" : String.format("%.3f", v);
  }

  static String pct(double ratio) {
    return Double.isNaN(ratio) ? "n/a" : String.format("%+.1f%%", (ratio - 1) * 100);
  }
}
