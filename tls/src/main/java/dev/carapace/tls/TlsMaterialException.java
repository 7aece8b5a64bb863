package dev.carapace.tls;

import dev.carapace.CarapaceException;

/**
 * TLS material could not be read, written or trusted: a PEM file is missing, unreadable, not a
 * regular file, too large or malformed, a key cannot be decrypted, or a certificate fails one of
 * the checks made before any connection (validity dates, key match, issuer, extended key usage, key
 * size and type, the chain's order, basic constraints, path length and key usages).
 *
 * <p>The message always names the file and what was wrong, in the form {@code <attribute>
 * <rule>: <actual value>}, and never contains key material or a passphrase. This exception is
 * unchecked: material that fails these checks is a configuration error to be fixed, not a
 * condition to retry.
 *
 * <pre>{@code
 * try {
 *   DockerTlsMaterial material = DockerTlsMaterial.readClient(Path.of("/etc/docker/client"));
 * } catch (TlsMaterialException e) {
 *   // e.g. "certificate has expired: /etc/docker/client/cert.pem (subject CN=client, ...)"
 * }
 * }</pre>
 */
public class TlsMaterialException extends CarapaceException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message that names the file and the problem. */
  TlsMaterialException(String message) {
    super(message, null);
  }

  /** Creates an exception with a message that names the file and the problem, and its cause. */
  TlsMaterialException(String message, Throwable cause) {
    super(message, cause);
  }
}
