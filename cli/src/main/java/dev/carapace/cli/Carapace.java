package dev.carapace.cli;

import dev.carapace.cli.internal.Cli;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * The {@code carapace} command: {@code carapace audit}, {@code carapace pki} and the subcommands later
 * issues add, each with {@code --help}. Exit codes: 0 clean, 1 findings at or above {@code --fail-on},
 * 2 usage or input error (one line on stderr; a stack trace only with {@code --debug}). The installed
 * command ({@code cli/target/carapace/bin/carapace}) runs {@link #main}; docs/cli.md describes it.
 */
public final class Carapace {
  private Carapace() {}

  /**
   * Runs the command with this process's environment, and exits with its exit code.
   *
   * @param args the command line after {@code carapace}
   */
  public static void main(String[] args) {
    Cli.configureLogging(args);
    System.exit(run(args, System.out, System.err, System.getenv(), Path.of(System.getProperty("user.home"))));
  }

  /**
   * Runs the command and returns its exit code, without exiting.
   *
   * @param args the command line after {@code carapace}
   * @param out where reports go (UTF-8)
   * @param err where the one-line error of exit code 2 goes (UTF-8)
   * @param environment the variables the engine is found with ({@code DOCKER_HOST}, {@code DOCKER_TLS_VERIFY},
   *     {@code DOCKER_CERT_PATH}, {@code DOCKER_CONTEXT}, {@code DOCKER_CONFIG})
   * @param home the user's home folder ({@code ~/.docker})
   * @return 0 clean, 1 findings at or above {@code --fail-on}, 2 usage or input error
   */
  public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> environment, Path home) {
    return Cli.run(args, out, err, environment, home);
  }
}
