package dev.carapace.examples;

import dev.carapace.core.Capability;
import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.Endpoint;
import dev.carapace.core.ProcStatus;
import dev.carapace.core.RunResult;
import dev.carapace.core.SecureContainerSpec;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The seed's two ways to limit capabilities, run for real, with the kernel's {@code CapEff} read from
 * inside each container and decoded to names:
 *
 * <ol>
 *   <li>Docker's defaults minus the seed's fourteen {@code --cap-drop} flags
 *       ({@code keepDockerDefaultCapabilities()} plus {@code dropCapability}), which leaves nothing, since the
 *       fourteen are exactly Docker's defaults;
 *   <li>{@code --cap-drop ALL} (Carapace's default) and then adding back only what the workload
 *       needs: {@code chown} fails without {@code CHOWN} and works with it.
 * </ol>
 *
 * <p>Docker's untouched defaults are shown first for comparison. Every container runs as root: the
 * point of the seed is that root in a container is only as strong as its capabilities.
 *
 * <p>Run: {@code mvn -B -ntp -q -pl examples exec:java -Dexec.mainClass=dev.carapace.examples.SeedCapabilities}.
 * The image defaults to {@code carapace-test/busybox:1} (root); pass another as the first argument.
 */
public final class SeedCapabilities {
  /** Prints the kernel's view, then tries {@code chown} as root on a file it owns. */
  static final String PROBE = "cat /proc/self/status; touch /probe; "
      + "if chown 1000:1000 /probe 2>/dev/null; then echo chown=ok; else echo chown=denied; fi";

  private SeedCapabilities() {}

  public static void main(String[] args) {
    String image = args.length > 0 ? args[0] : "carapace-test/busybox:1";
    int code;
    try (ContainerLauncher launcher = ContainerLauncher.connect(Endpoint.fromEnvironment())) {
      code = run(launcher, image, System.out);
    }
    System.exit(code);
  }

  /** Runs the four containers and prints one line each; returns 0 when the kernel matched every spec. */
  public static int run(ContainerLauncher launcher, String image, PrintStream out) {
    Map<String, SecureContainerSpec> specs = new LinkedHashMap<>();
    specs.put("docker defaults", SecureContainerSpec.builder().image(image).command("sh", "-c", PROBE)
        .keepDockerDefaultCapabilities().build());

    // --- snippet: seed-capabilities
    // The seed's way: start from Docker's 14 defaults and drop them by name.
    SecureContainerSpec seedDrops = SecureContainerSpec.builder()
        .image(image)
        .command("sh", "-c", PROBE)
        .keepDockerDefaultCapabilities()                         // no --cap-drop ALL
        .dropCapability("CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "KILL", "MKNOD",
            "NET_RAW", "SETGID", "SETUID", "SETFCAP", "SETPCAP", "NET_BIND_SERVICE",
            "SYS_CHROOT", "AUDIT_WRITE")                    // --cap-drop=CHOWN --cap-drop=...
        .build();

    // Carapace's default: --cap-drop ALL, then add back only what the workload needs.
    SecureContainerSpec dropAll = SecureContainerSpec.builder()
        .image(image)
        .command("sh", "-c", PROBE)
        .build();                                           // --cap-drop ALL
    SecureContainerSpec chownOnly = dropAll.toBuilder()
        .addCapability(Capability.CHOWN)                        // --cap-add CHOWN
        .build();
    // --- end snippet
    specs.put("seed: 14 --cap-drop", seedDrops);
    specs.put("--cap-drop ALL", dropAll);
    specs.put("ALL, then +CHOWN", chownOnly);

    out.println("Capabilities of root in a container, CapEff read from /proc/self/status");
    int mismatches = 0;
    for (Map.Entry<String, SecureContainerSpec> e : specs.entrySet()) {
      RunResult r = launcher.run(e.getValue(), Duration.ofSeconds(30));
      ProcStatus status = ProcStatus.parse(r.stdout());
      String chown = r.stdout().contains("chown=ok") ? "chown ok" : "chown denied";
      boolean matches = status.effective().equals(e.getValue().effectiveCapabilities());
      mismatches += matches ? 0 : 1;
      out.printf("%-20s CapEff %s  %-12s  %2d caps %s%s%n", e.getKey(), status.effectiveHex(), chown,
          status.effective().size(), status.effective(), matches ? "" : "  (spec expected "
              + e.getValue().effectiveCapabilities() + ")");
    }
    out.println(mismatches == 0 ? "kernel matches every spec" : mismatches + " specs not matched by the kernel");
    return mismatches == 0 ? 0 : 1;
  }
}
