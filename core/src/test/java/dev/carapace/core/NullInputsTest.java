package dev.carapace.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.testing.NullInputs;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every public factory and constructor of the public API refuses {@code null} with the library's
 * message naming the attribute, never a JDK NullPointerException ("Cannot invoke ...") from deep
 * inside, and never by accepting it (issue 10, section 2). Found by reflection, so a new factory is
 * covered without being listed.
 */
class NullInputsTest {
  @Test
  void everyPublicFactoryRefusesNullNamingTheAttribute() throws Exception {
    List<String> problems = NullInputs.problems("dev.carapace.core", SecureContainerSpec.class,
        Set.of("RunResult", "ContainerLogs", "ContainerStats", "ProcStatus", "ExecResult"));
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }
}
