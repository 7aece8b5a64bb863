package dev.carapace.policy;

import dev.carapace.core.SpecAttribute;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * One broken rule in one container: the rule, the attribute, the offending value and the remedy.
 * Reports list violations by severity (CRITICAL first), then rule id, then subject (container, then
 * attribute).
 *
 * <p>{@link #message()} follows Carapace's grammar, {@code <attribute> <problem>: <value>}:
 * {@code mount source must not be a sensitive host path: /etc/shadow (read-only)}.
 */
public final class Violation {
  /**
   * The order of every report: severity (CRITICAL first), then rule id, then subject (the container, then
   * the attribute), then the value, so that equal reports list equal findings in the same order.
   */
  static final Comparator<Violation> REPORT_ORDER = Comparator
      .comparing(Violation::severity, Comparator.reverseOrder())
      .thenComparing(Violation::ruleId)
      .thenComparing(Violation::container)
      .thenComparing(Violation::attribute)
      .thenComparing(Violation::value)
      .thenComparing(Violation::problem);

  private final Rule rule;
  private final String container;
  private final String attribute;
  private final String problem;
  private final String value;
  private final String remedy;

  Violation(Rule rule, String container, String attribute, String problem, String value, String remedy) {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(container, "container");
    Objects.requireNonNull(attribute, "attribute");
    Objects.requireNonNull(problem, "problem");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(remedy, "remedy");
    this.rule = rule;
    this.container = container;
    this.attribute = attribute;
    this.problem = problem;
    this.value = value;
    this.remedy = remedy;
  }

  /** The rule broken. */
  public Rule rule() {
    return rule;
  }

  /** The container's name in the report. */
  public String container() {
    return container;
  }

  /** What is wrong, e.g. {@code user}, {@code mounts[0].source}. */
  public String attribute() {
    return attribute;
  }

  /**
   * The spec attributes {@link #attribute()} is about, from the policy view's row for each
   * {@link SpecAttribute}: {@code mounts[0].source} is about {@link SpecAttribute#MOUNTS}, {@code cpu} about the
   * CPU limits ({@link SpecAttribute#NANO_CPUS} first, the one to set); empty when it is about something a spec
   * cannot hold ({@code privileged}, {@code pidMode}). A reader that knows where each attribute was written (a
   * line of a Compose file, a flag of a {@code docker run} line) places the violation there.
   */
  public List<SpecAttribute> specAttributes() {
    return ViewFields.reportedAs(attribute);
  }

  /** The rule it breaks, e.g. {@code must not be root}. */
  public String problem() {
    return problem;
  }

  /** The offending value as found. */
  public String value() {
    return value;
  }

  /** How to fix it. */
  public String remedy() {
    return remedy;
  }

  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (!(o instanceof Violation)) {
      return false;
    }
    Violation that = (Violation) o;
    return Objects.equals(rule, that.rule) && Objects.equals(container, that.container)
        && Objects.equals(attribute, that.attribute)
        && Objects.equals(problem, that.problem) && Objects.equals(value, that.value)
        && Objects.equals(remedy, that.remedy);
  }

  @Override
  public int hashCode() {
    return Objects.hash(rule, container, attribute, problem, value, remedy);
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
