package dev.carapace.cli.internal.output;

import dev.carapace.policy.Severity;
import java.util.Objects;

/**
 * One finding of any subcommand: the rule broken, how bad, what is wrong and how to fix it, and where
 * when the input is a file ({@code file}, 1-based {@code line} and {@code column}, each null when
 * unknown). The text, JSON, SARIF and JUnit writers all read this and nothing else.
 *
 * @param ruleId the rule's id, as in {@link RuleInfo#id()} (for example {@code cis-5.4})
 * @param severity how bad
 * @param message what is wrong, naming the subject (container, service, file entry)
 * @param remedy how to fix it; may be empty, never null
 * @param file the input file as given on the command line, or null (an engine's container)
 * @param line 1-based line in {@code file}, or null
 * @param column 1-based column in {@code file}, or null
 * @param target what a finding without a file is about (SARIF's location for it), or null
 */
public record Finding(String ruleId, Severity severity, String message, String remedy, String file,
    Integer line, Integer column, Target target) {

  /** Checks the required fields and that line and column are positive and only given with a file. */
  public Finding {
    Objects.requireNonNull(ruleId, "ruleId");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(message, "message");
    remedy = remedy == null ? "" : remedy;
    if (line != null && (line < 1 || file == null)) {
      throw new IllegalArgumentException("line must be >= 1 and come with a file: " + line);
    }
    if (column != null && (column < 1 || line == null)) {
      throw new IllegalArgumentException("column must be >= 1 and come with a line: " + column);
    }
    if (target != null && file != null) {
      throw new IllegalArgumentException("a finding has a file or a target, not both: " + file);
    }
  }

  /** A finding with no file (an engine's container, the engine itself). */
  public static Finding of(String ruleId, Severity severity, String message, String remedy) {
    return new Finding(ruleId, severity, message, remedy, null, null, null, null);
  }

  /** This finding about {@code target} (a container, the engine, a workload without a file). */
  public Finding on(Target target) {
    if (file != null) {
      throw new IllegalStateException("a finding in a file has its file as location: " + file);
    }
    return new Finding(ruleId, severity, message, remedy, null, null, null, Objects.requireNonNull(target, "target"));
  }

  /** A finding at {@code file:line:column} ({@code line}, {@code column} may be null when unknown). */
  public static Finding at(String ruleId, Severity severity, String message, String remedy, String file,
      Integer line, Integer column) {
    return new Finding(ruleId, severity, message, remedy, Objects.requireNonNull(file, "file"), line, column,
        null);
  }

  /** {@code file:line:column}, {@code file:line}, {@code file}, or empty when there is no file. */
  public String location() {
    if (file == null) {
      return "";
    }
    return file + (line == null ? "" : ":" + line + (column == null ? "" : ":" + column));
  }
}
