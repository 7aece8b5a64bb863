package dev.carapace.policy;

import dev.carapace.core.SecureContainerSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A named, ordered set of {@link Rule}s: a profile. The built-in ones are in {@link Profiles};
 * compose them and add your own rules.
 *
 * <pre>{@code
 * Policy mine = Policy.builder("acme")
 *     .addProfile(Profiles.podSecurityRestricted())
 *     .addProfile(Profiles.cisDocker())
 *     .removeRule("default-bridge")   // we publish through docker0 on purpose
 *     .addRule(noLatest)
 *     .build();
 * PolicyReport report = mine.evaluate(spec);
 * }</pre>
 *
 * <p>Rules shared by two profiles (both CIS and the Pod Security Standards forbid host PID) are
 * the same rule, held once, so a container breaking it shows one violation citing both.
 */
public final class Policy {
  private final String name;
  private final List<Rule> rules;

  private Policy(String name, List<Rule> rules) {
    this.name = name;
    this.rules = List.copyOf(rules);
  }

  /** Starts an empty policy called {@code name}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  public String name() {
    return name;
  }

  /** The rules, in evaluation order. */
  public List<Rule> rules() {
    return rules;
  }

  /** The rule with this id, if the policy holds it. */
  public Optional<Rule> rule(String id) {
    return rules.stream().filter(r -> r.id().equals(id)).findFirst();
  }

  /** Judges a spec before launch (without the image's configuration; see {@link ContainerView#of(SecureContainerSpec, ImageFacts)}). */
  public PolicyReport evaluate(SecureContainerSpec spec) {
    return evaluate(ContainerView.of(spec));
  }

  /** Judges one container. */
  public PolicyReport evaluate(ContainerView container) {
    return evaluate(List.of(container));
  }

  /** Judges several containers into one report, in the order given. */
  public PolicyReport evaluate(Collection<ContainerView> containers) {
    List<PolicyReport.ContainerResult> results = new ArrayList<>(containers.size());
    for (ContainerView c : containers) {
      List<Violation> violations = new ArrayList<>();
      List<Note> notes = new ArrayList<>();
      for (Rule r : rules) {
        r.evaluateInto(c, violations, notes);
      }
      results.add(new PolicyReport.ContainerResult(c.name(), c.image(), c.origin(), violations, notes, c.runtime()));
    }
    return new PolicyReport(name, rules, results);
  }

  @Override
  public String toString() {
    return "Policy " + name + " (" + rules.size() + " rules)";
  }

  /** Collects rules; ids must be unique, except that the same rule may come from two profiles. */
  public static final class Builder {
    private final String name;
    private final Map<String, Rule> rules = new LinkedHashMap<>();

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "policy name");
    }

    /** Adds every rule of {@code profile}. */
    public Builder addProfile(Policy profile) {
      profile.rules().forEach(this::addRule);
      return this;
    }

    /**
     * Adds {@code rule}.
     *
     * @throws IllegalArgumentException when a different rule has the same id
     */
    public Builder addRule(Rule rule) {
      Rule old = rules.putIfAbsent(rule.id(), rule);
      if (old != null && old != rule) {
        throw new IllegalArgumentException("rule id must be unique in policy " + name + ": " + rule.id()
            + " (call removeRule(\"" + rule.id() + "\") first to replace it)");
      }
      return this;
    }

    /**
     * Removes the rule with this id.
     *
     * @throws IllegalArgumentException when no rule has it (a typo would silently keep the rule)
     */
    public Builder removeRule(String id) {
      if (rules.remove(id) == null) {
        throw new IllegalArgumentException("rule id must name a rule of policy " + name + ": " + id);
      }
      return this;
    }

    public Policy build() {
      return new Policy(name, new ArrayList<>(rules.values()));
    }
  }
}
