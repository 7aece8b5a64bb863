package dev.carapace.core;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What {@link RunningContainer#copyInto(ContainerPath, CopySource)} copies into a container: bytes, a
 * string, or a host file or directory, with the permissions and the owner the entries get there.
 *
 * <pre>{@code
 * web.copyInto(ContainerPath.of("/www/index.html"),
 *     CopySource.ofString("<h1>hello</h1>\n").mode(0640).owner(0, 1000));   // rw-r----- root:1000
 * }</pre>
 *
 * <p><b>Defaults.</b> Bytes and strings become a regular file with mode {@code 0644} ({@code rw-r--r--}),
 * owned by root ({@code 0:0}): every user of the container can read it, only root can change it, as
 * with a file a package installs. The spec's user is not the default, because the same file often
 * serves several containers and users, and because a file its reader can rewrite is a loosening that
 * should be written out ({@code owner(1000, 1000)}). A host path keeps the host's permissions, as
 * {@code docker cp} does, and is owned by root too (never the host user's uid, which means nothing in
 * the container).
 *
 * <p>{@link #mode(int)} sets the permission bits; for a host directory it applies to every regular
 * file, and each directory gets the same bits plus an execute bit wherever a read bit is set (as
 * {@code chmod -R a=rX} does), so that what can be read can be entered. Symbolic links keep their
 * targets. Setuid, setgid and sticky bits are refused: copy never creates them (a host file's are
 * dropped). {@link #owner(int, int)} sets the numeric uid and gid of every entry; the engine applies
 * them as they are, without looking them up in the container's {@code /etc/passwd}.
 *
 * <p>Instances are immutable; {@code mode} and {@code owner} return a new one. Bytes are copied when
 * given, so later changes to the caller's array are not seen. {@link #toString()} never shows the
 * content.
 */
public final class CopySource {
  private static final int DEFAULT_FILE_MODE = 0644;

  private final byte[] bytes;
  private final Path path;
  private final int mode;
  private final int uid;
  private final int gid;

  private CopySource(byte[] bytes, Path path, int mode, int uid, int gid) {
    this.bytes = bytes;
    this.path = path;
    this.mode = mode;
    this.uid = uid;
    this.gid = gid;
  }

  /** A regular file holding a copy of {@code content}; mode {@code 0644}, owned by root unless changed. */
  public static CopySource ofBytes(byte[] content) {
    Objects.requireNonNull(content, "copy source bytes");
    return new CopySource(content.clone(), null, DEFAULT_FILE_MODE, 0, 0);
  }

  /** A regular file holding {@code content} in UTF-8; mode {@code 0644}, owned by root unless changed. */
  public static CopySource ofString(String content) {
    Objects.requireNonNull(content, "copy source string");
    return new CopySource(content.getBytes(StandardCharsets.UTF_8), null, DEFAULT_FILE_MODE, 0, 0);
  }

  /**
   * The host file or directory {@code hostPath} (followed if it is a link itself), read when it is
   * copied, not now; the host's permissions minus setuid, setgid and sticky, owned by root unless changed.
   */
  public static CopySource ofPath(Path hostPath) {
    Objects.requireNonNull(hostPath, "copy source path");
    return new CopySource(null, hostPath, -1, 0, 0);
  }

  /**
   * The same content with these permission bits ({@code 0} to {@code 0777}; write them in octal,
   * {@code 0640}). For a host directory, every regular file gets them and every directory gets them
   * plus an execute bit for each read bit.
   *
   * @throws IllegalArgumentException when {@code mode} is negative, above {@code 07777}, or has the
   *     setuid, setgid or sticky bit
   */
  public CopySource mode(int mode) {
    if (mode < 0 || mode > 07777) {
      throw new IllegalArgumentException("copy source mode must be between 0 and 07777 (octal): "
          + (mode < 0 ? Integer.toString(mode) : octal(mode)));
    }
    if ((mode & 07000) != 0) {
      throw new IllegalArgumentException("copy source mode must not set setuid, setgid or sticky bits: "
          + octal(mode) + " (use " + octal(mode & 0777) + ")");
    }
    return new CopySource(bytes, path, mode, uid, gid);
  }

  /**
   * The same content owned by this numeric uid and gid in the container ({@code docker cp} then
   * {@code chown uid:gid}); default {@code 0:0}.
   *
   * @throws IllegalArgumentException when either is negative ({@code 0} to {@code 2^31-1})
   */
  public CopySource owner(int uid, int gid) {
    requireId("copy source uid", uid);
    requireId("copy source gid", gid);
    return new CopySource(bytes, path, mode, uid, gid);
  }

  private static void requireId(String attribute, int id) {
    if (id < 0) {
      throw new IllegalArgumentException(attribute + " must be between 0 and 2147483647: " + id);
    }
  }

  private static String octal(int mode) {
    return mode == 0 ? "0" : "0" + Integer.toOctalString(mode);
  }

  /** The host path, when this is {@link #ofPath}; empty for bytes and strings. */
  public java.util.Optional<Path> path() {
    return java.util.Optional.ofNullable(path);
  }

  /** A copy of the content, when this is {@link #ofBytes} or {@link #ofString}; empty for a host path. */
  public java.util.Optional<byte[]> bytes() {
    return bytes == null ? java.util.Optional.empty() : java.util.Optional.of(bytes.clone());
  }

  /** The permission bits; empty for a host path whose host permissions are kept. */
  public OptionalInt mode() {
    return mode < 0 ? OptionalInt.empty() : OptionalInt.of(mode);
  }

  /** The uid of every entry in the container. */
  public int uid() {
    return uid;
  }

  /** The gid of every entry in the container. */
  public int gid() {
    return gid;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CopySource s && Arrays.equals(bytes, s.bytes) && Objects.equals(path, s.path)
        && mode == s.mode && uid == s.uid && gid == s.gid;
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(bytes), path, mode, uid, gid);
  }

  /** The kind and size or path, the mode and the owner; never the content. */
  @Override
  public String toString() {
    return "CopySource[" + (path != null ? "path " + path : bytes.length + " bytes")
        + ", mode " + (mode < 0 ? "from the host" : octal(mode))
        + ", owner " + uid + ":" + gid + "]";
  }
}
