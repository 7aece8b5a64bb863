package dev.carapace.cli.internal.output;

import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * {@code --format junit}: one {@code <testsuite>} as Surefire writes it ({@code name="carapace.<command>"},
 * {@code tests}, {@code failures}, {@code errors="0"}, {@code skipped="0"}, {@code time}), every test case
 * in class {@code carapace.<command>} (Surefire's parser makes one suite per class). Each finding is a
 * failing {@code <testcase name="<ruleId>: <file:line:column, or the message when no file>">} with
 * {@code <failure type="<SEVERITY>" message="<message>">}; each rule with no finding is one passing test
 * case named {@code <ruleId>: <title>}. Notes go to {@code <system-out>}.
 * Attributes are one line (an XML reader turns a newline in an attribute into a space): control and
 * format characters there are written as {@code \\n}, {@code \\uXXXX}; in element text only the
 * characters XML 1.0 cannot carry are.
 */
final class JunitWriter implements ReportWriter {
  @Override
  public String write(Report report, ToolInfo tool, FailOn failOn) {
    Map<String, List<Finding>> byRule = new LinkedHashMap<>();
    report.rules().forEach(r -> byRule.put(r.id(), new java.util.ArrayList<>()));
    report.findings().forEach(f -> byRule.get(f.ruleId()).add(f));
    long passing = byRule.values().stream().filter(List::isEmpty).count();
    String suite = "carapace." + report.command().replace(' ', '.');
    StringWriter text = new StringWriter();
    try {
      XMLStreamWriter x = XMLOutputFactory.newInstance().createXMLStreamWriter(text);
      x.writeStartDocument("UTF-8", "1.0");
      x.writeCharacters("\n");
      x.writeStartElement("testsuite");
      x.writeAttribute("name", suite);
      x.writeAttribute("tests", String.valueOf(report.findings().size() + passing));
      x.writeAttribute("failures", String.valueOf(report.findings().size()));
      x.writeAttribute("errors", "0");
      x.writeAttribute("skipped", "0");
      x.writeAttribute("time", "0");
      x.writeCharacters("\n  ");
      x.writeStartElement("properties");
      property(x, "tool", tool.name() + " " + tool.version());
      property(x, "subject", report.subject());
      property(x, "failOn", failOn.optionValue());
      x.writeEndElement();
      for (RuleInfo rule : report.rules()) {
        List<Finding> findings = byRule.get(rule.id());
        if (findings.isEmpty()) {
          x.writeCharacters("\n  ");
          x.writeEmptyElement("testcase");
          x.writeAttribute("name", TextWriter.oneLine(rule.id() + ": " + rule.title()));
          x.writeAttribute("classname", suite);
          x.writeAttribute("time", "0");
          continue;
        }
        for (Finding f : findings) {
          x.writeCharacters("\n  ");
          x.writeStartElement("testcase");
          x.writeAttribute("name", TextWriter.oneLine(f.ruleId() + ": " + (f.file() == null ? f.message() : f.location())));
          x.writeAttribute("classname", suite);
          x.writeAttribute("time", "0");
          x.writeStartElement("failure");
          x.writeAttribute("message", TextWriter.oneLine(f.message()));
          x.writeAttribute("type", f.severity().name());
          x.writeCharacters(xml(f.severity() + " " + f.ruleId() + ": " + f.message()
              + (f.remedy().isEmpty() ? "" : "\nfix: " + f.remedy())
              + (f.file() == null ? "" : "\nat " + f.location())));
          x.writeEndElement();
          x.writeEndElement();
        }
      }
      if (!report.notes().isEmpty()) {
        x.writeCharacters("\n  ");
        x.writeStartElement("system-out");
        x.writeCharacters(xml(String.join("\n", report.notes())));
        x.writeEndElement();
      }
      x.writeCharacters("\n");
      x.writeEndElement();
      x.writeEndDocument();
      x.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("cannot write JUnit XML", e);
    }
    return text + "\n";
  }

  private static void property(XMLStreamWriter x, String name, String value) throws XMLStreamException {
    x.writeEmptyElement("property");
    x.writeAttribute("name", name);
    x.writeAttribute("value", TextWriter.oneLine(value));
  }

  /** The text with every character XML 1.0 cannot carry (controls but tab and newline, lone surrogates) as \\uXXXX. */
  static String xml(String text) {
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean ok = c == '\t' || c == '\n' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        b.append(c).append(text.charAt(++i));
      } else if (ok) {
        b.append(c);
      } else {
        b.append(String.format("\\u%04x", (int) c));
      }
    }
    return b.toString();
  }
}
