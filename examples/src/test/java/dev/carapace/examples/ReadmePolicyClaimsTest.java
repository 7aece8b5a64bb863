package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.SecureContainerSpec;
import dev.carapace.policy.Profiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the docs ({@code docs/policy.md}) say about Carapace's defaults under its own default policy, checked. */
class ReadmePolicyClaimsTest {
  @Test
  void aSpecWithOnlyAnImageBreaksFiveRulesOfCarapaceDefaultAndASixthForATag() throws Exception {
    String page = Files.readString(Path.of("..", "docs", "policy.md")).replaceAll("\\s+", " ");
    assertTrue(page.contains("a spec with only an image breaks five of its rules (`non-root-user`, `memory-limit`,"
        + " `cpu-limit`, `read-only-rootfs`, `healthcheck`), since the user, the limits and the health check depend on"
        + " the workload, and a sixth, `image-pinned`, when the image is a tag rather than a digest"),
        "docs/policy.md states the claim checked here");
    SecureContainerSpec bare = SecureContainerSpec.builder().image("carapace-test/busybox@sha256:" + "ab".repeat(32))
        .build();
    assertEquals(List.of("cpu-limit", "healthcheck", "memory-limit", "non-root-user", "read-only-rootfs"),
        Profiles.carapaceDefault().evaluate(bare).violatedRuleIds().stream().distinct().sorted().toList());
    SecureContainerSpec tagged = SecureContainerSpec.builder().image("carapace-test/busybox:1").build();
    assertEquals(List.of("cpu-limit", "healthcheck", "image-pinned", "memory-limit", "non-root-user", "read-only-rootfs"),
        Profiles.carapaceDefault().evaluate(tagged).violatedRuleIds().stream().distinct().sorted().toList());
  }

  /** The rows of {@code docs/policy.md}'s table of built-in rules, from the profiles' own rules. */
  static String ruleTable() {
    java.util.Map<String, dev.carapace.policy.Rule> rules = new java.util.TreeMap<>();
    Profiles.all().forEach(p -> p.rules().forEach(r -> rules.put(r.id(), r)));
    dev.carapace.policy.Rule signed = Profiles.imageSignedBy(dev.carapace.core.ImageTrust.builder().build());
    rules.put(signed.id(), signed);
    StringBuilder table = new StringBuilder("| rule | severity | standards | profiles |\n|---|---|---|---|\n");
    for (dev.carapace.policy.Rule r : rules.values()) {
      List<String> in = new java.util.ArrayList<>();
      for (dev.carapace.policy.Policy p : Profiles.all()) {
        if (p.rule(r.id()).isPresent()) {
          in.add("`" + p.name() + "`");
        }
      }
      table.append("| `").append(r.id()).append("` | ").append(r.severity()).append(" | ")
          .append(r.standards().isEmpty() ? "Carapace" : String.join("; ", r.standards())).append(" | ")
          .append(in.isEmpty() ? "none: add `Profiles." + (r.id().equals("image-signed") ? "imageSignedBy(trust)"
              : "?") + "`" : String.join(", ", in)).append(" |\n");
    }
    return table.toString();
  }

  @Test
  void theRuleTableIsTheBuiltInRules() throws Exception {
    String page = Files.readString(Path.of("..", "docs", "policy.md"));
    assertTrue(page.contains("\n" + ruleTable() + "\n"), "docs/policy.md's rule table must be:\n" + ruleTable());
  }
}
