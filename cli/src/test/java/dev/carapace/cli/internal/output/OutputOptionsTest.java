package dev.carapace.cli.internal.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.cli.internal.InputException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --output}, {@code --format} and {@code --fail-on} as {@link OutputOptions#emit} applies them. */
class OutputOptionsTest {
  @TempDir
  Path tmp;

  private static OutputOptions options(Format format, FailOn failOn, Path output) {
    OutputOptions o = new OutputOptions();
    o.format = format;
    o.failOn = failOn;
    o.output = output;
    return o;
  }

  @Test
  void exitCodeFollowsFailOn() {
    StringWriter out = new StringWriter();
    assertEquals(1, options(Format.TEXT, FailOn.CRITICAL, null).emit(ReportSamples.mixed(), new PrintWriter(out)));
    assertEquals(0, options(Format.TEXT, FailOn.NEVER, null).emit(ReportSamples.mixed(), new PrintWriter(out)));
    assertEquals(0, options(Format.TEXT, FailOn.LOW, null).emit(ReportSamples.empty(), new PrintWriter(out)));
  }

  @Test
  void outputReplacesTheFileAndLeavesStdoutEmpty() throws Exception {
    Path file = tmp.resolve("report.sarif");
    Files.writeString(file, "old");
    StringWriter out = new StringWriter();
    assertEquals(1, options(Format.SARIF, FailOn.LOW, file).emit(ReportSamples.mixed(), new PrintWriter(out)));
    assertEquals("", out.toString());
    assertTrue(Files.readString(file).startsWith("{"), "replaced");
    try (Stream<Path> files = Files.list(tmp)) {
      assertEquals(1, files.count(), "no temporary file left");
    }
  }

  @Test
  void anOutputThatCannotBeWrittenIsAnInputErrorAndWritesNothing() {
    StringWriter out = new StringWriter();
    Path file = tmp.resolve("missing/report.json");
    InputException e = assertThrows(InputException.class,
        () -> options(Format.JSON, FailOn.LOW, file).emit(ReportSamples.mixed(), new PrintWriter(out)));
    assertEquals("cannot write --output " + file + ": no such folder", e.getMessage());
    assertEquals("", out.toString());
  }
}
