package dev.carapace.examples;

import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.CpuSet;
import dev.carapace.core.Endpoint;
import dev.carapace.core.MemorySize;
import dev.carapace.core.RunningContainer;
import dev.carapace.core.SecureContainerSpec;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The seed's {@code -c}/{@code --cpu-shares}: three busy containers pinned to the same core split it
 * in proportion to their shares. A=512, B=512, C=1024 get 1/4, 1/4 and 1/2; A=10, B=100, C=1000 get
 * what the kernel's weights predict, 10/1110, 100/1110 and 1000/1110 (0.9%, 9.0%, 90.1%: the seed
 * says "under 1%, under 10%, under 90%", and the last is a hair over).
 *
 * <p>Fractions are of the three containers' total CPU time, so other processes on the core (which
 * take from all three alike) do not change them. A row passes when it is within
 * {@value #TOLERANCE_POINTS} percentage points of the kernel's prediction.
 *
 * <p>Run: {@code mvn -B -ntp -q -pl examples exec:java -Dexec.mainClass=dev.carapace.examples.CpuShares}.
 * Arguments: the image (default {@code carapace-test/busybox:1}) and the window in seconds (default 4).
 */
public final class CpuShares {
  /** How far, in percentage points, a measured fraction may be from the weights' prediction. */
  public static final double TOLERANCE_POINTS = 5.0;

  private CpuShares() {}

  public static void main(String[] args) {
    String image = args.length > 0 ? args[0] : "carapace-test/busybox:1";
    Duration window = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 4);
    try (ContainerLauncher launcher = ContainerLauncher.connect(Endpoint.fromEnvironment())) {
      System.exit(run(launcher, image, window, System.out));
    }
  }

  /** Measures both rounds and prints their tables; returns 0 when every row is within tolerance. */
  public static int run(ContainerLauncher launcher, String image, Duration window,
      PrintStream out) {
    out.printf("CPU shares on one core, fractions of the three containers' CPU time, tolerance ±%.0f points%n",
        TOLERANCE_POINTS);
    int failures = round(launcher, image, window, new int[] {512, 512, 1024},
        new String[] {"1/4", "1/4", "1/2"}, out);
    failures += round(launcher, image, window, new int[] {10, 100, 1000},
        new String[] {"under 1%", "under 10%", "under 90%"}, out);
    out.println(failures == 0 ? "all rows within tolerance" : failures + " rows out of tolerance");
    return failures == 0 ? 0 : 1;
  }

  private static int round(ContainerLauncher launcher, String image, Duration window, int[] shares,
      String[] seed, PrintStream out) {
    List<RunningContainer> busy = new ArrayList<>();
    try {
      for (int s : shares) {
        // --- snippet: cpu-shares
        SecureContainerSpec spec = SecureContainerSpec.builder()
            .image(image)
            .command("sh", "-c", "while :; do :; done")
            .cpusetCpus(CpuSet.parse("0"))                  // all three on one core
            .cpuShares(s)                                   // -c 512, --cpu-shares=1024 ...
            .memoryLimit(MemorySize.ofMebibytes(16))
            .build();
        busy.add(launcher.launch(spec));
        // --- end snippet
      }
      List<CpuAccounting.Usage> usage = CpuAccounting.measure(busy, window);
      // each container's own rate (its samples are read at slightly different times), then fractions
      double total = usage.stream().mapToDouble(CpuAccounting.Usage::cores).sum();
      int weightSum = 0;
      for (int s : shares) {
        weightSum += s;
      }
      out.printf("%nshares %d/%d/%d over %.1f s (the three used %.0f%% of core 0)%n", shares[0], shares[1],
          shares[2], usage.get(0).wallNanos() / 1e9, 100.0 * total);
      out.println("container  shares  seed       kernel   measured  within");
      int failures = 0;
      for (int i = 0; i < shares.length; i++) {
        double predicted = 100.0 * shares[i] / weightSum;
        double measured = 100.0 * usage.get(i).cores() / total;
        boolean ok = Math.abs(measured - predicted) <= TOLERANCE_POINTS;
        failures += ok ? 0 : 1;
        out.printf("%-9s  %6d  %-9s  %6.1f%%  %7.1f%%  %s%n", (char) ('A' + i), shares[i], seed[i], predicted,
            measured, ok ? "yes" : "NO");
      }
      return failures;
    } finally {
      CpuAccounting.removeAll(busy);
    }
  }
}
