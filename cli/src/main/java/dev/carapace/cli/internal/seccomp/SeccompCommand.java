package dev.carapace.cli.internal.seccomp;

import dev.carapace.cli.internal.CarapaceCommand;
import dev.carapace.cli.internal.Cli;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code carapace seccomp}: holds the seccomp subcommands ({@code record}); alone, a usage error. */
@Command(name = "seccomp", mixinStandardHelpOptions = true,
    description = "Seccomp profiles made for a workload: 'carapace seccomp record' records one.",
    subcommands = {RecordCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"2:usage error: a command is missing (one line on stderr)"})
public final class SeccompCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @ParentCommand
  CarapaceCommand parent;

  @Override
  public Integer call() {
    throw Cli.missingCommand(spec);
  }
}
