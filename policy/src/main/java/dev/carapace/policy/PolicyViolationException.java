package dev.carapace.policy;

import dev.carapace.CarapaceException;

/**
 * A {@link PolicyCheck} in {@link PolicyCheck.Mode#ENFORCE} refused a spec. Thrown before any
 * container exists; holds the full report.
 *
 * <pre>
 * policy cis-docker-1.6 refused carapace-test/busybox:1 (1 violation):
 *   [CRITICAL] sensitive-mounts: mounts[0].source must not be a sensitive host path: /etc/shadow (read-only)
 *       remedy: ...
 * </pre>
 */
public final class PolicyViolationException extends CarapaceException {
  private static final long serialVersionUID = 1L;
  private final transient PolicyReport report;

  PolicyViolationException(PolicyReport report) {
    super(render(report), null);
    this.report = report;
  }

  private static String render(PolicyReport report) {
    StringBuilder sb = new StringBuilder("policy ").append(report.policy()).append(" refused ");
    PolicyReport.ContainerResult c = report.containers().get(0);
    int n = report.violations().size();
    sb.append(c.name()).append(" (").append(n).append(n == 1 ? " violation):" : " violations):");
    for (Violation v : report.violations()) {
      sb.append("\n  [").append(v.severity()).append("] ").append(v.ruleId()).append(": ").append(v.message())
          .append("\n      remedy: ").append(v.remedy());
    }
    return sb.toString();
  }

  /** Everything the policy found, violations and notes. */
  public PolicyReport report() {
    return report;
  }
}
