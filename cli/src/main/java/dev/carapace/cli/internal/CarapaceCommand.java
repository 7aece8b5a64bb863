package dev.carapace.cli.internal;

import dev.carapace.cli.internal.audit.AuditCommand;
import dev.carapace.cli.internal.harden.HardenCommand;
import dev.carapace.cli.internal.image.ImageCommand;
import dev.carapace.cli.internal.lint.LintCommand;
import dev.carapace.cli.internal.output.ToolInfo;
import dev.carapace.cli.internal.pki.PkiCommand;
import dev.carapace.cli.internal.seccomp.SeccompCommand;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code carapace}: the top command. It only holds the subcommands, {@code --help}, {@code --version}
 * and {@code --debug} (inherited by every subcommand); without a subcommand it is a usage error. A new
 * subcommand is one class with {@code @Command(name = ...)} and one row of {@link #SUBCOMMANDS}.
 */
@Command(name = "carapace", mixinStandardHelpOptions = true, versionProvider = CarapaceCommand.Version.class,
    description = "Judge and harden Docker containers: an engine's running containers, manifests, run lines.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:clean: no finding at or above --fail-on",
        "1:findings at or above --fail-on",
        "2:usage or input error (one line on stderr)"},
    footer = "%nSee 'carapace COMMAND --help' and docs/cli.md.")
public final class CarapaceCommand implements Callable<Integer> {
  /**
   * The subcommands by name, in the order {@code carapace --help} lists them. Cli registers only the one a
   * command line names (picocli builds each one's model, with its own converters, from its annotations at
   * start), and all of them otherwise: for {@code help}, {@code --help} and usage errors.
   */
  static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

  private static Map<String, Class<?>> subcommands() {
    Map<String, Class<?>> all = new LinkedHashMap<>();
    all.put("audit", AuditCommand.class);
    all.put("pki", PkiCommand.class);
    all.put("lint", LintCommand.class);
    all.put("harden", HardenCommand.class);
    all.put("image", ImageCommand.class);
    all.put("seccomp", SeccompCommand.class);
    all.put("help", CommandLine.HelpCommand.class);
    return Collections.unmodifiableMap(all);
  }

  private final Map<String, String> environment;
  private final Path home;

  @Spec
  CommandSpec spec;

  @Option(names = "--debug", scope = ScopeType.INHERIT,
      description = "on an error, print the stack trace; log the library's debug lines to stderr")
  boolean debug;

  CarapaceCommand(Map<String, String> environment, Path home) {
    this.environment = Map.copyOf(environment);
    this.home = home;
  }

  /** The environment the command runs in (for {@code DOCKER_HOST} and friends). */
  public Map<String, String> environment() {
    return environment;
  }

  /** The user's home folder. */
  public Path home() {
    return home;
  }

  @Override
  public Integer call() {
    throw Cli.missingCommand(spec);
  }

  /** {@code carapace VERSION}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"carapace " + ToolInfo.carapace().version()};
    }
  }
}
