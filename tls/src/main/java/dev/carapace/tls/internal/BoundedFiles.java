package dev.carapace.tls.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads a whole file that a caller or the environment named, safely: only a regular file (a
 * symbolic link is followed when its target is one), and at most a given number of bytes. A path
 * to {@code /dev/zero}, a FIFO, a directory or a socket is refused before it is opened, so reading
 * never exhausts the heap and never blocks on {@code open}. (A FIFO swapped in between the check
 * and the open is an accepted race: the JDK cannot open with {@code O_NONBLOCK}.)
 */
public final class BoundedFiles {
  private static final int S_IFMT = 0170000;

  private BoundedFiles() {}

  /** The file is not a regular file; {@link #kind()} says what it is ("a FIFO"). */
  public static final class NotRegularFileException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String kind;
    private final boolean directory;

    NotRegularFileException(Path file, String kind, boolean directory) {
      super(file + " is " + kind);
      this.kind = kind;
      this.directory = directory;
    }

    /**
     * What the file is, with its article, and the target when {@code file} is a symbolic link:
     * "a FIFO", "a character device, through a symbolic link to /dev/zero", "a directory".
     */
    public String kind() {
      return kind;
    }

    /** Whether it is a directory (or a link to one). */
    public boolean isDirectory() {
      return directory;
    }
  }

  /** The file is larger than the cap. */
  public static final class FileTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;
    private final long size;

    FileTooLargeException(Path file, long size) {
      super(file + " has " + size + " bytes");
      this.size = size;
    }

    /** The size seen: the file's length, or {@code cap + 1} when it grew while being read. */
    public long size() {
      return size;
    }
  }

  /**
   * Returns the content of {@code file}, which must be a regular file (after following symbolic
   * links) of at most {@code maxBytes} bytes.
   *
   * @throws java.nio.file.NoSuchFileException if it does not exist (also a dangling link)
   * @throws java.nio.file.AccessDeniedException if it cannot be read
   * @throws NotRegularFileException if it is a directory, a device, a FIFO or a socket
   * @throws FileTooLargeException if it holds more than {@code maxBytes} bytes
   */
  public static byte[] readRegularFile(Path file, int maxBytes) throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    if (!attributes.isRegularFile()) {
      throw new NotRegularFileException(file, kind(file, attributes), attributes.isDirectory());
    }
    if (attributes.size() > maxBytes) {
      throw new FileTooLargeException(file, attributes.size());
    }
    try (InputStream in = Files.newInputStream(file)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(attributes.size(), maxBytes));
      byte[] buffer = new byte[8192];
      long total = 0;
      int n;
      while ((n = in.read(buffer)) != -1) {
        total += n;
        if (total > maxBytes) {
          // grew since it was measured (or a /proc file that reports size 0)
          throw new FileTooLargeException(file, total);
        }
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    }
  }

  private static String kind(Path file, BasicFileAttributes attributes) {
    if (attributes.isDirectory()) {
      return "a directory" + via(file);
    }
    String kind = "a special file";
    try {
      Object mode = Files.getAttribute(file, "unix:mode");
      if (mode instanceof Integer bits) {
        switch (bits & S_IFMT) {
          case 0010000 -> kind = "a FIFO";
          case 0020000 -> kind = "a character device";
          case 0060000 -> kind = "a block device";
          case 0140000 -> kind = "a socket";
          default -> { }
        }
      }
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      // no unix view on this platform: the generic description stays
    }
    return kind + via(file);
  }

  /** ", through a symbolic link to TARGET" when {@code file} is a link; else empty. */
  private static String via(Path file) {
    if (!Files.isSymbolicLink(file)) {
      return "";
    }
    try {
      return ", through a symbolic link to " + file.toRealPath();
    } catch (IOException e) {
      return ", through a symbolic link";
    }
  }
}
