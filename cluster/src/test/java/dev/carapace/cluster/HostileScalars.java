package dev.carapace.cluster;

import java.util.List;
import java.util.Random;

/**
 * Strings that some YAML reader takes, unquoted, for something else than a string (go-yaml v2's resolve
 * table, YAML 1.1's types, YAML 1.2's core schema), and a generator of more: for the read-back property
 * test and the podman IT.
 */
final class HostileScalars {
  /** Each reader's non-strings, spelled as the tables spell them, plus neighbours that are strings everywhere. */
  static final List<String> KNOWN = List.of(
      // booleans: YAML 1.1 and go-yaml v2, every case
      "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N",
      "true", "True", "TRUE", "false", "False", "FALSE", "yEs", "oN",
      // nulls
      "~", "null", "Null", "NULL", "nULL",
      // integers: decimal, signs, octal (1.1 and 1.2), hex, binary, underscores, sexagesimal
      "0", "-0", "+1", "-1", "017", "019", "0o17", "0O17", "-0o17", "0x1F", "0X1f", "-0x1F", "+0x_1F", "0b101",
      "-0b101", "0B1", "1_000", "1__0", "_1", "1_", "+_1", "1:20", "-1:20", "190:20:30", "9223372036854775808",
      "0xFFFFFFFFFFFFFFFFFF", "12345678901234567890123",
      // floats: exponents, dots, infinities, NaN, sexagesimal, YAML 1.1's loose ones
      "1e3", "1E3", "1e+3", "1.0e-3", "12e03", "-1.5", ".5", "1.", "-.5e3", "685_230.15", "6.8523015e+5",
      "190:20:30.15", "1.2.3", ".", "..", "-.", ".inf", ".Inf", ".INF", "+.inf", "-.inf", "-.Inf", "-.INF",
      ".nan", ".NaN", ".NAN", "+.nan", "inf", "-inf", "nan", "NaN", "Infinity", "0x1p-2", "0x1.8p3",
      // timestamps and dates
      "2001-12-14", "2001-1-2", "2001-12-14t21:59:43.10-05:00", "2001-12-14T21:59:43Z", "2001-12-14 21:59:43.10 -5",
      "2001-12-14 21:59:43.10", "2002-12-14\t21:59:43", "20011214", "2001-12",
      // merge and value keys, indicators, documents, directives
      "<<", "=", "-", "--", "---", "...", "? a", "?", ":", "a:", "a: b", ": a", "- a", "#", "a #b", "a#b", "!a",
      "!!str", "&a", "*a", "|", ">", "|-", "%YAML 1.1", "@a", "`a", "{a}", "[a]", "{", "]", ",", "a,b", "'a'",
      "\"a\"", "'", "\"", "\\", "${HOME}", "$(id)",
      // blanks and breaks
      "", " ", "  ", " a", "a ", "\t", "a\tb", "\ta", "a\n", "\na", "a\nb", "a\n\nb", "a \nb", "a\r\nb", "\r", "a\rb",
      "a\u0085b", "a\u2028b", "a\u2029b", "\u00a0", "a\u00a0", "\ufeffa", "a\ufeff",
      // controls and non-characters, non-ASCII, a pair that is one code point
      "\u0001", "a\u0007b", "\u001b[31mred", "\u007f", "\u0080", "\u009b", "\ufffe", "\uffff", "\u00e9t\u00e9",
      "\u4e2d\u6587", "\u202eevil", "\ud83d\ude00", "yes\ud83d\ude00");

  /** Characters that make up numbers, dates, keywords and YAML syntax, and some that need escapes. */
  private static final String ALPHABET = "0123456789+-._:eExXoObBtTzZynNYaflsu~<=>!&*|#'\"\\ ?%@`,[]{}$\t\n\r"
      + "\u0001\u001b\u007f\u0085\u00a0\u2028\u2029\ufeff\ufffe\u00e9";

  private HostileScalars() {}

  /**
   * A hostile string from {@code r}: a known one, edited, or characters of {@link #ALPHABET} and beyond; never
   * NUL (the spec refuses it in env values and words) and never a lone surrogate (refused as well).
   */
  static String next(Random r) {
    StringBuilder sb = new StringBuilder();
    if (r.nextInt(4) > 0) {
      sb.append(KNOWN.get(r.nextInt(KNOWN.size())));
    }
    int edits = r.nextInt(5);
    for (int i = 0; i < edits; i++) {
      int at = r.nextInt(sb.length() + 1);
      switch (r.nextInt(5)) {
        case 0 -> sb.insert(at, KNOWN.get(r.nextInt(KNOWN.size())));
        case 1 -> {
          if (at < sb.length() && !Character.isSurrogate(sb.charAt(at))) {
            sb.deleteCharAt(at);
          }
        }
        case 2 -> sb.insert(at, String.valueOf(r.nextInt(100_000)));
        case 3 -> sb.insert(at, Character.toChars(1 + r.nextInt(0x2ffff)));
        default -> sb.insert(at, ALPHABET.charAt(r.nextInt(ALPHABET.length())));
      }
    }
    if (r.nextInt(20) == 0) { // past the emitter's 80 columns, where it folds long scalars over lines
      sb.append((" " + sb).repeat(1 + r.nextInt(20)));
    }
    String s = sb.toString().replace("\0", "");
    StringBuilder valid = new StringBuilder();
    s.codePoints().filter(c -> !Character.isSurrogate((char) c) || c > 0xffff).forEach(valid::appendCodePoint);
    return valid.toString();
  }
}
