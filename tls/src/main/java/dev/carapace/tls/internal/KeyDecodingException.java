package dev.carapace.tls.internal;

/**
 * A private key could not be decoded. Carries a {@link Reason} and a detail that never contains
 * key material or a passphrase; the caller adds the file name.
 */
public final class KeyDecodingException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why decoding failed. */
  public enum Reason {
    /** The PEM text holds no private key block. */
    NO_KEY,
    /** A private key block of a type this module does not read. */
    UNSUPPORTED_TYPE,
    /** The key is encrypted and no passphrase was given. */
    NEEDS_PASSPHRASE,
    /** The key could not be decrypted with the given passphrase. */
    WRONG_PASSPHRASE,
    /** The key algorithm or curve is not supported by the JDK. */
    UNSUPPORTED_ALGORITHM,
    /** The PEM or DER structure is broken. */
    MALFORMED
  }

  private final Reason reason;
  private final String detail;

  /** Creates the exception; {@code detail} must not contain secrets. */
  public KeyDecodingException(Reason reason, String detail, Throwable cause) {
    super(reason + (detail.isEmpty() ? "" : ": " + detail), cause);
    this.reason = reason;
    this.detail = detail;
  }

  /** Returns why decoding failed. */
  public Reason reason() {
    return reason;
  }

  /** Returns a secret-free detail such as the PEM types found, possibly empty. */
  public String detail() {
    return detail;
  }
}
