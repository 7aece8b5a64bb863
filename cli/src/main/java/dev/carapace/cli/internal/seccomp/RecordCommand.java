package dev.carapace.cli.internal.seccomp;

import dev.carapace.cli.internal.Cli;
import dev.carapace.cli.internal.ExitCodes;
import dev.carapace.cli.internal.InputException;
import dev.carapace.cli.internal.WorkloadInput;
import dev.carapace.cli.internal.engine.EndpointOptions;
import dev.carapace.cli.internal.output.FailOn;
import dev.carapace.cli.internal.output.Finding;
import dev.carapace.cli.internal.output.Format;
import dev.carapace.cli.internal.output.OutputOptions;
import dev.carapace.cli.internal.output.Report;
import dev.carapace.cli.internal.output.RuleInfo;
import dev.carapace.cli.internal.output.Target;
import dev.carapace.cli.internal.output.ToolInfo;
import dev.carapace.core.Endpoint;
import dev.carapace.policy.EngineAudit;
import dev.carapace.policy.RecordedSeccompProfile;
import dev.carapace.policy.Severity;
import dev.carapace.policy.SyscallRecorder;
import dev.carapace.policy.SyscallRecording;
import dev.carapace.policy.SyscallRecordingRefusedException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code carapace seccomp record}: runs one {@code docker run} command or Compose service on the local engine
 * under a logging seccomp profile with the policy module's {@link SyscallRecorder}, until a run adds no system
 * call (or {@code --runs}), makes the profile that allows exactly the recorded calls, runs the workload again
 * under it ({@link SyscallRecorder#check}, unless {@code --no-check}), and writes the profile (Docker's JSON
 * format) and a report of what the recording found.
 *
 * <p>Where things go: with {@code -o FILE} the profile goes to FILE (replaced once complete) and the report, in
 * {@code --format}, to stdout; without it the profile goes to stdout and the report, as text, to stderr. On exit 2
 * nothing is written. Each run lasts until the workload exits, or {@code --duration}, after which it is stopped
 * (a service is recorded for that long).
 */
@Command(name = "record", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Records the system calls of one docker run command or Compose service on the local engine and",
        "writes the seccomp profile that allows exactly those (Docker's JSON format), checked by running the",
        "workload again under it. Needs root and the engine's unix socket (the kernel's log is read)."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:the profile was written; no finding at or above --fail-on",
        "1:the profile was written; findings at or above --fail-on (such as a failed check)",
        "2:usage or input error, an engine that does not answer, or a workload that cannot be recorded here"
            + " (one line on stderr; nothing written)"})
public final class RecordCommand implements Callable<Integer> {
  static final RuleInfo CHECK = new RuleInfo("seccomp-check",
      "The workload runs under its recorded profile as it ran when recorded",
      "record again with the paths the workload takes exercised (a longer --duration, more --runs); or add the"
          + " calls it needs to the profile by hand", Severity.HIGH);
  static final RuleInfo BEYOND_DEFAULT = new RuleInfo("seccomp-beyond-default",
      "The recorded profile allows no call Docker's default profile refuses",
      "find out why the workload makes these calls (Docker's default allows some only with a capability or an"
          + " argument); remove what it does not need", Severity.MEDIUM);
  static final RuleInfo INCOMPLETE = new RuleInfo("seccomp-incomplete-run",
      "Every recording run saw every call its workload made",
      "record on a quieter host, or with more --runs: the profile holds every name any run saw, and a complete"
          + " run vouches for the set", Severity.LOW);
  static final RuleInfo EXIT_CODES = new RuleInfo("seccomp-exit-codes",
      "Every recording run ended the same way",
      "make the workload deterministic for the recording; the check expects the first run's exit code",
      Severity.LOW);
  static final List<RuleInfo> RULES = List.of(CHECK, BEYOND_DEFAULT, INCOMPLETE, EXIT_CODES);

  @Spec
  CommandSpec spec;

  @ParentCommand
  SeccompCommand parent;

  @Mixin
  WorkloadInput input;

  @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "60s",
      converter = EndpointOptions.DurationConverter.class,
      description = "the longest one run lasts: a workload still running then is stopped (a service is recorded"
          + " for this long), such as 10s or 2m; default: ${DEFAULT-VALUE}")
  Duration duration;

  @Option(names = "--exercise", paramLabel = "COMMAND",
      description = "a shell command run on this host (sh -c) once the workload runs, such as 'curl -fsS --retry 20"
          + " --retry-connrefused http://127.0.0.1:8080/'; CARAPACE_CONTAINER holds the container's id; the workload"
          + " is stopped when it ends; it must exit 0 within --duration (in the check too)")
  String exercise;

  @Option(names = "--runs", paramLabel = "N", defaultValue = "3",
      description = "at most N runs, merged; recording stops earlier once --quiet-runs runs in a row add no call"
          + " (1: one run); default: ${DEFAULT-VALUE}")
  int runs;

  @Option(names = "--quiet-runs", paramLabel = "N", defaultValue = "1",
      description = "stop once N complete runs in a row add no call; default: ${DEFAULT-VALUE}")
  int quietRuns;

  @Option(names = "--no-check", description = "do not run the workload again under the recorded profile")
  boolean noCheck;

  @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
      description = "the report: text, json, sarif (SARIF 2.1.0) or junit (JUnit XML); other than text, it needs"
          + " -o (stdout then carries the report); default: ${DEFAULT-VALUE}")
  Format format = Format.TEXT;

  @Option(names = "--fail-on", defaultValue = "low", paramLabel = "SEVERITY",
      description = "exit 1 when a finding is at or above this: low, medium, high, critical, or never;"
          + " default: ${DEFAULT-VALUE}")
  FailOn failOn = FailOn.LOW;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE",
      description = "write the profile to FILE (replaced once complete) and the report to stdout; without it, the"
          + " profile goes to stdout and the report, as text, to stderr")
  Path output;

  @Mixin
  EndpointOptions engine;

  @Override
  public Integer call() {
    if (runs < 1 || runs > 20) {
      throw usage("--runs must be from 1 to 20: " + runs);
    }
    if (quietRuns < 1 || (runs > 1 && quietRuns >= runs)) {
      throw usage("--quiet-runs must be at least 1 and less than --runs: " + quietRuns + " with --runs " + runs);
    }
    if (output == null && format != Format.TEXT) {
      throw usage("--format " + format.optionValue() + " needs -o FILE for the profile: stdout carries one of them");
    }
    Map<String, String> environment = parent.parent.environment();
    Workload workload = Workload.read(input.read(), input.service(), environment);
    Endpoint endpoint = engine.endpoint(environment, parent.parent.home());
    Recorded recorded = record(workload, endpoint);
    Report report = report(workload, endpoint, recorded);
    String profileJson = recorded.profile.json();
    String reportText = format.writer().write(report, ToolInfo.carapace(), failOn);
    PrintWriter stdout = spec.commandLine().getOut();
    if (output != null) {
      OutputOptions.writeFile(output, profileJson);
      stdout.print(reportText);
      stdout.flush();
    } else {
      stdout.print(profileJson);
      stdout.flush();
      PrintWriter stderr = spec.commandLine().getErr();
      stderr.print(reportText);
      stderr.flush();
    }
    return report.failing(failOn).isEmpty() ? ExitCodes.CLEAN : ExitCodes.FINDINGS;
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  /** What the recorder gave: the merged recording, its profile, and the check (null with --no-check). */
  record Recorded(SyscallRecording recording, RecordedSeccompProfile profile, SyscallRecorder.Check check,
      String checkFailure) {}

  private Recorded record(Workload workload, Endpoint endpoint) {
    if ("unix".equals(endpoint.uri().getScheme())) {
      // the engine answers (within --timeout) before the recorder touches the kernel's log and rate limit
      try (EngineAudit audit = EngineAudit.connect(endpoint)) {
        audit.engineSecurity();
      } catch (RuntimeException e) {
        throw InputException.of("cannot use the engine at " + endpoint.uri() + ": " + Cli.describe(e), e);
      }
    }
    SyscallRecorder recorder = SyscallRecorder.builder().endpoint(endpoint).timeout(duration).build();
    // runs until the workload exits or --duration has passed, or --exercise has run; the recorder then stops it,
    // in the check too
    SyscallRecorder.Exercise waitOrStop = exercise == null ? container -> container.awaitExit(duration)
        : container -> runExercise(container.id());
    SyscallRecording recording;
    RecordedSeccompProfile profile;
    try {
      recording = runs == 1 ? recorder.record(workload.spec(), waitOrStop)
          : recorder.recordUntilStable(workload.spec(), waitOrStop, quietRuns, runs);
      profile = recording.profile();
    } catch (SyscallRecordingRefusedException e) {
      throw InputException.of(Cli.oneLine(e.getMessage()) + " (reason " + e.reason() + ")", e);
    } catch (IllegalStateException e) {
      if (e.getCause() instanceof ExerciseFailedException) {
        throw InputException.of("cannot record " + workload.name() + ": " + e.getCause().getMessage(), e);
      }
      throw InputException.of("cannot record system calls: " + Cli.describe(e), e);
    } catch (RuntimeException e) {
      throw InputException.of("cannot record " + workload.name() + " on the engine at " + endpoint.uri() + ": "
          + Cli.describe(e), e);
    }
    SyscallRecorder.Check check = null;
    String checkFailure = null;
    if (!noCheck && !recording.exitCodes().isEmpty()) {
      try {
        check = recorder.check(workload.spec(), profile, waitOrStop, recording.exitCodes().first());
      } catch (RuntimeException e) {
        // the workload did not even start under its profile (the runtime's own calls refused?): a finding, the
        // profile is complete and written
        checkFailure = "could not run under its recorded profile: " + Cli.describe(e);
      }
    }
    return new Recorded(recording, profile, check, checkFailure);
  }

  /** A failed {@code --exercise}: its message is its whole text (no class name in the recorder's messages). */
  static final class ExerciseFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    ExerciseFailedException(String message) {
      super(message);
    }

    @Override
    public String toString() {
      return getMessage();
    }
  }

  /** Runs {@code --exercise} with CARAPACE_CONTAINER set, at most {@code --duration}; its output kept for a failure. */
  private void runExercise(String containerId) throws Exception {
    Path log = java.nio.file.Files.createTempFile("carapace-exercise", ".log");
    try {
      ProcessBuilder pb = new ProcessBuilder("sh", "-c", exercise).redirectErrorStream(true)
          .redirectOutput(log.toFile());
      pb.environment().put("CARAPACE_CONTAINER", containerId);
      Process p = pb.start();
      p.getOutputStream().close();
      if (!p.waitFor(duration.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor();
        throw new ExerciseFailedException("--exercise still running after --duration " + duration.toMillis() + " ms");
      }
      if (p.exitValue() != 0) {
        String out = java.nio.file.Files.readString(log, java.nio.charset.StandardCharsets.UTF_8);
        throw new ExerciseFailedException("--exercise exited " + p.exitValue() + (out.isBlank() ? ""
            : ": " + Cli.oneLine(out.strip().length() > 300 ? "..." + out.strip().substring(out.strip().length() - 300)
                : out.strip())));
      }
    } finally {
      java.nio.file.Files.deleteIfExists(log);
    }
  }

  private Report report(Workload w, Endpoint endpoint, Recorded r) {
    List<Finding> findings = new ArrayList<>();
    if (r.check() != null && !r.check().passed()) {
      findings.add(finding(w, CHECK, "under its recorded profile: " + r.check()));
    }
    if (r.checkFailure() != null) {
      findings.add(finding(w, CHECK, r.checkFailure()));
    }
    if (!r.profile().addedToDockerDefault().isEmpty()) {
      findings.add(finding(w, BEYOND_DEFAULT, "the recorded profile allows " + r.profile().addedToDockerDefault().size()
          + " calls Docker's default profile refuses: " + r.profile().addedToDockerDefault()));
    }
    List<SyscallRecording.Run> runList = r.recording().runs();
    for (int i = 0; i < runList.size(); i++) {
      SyscallRecording.Run run = runList.get(i);
      if (!run.complete()) {
        findings.add(finding(w, INCOMPLETE, "run " + (i + 1) + " of " + runList.size() + ": " + run
            + (run.lossEvidence().isEmpty() ? "" : " " + run.lossEvidence())));
      }
    }
    if (r.recording().exitCodes().size() > 1) {
      findings.add(finding(w, EXIT_CODES, "the runs ended with exit codes " + r.recording().exitCodes()
          + "; the check expects " + r.recording().exitCodes().first()));
    }
    List<String> notes = new ArrayList<>();
    notes.add("recorded: " + r.recording());
    notes.add("profile: " + r.profile().diffSummary());
    for (int i = 0; i < runList.size(); i++) {
      notes.add("run " + (i + 1) + ": " + runList.get(i));
    }
    notes.add(r.check() != null ? "under its profile: " + r.check()
        : r.checkFailure() != null ? "under its profile: " + r.checkFailure()
        : noCheck ? "not checked under its profile (--no-check)"
        : "not checked under its profile: no run ended with an exit code");
    String from = w.file() == null ? "<stdin>" : w.file() + ":" + w.line();
    String subject = "workload " + w.name() + (w.name().equals(w.spec().image()) ? "" : " (" + w.spec().image() + ")")
        + " from " + from + ", "
        + runList.size() + (runList.size() == 1 ? " run" : " runs") + " on " + endpoint.uri();
    return new Report("seccomp record", subject, RULES, findings, notes);
  }

  /** A finding at the command's or service's line, or about the workload when it came from stdin. */
  static Finding finding(Workload w, RuleInfo rule, String message) {
    String text = w.name() + ": " + message;
    return w.file() != null ? Finding.at(rule.id(), rule.severity(), text, rule.help(), w.file(), w.line(), w.column())
        : Finding.of(rule.id(), rule.severity(), text, rule.help()).on(Target.workload(w.name(), rule.id()));
  }
}
