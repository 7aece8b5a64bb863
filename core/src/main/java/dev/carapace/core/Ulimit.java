package dev.carapace.core;

import java.util.Objects;
import java.util.Set;

/**
 * A resource limit for the container's processes, as taken by {@code docker run --ulimit nofile=1024:2048}.
 *
 * <pre>{@code
 * new Ulimit("nofile", 1024, 2048);
 * Ulimit.parse("nproc=64");          // soft = hard = 64
 * }</pre>
 *
 * @param name one of Docker's names: core, cpu, data, fsize, locks, memlock, msgqueue, nice,
 *     nofile, nproc, rss, rtprio, rttime, sigpending, stack
 * @param soft the soft limit; -1 means unlimited
 * @param hard the hard limit; -1 means unlimited; at least {@code soft}
 */
public record Ulimit(String name, long soft, long hard) {
  /** The names Docker accepts (moby's {@code ulimit.ulimitNameMapping}). */
  public static final Set<String> NAMES = Set.of("core", "cpu", "data", "fsize", "locks", "memlock",
      "msgqueue", "nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack");

  /** Go's {@code strconv.ParseInt} syntax, ASCII digits only (Java's parser also takes other scripts'). */
  private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile("[+-]?[0-9]+");

  public Ulimit {
    Objects.requireNonNull(name, "ulimit name");
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException("ulimit name must be one of " + new java.util.TreeSet<>(NAMES)
          + ": " + name);
    }
    if (soft < -1 || hard < -1) {
      throw new IllegalArgumentException("ulimit " + name + " must be -1 (unlimited) or more: "
          + soft + ":" + hard);
    }
    if (hard != -1 && (soft == -1 || soft > hard)) {
      throw new IllegalArgumentException("ulimit " + name + " soft limit must be at most the hard limit: "
          + soft + ":" + hard);
    }
  }

  /** Parses {@code name=soft[:hard]}, the {@code --ulimit} syntax. */
  public static Ulimit parse(String text) {
    Objects.requireNonNull(text, "ulimit");
    int eq = text.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("ulimit must look like name=soft[:hard]: " + text);
    }
    String name = text.substring(0, eq);
    String limits = text.substring(eq + 1);
    int colon = limits.indexOf(':');
    String softText = colon < 0 ? limits : limits.substring(0, colon);
    String hardText = colon < 0 ? softText : limits.substring(colon + 1);
    if (!NUMBER.matcher(softText).matches() || !NUMBER.matcher(hardText).matches()) {
      throw new IllegalArgumentException("ulimit must look like name=soft[:hard]: " + text);
    }
    try {
      return new Ulimit(name, Long.parseLong(softText), Long.parseLong(hardText));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("ulimit limit is too large: " + text);
    }
  }

  /** The {@code --ulimit} form, {@code nofile=1024:2048}. */
  @Override
  public String toString() {
    return name + "=" + soft + ":" + hard;
  }
}
