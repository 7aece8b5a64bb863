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
 * The seed's {@code --cpuset-cpus}: two busy containers pinned to core 0 share it, about 50% each,
 * while a third pinned to core 1 has it to itself, about 100%. Measured from the cgroup CPU
 * accounting over a window, not assumed.
 *
 * <p>Run: {@code mvn -B -ntp -q -pl examples exec:java -Dexec.mainClass=dev.carapace.examples.CpuPinning}
 * (needs an engine with at least 2 CPUs). Arguments: the image (default
 * {@code carapace-test/busybox:1}) and the window in seconds (default 4).
 *
 * <p>Other processes on the host take their part of each core too: the table shows the share of a
 * whole core each container got, and the split of core 0 between A and B, which they cannot change.
 */
public final class CpuPinning {
  /** A single-threaded busy loop, the seed's {@code cat /dev/zero >/dev/null} without I/O. */
  static final String BUSY = "while :; do :; done";

  private CpuPinning() {}

  public static void main(String[] args) {
    String image = args.length > 0 ? args[0] : "carapace-test/busybox:1";
    Duration window = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 4);
    try (ContainerLauncher launcher = ContainerLauncher.connect(Endpoint.fromEnvironment())) {
      System.exit(run(launcher, image, window, System.out));
    }
  }

  /** Runs the three containers, measures them over {@code window}, prints the table; returns 0. */
  public static int run(ContainerLauncher launcher, String image, Duration window,
      PrintStream out) {
    String[] names = {"A", "B", "C"};
    String[] cpus = {"0", "0", "1"};
    double[] expected = {0.5, 0.5, 1.0};
    List<RunningContainer> busy = new ArrayList<>();
    try {
      for (String cpu : cpus) {
        // --- snippet: cpu-pinning
        SecureContainerSpec spec = SecureContainerSpec.builder()
            .image(image)
            .command("sh", "-c", BUSY)
            .cpusetCpus(CpuSet.parse(cpu))                  // --cpuset-cpus=0 (A, B) or 1 (C)
            .memoryLimit(MemorySize.ofMebibytes(16))
            .build();
        busy.add(launcher.launch(spec));
        // --- end snippet
      }
      List<CpuAccounting.Usage> usage = CpuAccounting.measure(busy, window);
      long core0 = usage.get(0).cpuNanos() + usage.get(1).cpuNanos();
      out.printf("CPU pinning, measured over %.1f s from the cgroup CPU accounting%n",
          usage.get(0).wallNanos() / 1e9);
      out.println("container  cpuset  on cpu0  on cpu1  measured  expected  split of core 0");
      for (int i = 0; i < 3; i++) {
        CpuAccounting.Usage u = usage.get(i);
        String split = i < 2 ? String.format("%14.1f%%", 100.0 * u.cpuNanos() / core0) : "";
        out.printf("%-9s  %-6s  %6.1f%%  %6.1f%%  %7.1f%%  %7.0f%%  %s%n", names[i], cpus[i],
            100 * u.fractionOn(0), 100 * u.fractionOn(1), 100 * u.cores(), 100 * expected[i], split);
      }
      out.printf("core 0 (A+B)                         %7.1f%%  %7.0f%%%n",
          100 * (usage.get(0).cores() + usage.get(1).cores()), 100.0);
      out.println("(measured: share of one core over the window; expected: on an otherwise idle host;"
          + " on cpuN: part of the container's CPU time spent on that CPU)");
      return 0;
    } finally {
      CpuAccounting.removeAll(busy);
    }
  }
}
