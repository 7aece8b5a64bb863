package dev.carapace.cli.internal.output;

import dev.carapace.cli.internal.ExitCodes;
import dev.carapace.cli.internal.InputException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import picocli.CommandLine.Option;

/**
 * The output options every judging subcommand mixes in ({@code @Mixin OutputOptions output;}):
 * {@code --format}, {@code --fail-on}, {@code --output}; {@link #emit} writes a complete report and
 * gives the exit code.
 */
public final class OutputOptions {
  @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
      description = "text, json, sarif (SARIF 2.1.0) or junit (JUnit XML); default: ${DEFAULT-VALUE}")
  Format format = Format.TEXT;

  @Option(names = "--fail-on", defaultValue = "low", paramLabel = "SEVERITY",
      description = "exit 1 when a finding is at or above this: low, medium, high, critical, or never;"
          + " default: ${DEFAULT-VALUE}")
  FailOn failOn = FailOn.LOW;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE",
      description = "write the report to FILE (replaced once complete) instead of stdout")
  Path output;

  /** The chosen format. */
  public Format format() {
    return format;
  }

  /** The chosen threshold. */
  public FailOn failOn() {
    return failOn;
  }

  /**
   * Writes the whole report, rendered first, to {@code --output} (a temporary file in the same folder,
   * then moved over it) or to {@code stdout}; returns {@link ExitCodes#FINDINGS} when a finding is at or
   * above {@code --fail-on}, else {@link ExitCodes#CLEAN}.
   *
   * @throws InputException when the output file cannot be written
   */
  public int emit(Report report, PrintWriter stdout) {
    String text = format.writer().write(report, ToolInfo.carapace(), failOn);
    if (output == null) {
      stdout.print(text);
      stdout.flush();
    } else {
      writeFile(output, text);
    }
    return report.failing(failOn).isEmpty() ? ExitCodes.CLEAN : ExitCodes.FINDINGS;
  }

  /**
   * Writes {@code text} to {@code file}: to a temporary file in the same folder, then moved over it, so that
   * {@code file} is never seen half written.
   *
   * @throws InputException when it cannot be written (naming the file)
   */
  public static void writeFile(Path file, String text) {
    Path target = file.toAbsolutePath();
    Path temp = null;
    try {
      temp = Files.createTempFile(target.getParent(), ".carapace-", ".tmp");
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      try {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      temp = null;
    } catch (IOException | RuntimeException e) {
      throw InputException.of("cannot write --output " + file + ": " + (e instanceof java.nio.file.NoSuchFileException
          ? "no such folder" : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
          : dev.carapace.cli.internal.Messages.describe(e)), e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // the error above is the one to report
        }
      }
    }
  }
}
