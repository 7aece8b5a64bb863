package dev.carapace.core.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads a whole file that a caller or the environment named (a seccomp profile, a docker context's
 * {@code meta.json}, {@code ~/.docker/config.json}), safely: only a regular file (a symbolic link
 * is followed when its target is one), and at most a given number of bytes. A path to
 * {@code /dev/zero}, a FIFO, a directory or a socket is refused before it is opened, so reading
 * never exhausts the heap and never blocks on {@code open}. (A FIFO swapped in between the check
 * and the open is an accepted race: the JDK cannot open with {@code O_NONBLOCK}.)
 *
 * <p>The tls module has its own copy for PEM files: it does not depend on core, and this is not API.
 */
public final class BoundedFiles {
  /** The cap for JSON files: a seccomp profile (Docker's default is about 20 KiB) or a config. */
  public static final int MAX_JSON_BYTES = 1 << 20;

  private static final int S_IFMT = 0170000;

  private BoundedFiles() {}

  /**
   * Returns the content of {@code file}, which must be a regular file (after following symbolic
   * links) of at most {@code maxBytes} bytes.
   *
   * @param attribute what the file is, for the message: {@code seccomp profile}
   * @throws IllegalArgumentException {@code <attribute> must be a regular file: <file> (a FIFO)} or
   *     {@code <attribute> must be at most 1 MiB: <file> (<size> bytes)}
   * @throws java.nio.file.NoSuchFileException if it does not exist (also a dangling link)
   * @throws IOException if it cannot be read
   */
  public static byte[] readRegularFile(Path file, String attribute, int maxBytes)
      throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    if (!attributes.isRegularFile()) {
      throw new IllegalArgumentException(
          attribute + " must be a regular file: " + file + " (" + kind(file, attributes) + ")");
    }
    if (attributes.size() > maxBytes) {
      throw tooLarge(file, attribute, maxBytes, attributes.size());
    }
    try (InputStream in = Files.newInputStream(file)) {
      ByteArrayOutputStream out =
          new ByteArrayOutputStream((int) Math.min(attributes.size(), maxBytes));
      byte[] buffer = new byte[8192];
      long total = 0;
      int n;
      while ((n = in.read(buffer)) != -1) {
        total += n;
        if (total > maxBytes) {
          // grew since it was measured (or a /proc file that reports size 0)
          throw tooLarge(file, attribute, maxBytes, total);
        }
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    }
  }

  private static IllegalArgumentException tooLarge(Path file, String attribute, int maxBytes,
      long size) {
    String cap = maxBytes % (1 << 20) == 0 ? maxBytes / (1 << 20) + " MiB" : maxBytes + " bytes";
    return new IllegalArgumentException(
        attribute + " must be at most " + cap + ": " + file + " (" + size + " bytes)");
  }

  private static String kind(Path file, BasicFileAttributes attributes) {
    String kind = attributes.isDirectory() ? "a directory" : "a special file";
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
    if (Files.isSymbolicLink(file)) {
      try {
        return kind + ", through a symbolic link to " + file.toRealPath();
      } catch (IOException e) {
        return kind + ", through a symbolic link";
      }
    }
    return kind;
  }
}
