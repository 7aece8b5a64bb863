package dev.carapace.examples;

import dev.carapace.policy.LocatedReport;
import dev.carapace.policy.LocatedViolation;
import dev.carapace.policy.Profiles;
import dev.carapace.policy.RunLineAudit;
import java.io.PrintStream;

/**
 * A file of {@code docker run} lines judged without an engine, each finding at its line and column (what
 * {@code carapace lint} prints for such a file).
 *
 * <p>Run: {@code mvn -q -pl examples exec:java -Dexec.mainClass=dev.carapace.examples.LintRunLines}.
 */
public final class LintRunLines {
  private LintRunLines() {}

  public static void main(String[] args) {
    System.exit(run(System.out));
  }

  /** Lints two commands (one continued over two lines); 0 when it ran. */
  public static int run(PrintStream out) {
    String text = String.join("\n",
        "# the seed's capability examples",
        "docker run --cap-drop ALL --cap-add NET_ADMIN \\",
        "  --privileged busybox:1 true",
        "docker run -p 8080:80 nginx:1.25",
        "");
    // --- snippet: run-lines
    LocatedReport r = RunLineAudit.lint(text, Profiles.carapaceDefault());
    for (LocatedViolation v : r.violations()) {
      out.println("run.sh:" + v.location().line() + ":" + v.location().column() + " "
          + v.violation().ruleId() + " " + v.location().field());
    }
    // --- end snippet
    return 0;
  }
}
