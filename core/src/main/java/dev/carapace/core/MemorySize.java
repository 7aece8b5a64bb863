package dev.carapace.core;

import java.util.Locale;

/**
 * An amount of memory in bytes, as taken by {@code docker run --memory}, {@code --memory-swap},
 * {@code --tmpfs size=} and {@code --shm-size}.
 *
 * <pre>{@code
 * MemorySize.ofMebibytes(64);
 * MemorySize.parse("64m");      // Docker's spelling: binary units, k m g t, optional b or ib
 * }</pre>
 */
public final class MemorySize implements Comparable<MemorySize> {
  private static final long KIB = 1024L;
  private static final long MIB = KIB * 1024;
  private static final long GIB = MIB * 1024;
  private static final long TIB = GIB * 1024;

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
   * Parses Docker's memory syntax: a whole number with an optional binary unit {@code b k m g t},
   * optionally followed by {@code b} or {@code ib}, any case ({@code 512}, {@code 64m}, {@code 64MiB},
   * {@code 1g}, {@code 2GB}).
   *
   * @throws IllegalArgumentException naming the value
   */
  public static MemorySize parse(String text) {
    if (text == null) {
      throw new NullPointerException("memory size");
    }
    String s = text.trim().toLowerCase(Locale.ROOT);
    int i = 0;
    while (i < s.length() && Character.isDigit(s.charAt(i))) {
      i++;
    }
    if (i == 0 || i > 19) {
      throw new IllegalArgumentException("memory size must be a number with a unit like 64m: " + text);
    }
    long n;
    try {
      n = Long.parseLong(s.substring(0, i));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("memory size is too large: " + text);
    }
    String unit = s.substring(i);
    long mul;
    switch (unit) {
      case "": case "b": mul = 1; break;
      case "k": case "kb": case "kib": mul = KIB; break;
      case "m": case "mb": case "mib": mul = MIB; break;
      case "g": case "gb": case "gib": mul = GIB; break;
      case "t": case "tb": case "tib": mul = TIB; break;
      default:
        throw new IllegalArgumentException(
            "memory size must be a number with a unit like 64m: " + text);
    }
    return ofBytes(multiply(n, mul));
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
