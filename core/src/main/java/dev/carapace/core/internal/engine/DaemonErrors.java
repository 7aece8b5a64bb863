package dev.carapace.core.internal.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.exception.DockerException;

/** Reads the daemon's own words out of docker-java's exceptions. */
public final class DaemonErrors {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DaemonErrors() {}

  /**
   * The daemon's message from a docker-java failure ({@code Status 500: {"message":"..."}}), or null
   * when the failure did not come from the daemon (connection refused, timeout).
   */
  public static String daemonMessage(Throwable t) {
    if (!(t instanceof DockerException)) {
      return null;
    }
    String m = t.getMessage();
    if (m == null) {
      return "HTTP " + ((DockerException) t).getHttpStatus();
    }
    int brace = m.indexOf('{');
    if (brace >= 0) {
      try {
        JsonNode node = JSON.readTree(m.substring(brace));
        if (node.hasNonNull("message")) {
          return node.get("message").asText().trim();
        }
      } catch (java.io.IOException | RuntimeException e) {
        // not JSON: fall through to the raw text
      }
    }
    return m.replaceFirst("^Status \\d+: ", "").trim();
  }

  /** A short description of a transport failure: the innermost cause's type and message. */
  public static String transportProblem(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String msg = root.getMessage();
    return root.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
  }

  /** Whether {@code t} or one of its causes is an instance of one of {@code types}. */
  @SafeVarargs
  static boolean causedBy(Throwable t, Class<? extends Throwable>... types) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      for (Class<? extends Throwable> type : types) {
        if (type.isInstance(c)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether the failure is a TLS handshake or certificate problem. */
  public static boolean isTlsFailure(Throwable t) {
    return causedBy(t, javax.net.ssl.SSLException.class, java.security.cert.CertificateException.class);
  }

  /**
   * Whether the peer reset or closed an open connection (broken pipe, connection reset, no answer);
   * a connection that was never made ({@link #isConnectionRefused}) is not one.
   */
  public static boolean isConnectionDropped(Throwable t) {
    return !isConnectionRefused(t)
        && causedBy(t, java.net.SocketException.class, org.apache.hc.core5.http.NoHttpResponseException.class);
  }

  /**
   * Whether the connection could not be made: nothing listening (connection refused), no route to
   * the host, an unknown host.
   */
  public static boolean isConnectionRefused(Throwable t) {
    return causedBy(t, java.net.ConnectException.class, java.net.NoRouteToHostException.class,
        java.net.UnknownHostException.class);
  }

  /** The engine's answer to plain HTTP on its TLS port (Go's {@code net/http}). */
  public static final String PLAIN_HTTP_TO_TLS = "Client sent an HTTP request to an HTTPS server.";

  /** Whether the failure came from the connection (an I/O error somewhere in its causes). */
  public static boolean isTransportFailure(Throwable t) {
    return causedBy(t, java.io.IOException.class, java.io.UncheckedIOException.class);
  }

  /**
   * Whether the request surely never reached the engine: the connection or the TLS handshake failed
   * (connection refused, unknown host, a refused certificate).
   */
  public static boolean neverSent(Throwable t) {
    return causedBy(t, java.net.ConnectException.class, java.net.UnknownHostException.class,
        javax.net.ssl.SSLHandshakeException.class);
  }

  /** Whether the daemon said the image is missing. */
  public static boolean isNoSuchImage(Throwable t) {
    String m = daemonMessage(t);
    return m != null && (m.startsWith("No such image") || m.contains("No such image"));
  }
}
