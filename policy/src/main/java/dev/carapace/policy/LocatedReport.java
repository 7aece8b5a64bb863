package dev.carapace.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link PolicyReport} on a text (a Kubernetes manifest, a file of {@code docker run} lines, a Compose
 * file), with every violation placed at the line and column it is about, so that an editor or a code
 * scanning service can annotate that line.
 *
 * <pre>{@code
 * LocatedReport r = RunLineAudit.lint(Files.readString(Path.of("run.sh")), Profiles.carapaceDefault());
 * for (LocatedViolation v : r.violations()) {
 *   System.out.println("run.sh:" + v.location().line() + ":" + v.location().column() + " " + v.violation());
 * }
 * }</pre>
 */
public final class LocatedReport {
  /** By line, then column, then the report's own order. */
  private static final Comparator<LocatedViolation> ORDER = Comparator
      .comparingInt((LocatedViolation v) -> v.location().line())
      .thenComparingInt(v -> v.location().column())
      .thenComparing(LocatedViolation::violation, Violation.REPORT_ORDER);

  private final PolicyReport report;
  private final List<LocatedViolation> violations;

  private LocatedReport(PolicyReport report, List<LocatedViolation> violations) {
    this.report = report;
    this.violations = violations;
  }

  /**
   * {@code report} with its violations placed.
   *
   * @param located one entry per violation of {@code report} (as many as it lists equal to it), in any order
   * @throws IllegalArgumentException when {@code located} misses a violation of the report or holds one
   *     the report does not
   */
  public static LocatedReport of(PolicyReport report, List<LocatedViolation> located) {
    Objects.requireNonNull(report, "report must not be null");
    Objects.requireNonNull(located, "located violations must not be null");
    Map<Violation, Integer> expected = new HashMap<>();
    report.violations().forEach(v -> expected.merge(v, 1, Integer::sum));
    for (LocatedViolation l : located) {
      Objects.requireNonNull(l, "located violations must not contain null");
      Integer left = expected.get(l.violation());
      if (left == null) {
        throw new IllegalArgumentException("located violation must be one of the report's: " + l.violation()
            + " is not, or is placed more often than the report lists it");
      }
      if (left == 1) {
        expected.remove(l.violation());
      } else {
        expected.put(l.violation(), left - 1);
      }
    }
    if (!expected.isEmpty()) {
      throw new IllegalArgumentException("located violations must place every violation of the report: "
          + expected.size() + " not placed, first " + expected.keySet().iterator().next());
    }
    List<LocatedViolation> sorted = new ArrayList<>(located);
    sorted.sort(ORDER);
    return new LocatedReport(report, List.copyOf(sorted));
  }

  /** The policy's report: its rules, containers, violations and notes. */
  public PolicyReport report() {
    return report;
  }

  /** Every violation with its place: by line, then column, then the report's order. */
  public List<LocatedViolation> violations() {
    return violations;
  }

  /** Whether no container broke any rule. */
  public boolean passed() {
    return report.passed();
  }

  /** The report's summary line. */
  @Override
  public String toString() {
    return report.toString();
  }
}
