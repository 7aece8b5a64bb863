package dev.carapace.examples;

import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.DockerRunCommand;
import dev.carapace.core.Endpoint;
import dev.carapace.core.RunResult;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.policy.PolicyCheck;
import dev.carapace.policy.PolicyViolationException;
import dev.carapace.policy.Profiles;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * The seed's two dangerous mounts, refused: its {@code docker run -v /etc/shadow:/etc/shadow} and
 * {@code -v /sbin:/sbin} lines are parsed with {@link DockerRunCommand} (which reads them as Docker
 * would run them) and handed to a launcher whose {@link PolicyCheck} enforces Carapace's default
 * profile. Each launch is refused before any call reaches the daemon: no container is created, and
 * the program prints the policy's full report.
 *
 * <p>The seed's {@code /sbin} line runs {@code rm -rf /sbin}; this one keeps its mount but lists the
 * folder instead, so that even a broken policy could not harm the host.
 *
 * <p>Run: {@code mvn -B -ntp -q -pl examples exec:java -Dexec.mainClass=dev.carapace.examples.PolicyEnforce}
 * (after {@code testbed/setup.sh} and an install). The image defaults to the testbed's
 * {@code carapace-test/busybox:1}, standing in for the seed's {@code busybox}; pass another as the
 * first argument. Exit code 0 when both lines were refused.
 */
public final class PolicyEnforce {
  private PolicyEnforce() {}

  public static void main(String[] args) {
    String image = args.length > 0 ? args[0] : "carapace-test/busybox:1";
    System.exit(run(Endpoint.fromEnvironment(), image, System.out));
  }

  /** The seed's lines, with {@code image} for its {@code busybox}. */
  static List<String> seedLines(String image) {
    return List.of(
        "docker run -v /etc/shadow:/etc/shadow " + image + " cat /etc/shadow",
        "docker run -v /sbin:/sbin " + image + " ls /sbin");
  }

  /**
   * Tries to launch each seed line through an enforcing launcher on {@code endpoint} and prints what
   * the policy says; returns 0 when every line was refused.
   */
  public static int run(Endpoint endpoint, String image, PrintStream out) {
    int launched = 0;
    // --- snippet: policy-enforce
    try (ContainerLauncher launcher = ContainerLauncher.builder()
        .endpoint(endpoint)
        .addCheck(PolicyCheck.enforce(Profiles.carapaceDefault()))   // refuse before create
        .build()) {
      out.println("launcher " + launcher.id() + " enforcing " + Profiles.carapaceDefault().name());
      for (String line : seedLines(image)) {
        SecureContainerSpec spec = DockerRunCommand.parse(line);   // what Docker would run
        out.println();
        out.println("$ " + line);
        try {
          RunResult result = launcher.run(spec, Duration.ofSeconds(30));
          out.println("LAUNCHED (the policy did not refuse it), exit code " + result.exitCode());
          launched++;
        } catch (PolicyViolationException e) {
          out.println("refused, nothing created on the engine:");
          out.println(e.report().toText());
        }
      }
    }
    // --- end snippet
    return launched == 0 ? 0 : 1;
  }
}
