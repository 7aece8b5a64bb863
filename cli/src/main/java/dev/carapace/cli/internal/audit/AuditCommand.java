package dev.carapace.cli.internal.audit;

import dev.carapace.cli.internal.CarapaceCommand;
import dev.carapace.cli.internal.Cli;
import dev.carapace.cli.internal.InputException;
import dev.carapace.cli.internal.ProfileOption;
import dev.carapace.cli.internal.engine.EndpointOptions;
import dev.carapace.cli.internal.output.Finding;
import dev.carapace.cli.internal.output.OutputOptions;
import dev.carapace.cli.internal.output.Report;
import dev.carapace.cli.internal.output.RuleInfo;
import dev.carapace.cli.internal.output.Target;
import dev.carapace.core.Endpoint;
import dev.carapace.policy.EngineAudit;
import dev.carapace.policy.EngineSecurity;
import dev.carapace.policy.Note;
import dev.carapace.policy.Policy;
import dev.carapace.policy.PolicyReport;
import dev.carapace.policy.Rule;
import dev.carapace.policy.Violation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code carapace audit}: the engine's running containers (those carrying every {@code --label}, when
 * given) judged against a profile through the policy module's {@link EngineAudit}, and the engine's own
 * settings ({@link EngineChecks}, for the profiles that judge an engine). Read-only.
 */
@Command(name = "audit", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Judges the engine's running containers, and the engine's own settings, against a profile.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:clean: no finding at or above --fail-on",
        "1:findings at or above --fail-on",
        "2:usage error, or the engine cannot be used (one line on stderr)"})
public final class AuditCommand implements Callable<Integer> {
  /** The profiles by their option value. */
  static final Map<String, Supplier<Policy>> PROFILES = ProfileOption.PROFILES;

  @Spec
  CommandSpec spec;

  @ParentCommand
  CarapaceCommand parent;

  @Option(names = {"-p", "--profile"}, paramLabel = "PROFILE", defaultValue = "carapace-default",
      description = "carapace-default, cis-docker, pss-restricted or pss-baseline; default: ${DEFAULT-VALUE}")
  String profile;

  @Option(names = {"-l", "--label"}, paramLabel = "KEY=VALUE",
      description = "audit only the running containers carrying this label (repeatable: all of them)")
  List<String> labels = new ArrayList<>();

  @Option(names = "--skip-engine",
      description = "judge the containers only, not the engine's own settings")
  boolean skipEngine;

  @Mixin
  EndpointOptions engine;

  @Mixin
  OutputOptions output;

  @Override
  public Integer call() {
    Supplier<Policy> policy = PROFILES.get(profile);
    if (policy == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--profile must be one of "
          + String.join(", ", PROFILES.keySet()) + ": '" + profile + "'");
    }
    Map<String, String> selection = labels(labels);
    Endpoint endpoint = engine.endpoint(parent.environment(), parent.home());
    Report report;
    try (EngineAudit audit = EngineAudit.connect(endpoint)) {
      report = report(profile, policy.get(), endpoint, audit, selection, !skipEngine);
    } catch (InputException e) {
      throw e;
    } catch (RuntimeException e) {
      throw InputException.of("cannot audit the engine at " + endpoint.uri() + ": " + Cli.describe(e), e);
    }
    return output.emit(report, spec.commandLine().getOut());
  }

  static Map<String, String> labels(List<String> given) {
    Map<String, String> selection = new LinkedHashMap<>();
    for (String l : given) {
      int eq = l.indexOf('=');
      if (eq <= 0) {
        throw InputException.of("--label must be KEY=VALUE: '" + Cli.oneLine(l) + "'");
      }
      selection.put(l.substring(0, eq), l.substring(eq + 1));
    }
    return selection;
  }

  private static Report report(String profile, Policy policy, Endpoint endpoint, EngineAudit audit,
      Map<String, String> selection, boolean engineChecks) {
    List<Finding> findings = new ArrayList<>();
    List<RuleInfo> rules = new ArrayList<>();
    // one GET /info, read while the containers are listed and inspected: the engine's checks and the audit's
    // judgement of the containers read the same answer
    CompletableFuture<EngineSecurity> info = audit.engineSecurityAsync();
    PolicyReport judged = audit.audit(policy, selection, info);
    EngineSecurity security = info.join();
    if (engineChecks && EngineChecks.judgesEngine(profile)) {
      rules.addAll(EngineChecks.RULES);
      EngineChecks.findings(security).forEach(f -> findings.add(f.on(Target.engine(endpoint.uri(), f.ruleId()))));
    }
    for (Rule r : judged.rules()) {
      rules.add(RuleInfo.of(r));
    }
    for (Violation v : judged.violations()) {
      findings.add(Finding.of(v.ruleId(), v.severity(), v.container() + ": " + v.message(), v.remedy())
          .on(Target.container(endpoint.uri(), v.container(), v.attribute())));
    }
    List<String> notes = new ArrayList<>();
    for (Note n : judged.notes()) {
      notes.add(n.container() + ": " + n.ruleId() + ": " + n.reason());
    }
    int count = judged.containers().size();
    String subject = "profile " + profile + " on " + endpoint.uri() + ", " + count
        + (count == 1 ? " running container" : " running containers")
        + (selection.isEmpty() ? "" : " labelled " + selection.entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue()).reduce((a, b) -> a + "," + b).orElse(""));
    return new Report("audit", subject, rules, findings, notes);
  }
}
