package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.carapace.core.SecureContainerSpec;
import dev.carapace.policy.Profiles;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the README says about Carapace's defaults under its own default policy, checked. */
class ReadmePolicyClaimsTest {
  @Test
  void aSpecWithOnlyAnImageBreaksFiveRulesOfCarapaceDefault() {
    SecureContainerSpec bare = SecureContainerSpec.builder().image("carapace-test/busybox:1").build();
    assertEquals(List.of("cpu-limit", "healthcheck", "memory-limit", "non-root-user", "read-only-rootfs"),
        Profiles.carapaceDefault().evaluate(bare).violatedRuleIds().stream().distinct().sorted().toList());
  }
}
