package dev.carapace.examples;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.HostConfig;
import dev.carapace.core.MemorySize;
import dev.carapace.core.ProcStatus;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.policy.PolicyCheck;
import dev.carapace.policy.Profiles;
import dev.carapace.testcontainers.CarapaceHardening;
import java.io.PrintStream;
import java.util.Arrays;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.images.PullPolicy;
import org.testcontainers.utility.DockerImageName;

/**
 * Testcontainers, hardened: a {@code GenericContainer} gets a {@link SecureContainerSpec}'s hardening
 * merged into the create request Testcontainers builds, is judged by the Pod Security Standards'
 * restricted profile before create, and shows from inside what the kernel enforces.
 *
 * <p>Run: {@code TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=localhost
 * mvn -q -pl examples exec:java -Dexec.mainClass=dev.carapace.examples.HardenedTestcontainer}
 * (after {@code testbed/setup.sh} and an install; the two variables are for the testbed, which has no
 * registry for Ryuk and runs inside a container). The image defaults to {@code carapace-test/busybox:1};
 * pass another as the first argument.
 */
public final class HardenedTestcontainer {
  private HardenedTestcontainer() {}

  public static void main(String[] args) throws Exception {
    String image = args.length > 0 ? args[0] : "carapace-test/busybox:1";
    System.exit(run(image, System.out));
  }

  /** Starts the hardened container, prints the kernel's and the engine's view; returns the exit code. */
  public static int run(String image, PrintStream out) throws Exception {
    // --- snippet: testcontainers
    CarapaceHardening hardening = CarapaceHardening.builder()
        .profile(SecureContainerSpec.builder()
            .image(image)                                   // the container's own image is used
            .user("1000:1000")                              // -u 1000:1000
            .memoryLimit(MemorySize.ofMebibytes(64))        // -m 64m
            .pidsLimit(64)                                  // --pids-limit 64
            .readOnlyRootFilesystem(true)                   // --read-only
            .build())                                       // + cap-drop ALL, no-new-privileges
        .addCheck(PolicyCheck.enforce(Profiles.podSecurityRestricted()))  // judged by applyTo and at create
        .build();
    try (GenericContainer<?> container = hardening.applyTo(
        new GenericContainer<>(DockerImageName.parse(image))
            .withImagePullPolicy(PullPolicy.defaultPolicy())   // local image, no pull
            .withCommand("sleep", "60"))) {
      container.start();                                    // a refusal was thrown by applyTo, as itself
      ProcStatus status = ProcStatus.parse(container.execInContainer("cat", "/proc/self/status").getStdout());
      report(container, image, status, out);                // CapEff 0000000000000000, NoNewPrivs 1...
    }
    // --- end snippet
    return 0;
  }

  /** Prints what the kernel enforces (from inside) and what the engine recorded (inspect). */
  private static void report(GenericContainer<?> container, String image, ProcStatus status, PrintStream out) {
    InspectContainerResponse inspect = container.getDockerClient()
        .inspectContainerCmd(container.getContainerId()).exec();
    HostConfig hc = inspect.getHostConfig();
    out.println("Testcontainers container " + container.getContainerId().substring(0, 12) + " ("
        + image + "), hardened by Carapace");
    out.println("  CapEff          " + status.effectiveHex() + " " + status.effective());
    out.println("  NoNewPrivs      " + (status.noNewPrivs() ? 1 : 0));
    out.println("  Seccomp         " + status.seccompMode());
    out.println("  uid             " + status.uid());
    out.println("  CapDrop         " + Arrays.toString(hc.getCapDrop()));
    out.println("  SecurityOpt     " + hc.getSecurityOpts());
    out.println("  PidsLimit       " + hc.getPidsLimit());
    out.println("  Memory          " + hc.getMemory());
    out.println("  ReadonlyRootfs  " + hc.getReadonlyRootfs());
    out.println("  Privileged      " + hc.getPrivileged());
    out.println("  NetworkMode     " + hc.getNetworkMode());
    out.println("  label           " + CarapaceHardening.HARDENED_LABEL + "="
        + inspect.getConfig().getLabels().get(CarapaceHardening.HARDENED_LABEL));
  }
}
