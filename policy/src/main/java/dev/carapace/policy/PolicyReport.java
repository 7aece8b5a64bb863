package dev.carapace.policy;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What a {@link Policy} found in one or more containers: every violation, with its rule, attribute,
 * value and remedy, and notes on rules the engine's host cannot enforce. Renders as text for people
 * ({@link #toText()}) and JSON for machines ({@link #toJson()}).
 *
 * <pre>{@code
 * PolicyReport report = Profiles.carapaceDefault().evaluate(spec);
 * if (!report.passed()) {
 *   System.err.println(report.toText());
 * }
 * }</pre>
 */
public final class PolicyReport {
  private final String policy;
  private final List<Rule> rules;
  private final List<ContainerResult> containers;

  PolicyReport(String policy, List<Rule> rules, List<ContainerResult> containers) {
    this.policy = policy;
    this.rules = List.copyOf(rules);
    this.containers = List.copyOf(containers);
  }

  /**
   * What the policy found in one container.
   *
   * @param name the container's name in the report
   * @param image its image
   * @param origin a spec before launch, or a container on an engine
   * @param violations rules broken
   * @param notes rules the host cannot enforce, or could not judge
   * @param runtime the OCI runtime ({@code runc}, {@code runsc} for gVisor), as the engine recorded it
   *     or the spec names it; empty for a spec that leaves it to the engine's default
   */
  public record ContainerResult(String name, String image, ContainerView.Origin origin,
      List<Violation> violations, List<Note> notes, String runtime) {
    public ContainerResult {
      violations = List.copyOf(violations);
      notes = List.copyOf(notes);
      java.util.Objects.requireNonNull(runtime, "runtime");
    }

    /** A result whose runtime is the engine's default, not named. */
    public ContainerResult(String name, String image, ContainerView.Origin origin, List<Violation> violations,
        List<Note> notes) {
      this(name, image, origin, violations, notes, "");
    }

    public boolean passed() {
      return violations.isEmpty();
    }
  }

  /** The policy's name. */
  public String policy() {
    return policy;
  }

  /** The rules evaluated. */
  public List<Rule> rules() {
    return rules;
  }

  /** Per-container results, in the order evaluated. */
  public List<ContainerResult> containers() {
    return containers;
  }

  /** Whether no container broke any rule. Notes do not fail a report. */
  public boolean passed() {
    return containers.stream().allMatch(ContainerResult::passed);
  }

  /** Every violation, container by container, in rule order. */
  public List<Violation> violations() {
    return containers.stream().flatMap(c -> c.violations().stream()).collect(Collectors.toList());
  }

  /** Every note. */
  public List<Note> notes() {
    return containers.stream().flatMap(c -> c.notes().stream()).collect(Collectors.toList());
  }

  /** The ids of the rules broken, in order, once each. */
  public List<String> violatedRuleIds() {
    return violations().stream().map(Violation::ruleId).distinct().collect(Collectors.toList());
  }

  /**
   * A readable report:
   *
   * <pre>
   * Policy cis-docker-1.6: 1 container, 25 rules, 1 violation, 0 notes
   * container app (carapace-test/busybox:1) [spec]: 1 violation
   *   [CRITICAL] sensitive-mounts: mounts[0].source must not be a sensitive host path: /etc/shadow (read-only)
   *       standards: CIS Docker 1.6 5.5; Docker in Practice: -v /sbin:/sbin, -v /etc/shadow:/etc/shadow
   *       remedy: mount only the application's own host folders, or use a named volume; ...
   * </pre>
   *
   * <p>A container's line names its runtime when known: always for a container on an engine
   * ({@code [engine, runtime runc]}), for a spec when it names one ({@code [spec, runtime runsc]}).
   */
  public String toText() {
    return ReportRenderer.text(this);
  }

  /**
   * The report as a JSON object: policy, summary counts, and per container its origin, runtime
   * ({@code ""} for a spec's engine default), violations and notes.
   */
  public String toJson() {
    return ReportRenderer.json(this);
  }

  /** The first line of {@link #toText()}. */
  @Override
  public String toString() {
    return ReportRenderer.summary(this);
  }
}
