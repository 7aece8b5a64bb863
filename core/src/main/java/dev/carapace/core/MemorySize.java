package dev.carapace.core;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An amount of memory in bytes, as taken by {@code docker run --memory}, {@code --memory-swap},
 * {@code --tmpfs size=} and {@code --shm-size}.
 *
 * <pre>{@code
 * MemorySize.ofMebibytes(64);
 * MemorySize.parse("64m");      // Docker's spelling: binary units, k m g t p, optional i and b; 1.5g too
 * }</pre>
 */
public final class MemorySize implements Comparable<MemorySize> {
  private static final long KIB = 1024L;
  private static final long MIB = KIB * 1024;
  private static final long GIB = MIB * 1024;
  private static final long TIB = GIB * 1024;

  /** docker/go-units' sizeRegex; {@code [0-9]} rather than {@code \\d}, which in Go is ASCII only too. */
  private static final Pattern SIZE = Pattern.compile("([0-9]+(\\.[0-9]+)*) ?([kKmMgGtTpP])?[iI]?[bB]?");

  private final long bytes;

  private MemorySize(long bytes) {
    this.bytes = bytes;
  }

  /** @throws IllegalArgumentException when negative */
  public static MemorySize ofBytes(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("memory size must not be negative: " + bytes);
    }
    return new MemorySize(bytes);
  }

  public static MemorySize ofKibibytes(long n) {
    return ofBytes(multiply(n, KIB));
  }

  public static MemorySize ofMebibytes(long n) {
    return ofBytes(multiply(n, MIB));
  }

  public static MemorySize ofGibibytes(long n) {
    return ofBytes(multiply(n, GIB));
  }

  private static long multiply(long n, long unit) {
    if (n < 0) {
      throw new IllegalArgumentException("memory size must not be negative: " + n);
    }
    if (n > Long.MAX_VALUE / unit) {
      throw new IllegalArgumentException("memory size is too large: " + n + " * " + unit);
    }
    return n * unit;
  }

  /**
   * Parses Docker's memory syntax ({@code RAMInBytes} of docker/go-units): a number, whole or with a
   * fraction ({@code 1.5g}), an optional blank, an optional binary unit {@code k m g t p} in any case,
   * optionally followed by {@code i} and {@code b} ({@code 512}, {@code 64m}, {@code 64MiB}, {@code 1.5g},
   * {@code 2GB}). A fraction of a byte is dropped, as Docker does. Digits are ASCII only.
   *
   * @throws IllegalArgumentException naming the value
   */
  public static MemorySize parse(String text) {
    if (text == null) {
      throw new NullPointerException("memory size must not be null");
    }
    Matcher m = SIZE.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("memory size must be a number with a unit like 64m or 1.5g: " + text);
    }
    if (m.group(1).length() > 40) {
      throw new IllegalArgumentException("memory size is too large: " + text);
    }
    BigDecimal n;
    try {
      n = new BigDecimal(m.group(1));
    } catch (NumberFormatException e) { // 1.2.3: Docker's grammar allows it, its ParseFloat does not
      throw new IllegalArgumentException("memory size must be a number with a unit like 64m or 1.5g: " + text);
    }
    long mul;
    switch (m.group(3) == null ? "" : m.group(3).toLowerCase(Locale.ROOT)) {
      case "k": mul = KIB; break;
      case "m": mul = MIB; break;
      case "g": mul = GIB; break;
      case "t": mul = TIB; break;
      case "p": mul = TIB * 1024; break;
      default: mul = 1; break;
    }
    BigDecimal bytes = n.multiply(BigDecimal.valueOf(mul)).setScale(0, RoundingMode.DOWN);
    if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new IllegalArgumentException("memory size is too large: " + text);
    }
    return ofBytes(bytes.longValueExact());
  }

  public long bytes() {
    return bytes;
  }

  /** The shortest exact form Docker accepts: {@code 64m}, {@code 1g}, {@code 1536k}, {@code 100}. */
  public String toDockerString() {
    if (bytes != 0 && bytes % GIB == 0) {
      return bytes / GIB + "g";
    }
    if (bytes != 0 && bytes % MIB == 0) {
      return bytes / MIB + "m";
    }
    if (bytes != 0 && bytes % KIB == 0) {
      return bytes / KIB + "k";
    }
    return Long.toString(bytes);
  }

  @Override
  public int compareTo(MemorySize o) {
    return Long.compare(bytes, o.bytes);
  }

  /** A readable exact form: {@code 64MiB}, {@code 1GiB}, {@code 1536KiB}, {@code 100B}. */
  @Override
  public String toString() {
    if (bytes != 0 && bytes % GIB == 0) {
      return bytes / GIB + "GiB";
    }
    if (bytes != 0 && bytes % MIB == 0) {
      return bytes / MIB + "MiB";
    }
    if (bytes != 0 && bytes % KIB == 0) {
      return bytes / KIB + "KiB";
    }
    return bytes + "B";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MemorySize && ((MemorySize) o).bytes == bytes;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(bytes);
  }
}
