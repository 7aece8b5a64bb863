package dev.carapace.tls;

import dev.carapace.tls.internal.BoundedFiles;
import dev.carapace.tls.internal.BoundedFiles.FileTooLargeException;
import dev.carapace.tls.internal.BoundedFiles.NotRegularFileException;
import dev.carapace.tls.internal.KeyDecodingException;
import dev.carapace.tls.internal.PemBlocks;
import dev.carapace.tls.internal.PemCodec;
import dev.carapace.tls.internal.SecureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes the PEM files of a Docker TLS setup: certificates (one or a bundle of several)
 * and private keys.
 *
 * <p>Reading accepts every private key format that {@code openssl} commonly writes: PKCS#1
 * {@code RSA PRIVATE KEY} ({@code openssl genrsa -traditional}), SEC1 {@code EC PRIVATE KEY}
 * with or without a preceding {@code EC PARAMETERS} block ({@code openssl ecparam -genkey}),
 * PKCS#8 {@code PRIVATE KEY} ({@code openssl genpkey}) and PKCS#8 {@code ENCRYPTED PRIVATE KEY}
 * ({@code openssl pkcs8 -topk8}) with a passphrase. Writing produces certificates and unencrypted
 * PKCS#8 keys; a key file is created owner-only ({@code rw-------}) in the very call that creates
 * it, never {@code chmod}ed afterwards, and an existing file is never overwritten.
 *
 * <p>A file is read only if it is a regular file (a symbolic link to one is followed) of at most
 * 1 MiB: a path to {@code /dev/zero}, a FIFO, a directory or a socket is refused before it is
 * opened. PEM is read exactly as {@code openssl x509 -in} and {@code openssl pkey -in} read it: a
 * UTF-8 byte order mark and text before the BEGIN line are skipped, white space inside base64 lines
 * (indented lines) is ignored, and a BEGIN or END line that does not start in the first column is
 * not one. Reading a private key file that group or others may access logs a warning (SLF4J, logger
 * {@code dev.carapace.tls.Pem}) naming the file and {@code chmod 600}.
 *
 * <p>Every failure is a {@link TlsMaterialException} naming the file and what was wrong; no
 * message contains key material or the passphrase.
 *
 * <pre>{@code
 * List<X509Certificate> cas = Pem.readCertificates(Path.of("/etc/docker/ca.pem"));
 * PrivateKey key = Pem.readPrivateKey(Path.of("/etc/docker/key.pem"), passphrase);
 * Pem.writePrivateKey(Path.of("/tmp/pki/key.pem"), key); // rw-------
 * }</pre>
 */
public final class Pem {
  /** The largest PEM file read: a CA bundle of a few hundred certificates fits. */
  static final int MAX_PEM_BYTES = 1 << 20;
  private static final String MAX_PEM_SIZE = "1 MiB";
  private static final Logger LOG = LoggerFactory.getLogger(Pem.class);

  private Pem() {}

  /**
   * Returns every certificate in {@code file}, in file order: a single certificate, a chain, or a
   * CA bundle. Blocks other than certificates (keys, {@code EC PARAMETERS}) are skipped.
   *
   * @throws TlsMaterialException if the file is missing, unreadable, not a regular file, over
   *     1 MiB, not PEM, or holds no certificate
   */
  public static List<X509Certificate> readCertificates(Path file) {
    return certificates(file, readText(file, "certificate file"));
  }

  /**
   * Returns every certificate in the CA bundle {@code file}, as {@link #readCertificates(Path)}, and
   * refuses a private-key block in it: a {@code ca.pem} is public, copied to every peer, so a key in
   * it has leaked. The message names the file and the block, never the key.
   */
  static List<X509Certificate> readCaCertificates(Path file) {
    String text = readText(file, "certificate file");
    List<String> types;
    try {
      types = PemCodec.types(text);
    } catch (IOException e) {
      types = List.of(); // certificates(..) reports the broken PEM
    }
    for (int i = 0; i < types.size(); i++) {
      if (types.get(i).endsWith("PRIVATE KEY")) {
        throw new TlsMaterialException("ca file must not contain a private key: " + file + " (block " + (i + 1)
            + " of " + types.size() + " is " + types.get(i) + "; remove it, keep the key in its own file only"
            + " its owner reads, and replace the key if others could read this one)");
      }
    }
    return certificates(file, text);
  }

  private static List<X509Certificate> certificates(Path file, String text) {
    List<X509Certificate> certificates;
    try {
      certificates = PemCodec.certificates(text);
    } catch (IOException | CertificateException e) {
      throw new TlsMaterialException(
          "certificate file is not valid PEM: " + file + " (" + e.getMessage() + ")", e);
    }
    if (certificates.isEmpty()) {
      throw new TlsMaterialException(
          "certificate file contains no CERTIFICATE block: " + file + found(text));
    }
    return List.copyOf(certificates);
  }

  /**
   * Returns the first certificate in {@code file}; for a chain that is the leaf.
   *
   * @throws TlsMaterialException as {@link #readCertificates(Path)}
   */
  public static X509Certificate readCertificate(Path file) {
    return readCertificates(file).get(0);
  }

  /**
   * Returns the unencrypted private key in {@code file}.
   *
   * @throws TlsMaterialException if the file is missing, unreadable, not a regular file, over
   *     1 MiB, holds no supported private key, or the key is encrypted
   */
  public static PrivateKey readPrivateKey(Path file) {
    return readPrivateKey(file, null);
  }

  /**
   * Returns the private key in {@code file}, decrypting an {@code ENCRYPTED PRIVATE KEY} (or a
   * legacy {@code Proc-Type: 4,ENCRYPTED} block) with {@code passphrase}. The passphrase is not
   * copied or kept; the caller may clear it afterwards.
   *
   * @param passphrase the passphrase of an encrypted key, or {@code null}; ignored when the key
   *     is not encrypted
   * @throws TlsMaterialException if the file is missing, unreadable, not a regular file, over
   *     1 MiB, holds no supported private key, or cannot be decrypted with {@code passphrase}
   */
  public static PrivateKey readPrivateKey(Path file, char[] passphrase) {
    String text = readText(file, "private key file");
    try {
      PrivateKey key = PemCodec.privateKey(text, passphrase);
      warnIfNotOwnerOnly(file);
      return key;
    } catch (KeyDecodingException e) {
      throw new TlsMaterialException(keyMessage(e, file), e.getCause());
    }
  }

  /**
   * Writes {@code certificate} to the new file {@code file} with permissions {@code rw-r--r--}.
   *
   * @throws TlsMaterialException if the file already exists or cannot be written
   */
  public static void writeCertificate(Path file, X509Certificate certificate) {
    writeCertificates(file, List.of(certificate));
  }

  /**
   * Writes {@code certificates} (a chain or a bundle) to the new file {@code file} with
   * permissions {@code rw-r--r--}.
   *
   * @throws TlsMaterialException if the file already exists or cannot be written
   */
  public static void writeCertificates(Path file, List<X509Certificate> certificates) {
    StringBuilder pem = new StringBuilder();
    for (X509Certificate certificate : certificates) {
      pem.append(certificatePem(certificate));
    }
    write(file, pem.toString(), SecureFiles.WORLD_READABLE);
  }

  /**
   * Writes {@code key} as unencrypted PKCS#8 to the new file {@code file}, created with
   * permissions {@code rw-------} atomically (the file never exists with wider permissions). If
   * writing fails, no file is left behind.
   *
   * @throws TlsMaterialException if the file already exists, the file system has no POSIX
   *     permissions, or the file cannot be written
   */
  public static void writePrivateKey(Path file, PrivateKey key) {
    write(file, privateKeyPem(key), SecureFiles.OWNER_ONLY);
  }

  /** Returns {@code certificate} as a {@code CERTIFICATE} PEM block. */
  public static String certificatePem(X509Certificate certificate) {
    try {
      return PemCodec.encode("CERTIFICATE", certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException(
          "certificate cannot be encoded: " + certificate.getSubjectX500Principal(), e);
    }
  }

  /**
   * Returns {@code key} as an unencrypted PKCS#8 {@code PRIVATE KEY} PEM block. Treat the result
   * as a secret.
   *
   * @throws IllegalArgumentException if the key has no PKCS#8 encoding (a hardware key)
   */
  public static String privateKeyPem(PrivateKey key) {
    Objects.requireNonNull(key, "key");
    if (!"PKCS#8".equals(key.getFormat()) || key.getEncoded() == null) {
      throw new IllegalArgumentException(
          "private key must have a PKCS#8 encoding: " + key.getAlgorithm() + " key in format "
              + key.getFormat());
    }
    return PemCodec.encode("PRIVATE KEY", key.getEncoded());
  }

  private static void write(Path file, String pem, Set<PosixFilePermission> permissions) {
    try {
      SecureFiles.createFile(file, pem.getBytes(StandardCharsets.US_ASCII), permissions);
    } catch (FileAlreadyExistsException e) {
      throw new TlsMaterialException("file already exists: " + file + " (it is never overwritten)", e);
    } catch (UnsupportedOperationException e) {
      throw new TlsMaterialException(
          "file system does not support POSIX permissions: " + file, e);
    } catch (IOException e) {
      throw new TlsMaterialException("file could not be written: " + file + " (" + e + ")", e);
    }
  }

  static String readText(Path file, String what) {
    Objects.requireNonNull(file, "file");
    try {
      byte[] bytes = BoundedFiles.readRegularFile(file, MAX_PEM_BYTES);
      return new String(bytes, StandardCharsets.ISO_8859_1);
    } catch (NotRegularFileException e) {
      throw new TlsMaterialException(e.isDirectory() ? what + " is a directory: " + file
          : what + " must be a regular file: " + file + " (" + e.kind() + ")", e);
    } catch (FileTooLargeException e) {
      throw new TlsMaterialException(what + " must be at most " + MAX_PEM_SIZE + ": " + file + " ("
          + e.size() + " bytes; a PEM certificate, chain or key takes a few kilobytes)", e);
    } catch (NoSuchFileException e) {
      throw new TlsMaterialException(what + " does not exist: " + file, e);
    } catch (AccessDeniedException e) {
      throw new TlsMaterialException(what + " is not readable: " + file, e);
    } catch (IOException e) {
      throw new TlsMaterialException(what + " could not be read: " + file + " (" + e + ")", e);
    }
  }

  /**
   * Logs a warning when group or others have any permission on the key file (what {@code ssh}
   * refuses outright). Says nothing on a file system without POSIX permissions.
   */
  private static void warnIfNotOwnerOnly(Path file) {
    Set<PosixFilePermission> permissions;
    try {
      permissions = Files.getPosixFilePermissions(file);
    } catch (IOException | UnsupportedOperationException e) {
      return;
    }
    boolean shared = permissions.stream().anyMatch(p -> p != PosixFilePermission.OWNER_READ
        && p != PosixFilePermission.OWNER_WRITE && p != PosixFilePermission.OWNER_EXECUTE);
    if (shared) {
      LOG.warn("private key file should be readable by its owner only: {} (permissions {}; run"
          + " chmod 600 {})", file, PosixFilePermissions.toString(permissions), file);
    }
  }

  private static String keyMessage(KeyDecodingException e, Path file) {
    switch (e.reason()) {
      case NO_KEY:
        return "private key file contains no private key: " + file
            + (e.detail().isEmpty() ? " (no PEM block)" : " (" + e.detail() + ")");
      case UNSUPPORTED_TYPE:
        return "private key file has an unsupported PEM type: " + file + " (" + e.detail()
            + "; expected PRIVATE KEY, ENCRYPTED PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)";
      case NEEDS_PASSPHRASE:
        return "private key file is encrypted and needs a passphrase: " + file;
      case WRONG_PASSPHRASE:
        return "private key file cannot be decrypted with the given passphrase: " + file;
      case UNSUPPORTED_ALGORITHM:
        return "private key file has an unsupported key type: " + file + " (" + e.detail() + ")";
      default:
        return "private key file is malformed: " + file + " (" + e.detail() + ")";
    }
  }

  private static String found(String text) {
    try {
      List<String> types = PemCodec.types(text);
      if (types.isEmpty()) {
        String hint = PemBlocks.hint(text);
        return hint.isEmpty() ? " (no PEM block)" : " (no PEM block; " + hint + ")";
      }
      return " (found " + types + ")";
    } catch (IOException e) {
      return "";
    }
  }
}
