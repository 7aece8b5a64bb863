package dev.carapace.cli.internal;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;

/**
 * Runs the {@code carapace} command line: picocli parses it into {@link CarapaceCommand} and its
 * subcommands; every failure becomes exit code 2 and one line on stderr (with the stack trace only
 * under {@code --debug}).
 */
public final class Cli {
  private Cli() {}

  /**
   * Sets slf4j-simple's level before any logger exists: {@code debug} with {@code --debug}, else
   * {@code error} (simplelogger.properties). httpclient5's wire and header loggers stay at INFO even
   * then: at DEBUG they print every byte and header exchanged with the engine, credentials included.
   */
  public static void configureLogging(String[] args) {
    if (debug(args)) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
      System.setProperty("org.slf4j.simpleLogger.log.org.apache.hc.client5.http.wire", "info");
      System.setProperty("org.slf4j.simpleLogger.log.org.apache.hc.client5.http.headers", "info");
    }
  }

  static boolean debug(String[] args) {
    for (String a : args) {
      if (a.equals("--")) {
        return false;
      }
      if (a.equals("--debug")) {
        return true;
      }
    }
    return false;
  }

  /** Runs the command line; returns its exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> environment, Path home) {
    if (args.length == 1 && args[0].equals("--cds-training")) {
      return CdsTraining.run(environment, home);
    }
    PrintWriter outWriter = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
    PrintWriter errWriter = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    boolean debug = debug(args);
    CommandLine cl;
    try {
      cl = commandLine(environment, home, args);
    } catch (RuntimeException e) {
      return fail(errWriter, "carapace", e, debug);
    }
    cl.setOut(outWriter);
    cl.setErr(errWriter);
    ErrorHandlers handlers = new ErrorHandlers(errWriter, debug);
    cl.setParameterExceptionHandler(handlers);
    cl.setExecutionExceptionHandler(handlers);
    int code = cl.execute(args);
    outWriter.flush();
    errWriter.flush();
    return code;
  }

  /** The command line with its subcommands and settings (case-insensitive enum values, no {@code @file} expansion). */
  public static CommandLine commandLine(Map<String, String> environment, Path home) {
    return commandLine(environment, home, new String[0]);
  }

  /**
   * The command line for {@code args}: with only the subcommand they name when they name one (the first word
   * that is not an option), else with all of them ({@code carapace}, {@code carapace --help}, {@code carapace
   * help audit}, a misspelt name). picocli builds a command's model from its annotations when it is added: the
   * others' would be built at every start for nothing.
   */
  static CommandLine commandLine(Map<String, String> environment, Path home, String[] args) {
    CommandLine cl = new CommandLine(new CarapaceCommand(environment, home));
    String named = subcommandNamed(args);
    CarapaceCommand.SUBCOMMANDS.forEach((name, command) -> {
      if (named == null || named.equals(name)) {
        cl.addSubcommand(name, command);
      }
    });
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExpandAtFiles(false);
    cl.setUsageHelpAutoWidth(false);
    return cl;
  }

  /** The subcommand {@code args} name, if it is one of ours other than {@code help}; else null. */
  static String subcommandNamed(String[] args) {
    for (String a : args) {
      if (a.startsWith("-")) {
        if (a.equals("--")) {
          return null;
        }
        continue; // carapace's own options (--debug, --help, --version) take no value
      }
      return !a.equals("help") && CarapaceCommand.SUBCOMMANDS.containsKey(a) ? a : null;
    }
    return null;
  }

  /**
   * The usage error of a command that only groups subcommands ({@code carapace}, {@code carapace image},
   * {@code carapace seccomp}) run without one: it names them, {@code help} left out.
   */
  public static CommandLine.ParameterException missingCommand(CommandLine.Model.CommandSpec spec) {
    return new CommandLine.ParameterException(spec.commandLine(), "missing a command: "
        + String.join(", ", spec.subcommands().keySet().stream().filter(n -> !n.equals("help")).toList()));
  }

  /**
   * The command's two error handlers, one class, not lambdas: a lambda implementing one of picocli's interfaces
   * (class files of Java 5) makes the CDS dump link that interface, which then leaves it out of bin/carapace's
   * archive, and every run would search the jars for it. A usage error is one line naming the command and its
   * --help; a command that failed is one line saying why; both exit code 2.
   */
  private static final class ErrorHandlers
      implements CommandLine.IParameterExceptionHandler, CommandLine.IExecutionExceptionHandler {
    private final PrintWriter err;
    private final boolean debug;

    ErrorHandlers(PrintWriter err, boolean debug) {
      this.err = err;
      this.debug = debug;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
      String name = ex.getCommandLine().getCommandSpec().qualifiedName();
      err.println(name + ": " + oneLine(ex.getMessage()) + " (see '" + name + " --help')");
      if (debug) {
        ex.printStackTrace(err);
      }
      err.flush();
      return ExitCodes.INPUT;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
      return fail(err, commandLine.getCommandSpec().qualifiedName(), ex, debug);
    }
  }

  private static int fail(PrintWriter err, String command, Throwable e, boolean debug) {
    err.println(command + ": error: " + describe(e) + (debug ? "" : (e instanceof InputException ? ""
        : " (--debug shows where)")));
    if (debug) {
      e.printStackTrace(err);
    }
    err.flush();
    return ExitCodes.INPUT;
  }

  /** {@link Messages#describe}: one line saying what failed, its causes without class names. */
  public static String describe(Throwable e) {
    return Messages.describe(e);
  }

  /** {@link Messages#oneLine}: the text on one line (controls escaped), bounded. */
  public static String oneLine(String text) {
    return Messages.oneLine(text);
  }
}
