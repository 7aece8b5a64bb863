package dev.carapace.core.internal.values;

import dev.carapace.core.Endpoint;
import java.util.function.Function;

/**
 * Reaches {@link Endpoint}'s package-private {@code Authorization} header from Carapace's internal
 * packages, so that the credential never becomes public API. {@code Endpoint} installs the accessor
 * when it is initialised.
 */
public final class EndpointAccess {
  private static volatile Function<Endpoint, String> authorization;

  private EndpointAccess() {}

  /** Called once, by {@code Endpoint}'s static initialiser. */
  public static void install(Function<Endpoint, String> accessor) {
    if (authorization != null) {
      throw new IllegalStateException("endpoint access is installed already");
    }
    authorization = accessor;
  }

  /** The {@code Authorization} header value of {@code endpoint}, or null when it has no credentials. */
  public static String authorizationHeader(Endpoint endpoint) {
    return authorization.apply(endpoint); // the endpoint exists, so its class installed the accessor
  }
}
