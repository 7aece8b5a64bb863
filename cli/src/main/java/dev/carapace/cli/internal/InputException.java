package dev.carapace.cli.internal;

/**
 * Bad input to a subcommand: a file that is not what it claims, too large, too deep, unreadable; a
 * value the option's grammar refuses; an engine that does not answer. The command prints its message
 * on one line on stderr and exits 2, with no stack trace unless {@code --debug}. The message names the
 * file (and line) when there is one: {@code file:line: message}.
 */
public final class InputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final Integer line;

  private InputException(String message, String file, Integer line, Throwable cause) {
    super(message, cause);
    this.file = file;
    this.line = line;
  }

  /** Bad input that is not in a file (an option's value, the engine). */
  public static InputException of(String message) {
    return new InputException(message, null, null, null);
  }

  /** Bad input that is not in a file, with the failure that showed it (shown with {@code --debug}). */
  public static InputException of(String message, Throwable cause) {
    return new InputException(message, null, null, cause);
  }

  /** Bad input in {@code file} at 1-based {@code line} (null when unknown); message {@code file:line: message}. */
  public static InputException inFile(String file, Integer line, String message, Throwable cause) {
    return new InputException(file + (line == null ? "" : ":" + line) + ": " + message, file, line, cause);
  }

  /** The file, or null. */
  public String file() {
    return file;
  }

  /** The 1-based line, or null. */
  public Integer line() {
    return line;
  }
}
