package dev.carapace;

/**
 * The root of every failure Carapace throws at run time: what went wrong while reading TLS material,
 * talking to a Docker Engine, judging a spec by a policy or deploying to a cluster. Unchecked. Catch
 * it to handle any of them; catch a subclass (see {@link dev.carapace the package}) for one kind.
 *
 * <p>Mistakes in the caller's code are not Carapace exceptions: an invalid value or spec is an
 * {@link IllegalArgumentException}, a call at the wrong time an {@link IllegalStateException}.
 *
 * <p>Only Carapace's modules create these: the constructors are {@code protected}, for the subclasses
 * in those modules.
 */
public class CarapaceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** For Carapace's subclasses: {@code message} names what failed, {@code cause} may be null. */
  protected CarapaceException(String message, Throwable cause) {
    super(message, cause);
  }
}
