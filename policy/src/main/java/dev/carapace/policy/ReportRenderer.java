package dev.carapace.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/** Renders a {@link PolicyReport} as text and JSON. */
final class ReportRenderer {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ReportRenderer() {}

  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  static String summary(PolicyReport r) {
    return "Policy " + r.policy() + ": " + count(r.containers().size(), "container") + ", "
        + count(r.rules().size(), "rule") + ", " + count(r.violations().size(), "violation") + ", "
        + count(r.notes().size(), "note");
  }

  static String text(PolicyReport r) {
    StringBuilder sb = new StringBuilder(summary(r));
    for (PolicyReport.ContainerResult c : r.containers()) {
      sb.append("\ncontainer ").append(escaped(c.name()));
      if (!c.name().equals(c.image())) {
        sb.append(" (").append(escaped(c.image())).append(')');
      }
      sb.append(" [").append(c.origin().name().toLowerCase(Locale.ROOT))
          .append(c.runtime().isEmpty() ? "" : ", runtime " + escaped(c.runtime())).append("]: ")
          .append(c.passed() ? "passed" : count(c.violations().size(), "violation"));
      for (Violation v : c.violations()) {
        sb.append("\n  [").append(v.severity()).append("] ").append(v.ruleId()).append(": ")
            .append(escaped(v.message()))
            .append("\n      standards: ").append(escaped(String.join("; ", v.standards())))
            .append("\n      remedy: ").append(escaped(v.remedy()));
      }
      for (Note n : c.notes()) {
        sb.append("\n  note ").append(n.ruleId()).append(": ").append(escaped(n.reason()));
      }
    }
    return sb.toString();
  }

  /**
   * {@code s} safe to print on a terminal: control characters (C0, DEL, C1: ANSI escapes start with ESC),
   * bidirectional controls (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069) and lone surrogates
   * shown as {@code \\uXXXX}, a backslash doubled; names and values from a manifest are the writer's text.
   */
  static String escaped(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean lone = Character.isHighSurrogate(c) ? i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))
          : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
      boolean unsafe = c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x061c || c == 0x200e || c == 0x200f
          || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || lone || c == '\\';
      if (unsafe && sb == null) {
        sb = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (sb != null) {
        if (c == '\\') {
          sb.append("\\\\");
        } else if (unsafe) {
          sb.append(String.format("\\u%04x", (int) c));
        } else {
          sb.append(c);
        }
      }
    }
    return sb == null ? s : sb.toString();
  }

  static String json(PolicyReport r) {
    ObjectNode root = JSON.createObjectNode();
    root.put("policy", r.policy());
    root.put("passed", r.passed());
    ObjectNode summary = root.putObject("summary");
    summary.put("containers", r.containers().size());
    summary.put("rules", r.rules().size());
    summary.put("violations", r.violations().size());
    summary.put("notes", r.notes().size());
    ArrayNode containers = root.putArray("containers");
    for (PolicyReport.ContainerResult c : r.containers()) {
      ObjectNode cn = containers.addObject();
      cn.put("name", c.name());
      cn.put("image", c.image());
      cn.put("origin", c.origin().name().toLowerCase(Locale.ROOT));
      cn.put("runtime", c.runtime());
      cn.put("passed", c.passed());
      ArrayNode vs = cn.putArray("violations");
      for (Violation v : c.violations()) {
        ObjectNode vn = vs.addObject();
        vn.put("rule", v.ruleId());
        vn.put("title", v.rule().title());
        vn.put("severity", v.severity().name());
        ArrayNode st = vn.putArray("standards");
        v.standards().forEach(st::add);
        vn.put("attribute", v.attribute());
        vn.put("problem", v.problem());
        vn.put("value", v.value());
        vn.put("message", v.message());
        vn.put("remedy", v.remedy());
      }
      ArrayNode ns = cn.putArray("notes");
      for (Note n : c.notes()) {
        ObjectNode nn = ns.addObject();
        nn.put("rule", n.ruleId());
        nn.put("reason", n.reason());
      }
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("policy report could not be rendered as JSON", e);
    }
  }
}
