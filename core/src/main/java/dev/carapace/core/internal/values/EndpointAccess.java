package dev.carapace.core.internal.values;

import dev.carapace.core.Endpoint;
import java.util.function.Function;

/**
 * Reaches {@link Endpoint}'s package-private credential parts from Carapace's internal packages, so
 * that they never become public API: the {@code Authorization} header, and the wire form with which
 * the reaper's child process rebuilds the endpoint. {@code Endpoint} installs the accessors when it
 * is initialised.
 */
public final class EndpointAccess {
  private static volatile Function<Endpoint, String> authorization;
  private static volatile Function<Endpoint, byte[]> toWire;
  private static volatile Function<byte[], Endpoint> fromWire;

  private EndpointAccess() {}

  /** Called once, by {@code Endpoint}'s static initialiser. */
  public static void install(Function<Endpoint, String> authorizationHeader, Function<Endpoint, byte[]> encode,
      Function<byte[], Endpoint> decode) {
    if (authorization != null) {
      throw new IllegalStateException("endpoint access is installed already");
    }
    toWire = encode;
    fromWire = decode;
    authorization = authorizationHeader;
  }

  /** The {@code Authorization} header value of {@code endpoint}, or null when it has no credentials. */
  public static String authorizationHeader(Endpoint endpoint) {
    return authorization.apply(endpoint); // the endpoint exists, so its class installed the accessor
  }

  /**
   * {@code endpoint} whole, its password and TLS private key included: only ever written to the
   * reaper's pipe.
   */
  public static byte[] toWire(Endpoint endpoint) {
    return toWire.apply(endpoint);
  }

  /**
   * The endpoint whose {@link #toWire wire form} is {@code wire}.
   *
   * @throws IllegalArgumentException when it is not one
   */
  public static Endpoint fromWire(byte[] wire) {
    if (fromWire == null) {
      Endpoint.DEFAULT_UNIX_SOCKET.getClass(); // initialises Endpoint, which installs the accessors
    }
    return fromWire.apply(wire);
  }
}
