package dev.carapace.policy;

import java.util.List;
import java.util.Objects;

/**
 * One broken rule in one container: the rule, the attribute, the offending value and the remedy.
 *
 * <p>{@link #message()} follows Carapace's grammar, {@code <attribute> <problem>: <value>}:
 * {@code mount source must not be a sensitive host path: /etc/shadow (read-only)}.
 *
 * @param rule the rule broken
 * @param container the container's name in the report
 * @param attribute what is wrong, e.g. {@code user}, {@code mounts[0].source}
 * @param problem the rule it breaks, e.g. {@code must not be root}
 * @param value the offending value as found
 * @param remedy how to fix it
 */
public record Violation(Rule rule, String container, String attribute, String problem, String value,
    String remedy) {
  public Violation {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(container, "container");
    Objects.requireNonNull(attribute, "attribute");
    Objects.requireNonNull(problem, "problem");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(remedy, "remedy");
  }

  public String ruleId() {
    return rule.id();
  }

  public Severity severity() {
    return rule.severity();
  }

  public List<String> standards() {
    return rule.standards();
  }

  /** {@code <attribute> <problem>: <value>}. */
  public String message() {
    return attribute + " " + problem + ": " + value;
  }

  /** {@code [SEVERITY] rule-id: message (remedy)}. */
  @Override
  public String toString() {
    return "[" + severity() + "] " + ruleId() + ": " + message() + " (" + remedy + ")";
  }
}
