package dev.carapace.core;

/** The root of Carapace's runtime failures: what went wrong while talking to a Docker Engine. */
public class CarapaceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CarapaceException(String message, Throwable cause) {
    super(message, cause);
  }
}
