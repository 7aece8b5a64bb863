package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** No engine: the findings of docs/policy.md's run-line example, each at its line and column. */
class LintRunLinesTest {
  @Test
  void printsEveryFindingAtItsFlag() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    assertEquals(0, LintRunLines.run(new PrintStream(buf, true, StandardCharsets.UTF_8)));
    java.util.List<String> lines = buf.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(25, lines.size(), String.join("\n", lines));
    for (String expected : java.util.List.of("run.sh:2:27 baseline-capabilities --cap-add",
        "run.sh:3:3 privileged --privileged", // the continued line's flag, at its own line
        "run.sh:4:12 ports-all-interfaces --publish")) { // -p 8080:80: Docker publishes it on every interface
      assertTrue(lines.contains(expected), expected + " in\n" + String.join("\n", lines));
    }
  }
}
