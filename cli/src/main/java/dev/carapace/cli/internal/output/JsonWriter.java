package dev.carapace.cli.internal.output;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.carapace.policy.Severity;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;

/**
 * {@code --format json}: Carapace's own document, schema version 1. Every field is always present
 * (null when unknown), in this order; fields are only ever added, never renamed or removed, within a
 * schema version (docs/cli.md):
 *
 * <pre>{@code
 * {"schemaVersion":1, "tool":{"name","version"}, "command", "subject", "failOn", "failed",
 *  "summary":{"total","critical","high","medium","low","failing"},
 *  "findings":[{"ruleId","severity","message","remedy","file","line","column",
 *              "target":{"kind","name","qualifiedName","uri","fingerprint"}}],
 *  "rules":[{"id","title","help","severity"}], "notes":[...],
 *  "artifacts":[{"name","reference","digest","properties":{...}}]}
 * }</pre>
 *
 * <p>Written with jackson-core's generator, field by field, and no ObjectMapper: an ObjectMapper's first use
 * initializes databind's date formats and their locale data, a cost every {@code carapace audit} would pay
 * at start for nothing (bench/run-cli.sh). The layout is the one ObjectMapper's {@code INDENT_OUTPUT} gives.
 */
final class JsonWriter implements ReportWriter {
  private static final JsonFactory JSON = new JsonFactory();

  @Override
  public String write(Report report, ToolInfo tool, FailOn failOn) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.useDefaultPrettyPrinter();
      write(g, report, tool, failOn);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out + "\n";
  }

  private static void write(JsonGenerator g, Report report, ToolInfo tool, FailOn failOn) throws IOException {
    g.writeStartObject();
    g.writeNumberField("schemaVersion", 1);
    g.writeObjectFieldStart("tool");
    g.writeStringField("name", tool.name());
    g.writeStringField("version", tool.version());
    g.writeEndObject();
    g.writeStringField("command", report.command());
    g.writeStringField("subject", report.subject());
    g.writeStringField("failOn", failOn.optionValue());
    int failing = report.failing(failOn).size();
    g.writeBooleanField("failed", failing > 0);
    g.writeObjectFieldStart("summary");
    g.writeNumberField("total", report.findings().size());
    for (Severity s : new Severity[] {Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW}) {
      g.writeNumberField(lower(s), report.findings().stream().filter(f -> f.severity() == s).count());
    }
    g.writeNumberField("failing", failing);
    g.writeEndObject();
    g.writeArrayFieldStart("findings");
    for (Finding f : report.findings()) {
      g.writeStartObject();
      g.writeStringField("ruleId", f.ruleId());
      g.writeStringField("severity", lower(f.severity()));
      g.writeStringField("message", f.message());
      g.writeStringField("remedy", f.remedy());
      g.writeStringField("file", f.file());
      number(g, "line", f.line());
      number(g, "column", f.column());
      Target target = f.target();
      if (target == null) {
        g.writeNullField("target");
      } else {
        g.writeObjectFieldStart("target");
        g.writeStringField("kind", target.kind());
        g.writeStringField("name", target.name());
        g.writeStringField("qualifiedName", target.qualifiedName());
        g.writeStringField("uri", target.uri());
        g.writeStringField("fingerprint", target.fingerprint());
        g.writeEndObject();
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("rules");
    for (RuleInfo r : report.rules()) {
      g.writeStartObject();
      g.writeStringField("id", r.id());
      g.writeStringField("title", r.title());
      g.writeStringField("help", r.help());
      g.writeStringField("severity", lower(r.severity()));
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("notes");
    for (String note : report.notes()) {
      g.writeString(note);
    }
    g.writeEndArray();
    g.writeArrayFieldStart("artifacts");
    for (ArtifactInfo a : report.artifacts()) {
      g.writeStartObject();
      g.writeStringField("name", a.name());
      g.writeStringField("reference", a.reference());
      g.writeStringField("digest", a.digest());
      g.writeObjectFieldStart("properties");
      for (Map.Entry<String, String> p : a.properties().entrySet()) {
        g.writeStringField(p.getKey(), p.getValue());
      }
      g.writeEndObject();
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void number(JsonGenerator g, String name, Integer value) throws IOException {
    if (value == null) {
      g.writeNullField(name);
    } else {
      g.writeNumberField(name, value.intValue());
    }
  }

  static String lower(Severity s) {
    return s.name().toLowerCase(Locale.ROOT);
  }
}
