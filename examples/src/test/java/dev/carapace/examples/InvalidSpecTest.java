package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** No engine: the spec is refused by {@code build()}, the path by {@code ContainerPath.of}. */
class InvalidSpecTest {
  /** What the tutorial (docs/tutorial.md, step 3) shows, word for word. */
  static final String EXPECTED = "Invalid SecureContainerSpec (3 problems):\n"
      + "  - memorySwap must be at least memoryLimit: 32MiB < 64MiB\n"
      + "  - pidsLimit must be at least 1: 0 (call unlimitedPids() for no limit)\n"
      + "  - ports require a network of their own: network is none (call network(NetworkMode.bridge()))\n"
      + "container path must be absolute: data (use ContainerPath.of(\"/data\"))\n";

  @Test
  void listsEveryProblemOfTheSpecAndRefusesTheRelativePath() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    assertEquals(0, InvalidSpec.run("carapace-test/busybox:1", new PrintStream(buf, true, StandardCharsets.UTF_8)));
    assertEquals(EXPECTED, buf.toString(StandardCharsets.UTF_8));
  }
}
