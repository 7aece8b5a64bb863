package dev.carapace.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.tls.testing.Fuzz;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link YamlScalars} against the readers' tables: what go-yaml v2 resolves (its map, Go's base-0 integers
 * after dropping underscores, its float expression, its timestamp layouts), YAML 1.1's types and YAML 1.2's core
 * schema must be quoted; words, names and paths that every reader keeps as strings stay plain, so the YAML
 * still reads as kubectl writes it. And what the writer makes of both.
 */
class YamlScalarsTest {
  /** go-yaml v2's resolve table: each of these is read, unquoted, as a non-string. */
  private static final List<String> GO_YAML_V2 = List.of("y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
      "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "", "~", "null", "Null",
      "NULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", "<<",
      // strconv.ParseInt(s without "_", 0, 64): Go's base prefixes, a leading 0 as octal
      "0x1F", "0X1F", "-0x1F", "0o17", "0O17", "0b101", "-0b101", "017", "1_000", "+1", "-1", "1__0", "+_1",
      "0xFFFFFFFFFFFFFFFF", // ParseUint
      // yamlStyleFloat, and ParseFloat after a leading dot
      "1e3", "1E3", "1.", ".5", "-.5e3", "1.0e+3", "019", "99999999999999999999",
      // its timestamp layouts
      "2001-12-14", "2001-1-2", "2001-12-14T21:59:43.10-05:00", "2001-12-14t21:59:43Z", "2001-12-14 21:59:43.10");
  /** YAML 1.1's types beyond go-yaml's (sexagesimal, its loose floats, =) and YAML 1.2's core schema. */
  private static final List<String> YAML_11_AND_12 = List.of("1:20", "-1:20", "190:20:30.15", "1_000:20", "=",
      "685_230.15", ".", "-.", "0o7", "2001-12-14 21:59:43.10 -5", "2002-12-14\t21:59:43");
  /** Strings everywhere: they stay plain. */
  private static final List<String> STRINGS = List.of("busybox", "carapace", "app.kubernetes.io/name", "Never",
      "RuntimeDefault", "ALL", "NET_BIND_SERVICE", "64Mi", "500m", "/bin/sh", "-c", "--flag", "sleep", "a-1", "v1.2",
      "x1", "e3", "yes!", "yess", "nope", "ony", "null-ish", "true1", "inf", "nan", "Infinity", "_1", "1-2",
      "1.2-3", "2001-12", "20011214x", "1:60", "a:1", "2001-12-14x", "0xG", "0b2", "0o8", "1e", "1e+", "+", "-",
      "..x", "<<<", "~x", "\u00e9t\u00e9",
      "1.2.3", "127.0.0.1", "10.0.0.1:8080", "::1");

  @Test
  void everyReadersNonStringIsFound() {
    for (String s : GO_YAML_V2) {
      assertTrue(YamlScalars.resolvesAsNonString(s), () -> "go-yaml v2: " + s);
    }
    for (String s : YAML_11_AND_12) {
      assertTrue(YamlScalars.resolvesAsNonString(s), () -> "YAML 1.1 or 1.2: " + s);
    }
  }

  @Test
  void stringsEveryReaderKeepsStayPlain() {
    List<String> quoted = STRINGS.stream().filter(YamlScalars::resolvesAsNonString).toList();
    assertEquals(List.of(), quoted);
  }

  @Test
  void charactersOnlyEscapesCarryAreFound() {
    for (String s : List.of("a\rb", "a\u0085b", "a\u2028b", "a\u2029b", "\ufeffa", "\u0001", "\u001b[31m", "\u007f",
        "\u009b", "\ufffe", "\uffff", "a\tb", "\ud800", "a\udc00")) {
      assertTrue(YamlScalars.needsEscapes(s), () -> Fuzz.escape(s));
    }
    for (String s : List.of("", "a b", "a\nb", "\u00e9", "\u4e2d", "\ud83d\ude00", "\u00a0", "\ufffd", "~!@#$%^&*()")) {
      assertFalse(YamlScalars.needsEscapes(s), () -> Fuzz.escape(s));
    }
  }

  @Test
  void theWriterQuotesNamesAndValuesAndEscapes() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("yes", "0x1F");
    m.put("1e3", "1:20");
    m.put("plain", "words stay plain");
    m.put("nel", "a\u0085b\nc");
    m.put("lines", "a\nb");
    assertEquals("\"yes\": \"0x1F\"\n\"1e3\": \"1:20\"\nplain: words stay plain\nnel: \"a\\Nb\\nc\"\nlines: |-\n  a\n  b\n",
        Yaml.write(m));
  }
}
