package dev.carapace.core.internal.io;

/** Shows values in messages so that what cannot be seen (a non-breaking space, a control character) can. */
public final class Strings {
  private Strings() {}

  /**
   * {@code s} as is when it is printable ASCII without blanks; else in double quotes, with every
   * other character written as {@code \\uXXXX} (a non-breaking space shows as {@code \\u00a0}).
   */
  public static String show(String s) {
    boolean plain = !s.isEmpty();
    for (int i = 0; i < s.length() && plain; i++) {
      char c = s.charAt(i);
      plain = c > 0x20 && c < 0x7f;
    }
    if (plain) {
      return s;
    }
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7f) {
        sb.append(c);
      } else {
        sb.append(String.format("\\u%04x", (int) c));
      }
    }
    return sb.append('"').toString();
  }

  /**
   * A value too long to show whole, for a "must be at most N characters" message: its length, then
   * its first 20 characters as {@link #show} writes them, e.g. {@code 1000000 (nnnnnnnnnnnnnnnnnnnn...)}.
   */
  public static String lengthAndStart(String s) {
    return s.length() + " (" + show(s.substring(0, Math.min(20, s.length()))) + "...)";
  }

  /** {@code s} in double quotes, {@code "} and {@code \} escaped, control characters as {@code \n} or {@code \\uXXXX}. */
  public static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\r':
          sb.append("\\r");
          break;
        case '\t':
          sb.append("\\t");
          break;
        default:
          if (c < 0x20 || c == 0x7f) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    return sb.append('"').toString();
  }
}
