package dev.carapace.cli.internal;

/** The exit codes of every subcommand (docs/cli.md). */
public final class ExitCodes {
  /** No finding at or above {@code --fail-on} (or the command did its job: {@code pki}, {@code --help}). */
  public static final int CLEAN = 0;
  /** At least one finding at or above {@code --fail-on}. */
  public static final int FINDINGS = 1;
  /** Usage or input error: unknown flag, bad value, bad or unreadable file, engine not answering. */
  public static final int INPUT = 2;

  private ExitCodes() {}
}
