package dev.carapace.core;

import dev.carapace.CarapaceException;
import java.util.OptionalInt;

/**
 * Carapace's own exchange with a registry's HTTP API failed: resolving a tag to its digest
 * ({@link RegistryAccess#resolveDigest}), or signing an image ({@link ImageSigner#sign}). The message
 * names the image, the registry, the request and the reason (a status, a refusal, a timeout, a
 * redirect refused); never a password or token.
 *
 * <pre>
 * 127.0.0.1:5443/team/app:1: registry 127.0.0.1:5443 did not answer GET /v2/team/app/manifests/1 within 30000 ms (the registry timeout of this verification)
 * </pre>
 */
public final class RegistryException extends CarapaceException {
  private static final long serialVersionUID = 1L;
  private final String image;
  private final String registry;
  private final int status;

  RegistryException(String image, String registry, String reason, int status, Throwable cause) {
    super(image + ": " + reason, cause);
    this.image = image;
    this.registry = registry;
    this.status = status;
  }

  /** The image, as given. */
  public String image() {
    return image;
  }

  /** The registry, as image references name it ({@code docker.io} for Docker Hub). */
  public String registry() {
    return registry;
  }

  /** The HTTP status the registry answered with; empty when it did not answer (a timeout, a TLS failure). */
  public OptionalInt status() {
    return status > 0 ? OptionalInt.of(status) : OptionalInt.empty();
  }
}
