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
   */
  public static final class ContainerResult {
    private final String name;
    private final String image;
    private final ContainerView.Origin origin;
    private final List<Violation> violations;
    private final List<Note> notes;
    private final String runtime;

    ContainerResult(String name, String image, ContainerView.Origin origin, List<Violation> violations,
        List<Note> notes, String runtime) {
      violations = violations.stream().sorted(Violation.REPORT_ORDER).collect(Collectors.toUnmodifiableList());
      notes = List.copyOf(notes);
      java.util.Objects.requireNonNull(runtime, "runtime");
      this.name = name;
      this.image = image;
      this.origin = origin;
      this.violations = violations;
      this.notes = notes;
      this.runtime = runtime;
    }

    /** The container's name in the report. */
    public String name() {
      return name;
    }

    /** Its image. */
    public String image() {
      return image;
    }

    /** A spec before launch, or a container on an engine. */
    public ContainerView.Origin origin() {
      return origin;
    }

    /** Rules broken: by severity (CRITICAL first), then rule id, then attribute. */
    public List<Violation> violations() {
      return violations;
    }

    /** Rules the host cannot enforce, or could not judge. */
    public List<Note> notes() {
      return notes;
    }

    /**
     * The OCI runtime ({@code runc}, {@code runsc} for gVisor), as the engine recorded it or the spec names
     * it; empty for a spec that leaves it to the engine's default.
     */
    public String runtime() {
      return runtime;
    }

    @Override
    public boolean equals(Object o) {
      if (o == this) {
        return true;
      }
      if (!(o instanceof ContainerResult)) {
        return false;
      }
      ContainerResult that = (ContainerResult) o;
      return java.util.Objects.equals(name, that.name) && java.util.Objects.equals(image, that.image)
          && java.util.Objects.equals(origin, that.origin)
          && java.util.Objects.equals(violations, that.violations)
          && java.util.Objects.equals(notes, that.notes) && java.util.Objects.equals(runtime, that.runtime);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(name, image, origin, violations, notes, runtime);
    }

    /** {@code ContainerResult[name=..., image=..., ...]}, as a record shows itself. */
    @Override
    public String toString() {
      return "ContainerResult[name=" + name + ", image=" + image + ", origin=" + origin
          + ", violations=" + violations + ", notes=" + notes + ", runtime=" + runtime + "]";
    }

    /** A result whose runtime is the engine's default, not named. */
    ContainerResult(String name, String image, ContainerView.Origin origin, List<Violation> violations,
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

  /**
   * Every violation of every container: by severity (CRITICAL first), then rule id, then subject (the
   * container's name, then the attribute). {@link #toText()} lists each container's in the same order.
   */
  public List<Violation> violations() {
    return containers.stream().flatMap(c -> c.violations().stream()).sorted(Violation.REPORT_ORDER)
        .collect(Collectors.toList());
  }

  /** Every note. */
  public List<Note> notes() {
    return containers.stream().flatMap(c -> c.notes().stream()).collect(Collectors.toList());
  }

  /** The ids of the rules broken, in the order of {@link #violations()}, once each. */
  public List<String> violatedRuleIds() {
    return violations().stream().map(Violation::ruleId).distinct().collect(Collectors.toList());
  }

  /**
   * A readable report, each container's violations by severity (CRITICAL first), then rule id, then
   * attribute:
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
