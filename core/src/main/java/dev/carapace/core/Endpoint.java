package dev.carapace.core;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Where the Docker Engine listens, and how long to wait for it.
 *
 * <pre>{@code
 * Endpoint.unixSocket(Path.of("/var/run/docker.sock"));
 * Endpoint.fromEnvironment();                   // DOCKER_HOST, as the docker CLI reads it
 * }</pre>
 *
 * <p>Every call but the long-running ones (wait, logs, stats) fails after {@link #responseTimeout()},
 * so a hung daemon never hangs the caller.
 */
public final class Endpoint {
  /** The engine's usual socket, {@code unix:///var/run/docker.sock}. */
  public static final URI DEFAULT_UNIX_SOCKET = URI.create("unix:///var/run/docker.sock");

  private final URI uri;
  private final Duration connectTimeout;
  private final Duration responseTimeout;

  private Endpoint(URI uri, Duration connectTimeout, Duration responseTimeout) {
    this.uri = uri;
    this.connectTimeout = connectTimeout;
    this.responseTimeout = responseTimeout;
  }

  /** The engine's unix socket at {@code socket}, as {@code DOCKER_HOST=unix:///var/run/docker.sock}. */
  public static Endpoint unixSocket(Path socket) {
    if (!socket.isAbsolute()) {
      throw new IllegalArgumentException("unix socket path must be absolute: " + socket);
    }
    return new Endpoint(URI.create("unix://" + socket), Duration.ofSeconds(5), Duration.ofSeconds(60));
  }

  /**
   * <b>Plain, unauthenticated TCP</b> to {@code host:port} ({@code DOCKER_HOST=tcp://host:2375}):
   * anyone who can reach the port owns the host. Use it on loopback only, or use TLS.
   */
  public static Endpoint plainTcp(String host, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("docker port must be between 1 and 65535: " + port);
    }
    Objects.requireNonNull(host, "docker host");
    String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return new Endpoint(URI.create("tcp://" + h + ":" + port), Duration.ofSeconds(5), Duration.ofSeconds(60));
  }

  /**
   * Parses a {@code DOCKER_HOST} value: {@code unix:///path} or {@code tcp://host:port}.
   *
   * @throws IllegalArgumentException naming the value when it is neither
   */
  public static Endpoint parse(String dockerHost) {
    Objects.requireNonNull(dockerHost, "DOCKER_HOST");
    URI uri;
    try {
      uri = new URI(dockerHost.trim());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("DOCKER_HOST must be unix:///path or tcp://host:port: " + dockerHost);
    }
    if ("unix".equals(uri.getScheme()) && uri.getPath() != null && uri.getPath().startsWith("/")) {
      return unixSocket(Path.of(uri.getPath()));
    }
    if ("tcp".equals(uri.getScheme()) && uri.getHost() != null) {
      return plainTcp(uri.getHost(), uri.getPort() == -1 ? 2375 : uri.getPort());
    }
    throw new IllegalArgumentException("DOCKER_HOST must be unix:///path or tcp://host:port: " + dockerHost);
  }

  /** {@code DOCKER_HOST} from the process environment; the default unix socket when unset. */
  public static Endpoint fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /** {@code DOCKER_HOST} from {@code env}; the default unix socket when unset or empty. */
  public static Endpoint fromEnvironment(Map<String, String> env) {
    String host = env.get("DOCKER_HOST");
    if (host == null || host.isBlank()) {
      return unixSocket(Path.of(DEFAULT_UNIX_SOCKET.getPath()));
    }
    return parse(host);
  }

  /** A copy that waits at most {@code timeout} for a connection. Default 5 s. */
  public Endpoint connectTimeout(Duration timeout) {
    checkTimeout("connect timeout", timeout);
    return new Endpoint(uri, timeout, responseTimeout);
  }

  /**
   * A copy that waits at most {@code timeout} for each ordinary API response (create, start, inspect,
   * stop, remove...). Default 60 s. Waits, log and stats streams are bounded by their own timeouts.
   */
  public Endpoint responseTimeout(Duration timeout) {
    checkTimeout("response timeout", timeout);
    return new Endpoint(uri, connectTimeout, timeout);
  }

  private static void checkTimeout(String attribute, Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(attribute + " must be positive: " + timeout);
    }
  }

  /** The engine's address, {@code unix:///var/run/docker.sock} or {@code tcp://host:port}. */
  public URI uri() {
    return uri;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  public Duration responseTimeout() {
    return responseTimeout;
  }

  @Override
  public String toString() {
    return uri.toString();
  }
}
