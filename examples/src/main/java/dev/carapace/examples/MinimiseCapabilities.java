package dev.carapace.examples;

import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.DockerRunCommand;
import dev.carapace.core.Endpoint;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.policy.CapabilityMinimiser;
import java.io.PrintStream;
import java.time.Duration;

/**
 * The seed's capability method, automated: "drop every capability, run the container, and add back
 * the ones whose absence makes it fail, until it runs". {@link CapabilityMinimiser} runs the
 * workload on the real engine with {@code --cap-drop ALL} and candidate {@code --cap-add} sets,
 * bisecting over Docker's 14 default capabilities, and prints the minimal set, every run it took and
 * the resulting {@code docker run} line.
 *
 * <p>Two busybox workloads: {@code chown}, {@code chroot} and {@code ping}, which need exactly CHOWN,
 * SYS_CHROOT and NET_RAW; and {@code echo} plus {@code ls}, which needs none.
 *
 * <p>Run: {@code mvn -B -ntp -q -pl examples exec:java -Dexec.mainClass=dev.carapace.examples.MinimiseCapabilities}
 * (after {@code testbed/setup.sh} and an install). The image defaults to the testbed's
 * {@code carapace-test/busybox:1}; pass another as the first argument.
 */
public final class MinimiseCapabilities {
  static final String NEEDS_THREE = "touch /tmp/x && chown 1000 /tmp/x && chroot / true"
      + " && ping -c1 -W1 127.0.0.1 >/dev/null && echo done";
  static final String NEEDS_NONE = "echo hello && ls / >/dev/null";

  private MinimiseCapabilities() {}

  public static void main(String[] args) {
    String image = args.length > 0 ? args[0] : "carapace-test/busybox:1";
    try (ContainerLauncher launcher = ContainerLauncher.connect(Endpoint.fromEnvironment())) {
      System.exit(run(launcher, image, System.out));
    }
  }

  /** Minimises both workloads on {@code launcher} and prints the results; returns 0. */
  public static int run(ContainerLauncher launcher, String image, PrintStream out) {
    minimise(launcher, image, "chown + chroot + ping", NEEDS_THREE, out);
    out.println();
    minimise(launcher, image, "echo + ls", NEEDS_NONE, out);
    return 0;
  }

  static void minimise(ContainerLauncher launcher, String image, String title, String script, PrintStream out) {
    // --- snippet: minimise-capabilities
    SecureContainerSpec spec = SecureContainerSpec.builder()
        .image(image)
        .command("sh", "-c", script)
        .build();
    CapabilityMinimiser.Result result = CapabilityMinimiser.builder().build()   // candidates: Docker's 14 defaults
        .minimise(spec, CapabilityMinimiser.exitsWith(launcher, Duration.ofSeconds(20), 0));   // works = exit 0
    out.println(title + ": " + result);   // [CHOWN, NET_RAW, SYS_CHROOT] in 17 runs (2^14 = 16384 subsets)
    // --- end snippet
    int n = 0;
    for (CapabilityMinimiser.Run run : result.runs()) {
      out.printf("  run %2d  %-5s %5d ms  %s%n", ++n, run.worked() ? "works" : "fails",
          run.elapsed().toMillis(), run.capabilities().size() == result.candidates().size()
              ? "all " + run.capabilities().size() + " candidates" : run.capabilities());
    }
    out.println("  $ " + DockerRunCommand.renderLine(result.spec()));
  }
}
