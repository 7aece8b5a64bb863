package dev.carapace.cli.internal.output;

import dev.carapace.policy.Severity;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code --format text}: a heading, one block per finding ({@code [file:line:column: ]SEVERITY rule-id:
 * message} and an indented {@code fix:} line), the notes, and a summary line. Control characters in
 * messages are shown escaped, so a finding is never split or recoloured by what it quotes.
 */
final class TextWriter implements ReportWriter {
  @Override
  public String write(Report report, ToolInfo tool, FailOn failOn) {
    StringBuilder out = new StringBuilder();
    out.append("carapace ").append(report.command()).append(": ").append(oneLine(report.subject())).append('\n');
    for (ArtifactInfo a : report.artifacts()) {
      out.append(oneLine(a.line())).append('\n');
    }
    for (Finding f : report.findings()) {
      out.append(f.file() == null ? "" : oneLine(f.location()) + ": ")
          .append(f.severity()).append(' ').append(oneLine(f.ruleId())).append(": ").append(oneLine(f.message()))
          .append('\n');
      if (!f.remedy().isEmpty()) {
        out.append("    fix: ").append(oneLine(f.remedy())).append('\n');
      }
    }
    for (String note : report.notes()) {
      out.append("note: ").append(oneLine(note)).append('\n');
    }
    out.append(summary(report, failOn)).append('\n');
    return out.toString();
  }

  /** {@code 3 findings (1 critical, 2 high) in 12 rules; 3 at or above --fail-on high}. */
  static String summary(Report report, FailOn failOn) {
    Map<Severity, Integer> counts = new EnumMap<>(Severity.class);
    report.findings().forEach(f -> counts.merge(f.severity(), 1, Integer::sum));
    StringBuilder s = new StringBuilder();
    int n = report.findings().size();
    s.append(n).append(n == 1 ? " finding" : " findings");
    if (n > 0) {
      s.append(" (");
      boolean first = true;
      for (Severity sev : new Severity[] {Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW}) {
        Integer c = counts.get(sev);
        if (c != null) {
          s.append(first ? "" : ", ").append(c).append(' ').append(sev.name().toLowerCase(Locale.ROOT));
          first = false;
        }
      }
      s.append(')');
    }
    int rules = report.rules().size();
    s.append(" against ").append(rules).append(rules == 1 ? " rule" : " rules");
    s.append("; ").append(report.failing(failOn).size()).append(" at or above --fail-on ").append(failOn.optionValue());
    return s.toString();
  }

  /** The text on one line: control characters (newlines, escapes) as {@code \\uXXXX}, {@code \n}, ... */
  static String oneLine(String text) {
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029'
              || Character.getType(c) == Character.FORMAT) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }
}
