package dev.carapace.core.internal.values;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go's duration syntax ({@code time.ParseDuration}, {@code Duration.String}), which the Docker CLI's
 * {@code --health-*} flags and Compose's durations ({@code stop_grace_period}, {@code healthcheck.interval})
 * take: {@code 30s}, {@code 1m30s}, {@code 1.5h}, {@code 500ms}.
 */
public final class GoDurations {
  private static final Pattern PART = Pattern.compile("([0-9]*(?:\\.[0-9]*)?)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)");

  private GoDurations() {}

  /**
   * Parses {@code text}, naming {@code what} in the message when it is not a duration.
   *
   * @throws IllegalArgumentException {@code WHAT must be a duration like 30s, 1m30s or 500ms: TEXT}, or too long
   */
  public static Duration parse(String what, String text) {
    String s = text;
    boolean negative = false;
    if (s.startsWith("-") || s.startsWith("+")) {
      negative = s.startsWith("-");
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = PART.matcher(s);
    BigDecimal nanos = BigDecimal.ZERO;
    int at = 0;
    while (at < s.length() && m.region(at, s.length()).lookingAt()) { // find(at) would rescan: quadratic
      String number = m.group(1);
      if (number.isEmpty() || number.equals(".")) {
        break;
      }
      nanos = nanos.add(new BigDecimal(number).multiply(unitNanos(m.group(2))));
      at = m.end();
    }
    if (at == 0 || at != s.length()) {
      throw new IllegalArgumentException(what + " must be a duration like 30s, 1m30s or 500ms: " + text);
    }
    try {
      long n = nanos.setScale(0, java.math.RoundingMode.DOWN).longValueExact();
      return Duration.ofNanos(negative ? -n : n);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(what + " is too long: " + text);
    }
  }

  private static BigDecimal unitNanos(String unit) {
    switch (unit) {
      case "ns": return BigDecimal.ONE;
      case "us": case "\u00b5s": case "\u03bcs": return BigDecimal.valueOf(1_000L);
      case "ms": return BigDecimal.valueOf(1_000_000L);
      case "s": return BigDecimal.valueOf(1_000_000_000L);
      case "m": return BigDecimal.valueOf(60_000_000_000L);
      default: return BigDecimal.valueOf(3_600_000_000_000L);
    }
  }

  /** {@code d} exactly, as Go's parser reads it back: {@code 1h2m3.5s}, {@code 0.25s}, {@code 0s}. */
  public static String format(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    if (d.isNegative()) {
      sb.append('-');
      d = d.negated();
    }
    long hours = d.toHours();
    int minutes = d.toMinutesPart();
    Duration rest = d.minusHours(hours).minusMinutes(minutes);
    if (hours > 0) {
      sb.append(hours).append('h');
    }
    if (minutes > 0) {
      sb.append(minutes).append('m');
    }
    if (!rest.isZero()) {
      sb.append(BigDecimal.valueOf(rest.getSeconds()).add(BigDecimal.valueOf(rest.getNano(), 9))
          .stripTrailingZeros().toPlainString()).append('s');
    }
    return sb.toString();
  }
}
