package dev.carapace.examples;

import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.ContainerPath;
import dev.carapace.core.CpuSet;
import dev.carapace.core.Endpoint;
import dev.carapace.core.MemorySize;
import dev.carapace.core.Mount;
import dev.carapace.core.ProcStatus;
import dev.carapace.core.RunResult;
import dev.carapace.core.SecureContainerSpec;
import java.io.PrintStream;
import java.time.Duration;

/**
 * The main example: launch a container with Carapace's defaults plus limits, and print what the
 * kernel enforces on it, read from inside: capabilities (CapEff decoded to names), NoNewPrivs, the
 * seccomp mode, the cgroup limits, the uid and the read-only root.
 *
 * <p>Run: {@code mvn -q -pl examples exec:java} (after {@code testbed/setup.sh} and an install).
 * The image defaults to the testbed's {@code carapace-test/busybox:1}; pass another as the first
 * argument.
 */
public final class HardenedHello {
  /** Reads the kernel's view from inside the container, one {@code key=value} block per file. */
  static final String PROBE = "cat /proc/self/status; echo '--cgroup'; "
      + "echo cpuset=$(cat /sys/fs/cgroup/cpuset/cpuset.cpus); "
      + "echo shares=$(cat /sys/fs/cgroup/cpu/cpu.shares); "
      + "echo memory=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes); "
      + "echo pids=$(cat /sys/fs/cgroup/pids/pids.max); "
      + "if touch /probe 2>/dev/null; then echo rootfs=writable; else echo rootfs=read-only; fi";

  private HardenedHello() {}

  public static void main(String[] args) {
    String image = args.length > 0 ? args[0] : "carapace-test/busybox:1";
    try (ContainerLauncher launcher = ContainerLauncher.connect(Endpoint.fromEnvironment())) {
      System.exit(run(launcher, image, System.out));
    }
  }

  /** Launches the hardened container and prints the report to {@code out}; returns the exit code. */
  public static int run(ContainerLauncher launcher, String image, PrintStream out) {
    // --- snippet: hardened-hello
    SecureContainerSpec spec = SecureContainerSpec.builder()
        .image(image)
        .command("sh", "-c", PROBE)
        .user("1000:1000")                                  // -u 1000:1000
        .readOnlyRootFilesystem(true)                       // --read-only
        .addMount(Mount.tmpfs(ContainerPath.of("/tmp"), MemorySize.ofMebibytes(16)))
        .cpusetCpus(CpuSet.parse("0"))                      // --cpuset-cpus 0
        .cpuShares(512)                                     // -c 512
        .memoryLimit(MemorySize.ofMebibytes(64))            // -m 64m
        .pidsLimit(64)                                      // --pids-limit 64
        .build();                                           // + cap-drop ALL, no-new-privileges, network none
    RunResult result = launcher.run(spec, Duration.ofSeconds(30));
    // --- end snippet
    if (result.exitCode() != 0) {
      out.println("container failed with exit code " + result.exitCode() + ": " + result.stderr());
      return 1;
    }
    String[] parts = result.stdout().split("--cgroup\n", 2);
    ProcStatus status = ProcStatus.parse(parts[0]);
    out.println("Carapace hardened container " + result.containerId().substring(0, 12) + " (" + image + ")");
    out.println("  CapEff      " + status.effectiveHex() + " " + status.effective());
    out.println("  CapBnd      " + status.bounding());
    out.println("  NoNewPrivs  " + (status.noNewPrivs() ? 1 : 0));
    out.println("  Seccomp     " + status.seccompMode() + " (" + seccompName(status.seccompMode()) + ")");
    out.println("  uid         " + status.uid());
    for (String line : parts.length > 1 ? parts[1].split("\n") : new String[0]) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        out.printf("  %-11s %s%n", line.substring(0, eq), line.substring(eq + 1));
      }
    }
    out.println("  (spec: " + String.join(" ", spec.securityOpts()) + ", network " + spec.network() + ")");
    return 0;
  }

  private static String seccompName(int mode) {
    switch (mode) {
      case 0: return "disabled";
      case 1: return "strict";
      case 2: return "filter";
      default: return "unknown";
    }
  }
}
