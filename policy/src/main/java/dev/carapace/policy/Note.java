package dev.carapace.policy;

import java.util.Objects;

/**
 * A rule this container cannot satisfy on this engine's host, or that cannot judge it, and why: for
 * example an AppArmor rule on a kernel without AppArmor. Not a violation.
 */
public final class Note {
  private final Rule rule;
  private final String container;
  private final String reason;

  Note(Rule rule, String container, String reason) {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(container, "container");
    Objects.requireNonNull(reason, "reason");
    this.rule = rule;
    this.container = container;
    this.reason = reason;
  }

  /** The rule. */
  public Rule rule() {
    return rule;
  }

  /** The container's name in the report. */
  public String container() {
    return container;
  }

  /** Why. */
  public String reason() {
    return reason;
  }

  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (!(o instanceof Note)) {
      return false;
    }
    Note that = (Note) o;
    return Objects.equals(rule, that.rule) && Objects.equals(container, that.container)
        && Objects.equals(reason, that.reason);
  }

  @Override
  public int hashCode() {
    return Objects.hash(rule, container, reason);
  }

  public String ruleId() {
    return rule.id();
  }

  @Override
  public String toString() {
    return ruleId() + ": " + reason;
  }
}
