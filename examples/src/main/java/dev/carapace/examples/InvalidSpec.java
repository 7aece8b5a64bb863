package dev.carapace.examples;

import dev.carapace.core.ContainerPath;
import dev.carapace.core.InvalidSpecException;
import dev.carapace.core.MemorySize;
import dev.carapace.core.PortBinding;
import dev.carapace.core.SecureContainerSpec;
import java.io.PrintStream;

/**
 * Step 3 of the README: a spec that cannot be launched, and the one exception that lists every
 * problem in it; then a value type refusing a bad value where it is made. No engine is needed:
 * nothing here reaches a daemon.
 *
 * <p>Run: {@code mvn -B -ntp -q -pl examples exec:java -Dexec.mainClass=dev.carapace.examples.InvalidSpec}
 * (after an install). Exit code 0 when both were refused.
 */
public final class InvalidSpec {
  private InvalidSpec() {}

  public static void main(String[] args) {
    System.exit(run("carapace-test/busybox:1", System.out));
  }

  /** Builds the invalid spec and the bad path, printing each refusal; returns 0 when both were refused. */
  public static int run(String image, PrintStream out) {
    int refused = 0;
    // --- snippet: invalid-spec
    try {
      SecureContainerSpec.builder()
          .image(image)
          .memoryLimit(MemorySize.ofMebibytes(64))
          .memorySwap(MemorySize.ofMebibytes(32))   // less than the memory limit
          .pidsLimit(0)                             // not even one process
          .addPort(PortBinding.localhost(8080, 80)) // while the network is none
          .build();
    } catch (InvalidSpecException e) {
      out.println(e.getMessage());                  // every problem at once, one per line
      refused++;
    }
    try {
      ContainerPath.of("data");                     // value types check where they are made
    } catch (IllegalArgumentException e) {
      out.println(e.getMessage());
      refused++;
    }
    // --- end snippet
    return refused == 2 ? 0 : 1;
  }
}
