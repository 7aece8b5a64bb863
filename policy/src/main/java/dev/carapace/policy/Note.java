package dev.carapace.policy;

import java.util.Objects;

/**
 * A rule this container cannot satisfy on this engine's host, or that cannot judge it, and why: for
 * example an AppArmor rule on a kernel without AppArmor. Not a violation.
 *
 * @param rule the rule
 * @param container the container's name in the report
 * @param reason why
 */
public record Note(Rule rule, String container, String reason) {
  public Note {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(container, "container");
    Objects.requireNonNull(reason, "reason");
  }

  public String ruleId() {
    return rule.id();
  }

  @Override
  public String toString() {
    return ruleId() + ": " + reason;
  }
}
