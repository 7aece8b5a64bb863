package dev.carapace.cli.internal.image;

import dev.carapace.cli.internal.CarapaceCommand;
import dev.carapace.cli.internal.Cli;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code carapace image}: the commands about images in a registry ({@code verify}); alone, a usage error. */
@Command(name = "image", mixinStandardHelpOptions = true,
    description = "Images in a registry: their digests and signatures.",
    subcommands = {ImageVerifyCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:clean: no finding at or above --fail-on",
        "1:findings at or above --fail-on",
        "2:usage or input error (one line on stderr)"},
    footer = "%nSee 'carapace image COMMAND --help' and docs/cli.md.")
public final class ImageCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @ParentCommand
  CarapaceCommand parent;

  @Override
  public Integer call() {
    throw Cli.missingCommand(spec);
  }
}
