package dev.carapace.cluster;

import dev.carapace.core.internal.values.GoDurations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Compose's value syntaxes: variables, command strings, durations; and quoting for messages. */
final class ComposeValues {
  private static final Pattern VARIABLE = Pattern.compile(
      "\\$(?:(\\$)|([A-Za-z_][A-Za-z0-9_]*)|\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\\}|(.?))",
      Pattern.DOTALL);
  private static final int MAX_QUOTED = 80;

  private ComposeValues() {}

  /** {@code s} in double quotes, control characters escaped, cut at 80 characters: safe in a one-line message. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (n++ >= MAX_QUOTED) {
        sb.append("...(").append(s.length()).append(" characters)");
        break;
      }
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  /**
   * Compose's interpolation: {@code $$} is {@code $}; {@code $VAR}, {@code ${VAR}}, {@code ${VAR:-default}},
   * {@code ${VAR-default}}, {@code ${VAR:?error}}, {@code ${VAR?error}} from {@code environment}.
   *
   * @throws IllegalArgumentException naming the variable when it is unset without a default, or the syntax
   */
  static String interpolate(String value, Map<String, String> environment) {
    if (value.indexOf('$') < 0) {
      return value;
    }
    Matcher m = VARIABLE.matcher(value);
    StringBuilder out = new StringBuilder();
    int last = 0;
    while (m.find()) {
      out.append(value, last, m.start());
      last = m.end();
      if (m.group(1) != null) {
        out.append('$');
        continue;
      }
      if (m.group(6) != null) {
        throw new IllegalArgumentException("variable must be $NAME, ${NAME}, ${NAME:-default} or $$ for a $: "
            + quote(value));
      }
      String name = m.group(2) != null ? m.group(2) : m.group(3);
      String op = m.group(4);
      String arg = m.group(5);
      String v = environment.get(name);
      boolean emptyIsUnset = op != null && op.startsWith(":");
      boolean unset = v == null || emptyIsUnset && v.isEmpty();
      if (op != null && op.endsWith("-")) {
        out.append(unset ? interpolate(arg, environment) : v);
      } else if (unset) {
        throw new IllegalArgumentException("variable " + name + " must be set: it is not"
            + (op != null && op.endsWith("?") && !arg.isEmpty() ? " (" + quote(arg) + ")" : "")
            + " (docker-compose would use an empty string; pass it in the environment or write ${" + name
            + ":-default})");
      } else {
        out.append(v);
      }
    }
    out.append(value, last, value.length());
    return out.toString();
  }

  /**
   * A YAML 1.1 integer as PyYAML reads it, in decimal: underscores dropped, {@code 0b} binary, {@code 0x} hex, a
   * leading {@code 0} octal.
   *
   * @throws IllegalArgumentException for a sexagesimal one ({@code 33:33} is 2013), which no other reader agrees on
   */
  static String yaml11Integer(String text) {
    String t = text.replace("_", "");
    if (t.contains(":")) {
      throw new IllegalArgumentException("must be quoted: " + text + " reads as a number in YAML 1.1 (base 60,"
          + " docker-compose reads it as " + sexagesimal(t) + ")");
    }
    boolean negative = t.startsWith("-");
    String body = t.startsWith("-") || t.startsWith("+") ? t.substring(1) : t;
    java.math.BigInteger v;
    if (body.startsWith("0b")) {
      v = new java.math.BigInteger(body.substring(2), 2);
    } else if (body.startsWith("0x")) {
      v = new java.math.BigInteger(body.substring(2), 16);
    } else if (body.length() > 1 && body.startsWith("0")) {
      v = new java.math.BigInteger(body.substring(1), 8);
    } else {
      v = new java.math.BigInteger(body);
    }
    return (negative ? v.negate() : v).toString();
  }

  /** A YAML 1.1 sexagesimal integer's value: {@code 22:22} is 1342. */
  static String sexagesimal(String text) {
    java.math.BigInteger v = java.math.BigInteger.ZERO;
    for (String p : text.replace("_", "").replace("-", "").replace("+", "").split(":")) {
      v = v.multiply(java.math.BigInteger.valueOf(60)).add(new java.math.BigInteger(p.isEmpty() ? "0" : p));
    }
    return (text.startsWith("-") ? v.negate() : v).toString();
  }

  /** {@code s} with every {@code $} written {@code $$}, so that Compose's interpolation gives {@code s} back. */
  static String escape(String s) {
    return s.replace("$", "$$");
  }

  /**
   * A command string split as docker-compose splits it (Python's {@code shlex.split}, POSIX mode): blanks
   * separate words, single quotes keep everything, double quotes keep everything but a backslash before
   * {@code "} or {@code \}, a backslash outside quotes keeps the next character.
   *
   * @throws IllegalArgumentException on an unclosed quote or a trailing backslash
   */
  static List<String> split(String s) {
    List<String> words = new ArrayList<>();
    StringBuilder w = null;
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        if (w != null) {
          words.add(w.toString());
          w = null;
        }
        i++;
        continue;
      }
      if (w == null) {
        w = new StringBuilder();
      }
      if (c == '\'') {
        int end = s.indexOf('\'', i + 1);
        if (end < 0) {
          throw new IllegalArgumentException("command must close its quote: " + quote(s));
        }
        w.append(s, i + 1, end);
        i = end + 1;
      } else if (c == '"') {
        i++;
        boolean closed = false;
        while (i < s.length()) {
          char d = s.charAt(i);
          if (d == '"') {
            closed = true;
            i++;
            break;
          }
          if (d == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == '"' || s.charAt(i + 1) == '\\')) {
            w.append(s.charAt(i + 1));
            i += 2;
          } else {
            w.append(d);
            i++;
          }
        }
        if (!closed) {
          throw new IllegalArgumentException("command must close its quote: " + quote(s));
        }
      } else if (c == '\\') {
        if (i + 1 >= s.length()) {
          throw new IllegalArgumentException("command must not end with a backslash: " + quote(s));
        }
        w.append(s.charAt(i + 1));
        i += 2;
      } else {
        w.append(c);
        i++;
      }
    }
    if (w != null) {
      words.add(w.toString());
    }
    return words;
  }

  /**
   * A Compose duration: Go's syntax ({@code 1m30s}, {@code 500ms}, {@code 1.5s}), as docker-compose and Compose v2
   * read it.
   *
   * @throws IllegalArgumentException naming the field and the value otherwise
   */
  static Duration duration(String field, String text) {
    return GoDurations.parse(field, text);
  }

  /** Go's duration syntax, exact, as Compose reads it back: {@code 1h2m3.5s}, {@code 0.25s}, {@code 0s}. */
  static String duration(Duration d) {
    return GoDurations.format(d);
  }
}
