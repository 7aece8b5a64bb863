package dev.carapace.tls.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Creates files and directories with their final POSIX permissions in the same system call that
 * creates them ({@code open(O_CREAT|O_EXCL, mode)}, {@code mkdir(mode)}), so a key is never
 * readable by others, not even for a moment. Existing files are never overwritten.
 */
public final class SecureFiles {
  /** {@code rw-------}: private keys. */
  public static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");
  /** {@code rw-r--r--}: certificates, which are public. */
  public static final Set<PosixFilePermission> WORLD_READABLE =
      PosixFilePermissions.fromString("rw-r--r--");
  /** {@code rwx------}: directories created for key material. */
  public static final Set<PosixFilePermission> PRIVATE_DIRECTORY =
      PosixFilePermissions.fromString("rwx------");

  private SecureFiles() {}

  /**
   * Creates {@code file} with {@code permissions} (further narrowed by the umask, never widened)
   * and writes {@code content} to it, forcing it to disk. Fails with
   * {@link java.nio.file.FileAlreadyExistsException} if the file exists, and with
   * {@link UnsupportedOperationException} on a file system without POSIX permissions. If writing
   * fails after creation, the file is deleted again.
   */
  public static void createFile(Path file, byte[] content, Set<PosixFilePermission> permissions)
      throws IOException {
    FileChannel channel =
        FileChannel.open(
            file,
            EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            PosixFilePermissions.asFileAttribute(permissions));
    try (channel) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    } catch (IOException | RuntimeException e) {
      deleteQuietly(file, e);
      throw e;
    }
  }

  /**
   * Creates {@code directory} and any missing parents with {@code rwx------}; an existing
   * directory is left as it is.
   */
  public static void createPrivateDirectories(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      Files.createDirectories(
          directory, PosixFilePermissions.asFileAttribute(PRIVATE_DIRECTORY));
    }
  }

  /** Deletes {@code file} if it exists, recording a failure as suppressed on {@code failure}. */
  public static void deleteQuietly(Path file, Throwable failure) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }
}
