package dev.carapace.cli.internal.lint;

import dev.carapace.cli.internal.CarapaceCommand;
import dev.carapace.cli.internal.Cli;
import dev.carapace.cli.internal.InputException;
import dev.carapace.cli.internal.InputText;
import dev.carapace.cli.internal.ProfileOption;
import dev.carapace.cli.internal.output.Finding;
import dev.carapace.cli.internal.output.OutputOptions;
import dev.carapace.cli.internal.output.Report;
import dev.carapace.cli.internal.output.RuleInfo;
import dev.carapace.cluster.ComposeFile;
import dev.carapace.cluster.ComposeRefusal;
import dev.carapace.cluster.InvalidManifestException;
import dev.carapace.cluster.ManifestAudit;
import dev.carapace.policy.LocatedReport;
import dev.carapace.policy.LocatedViolation;
import dev.carapace.policy.Note;
import dev.carapace.policy.Policy;
import dev.carapace.policy.Rule;
import dev.carapace.policy.RunLineAudit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code carapace lint FILE...}: Kubernetes manifests, Compose files and files of {@code docker run} lines
 * judged against a profile, each finding with its file, line and column. What each file is comes from its
 * content (or {@code --kind}); a file that is not what it claims is an input error naming the file and line.
 */
@Command(name = "lint", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Judges Kubernetes manifests, Compose files and files of docker run lines against a profile;"
        + " each finding names its file, line and column.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:clean: no finding at or above --fail-on",
        "1:findings at or above --fail-on",
        "2:usage error, or a file that cannot be judged (one line on stderr: file:line: problem)"})
public final class LintCommand implements Callable<Integer> {
  private static final Pattern LINE = Pattern.compile("\\(line (\\d+), column (\\d+)\\)");
  private static final Pattern LEADING_LINE = Pattern.compile("^line (\\d+), column (\\d+): ");

  @Spec
  CommandSpec spec;

  @ParentCommand
  CarapaceCommand parent;

  @Option(names = {"-p", "--profile"}, paramLabel = "PROFILE", defaultValue = "carapace-default",
      description = "carapace-default, cis-docker, pss-restricted or pss-baseline; default: ${DEFAULT-VALUE}")
  String profile;

  @Option(names = "--kind", paramLabel = "KIND",
      description = "kubernetes, compose or run: what every FILE is (default: told from each file's content)")
  String kind;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "the files to judge; - for stdin")
  List<String> files = new ArrayList<>();

  @Mixin
  OutputOptions output;

  @Override
  public Integer call() {
    Policy p = ProfileOption.policy(spec, profile);
    InputText.Kind forced = kind(spec, kind);
    Map<String, RuleInfo> rules = new LinkedHashMap<>();
    p.rules().forEach(r -> rules.put(r.id(), RuleInfo.of(r)));
    List<Finding> findings = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    int containers = 0;
    for (String file : files) {
      InputText input = InputText.read(file, System.in, forced);
      Judged j = judge(input, p, parent.environment());
      j.rules().forEach(r -> rules.putIfAbsent(r.id(), RuleInfo.of(r)));
      findings.addAll(j.findings());
      notes.addAll(j.notes());
      containers += j.containers();
    }
    String subject = "profile " + profile + " on " + files.size() + (files.size() == 1 ? " file, " : " files, ")
        + containers + (containers == 1 ? " container" : " containers");
    return output.emit(new Report("lint", subject, new ArrayList<>(rules.values()), findings, notes),
        spec.commandLine().getOut());
  }

  static InputText.Kind kind(CommandSpec spec, String kind) {
    if (kind == null) {
      return null;
    }
    for (InputText.Kind k : InputText.Kind.values()) {
      if (k.option().equals(kind)) {
        return k;
      }
    }
    throw new CommandLine.ParameterException(spec.commandLine(), "--kind must be kubernetes, compose or run: '"
        + Cli.oneLine(kind) + "'");
  }

  /** What one file gave: the rules it added, its findings and notes, how many containers were judged. */
  record Judged(List<Rule> rules, List<Finding> findings, List<String> notes, int containers) {}

  /**
   * Judges one input; a Compose file's variables from {@code environment}, then its folder's {@code .env}.
   *
   * @throws InputException naming the file and line when it is not what it claims
   */
  static Judged judge(InputText input, Policy policy, Map<String, String> environment) {
    String name = input.name().equals("-") ? "<stdin>" : input.name();
    switch (input.kind()) {
      case KUBERNETES: {
        LocatedReport r;
        try {
          r = ManifestAudit.lint(input.text(), policy);
        } catch (InvalidManifestException e) {
          throw inFile(name, e.getMessage(), LINE, e);
        }
        return located(r, name, List.of());
      }
      case RUN: {
        LocatedReport r;
        try {
          r = RunLineAudit.lint(input.text(), policy);
        } catch (IllegalArgumentException e) {
          throw inFile(name, e.getMessage(), LEADING_LINE, e);
        }
        return located(r, name, List.of());
      }
      default: {
        ComposeFile file = input.composeFile(environment);
        for (ComposeRefusal r : file.refusals()) {
          if (!r.reason().contains("refused")) { // not a field Carapace refuses: a field the file gets wrong
            throw InputException.of(Cli.oneLine(r.toString()));
          }
        }
        return new Judged(List.of(ComposeLint.UNJUDGED_RULE), ComposeLint.findings(file, policy, name), List.of(),
            file.services().size());
      }
    }
  }

  private static Judged located(LocatedReport r, String name, List<Rule> extra) {
    List<Finding> findings = new ArrayList<>();
    for (LocatedViolation v : r.violations()) {
      String field = v.location().field();
      findings.add(Finding.at(v.violation().ruleId(), v.violation().severity(), v.violation().container() + ": "
          + v.violation().message() + (field.isEmpty() ? "" : " (" + field + ")"), v.violation().remedy(), name,
          v.location().line(), v.location().column()));
    }
    List<String> notes = new ArrayList<>();
    for (Note n : r.report().notes()) {
      notes.add(name + ": " + n.container() + ": " + n.ruleId() + ": " + n.reason());
    }
    List<Rule> rules = new ArrayList<>(r.report().rules());
    rules.addAll(extra);
    return new Judged(rules, findings, notes, r.report().containers().size());
  }

  /** The library's message as {@code file:line: message}, the line taken out of the message where it names one. */
  private static InputException inFile(String name, String message, Pattern line, RuntimeException cause) {
    String m = Cli.oneLine(message);
    Matcher at = line.matcher(m);
    if (at.find()) {
      String rest = line == LEADING_LINE ? m.substring(at.end()) : m.substring(0, at.start()).stripTrailing()
          + m.substring(at.end());
      return InputException.inFile(name, Integer.parseInt(at.group(1)), rest + " (column " + at.group(2) + ")",
          cause);
    }
    return InputException.inFile(name, null, m, cause);
  }
}
