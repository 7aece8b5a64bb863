package dev.carapace.core.internal.io;

import java.io.IOException;
import java.nio.file.Path;

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
    try {
      return dev.carapace.tls.internal.BoundedFiles.readRegularFile(file, maxBytes);
    } catch (dev.carapace.tls.internal.BoundedFiles.NotRegularFileException e) {
      throw new IllegalArgumentException(
          attribute + " must be a regular file: " + file + " (" + e.kind() + ")", e);
    } catch (dev.carapace.tls.internal.BoundedFiles.FileTooLargeException e) {
      String cap = maxBytes % (1 << 20) == 0 ? maxBytes / (1 << 20) + " MiB" : maxBytes + " bytes";
      throw new IllegalArgumentException(
          attribute + " must be at most " + cap + ": " + file + " (" + e.size() + " bytes)", e);
    }
  }

  /**
   * The first {@code maxBytes} bytes at most of a kernel file under {@code /proc} (its size shows as
   * 0, so it is read, not measured): a process's {@code environ}, for example.
   *
   * @throws IOException if it cannot be read (the process ended, or belongs to another user)
   */
  public static byte[] readProcFile(Path file, int maxBytes) throws IOException {
    if (!file.startsWith("/proc/")) {
      throw new IllegalArgumentException("proc file must be under /proc: " + file);
    }
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
      return in.readNBytes(maxBytes);
    }
  }
}
