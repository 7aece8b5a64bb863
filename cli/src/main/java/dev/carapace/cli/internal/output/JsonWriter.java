package dev.carapace.cli.internal.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.carapace.policy.Severity;
import java.io.UncheckedIOException;
import java.util.Locale;

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
 */
final class JsonWriter implements ReportWriter {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Override
  public String write(Report report, ToolInfo tool, FailOn failOn) {
    ObjectNode root = JSON.createObjectNode();
    root.put("schemaVersion", 1);
    ObjectNode t = root.putObject("tool");
    t.put("name", tool.name());
    t.put("version", tool.version());
    root.put("command", report.command());
    root.put("subject", report.subject());
    root.put("failOn", failOn.optionValue());
    int failing = report.failing(failOn).size();
    root.put("failed", failing > 0);
    ObjectNode summary = root.putObject("summary");
    summary.put("total", report.findings().size());
    for (Severity s : new Severity[] {Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW}) {
      summary.put(lower(s), report.findings().stream().filter(f -> f.severity() == s).count());
    }
    summary.put("failing", failing);
    ArrayNode findings = root.putArray("findings");
    for (Finding f : report.findings()) {
      ObjectNode n = findings.addObject();
      n.put("ruleId", f.ruleId());
      n.put("severity", lower(f.severity()));
      n.put("message", f.message());
      n.put("remedy", f.remedy());
      n.put("file", f.file());
      n.put("line", f.line());
      n.put("column", f.column());
      Target target = f.target();
      if (target == null) {
        n.putNull("target");
      } else {
        ObjectNode g = n.putObject("target");
        g.put("kind", target.kind());
        g.put("name", target.name());
        g.put("qualifiedName", target.qualifiedName());
        g.put("uri", target.uri());
        g.put("fingerprint", target.fingerprint());
      }
    }
    ArrayNode rules = root.putArray("rules");
    for (RuleInfo r : report.rules()) {
      ObjectNode n = rules.addObject();
      n.put("id", r.id());
      n.put("title", r.title());
      n.put("help", r.help());
      n.put("severity", lower(r.severity()));
    }
    ArrayNode notes = root.putArray("notes");
    report.notes().forEach(notes::add);
    ArrayNode artifacts = root.putArray("artifacts");
    for (ArtifactInfo a : report.artifacts()) {
      ObjectNode n = artifacts.addObject();
      n.put("name", a.name());
      n.put("reference", a.reference());
      n.put("digest", a.digest());
      ObjectNode p = n.putObject("properties");
      a.properties().forEach(p::put);
    }
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String lower(Severity s) {
    return s.name().toLowerCase(Locale.ROOT);
  }
}
