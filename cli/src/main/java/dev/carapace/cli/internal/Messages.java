package dev.carapace.cli.internal;

import java.util.LinkedHashSet;
import java.util.Set;

/** The one-line messages of exit code 2: what failed, on one line, bounded; usable by every layer. */
public final class Messages {
  /** The longest error line printed; the rest is cut with {@code ...}. */
  static final int MAX_ERROR = 2000;

  private Messages() {}

  /**
   * One line saying what failed: the exception's message, then each cause's message that adds
   * something; a wrapper whose message is only its cause's {@code toString()} (class name and message)
   * is skipped, and so is a cause without a message after the first part, so no class name is shown.
   */
  public static String describe(Throwable e) {
    Set<String> parts = new LinkedHashSet<>();
    String last = "";
    int depth = 0;
    for (Throwable t = e; t != null && depth < 8; t = t.getCause() == t ? null : t.getCause(), depth++) {
      String m = t.getMessage();
      Throwable cause = t.getCause();
      if (cause != null && cause != t && m != null && m.equals(cause.toString())) {
        continue;
      }
      if (m == null || m.isBlank()) {
        if (!parts.isEmpty()) {
          continue; // a cause without a message would add only its class name
        }
        m = t.getClass().getSimpleName();
      }
      if (!last.contains(m)) {
        parts.add(m);
      }
      last = m;
      if (t instanceof InputException || parts.size() == 3) {
        break;
      }
    }
    return oneLine(String.join(": ", parts));
  }

  /** The text on one line (controls escaped), at most {@link #MAX_ERROR} characters. */
  public static String oneLine(String text) {
    String s = text == null ? "" : text;
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < MAX_ERROR; i++) {
      char c = s.charAt(i);
      if (c == '\n' || c == '\r') {
        b.append(' ');
      } else if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.length() >= MAX_ERROR ? b.substring(0, MAX_ERROR) + "..." : b.toString();
  }
}
