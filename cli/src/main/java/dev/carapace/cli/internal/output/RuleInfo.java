package dev.carapace.cli.internal.output;

import dev.carapace.policy.Rule;
import dev.carapace.policy.Severity;
import java.util.Objects;

/**
 * A rule a subcommand checked, whether or not it found something: SARIF's {@code tool.driver.rules}
 * and JUnit's passing test cases come from these.
 *
 * @param id the rule's id, the {@link Finding#ruleId()} of its findings
 * @param title one line saying what the rule wants
 * @param help how to comply (the remedy); may be empty
 * @param severity the rule's default severity
 */
public record RuleInfo(String id, String title, String help, Severity severity) {

  /** Checks the fields. */
  public RuleInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(severity, "severity");
    help = help == null ? "" : help;
  }

  /** The policy rule's id, title, remedy and severity. */
  public static RuleInfo of(Rule rule) {
    return new RuleInfo(rule.id(), rule.title(), rule.remedy(), rule.severity());
  }
}
