package dev.carapace.core;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A filesystem mounted into the container: a host folder or file ({@code -v /host:/ctr:ro}), a named
 * volume ({@code -v data:/data}) or a tmpfs ({@code --tmpfs /tmp:size=64m}).
 *
 * <pre>{@code
 * Mount.bind("/srv/config", ContainerPath.of("/config")).asReadOnly();
 * Mount.volume("cache", ContainerPath.of("/cache"));
 * Mount.tmpfs(ContainerPath.of("/tmp"), MemorySize.ofMebibytes(64));
 * }</pre>
 *
 * <p>Bind mounts are sent as {@code --mount type=bind}: unlike {@code -v}, the engine refuses a host
 * path that does not exist instead of creating it as root. tmpfs mounts are {@code noexec,nosuid,nodev}.
 *
 * @param type bind, volume or tmpfs
 * @param source the absolute, normalised host path (bind), the volume name (volume), empty (tmpfs)
 * @param target where it appears in the container
 * @param readOnly whether the container may only read it
 * @param size a tmpfs's size limit; empty for no limit and for other types
 */
public record Mount(Type type, String source, ContainerPath target, boolean readOnly,
    Optional<MemorySize> size) {
  private static final Pattern VOLUME_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");

  /** The kind of a mount. */
  public enum Type {
    BIND, VOLUME, TMPFS;

    /** Docker's name: bind, volume, tmpfs. */
    public String dockerName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public Mount {
    Objects.requireNonNull(type, "mount type");
    Objects.requireNonNull(source, "mount source");
    Objects.requireNonNull(target, "mount target");
    Objects.requireNonNull(size, "mount size");
    switch (type) {
      case BIND:
        source = ContainerPath.normalize("bind mount source", source);
        break;
      case VOLUME:
        if (!VOLUME_NAME.matcher(source).matches()) {
          throw new IllegalArgumentException(
              "volume name must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: " + source);
        }
        break;
      case TMPFS:
        if (!source.isEmpty()) {
          throw new IllegalArgumentException("tmpfs mount has no source: " + source);
        }
        break;
      default:
        throw new AssertionError(type);
    }
    if (size.isPresent() && type != Type.TMPFS) {
      throw new IllegalArgumentException("mount size applies to tmpfs only: " + type.dockerName());
    }
  }

  /** The host path {@code hostPath} at {@code target}, writable (add {@link #asReadOnly()}). */
  public static Mount bind(String hostPath, ContainerPath target) {
    return new Mount(Type.BIND, hostPath, target, false, Optional.empty());
  }

  /** The named volume {@code name} at {@code target}; the engine creates it if absent. */
  public static Mount volume(String name, ContainerPath target) {
    return new Mount(Type.VOLUME, name, target, false, Optional.empty());
  }

  /**
   * A tmpfs at {@code target} limited to {@code size}. A size of 0 is refused by the spec's
   * {@code build()}: the kernel reads {@code size=0} as no limit; use {@link #tmpfs(ContainerPath)}.
   */
  public static Mount tmpfs(ContainerPath target, MemorySize size) {
    Objects.requireNonNull(target, "mount target must not be null");
    Objects.requireNonNull(size, "tmpfs size must not be null");
    return new Mount(Type.TMPFS, "", target, false, Optional.of(size));
  }

  /** A tmpfs at {@code target} with the kernel's default size (half the RAM). */
  public static Mount tmpfs(ContainerPath target) {
    Objects.requireNonNull(target, "mount target must not be null");
    return new Mount(Type.TMPFS, "", target, false, Optional.empty());
  }

  /** A read-only copy of this mount ({@code :ro}). */
  public Mount asReadOnly() {
    return new Mount(type, source, target, true, size);
  }

  /** The {@code docker run} form: {@code -v src:dst[:ro]} or {@code --tmpfs dst[:size=...]}. */
  @Override
  public String toString() {
    if (type == Type.TMPFS) {
      StringBuilder sb = new StringBuilder("--tmpfs ").append(target);
      String opts = (readOnly ? "ro" : "") + size.map(s -> (readOnly ? "," : "") + "size=" + s.toDockerString()).orElse("");
      return opts.isEmpty() ? sb.toString() : sb.append(':').append(opts).toString();
    }
    return "-v " + source + ":" + target + (readOnly ? ":ro" : "");
  }
}
