package dev.carapace.cluster;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which strings must be quoted so that every YAML reader takes them back as the same string: a plain
 * (unquoted) scalar is typed by the reader's schema, and the schemas disagree. go-yaml v2 (kubectl, the API
 * server and podman, through sigs.k8s.io/yaml) reads {@code yes}, {@code on}, {@code y} as booleans,
 * {@code 0x1F}, {@code 0o17}, {@code 1_000} as integers (underscores dropped, Go's base prefixes), {@code 1e3}
 * and {@code .inf} as floats, {@code ~} as null, {@code <<} as a merge key; YAML 1.1 readers (SnakeYAML,
 * PyYAML) add sexagesimal numbers ({@code 1:20}), timestamps ({@code 2001-12-14}) and {@code =}; YAML 1.2
 * readers and Jackson read a subset of those. sigs.k8s.io/yaml then turns a number or a boolean read for a
 * string field into its own spelling: {@code 0x1F} arrives as {@code "31"}, {@code yes} as {@code "true"}.
 *
 * <p>{@link #resolvesAsNonString} is the union of those tables, widened where that keeps it simple (any case
 * of a keyword, any digits after a base prefix): quoting a string that did not need it costs two characters,
 * missing one changes a value.
 *
 * <p>{@link #needsEscapes} finds the characters that only a double-quoted scalar carries unchanged: YAML 1.1
 * readers take NEL, LS and PS for line breaks and fold or normalise them, {@code \r} ends a line, a BOM or a
 * control character must be escaped. The rest of the syntax (indicators, {@code ": "}, {@code " #"}, blanks
 * at either end) is the emitter's business, not this class's.
 */
final class YamlScalars {
  /** Booleans (YAML 1.1 and 1.2), nulls, infinities and NaN, the merge and value keys, compared in lower case. */
  private static final Set<String> KEYWORDS = Set.of("y", "n", "yes", "no", "true", "false", "on", "off", "null", "~",
      ".inf", "+.inf", "-.inf", ".nan", "+.nan", "-.nan", "<<", "=");
  /**
   * Numbers once underscores are dropped: Go's and YAML 1.1's base prefixes (hex, octal {@code 0o} and
   * leading {@code 0}, binary), YAML 1.2 and Go's decimal floats, YAML 1.1's floats with a bare dot
   * ({@code 1.}, {@code .}) and sexagesimal numbers. Not YAML 1.1's informative expression's several dots
   * ({@code 1.2.3}, {@code 127.0.0.1}): no reader implements them (SnakeYAML, PyYAML and go-yaml read them as
   * strings), and an IP address stays plain.
   */
  private static final Pattern NUMBER = Pattern.compile("[-+]?(?:"
      + "0[xX][0-9a-fA-F]*|0[oO][0-7]*|0[bB][01]*"
      + "|(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
      + "|[0-9]*\\.[0-9]*(?:[eE][-+]?[0-9]+)?"
      + "|[0-9]+(?::[0-5]?[0-9])+(?:\\.[0-9]*)?)");
  /** YAML 1.1's timestamps and the ones go-yaml parses: a date, alone or followed by a time. */
  private static final Pattern TIMESTAMP = Pattern.compile("[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt \\t].*)?",
      Pattern.DOTALL);

  private YamlScalars() {}

  /** Whether some reader (go-yaml v2 or v3, YAML 1.1, YAML 1.2, Jackson) reads {@code s}, unquoted, as other than the string {@code s}. */
  static boolean resolvesAsNonString(String s) {
    if (s.isEmpty() || KEYWORDS.contains(s.toLowerCase(Locale.ROOT))) {
      return true;
    }
    char first = s.charAt(0);
    if (!(first >= '0' && first <= '9') && first != '-' && first != '+' && first != '.') {
      return false; // every number and timestamp starts with a digit, a sign or a dot
    }
    if (TIMESTAMP.matcher(s).matches()) {
      return true;
    }
    // YAML 1.1 allows underscores between digits, go-yaml drops every one before parsing
    String plain = first + s.substring(1).replace("_", "");
    return NUMBER.matcher(plain).matches();
  }

  /**
   * Whether {@code s} holds a code point that a plain or literal scalar cannot carry unchanged: anything but
   * {@code \n}, printable ASCII and YAML's printable non-ASCII, less the line breaks of YAML 1.1 (NEL U+0085,
   * LS U+2028, PS U+2029) and the byte order mark U+FEFF. A double-quoted scalar escapes them all.
   */
  static boolean needsEscapes(String s) {
    return s.codePoints().anyMatch(c -> !(c == '\n' || (c >= 0x20 && c <= 0x7e)
        || (c >= 0xa0 && c <= 0xd7ff && c != 0x2028 && c != 0x2029)
        || (c >= 0xe000 && c <= 0xfffd && c != 0xfeff) || (c >= 0x10000 && c <= 0x10ffff)));
  }
}
