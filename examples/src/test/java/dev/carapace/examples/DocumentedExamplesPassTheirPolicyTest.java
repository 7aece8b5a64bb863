package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.core.command.CreateContainerCmdImpl;
import dev.carapace.core.MemorySize;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.policy.PolicyCheck;
import dev.carapace.policy.PolicyViolationException;
import dev.carapace.policy.Profiles;
import dev.carapace.policy.Severity;
import dev.carapace.testcontainers.CarapaceHardening;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each example in the docs (README, {@code docs/*.md}) and the javadoc passes the policy it is shown with
 * (issue 10, section 6), and the claims of {@code docs/policy.md} about thresholds hold. No Docker: the checks judge before any call.
 */
class DocumentedExamplesPassTheirPolicyTest {
  private static String source(String module, String type) throws Exception {
    return Files.readString(Path.of("..", module, "src/main/java", type.replace('.', '/') + ".java"));
  }

  /** A create request as Testcontainers builds it for {@code new GenericContainer<>(image).withCommand(..)}. */
  private static CreateContainerCmd testcontainersRequest(String image, String... command) {
    return new CreateContainerCmdImpl(c -> {
      throw new AssertionError("never sent");
    }, null, image).withHostConfig(new HostConfig()).withCmd(command);
  }

  @Test
  void carapaceHardeningJavadocExamplePassesCarapaceDefaultAsShown() throws Exception {
    String javadoc = source("testcontainers", "dev.carapace.testcontainers.CarapaceHardening");
    assertTrue(javadoc.contains(".memoryLimit(MemorySize.ofMebibytes(64)).user(\"1000:1000\").readOnlyRootFilesystem(true)"
        + ".build())\n *     .addCheck(PolicyCheck.enforce(Profiles.carapaceDefault()).atLeast(Severity.MEDIUM))"),
        "the javadoc shows the example tested here");
    CarapaceHardening hardening = CarapaceHardening.builder()
        .profile(SecureContainerSpec.builder().image("busybox:1.36")
            .memoryLimit(MemorySize.ofMebibytes(64)).user("1000:1000").readOnlyRootFilesystem(true).build())
        .addCheck(PolicyCheck.enforce(Profiles.carapaceDefault()).atLeast(Severity.MEDIUM))
        .build();
    hardening.accept(testcontainersRequest("busybox:1.36", "sleep", "60")); // refuses by throwing
    // what the threshold lets through is LOW only, and still reported
    CreateContainerCmd hardened = testcontainersRequest("busybox:1.36", "sleep", "60");
    CarapaceHardening.of(hardening.profile()).accept(hardened);
    assertEquals(List.of(Severity.LOW), Profiles.carapaceDefault().evaluate(CarapaceHardening.effectiveSpec(hardened))
        .violations().stream().map(v -> v.severity()).distinct().toList(), "only LOW findings are let through");
  }

  @Test
  void readmeTestcontainersProfilePassesPodSecurityRestricted() throws Exception {
    String program = source("examples", "dev.carapace.examples.HardenedTestcontainer");
    assertTrue(program.contains(".addCheck(PolicyCheck.enforce(Profiles.podSecurityRestricted()))"));
    CarapaceHardening hardening = CarapaceHardening.builder()
        .profile(SecureContainerSpec.builder()
            .image("carapace-test/busybox:1")
            .user("1000:1000")
            .memoryLimit(MemorySize.ofMebibytes(64))
            .pidsLimit(64)
            .readOnlyRootFilesystem(true)
            .build())
        .addCheck(PolicyCheck.enforce(Profiles.podSecurityRestricted()))
        .build();
    hardening.accept(testcontainersRequest("carapace-test/busybox:1", "sleep", "60"));
  }

  /** The tutorial's step 1 spec (the README's first launch): an image, a command and a user. */
  private static SecureContainerSpec quickStart() {
    return SecureContainerSpec.builder()
        .image("carapace-test/busybox:1")
        .command("sh", "-c", HardenedHello.PROBE)
        .user("1000:1000")
        .build();
  }

  @Test
  void policyPageThresholdClaimsHold() throws Exception {
    String page = Files.readString(Path.of("..", "docs", "policy.md"));
    int section = page.indexOf("## How strict a check is");
    assertTrue(section >= 0, "docs/policy.md has its section on thresholds");
    String text = page.substring(section, page.indexOf("\n## ", section + 1)).replaceAll("\\s+", " ");
    assertTrue(text.contains("`PolicyCheck.enforce(policy)` refuses a spec that breaks any rule, whatever its"
        + " severity"), "docs/policy.md states the default");
    assertTrue(text.contains("`.atLeast(Severity.HIGH)`"), "docs/policy.md shows the threshold");
    assertTrue(text.contains("With `.atLeast(Severity.HIGH)`, step 1's spec launches, and a spec left to run as the"
        + " image's root is refused"), "docs/policy.md states what the threshold lets through");
    // the default refuses the quick-start spec (LOW and MEDIUM findings) ...
    PolicyViolationException e = assertThrows(PolicyViolationException.class,
        () -> PolicyCheck.enforce(Profiles.carapaceDefault()).check(quickStart()));
    assertEquals(List.of("cpu-limit", "healthcheck", "image-pinned", "memory-limit", "read-only-rootfs"),
        e.report().violatedRuleIds().stream().distinct().sorted().toList());
    // ... which passes at HIGH, while a spec running as the image's root does not
    PolicyCheck high = PolicyCheck.enforce(Profiles.carapaceDefault()).atLeast(Severity.HIGH);
    high.check(quickStart());
    PolicyViolationException root = assertThrows(PolicyViolationException.class,
        () -> high.check(SecureContainerSpec.builder().image("carapace-test/busybox:1").build()));
    assertTrue(root.report().violatedRuleIds().contains("non-root-user"));
  }
}
