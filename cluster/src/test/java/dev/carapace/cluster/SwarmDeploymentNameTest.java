package dev.carapace.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** A service's name, bounded as swarmkit bounds it (63), and never shown whole when it is huge. */
class SwarmDeploymentNameTest {
  @Test
  void aMillionCharacterServiceNameIsRefusedShowingItsLengthAndStart() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SwarmDeployment.builder().name("s".repeat(1_000_000)));
    assertEquals("service name must be 1 to 63 letters, digits and dashes, not starting with a dash: 1000000 characters "
        + "(ssssssssssssssssssss...)", e.getMessage());
    assertEquals("service name must be 1 to 63 letters, digits and dashes, not starting with a dash: -web",
        assertThrows(IllegalArgumentException.class, () -> SwarmDeployment.builder().name("-web")).getMessage());
    assertEquals(java.util.Optional.of("s".repeat(63)), SwarmDeployment.builder().name("s".repeat(63)).build().name());
  }
}
