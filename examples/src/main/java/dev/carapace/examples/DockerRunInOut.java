package dev.carapace.examples;

import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.DockerRunCommand;
import dev.carapace.core.Endpoint;
import dev.carapace.core.ProcStatus;
import dev.carapace.core.RunResult;
import dev.carapace.core.SecureContainerSpec;
import java.io.PrintStream;
import java.time.Duration;

/**
 * {@code docker run} in and out: parse the seed's capability-dropping command line into a spec (it
 * means what Docker would do), launch it, print what the kernel shows, and render the spec back as
 * the equivalent command line, with Carapace's hardening spelled out.
 *
 * <p>Run: {@code mvn -q -pl examples exec:java -Dexec.mainClass=dev.carapace.examples.DockerRunInOut}.
 */
public final class DockerRunInOut {
  private DockerRunInOut() {}

  public static void main(String[] args) {
    try (ContainerLauncher launcher = ContainerLauncher.connect(Endpoint.fromEnvironment())) {
      System.exit(run(launcher, args.length > 0 ? args[0] : "carapace-test/busybox:1", System.out));
    }
  }

  public static int run(ContainerLauncher launcher, String image, PrintStream out) {
    // --- snippet: docker-run
    SecureContainerSpec seed = DockerRunCommand.parse("docker run -ti --cap-drop=CHOWN --cap-drop=DAC_OVERRIDE"
        + " --cap-drop=FSETID --cap-drop=FOWNER --cap-drop=KILL --cap-drop=MKNOD --cap-drop=NET_RAW"
        + " --cap-drop=SETGID --cap-drop=SETUID --cap-drop=SETFCAP --cap-drop=SETPCAP"
        + " --cap-drop=NET_BIND_SERVICE --cap-drop=SYS_CHROOT --cap-drop=AUDIT_WRITE "
        + image + " cat /proc/self/status");
    RunResult result = launcher.run(seed, Duration.ofSeconds(30));
    String line = DockerRunCommand.renderLine(seed);                  // back to a docker run line
    // --- end snippet
    ProcStatus status = ProcStatus.parse(result.stdout());
    out.println("parsed:   " + seed.droppedCapabilities().size() + " capabilities dropped, no-new-privileges "
        + seed.noNewPrivileges() + ", network " + seed.network());
    out.println("CapEff:   " + status.effectiveHex() + " " + status.effective());
    out.println("rendered: " + line);
    out.println("hardened: " + DockerRunCommand.renderLine(SecureContainerSpec.builder().image(image)
        .command("cat", "/proc/self/status").build()));
    return result.exitCode();
  }
}
