package dev.carapace.core;

import java.util.Optional;

/**
 * A registry refused a pull for want of credentials, or refused the credentials given, or the
 * credentials could not be read (a credential helper absent or failing, a malformed
 * {@code config.json}). The message names the registry and, when credentials were sent, the user;
 * never a password, token or {@code auth} value.
 *
 * <pre>
 * pull of 127.0.0.1:5443/team/app:1 failed: registry 127.0.0.1:5443 refused the credentials of user ci (...): daemon said: unauthorized: authentication required
 * </pre>
 */
public final class RegistryAuthenticationException extends LaunchException {
  private static final long serialVersionUID = 1L;

  private final String registry;
  private final String username;

  /**
   * @param registry the registry's host and port as in the image reference, {@code docker.io} for Docker Hub
   * @param username the user whose credentials were refused, or null when none were sent
   */
  RegistryAuthenticationException(Step step, String image, String registry, String username,
      String detail, String daemonMessage, Throwable cause) {
    super(step, image, null, detail, daemonMessage, cause);
    this.registry = registry;
    this.username = username;
  }

  /** The registry, as in the image reference ({@code docker.io} for Docker Hub). */
  public String registry() {
    return registry;
  }

  /** The user whose credentials the registry refused; empty when no credentials were sent. */
  public Optional<String> username() {
    return Optional.ofNullable(username);
  }
}
