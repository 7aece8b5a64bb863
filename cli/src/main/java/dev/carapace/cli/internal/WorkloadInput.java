package dev.carapace.cli.internal;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The input of a subcommand that reads one workload, {@code docker run} command or Compose service
 * ({@code @Mixin WorkloadInput input;}, {@code harden} and {@code seccomp record}): {@code FILE} ({@code -}, the
 * default, for stdin), {@code --service NAME} for a Compose file with several, and {@code --kind run|compose} when
 * the content should not tell.
 */
public final class WorkloadInput {
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(names = "--service", paramLabel = "NAME",
      description = "the Compose service to ${COMMAND-NAME} (needed when the file has several)")
  String service;

  @Option(names = "--kind", paramLabel = "KIND",
      description = "run or compose: what the input is (default: told from its content)")
  String kind;

  @Parameters(arity = "0..1", paramLabel = "FILE", defaultValue = "-",
      description = "a file holding one docker run command or a Compose file; - (the default) for stdin")
  String file;

  /** {@code --service}, or null when not given. */
  public String service() {
    return service;
  }

  /** {@code FILE} as messages name it: {@code <stdin>} for {@code -}. */
  public String shownName() {
    return file.equals("-") ? "<stdin>" : file;
  }

  /**
   * {@code FILE} (or stdin) read, a {@code docker run} file or a Compose file as {@code --kind} says, else as its
   * content tells ({@link InputText#read}).
   *
   * @throws CommandLine.ParameterException (exit 2) for a {@code --kind} other than {@code run} or {@code compose}
   * @throws InputException naming the file when it cannot be read or is none of the kinds
   */
  public InputText read() {
    InputText.Kind forced = null;
    if (kind != null) {
      if (!kind.equals("run") && !kind.equals("compose")) {
        throw new CommandLine.ParameterException(mixee.commandLine(), "--kind must be run or compose: '"
            + Cli.oneLine(kind) + "'");
      }
      forced = kind.equals("run") ? InputText.Kind.RUN : InputText.Kind.COMPOSE;
    }
    return InputText.read(file, System.in, forced);
  }
}
