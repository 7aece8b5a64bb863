package dev.carapace.cli.internal.output;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one run of a subcommand found, complete, before any of it is written: the subcommand
 * ({@code audit}, {@code lint}...), what it judged against ({@code subject}, such as
 * {@code profile cis-docker on unix:///var/run/docker.sock}), the rules checked, the findings in order,
 * and notes (rules that could not be judged and why; never findings), and the artifacts it resolved
 * (images and their digests; none for most subcommands).
 *
 * @param command the subcommand's name
 * @param subject what was judged, one line
 * @param rules every rule checked, in order, each id once
 * @param findings the findings, in order
 * @param notes one-line notes, in order
 * @param artifacts what was resolved (an image to its digest), in order
 */
public record Report(String command, String subject, List<RuleInfo> rules, List<Finding> findings,
    List<String> notes, List<ArtifactInfo> artifacts) {

  /** A report without artifacts. */
  public Report(String command, String subject, List<RuleInfo> rules, List<Finding> findings, List<String> notes) {
    this(command, subject, rules, findings, notes, List.of());
  }

  /** Copies the lists; adds a rule for any finding whose rule is not listed (severity and id from the finding). */
  public Report {
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(subject, "subject");
    Map<String, RuleInfo> byId = new LinkedHashMap<>();
    for (RuleInfo r : rules) {
      byId.putIfAbsent(r.id(), r);
    }
    for (Finding f : findings) {
      byId.putIfAbsent(f.ruleId(), new RuleInfo(f.ruleId(), f.ruleId(), f.remedy(), f.severity()));
    }
    rules = List.copyOf(new ArrayList<>(byId.values()));
    findings = List.copyOf(findings);
    notes = List.copyOf(notes);
    artifacts = List.copyOf(artifacts);
  }

  /** The findings at or above {@code threshold}. */
  public List<Finding> failing(FailOn threshold) {
    return findings.stream().filter(threshold::fails).toList();
  }
}
