package dev.carapace.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One named judgement of a container, citing the standards it comes from.
 *
 * <p>A rule reads a {@link ContainerView} and reports each problem it finds as a {@link Violation}
 * naming the attribute, the rule broken and the offending value; or, when the engine's host cannot
 * enforce what the rule asks (no AppArmor in the kernel), a {@link Note} that says so.
 *
 * <pre>{@code
 * Rule noLatest = Rule.builder("acme-no-latest")
 *     .title("Images are pinned, never :latest")
 *     .severity(Severity.LOW)
 *     .addStandard("ACME container guide 3.2")
 *     .remedy("use an image tag or digest, e.g. busybox:1.36")
 *     .check((container, findings) -> {
 *       if (container.image().endsWith(":latest")) {
 *         findings.violation("image", "must not be :latest", container.image());
 *       }
 *     })
 *     .build();
 * Policy mine = Policy.builder("acme").addProfile(Profiles.carapaceDefault()).addRule(noLatest).build();
 * }</pre>
 */
public final class Rule {
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9.-]*");

  private final String id;
  private final String title;
  private final Severity severity;
  private final List<String> standards;
  private final String remedy;
  private final Check check;

  private Rule(Builder b) {
    this.id = b.id;
    this.title = b.title;
    this.severity = b.severity;
    this.standards = List.copyOf(b.standards);
    this.remedy = b.remedy;
    this.check = b.check;
  }

  /** Starts a rule with {@code id}: lowercase letters, digits, dots and dashes. */
  public static Builder builder(String id) {
    return new Builder(id);
  }

  /** Judges one container; reports through {@code findings}. */
  @FunctionalInterface
  public interface Check {
    void check(ContainerView container, Findings findings);
  }

  /** Where a {@link Check} reports. */
  public interface Findings {
    /**
     * Reports a violation worded {@code <attribute> <problem>: <value>}, e.g. attribute
     * {@code user}, problem {@code must not be root}, value {@code 0:0}; the rule's remedy applies.
     */
    void violation(String attribute, String problem, String value);

    /** As {@link #violation(String, String, String)}, with a remedy for this case in place of the rule's. */
    void violation(String attribute, String problem, String value, String remedy);

    /**
     * Reports that this container cannot satisfy the rule on this engine's host, or that the rule
     * cannot judge it, and why. Not a violation.
     */
    void note(String reason);
  }

  /** The unique id, e.g. {@code sensitive-mounts}. */
  public String id() {
    return id;
  }

  /** What the rule asks, in one sentence. */
  public String title() {
    return title;
  }

  public Severity severity() {
    return severity;
  }

  /** The standards and sections it comes from, e.g. {@code CIS Docker 1.6 5.4}, {@code PSS baseline}. */
  public List<String> standards() {
    return standards;
  }

  /** How to fix a violation, in Carapace's and Docker's terms. */
  public String remedy() {
    return remedy;
  }

  /** Judges {@code container}: its violations and notes, in the order found. */
  public Outcome evaluate(ContainerView container) {
    Objects.requireNonNull(container, "container");
    List<Violation> violations = new ArrayList<>(2);
    List<Note> notes = new ArrayList<>(1);
    evaluateInto(container, violations, notes);
    return new Outcome(List.copyOf(violations), List.copyOf(notes));
  }

  /** Adds what {@code container} breaks to the caller's lists: no per-rule lists on the hot path. */
  void evaluateInto(ContainerView container, List<Violation> violations, List<Note> notes) {
    check.check(container, new Findings() {
      @Override
      public void violation(String attribute, String problem, String value) {
        violation(attribute, problem, value, remedy);
      }

      @Override
      public void violation(String attribute, String problem, String value, String caseRemedy) {
        violations.add(new Violation(Rule.this, container.name(), attribute, problem, value, caseRemedy));
      }

      @Override
      public void note(String reason) {
        notes.add(new Note(Rule.this, container.name(), reason));
      }
    });
  }

  /** What one rule found in one container. */
  public static final class Outcome {
    private final List<Violation> violations;
    private final List<Note> notes;

    Outcome(List<Violation> violations, List<Note> notes) {
      this.violations = violations;
      this.notes = notes;
    }

    public List<Violation> violations() {
      return violations;
    }

    public List<Note> notes() {
      return notes;
    }

    @Override
    public boolean equals(Object o) {
      if (o == this) {
        return true;
      }
      if (!(o instanceof Outcome)) {
        return false;
      }
      Outcome that = (Outcome) o;
      return Objects.equals(violations, that.violations)
          && Objects.equals(notes, that.notes);
    }

    @Override
    public int hashCode() {
      return Objects.hash(violations, notes);
    }

    /** {@code Outcome[violations=..., notes=...]}, as a record shows itself. */
    @Override
    public String toString() {
      return "Outcome[violations=" + violations + ", notes=" + notes + "]";
    }
  }

  /** {@code id [SEVERITY]: title}. */
  @Override
  public String toString() {
    return id + " [" + severity + "]: " + title;
  }

  /** Collects a rule's parts; every part is required but {@code standards}. */
  public static final class Builder {
    private final String id;
    private String title;
    private Severity severity;
    private final List<String> standards = new ArrayList<>();
    private String remedy;
    private Check check;

    private Builder(String id) {
      Objects.requireNonNull(id, "rule id");
      if (!ID.matcher(id).matches()) {
        throw new IllegalArgumentException("rule id must match [a-z0-9][a-z0-9.-]*: " + id);
      }
      this.id = id;
    }

    /** What the rule asks, in one sentence. */
    public Builder title(String value) {
      this.title = Objects.requireNonNull(value, "rule title");
      return this;
    }

    public Builder severity(Severity value) {
      this.severity = Objects.requireNonNull(value, "rule severity");
      return this;
    }

    /** Adds a standard this rule implements, e.g. {@code CIS Docker 1.6 5.4}. */
    public Builder addStandard(String value) {
      standards.add(Objects.requireNonNull(value, "rule standard"));
      return this;
    }

    /** How to fix a violation. */
    public Builder remedy(String value) {
      this.remedy = Objects.requireNonNull(value, "rule remedy");
      return this;
    }

    /** The judgement itself. */
    public Builder check(Check value) {
      this.check = Objects.requireNonNull(value, "rule check");
      return this;
    }

    /** @throws IllegalStateException naming every missing part */
    public Rule build() {
      List<String> missing = new ArrayList<>();
      if (title == null) {
        missing.add("title");
      }
      if (severity == null) {
        missing.add("severity");
      }
      if (remedy == null) {
        missing.add("remedy");
      }
      if (check == null) {
        missing.add("check");
      }
      if (!missing.isEmpty()) {
        throw new IllegalStateException("rule " + id + " must set " + String.join(", ", missing) + ": unset");
      }
      return new Rule(this);
    }
  }
}
