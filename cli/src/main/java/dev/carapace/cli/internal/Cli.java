package dev.carapace.cli.internal;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;

/**
 * Runs the {@code carapace} command line: picocli parses it into {@link CarapaceCommand} and its
 * subcommands; every failure becomes exit code 2 and one line on stderr (with the stack trace only
 * under {@code --debug}).
 */
public final class Cli {
  /** The longest error line printed; the rest is cut with {@code ...}. */
  static final int MAX_ERROR = 2000;

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
    PrintWriter outWriter = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
    PrintWriter errWriter = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    boolean debug = debug(args);
    CommandLine cl;
    try {
      cl = commandLine(environment, home);
    } catch (RuntimeException e) {
      return fail(errWriter, "carapace", e, debug);
    }
    cl.setOut(outWriter);
    cl.setErr(errWriter);
    cl.setParameterExceptionHandler((ex, arguments) -> {
      String name = ex.getCommandLine().getCommandSpec().qualifiedName();
      errWriter.println(name + ": " + oneLine(ex.getMessage()) + " (see '" + name + " --help')");
      if (debug) {
        ex.printStackTrace(errWriter);
      }
      errWriter.flush();
      return ExitCodes.INPUT;
    });
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) ->
        fail(errWriter, commandLine.getCommandSpec().qualifiedName(), ex, debug));
    int code = cl.execute(args);
    outWriter.flush();
    errWriter.flush();
    return code;
  }

  /** The command line with its subcommands and settings (case-insensitive enum values, no {@code @file} expansion). */
  public static CommandLine commandLine(Map<String, String> environment, Path home) {
    CommandLine cl = new CommandLine(new CarapaceCommand(environment, home));
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExpandAtFiles(false);
    cl.setUsageHelpAutoWidth(false);
    return cl;
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

  /**
   * One line saying what failed: the exception's message, then each cause's message that adds
   * something; a wrapper whose message is only its cause's {@code toString()} (class name and message)
   * is skipped, so no class name is shown.
   */
  public static String describe(Throwable e) {
    Set<String> parts = new LinkedHashSet<>();
    String last = "";
    int depth = 0;
    for (Throwable t = e; t != null && depth < 8; t = t.getCause() == t ? null : t.getCause(), depth++) {
      String m = t.getMessage();
      Throwable cause = t.getCause();
      if (cause != null && cause != t && m != null && m.equals(cause.toString())) {
        continue;
      }
      if (m == null || m.isBlank()) {
        m = t.getClass().getSimpleName();
      }
      if (!last.contains(m)) {
        parts.add(m);
      }
      last = m;
      if (t instanceof InputException || parts.size() == 3) {
        break;
      }
    }
    return oneLine(String.join(": ", parts));
  }

  /** The text on one line (controls escaped), at most {@link #MAX_ERROR} characters. */
  public static String oneLine(String text) {
    String s = text == null ? "" : text;
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < MAX_ERROR; i++) {
      char c = s.charAt(i);
      if (c == '\n' || c == '\r') {
        b.append(' ');
      } else if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.length() >= MAX_ERROR ? b.substring(0, MAX_ERROR) + "..." : b.toString();
  }
}
