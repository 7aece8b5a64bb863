package dev.carapace.core;

import java.util.Objects;

/**
 * How much {@link RunningContainer#copyInto} and {@link RunningContainer#copyFrom} may move in one
 * call: the total size of the regular files' contents, and the number of entries (files,
 * directories, links). A copy beyond either fails before anything is written on the host (copy in:
 * before anything is sent; copy out: what was extracted is deleted).
 *
 * <pre>{@code
 * container.copyFrom(ContainerPath.of("/data/report"), Path.of("report"),
 *     CopyLimits.defaults().maxSize(MemorySize.ofMebibytes(16)));
 * }</pre>
 *
 * @param maxSize the most file content, in total; default 256 MiB
 * @param maxEntries the most entries; default 100,000
 */
public record CopyLimits(MemorySize maxSize, int maxEntries) {
  private static final CopyLimits DEFAULTS = new CopyLimits(MemorySize.ofMebibytes(256), 100_000);

  public CopyLimits {
    Objects.requireNonNull(maxSize, "copy max size");
    if (maxEntries < 1) {
      throw new IllegalArgumentException("copy max entries must be at least 1: " + maxEntries);
    }
  }

  /** 256 MiB of file content and 100,000 entries. */
  public static CopyLimits defaults() {
    return DEFAULTS;
  }

  /** A copy with this size limit. */
  public CopyLimits maxSize(MemorySize value) {
    return new CopyLimits(value, maxEntries);
  }

  /** A copy with this entry limit. */
  public CopyLimits maxEntries(int value) {
    return new CopyLimits(maxSize, value);
  }
}
