package dev.carapace.core;

/**
 * The endpoint refused who we are: a reverse proxy answered 401 or 403 to the basic-auth
 * credentials (or their absence). The message names the endpoint and the user, never the password.
 * Thrown at whichever {@linkplain #step() step} met the refusal, a launch's or an operation's.
 */
public final class EngineAuthenticationException extends EngineException {
  private static final long serialVersionUID = 1L;

  EngineAuthenticationException(Step step, String image, String endpoint, int httpStatus,
      Throwable cause) {
    super(step, image, null, "authentication failed at " + endpoint + ": HTTP " + httpStatus
        + (httpStatus == 401 ? " (wrong or missing basic-auth credentials)" : " (forbidden)"), null, cause);
  }
}
