package dev.carapace.cli.internal;

import dev.carapace.cli.internal.output.FailOn;
import dev.carapace.cli.internal.output.Finding;
import dev.carapace.cli.internal.output.Format;
import dev.carapace.cli.internal.output.Report;
import dev.carapace.cli.internal.output.RuleInfo;
import dev.carapace.cli.internal.output.ToolInfo;
import dev.carapace.core.Endpoint;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.policy.EngineAudit;
import dev.carapace.policy.Policy;
import dev.carapace.policy.PolicyReport;
import dev.carapace.policy.Profiles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the launcher's AppCDS archive is made from (the hidden {@code carapace --cds-training}, run once by
 * {@code bin/carapace} when {@code lib/carapace.jsa} is missing or older than a jar): the classes a real run
 * loads, with no engine and no file. Every subcommand's help, every profile judging a spec, every writer
 * on a report, an engine connection refused on port 1 of the loopback (docker-java, httpclient5), and a
 * whole {@code carapace audit} in every format against {@link FakeEngine}, an engine of its own on a unix
 * socket that answers with canned JSON (the classes only a conversation with an engine loads: the HTTP
 * exchange, the inspect parser, docker-java's image model).
 */
final class CdsTraining {
  private CdsTraining() {}

  static int run(Map<String, String> environment, Path home) {
    Cli.commandLine(environment, home).getSubcommands().values()
        .forEach(sub -> sub.usage(new PrintWriter(new StringWriter())));
    List<RuleInfo> rules = new ArrayList<>();
    List<Finding> findings = new ArrayList<>();
    for (Policy p : Profiles.all()) {
      PolicyReport r = p.evaluate(SecureContainerSpec.builder().image("training/image:1").build());
      r.rules().forEach(rule -> rules.add(RuleInfo.of(rule)));
      r.violations().forEach(v -> findings.add(Finding.at(v.ruleId(), v.severity(), v.message(), v.remedy(),
          "training.yaml", 1, 1)));
    }
    Report report = new Report("training", "training", rules, findings, List.of("note"));
    for (Format f : Format.values()) {
      f.writer().write(report, ToolInfo.carapace(), FailOn.LOW);
    }
    try (FakeEngine engine = FakeEngine.start()) {
      PrintStream discard = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
      for (Format f : Format.values()) {
        // with --label, as most audits are run: the listing's filter is written as JSON
        Cli.run(new String[] {"audit", "--host", engine.uri(), "--label", "training=1", "--format", f.optionValue(),
            "--fail-on", "never"}, discard, discard, Map.of(), home);
      }
    } catch (IOException | RuntimeException e) {
      // a host without unix sockets: the archive is made from the rest
    }
    try (EngineAudit audit = EngineAudit.connect(Endpoint.parse("tcp://127.0.0.1:1")
        .connectTimeout(Duration.ofMillis(500)).responseTimeout(Duration.ofMillis(500)))) {
      audit.engineSecurity();
    } catch (RuntimeException refused) {
      Cli.describe(refused);
    }
    return ExitCodes.CLEAN;
  }
}
