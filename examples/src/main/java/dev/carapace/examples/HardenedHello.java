package dev.carapace.examples;

import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.Endpoint;
import dev.carapace.core.ProcStatus;
import dev.carapace.core.RunResult;
import dev.carapace.core.SecureContainerSpec;
import java.io.PrintStream;
import java.time.Duration;

/**
 * The main example, step 1 of the README: a container with Carapace's defaults and an unprivileged
 * user, and what the kernel enforces on it, read from inside: the capability sets (decoded to names),
 * NoNewPrivs, the seccomp mode, the uid, the pids limit and the network interfaces.
 *
 * <p>Run: {@code mvn -B -ntp -q -pl examples exec:java} (after {@code testbed/setup.sh} and an
 * install). The engine is the one of {@code DOCKER_HOST}, or the unix socket. The image defaults to the
 * testbed's {@code carapace-test/busybox:1}; pass another as the first argument. Exit code 0 when the
 * container ran and exited 0.
 */
public final class HardenedHello {
  /** Prints the kernel's view from inside: {@code /proc/self/status}, then {@code key=value} lines. */
  static final String PROBE = "cat /proc/self/status; echo '--more'; "
      + "echo pids=$(cat /sys/fs/cgroup/pids/pids.max); "
      + "echo network=$(ls /sys/class/net)";

  private HardenedHello() {}

  public static void main(String[] args) {
    String image = args.length > 0 ? args[0] : "carapace-test/busybox:1";
    System.exit(run(Endpoint.fromEnvironment(), image, System.out));
  }

  /** Launches the hardened container on {@code endpoint} and prints the report; returns the exit code. */
  public static int run(Endpoint endpoint, String image, PrintStream out) {
    // --- snippet: hardened-run
    try (ContainerLauncher launcher = ContainerLauncher.connect(endpoint)) {   // main: Endpoint.fromEnvironment()
      SecureContainerSpec spec = SecureContainerSpec.builder()
          .image(image)
          .command("sh", "-c", PROBE)               // cat /proc/self/status, pids.max, network interfaces
          .user("1000:1000")                        // -u 1000:1000
          .build();                                 // + --cap-drop ALL, no-new-privileges, --network none, --pids-limit 1024
      RunResult result = launcher.run(spec, Duration.ofSeconds(30));   // create, verify, start, wait, logs, remove
      ProcStatus status = ProcStatus.parse(result.stdout());          // CapEff, CapBnd, NoNewPrivs, Seccomp, Uid
      return report(result, status, image, out);
    }
    // --- end snippet
  }

  /** Prints what the container saw, aligned; returns the container's exit code (1 if not 0). */
  private static int report(RunResult result, ProcStatus status, String image, PrintStream out) {
    if (result.exitCode() != 0) {
      out.println("container failed with exit code " + result.exitCode() + ": " + result.stderr());
      return 1;
    }
    String[] parts = result.stdout().split("--more\n", 2);
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
