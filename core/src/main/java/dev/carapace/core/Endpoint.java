package dev.carapace.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.carapace.core.internal.io.BoundedFiles;
import dev.carapace.core.internal.values.JsonTrees;
import dev.carapace.tls.DockerTlsMaterial;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Where the Docker Engine listens, how to prove who we are to it, and how long to wait for it.
 *
 * <pre>{@code
 * Endpoint.unixSocket(Path.of("/var/run/docker.sock"));
 * Endpoint.tls("127.0.0.1", 2376, DockerTlsMaterial.readClient(Path.of("/home/me/.docker")));
 * Endpoint.plainTcp("127.0.0.1", 2380).basicAuth("carapace", password);   // the seed's nginx proxy
 * Endpoint.fromEnvironment();   // DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, DOCKER_CONTEXT
 * }</pre>
 *
 * <p>TLS is mutual and fails closed: the server certificate must chain to the material's CA and
 * name the host dialled; missing or bad material is an error, never a fall back to plain HTTP.
 * Basic-auth credentials are sent on every request, never appear in {@code toString}, logs or
 * messages, and are refused over plain TCP to a host other than loopback unless
 * {@link #allowCredentialsOverPlainTcp()} says otherwise.
 *
 * <p>Every call but the long-running ones (wait, logs, stats) fails after {@link #responseTimeout()},
 * so a hung daemon never hangs the caller.
 */
public final class Endpoint {
  static {
    dev.carapace.core.internal.values.EndpointAccess.install(Endpoint::authorizationHeader, Endpoint::toWire,
        Endpoint::fromWire);
  }

  /** The engine's usual socket, {@code unix:///var/run/docker.sock}. */
  public static final URI DEFAULT_UNIX_SOCKET = URI.create("unix:///var/run/docker.sock");

  private final URI uri;
  private final SSLContext sslContext;
  /** The material {@link #sslContext} was made from, for the reaper; null without TLS. */
  private final DockerTlsMaterial material;
  private final String tlsSource;
  private final String username;
  private final char[] password;
  private final boolean plainCredentialsAllowed;
  private final Duration connectTimeout;
  private final Duration responseTimeout;

  private Endpoint(URI uri, SSLContext sslContext, DockerTlsMaterial material, String tlsSource, String username, char[] password,
      boolean plainCredentialsAllowed, Duration connectTimeout, Duration responseTimeout) {
    this.uri = uri;
    this.sslContext = sslContext;
    this.material = material;
    this.tlsSource = tlsSource;
    this.username = username;
    this.password = password;
    this.plainCredentialsAllowed = plainCredentialsAllowed;
    this.connectTimeout = connectTimeout;
    this.responseTimeout = responseTimeout;
  }

  private static Endpoint of(URI uri) {
    return new Endpoint(uri, null, null, null, null, null, false, Duration.ofSeconds(5), Duration.ofSeconds(60));
  }

  /** The engine's unix socket at {@code socket}, as {@code DOCKER_HOST=unix:///var/run/docker.sock}. */
  public static Endpoint unixSocket(Path socket) {
    Objects.requireNonNull(socket, "unix socket path must not be null");
    if (!socket.isAbsolute()) {
      throw new IllegalArgumentException("unix socket path must be absolute: " + socket);
    }
    return of(URI.create("unix://" + socket));
  }

  /**
   * <b>Plain, unauthenticated TCP</b> to {@code host:port} ({@code DOCKER_HOST=tcp://host:2375}):
   * anyone who can reach the port owns the host. Use it on loopback only, or use {@link #tls}.
   */
  public static Endpoint plainTcp(String host, int port) {
    return of(tcpUri(host, port));
  }

  /**
   * Mutual TLS to {@code host:port} ({@code docker --tlsverify -H tcp://host:2376}) with client
   * material, typically {@code DockerTlsMaterial.readClient(dir)}. The server's certificate must
   * chain to the material's CA and name {@code host}.
   */
  public static Endpoint tls(String host, int port, DockerTlsMaterial material) {
    Objects.requireNonNull(material, "tls material");
    URI uri = tcpUri(host, port);
    SSLContext context = material.sslContext(uri.getHost().replace("[", "").replace("]", ""));
    return new Endpoint(uri, context, material, material.toString(), null, null, false,
        Duration.ofSeconds(5), Duration.ofSeconds(60));
  }

  private static URI tcpUri(String host, int port) {
    Objects.requireNonNull(host, "docker host");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("docker port must be between 1 and 65535: " + port);
    }
    if (host.isEmpty() || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '@' || c == '?' || c == '#')) {
      throw new IllegalArgumentException("docker host must be a host name or IP address: \"" + host + "\"");
    }
    String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return URI.create("tcp://" + h + ":" + port);
  }

  /**
   * Parses a plain {@code DOCKER_HOST} value: {@code unix:///path} or {@code tcp://host:port}.
   * For TLS use {@link #fromEnvironment(Map, Path)} or {@link #tls}.
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
    if ("unix".equals(uri.getScheme()) && uri.getRawAuthority() == null && uri.getPath() != null
        && uri.getPath().startsWith("/")) {
      return unixSocket(Path.of(uri.getPath()));
    }
    if ("tcp".equals(uri.getScheme()) && uri.getHost() != null) {
      return plainTcp(uri.getHost(), uri.getPort() == -1 ? 2375 : uri.getPort());
    }
    throw new IllegalArgumentException("DOCKER_HOST must be unix:///path or tcp://host:port: " + dockerHost);
  }

  /** {@link #fromEnvironment(Map, Path)} with this process's environment and home folder. */
  public static Endpoint fromEnvironment() {
    return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  /**
   * The endpoint the docker CLI would use with environment {@code env}:
   * <ol>
   *   <li>{@code DOCKER_HOST}; when {@code DOCKER_TLS_VERIFY} is non-empty, mutual TLS with the
   *       material in {@code DOCKER_CERT_PATH} (default {@code ~/.docker}), failing closed;
   *   <li>else the context named by {@code DOCKER_CONTEXT}, or by {@code currentContext} in
   *       {@code config.json} of {@code DOCKER_CONFIG} (default {@code ~/.docker});
   *   <li>else the default unix socket.
   * </ol>
   *
   * @throws IllegalArgumentException for malformed values or unknown contexts, or a
   *     {@code config.json} or {@code meta.json} that is not a regular file (a FIFO, a device) or is
   *     over 1 MiB
   * @throws dev.carapace.tls.TlsMaterialException for missing or bad TLS files
   */
  public static Endpoint fromEnvironment(Map<String, String> env, Path home) {
    Objects.requireNonNull(env, "environment must not be null");
    Objects.requireNonNull(home, "home must not be null");
    Path config = nonEmpty(env.get("DOCKER_CONFIG")).map(Path::of).orElse(home.resolve(".docker"));
    Optional<String> host = nonEmpty(env.get("DOCKER_HOST"));
    if (host.isPresent()) {
      Endpoint plain = parse(host.get());
      if (nonEmpty(env.get("DOCKER_TLS_VERIFY")).isEmpty()) {
        return plain;
      }
      if (!plain.uri.getScheme().equals("tcp")) {
        throw new IllegalArgumentException("DOCKER_TLS_VERIFY needs a tcp:// DOCKER_HOST: " + host.get());
      }
      Path certs = nonEmpty(env.get("DOCKER_CERT_PATH")).map(Path::of).orElse(home.resolve(".docker"));
      return tls(plain.uri.getHost(), plain.uri.getPort(), DockerTlsMaterial.readClient(certs));
    }
    Optional<String> context = nonEmpty(env.get("DOCKER_CONTEXT"));
    if (context.isEmpty()) {
      context = currentContext(config);
    }
    if (context.isPresent() && !context.get().equals("default")) {
      return context(config, context.get());
    }
    return unixSocket(Path.of(DEFAULT_UNIX_SOCKET.getPath()));
  }

  /**
   * The docker context {@code name} stored under {@code dockerConfig} ({@code ~/.docker}):
   * {@code contexts/meta/<sha256(name)>/meta.json} for the host, and
   * {@code contexts/tls/<sha256(name)>/docker/} for its TLS material, when present.
   *
   * @throws IllegalArgumentException for an unknown context, a {@code meta.json} that is not a
   *     regular file (a FIFO, a device) or is over 1 MiB, or a context Carapace refuses
   */
  public static Endpoint context(Path dockerConfig, String name) {
    Objects.requireNonNull(dockerConfig, "docker config directory must not be null");
    Objects.requireNonNull(name, "context name must not be null");
    String id = sha256(name);
    Path meta = dockerConfig.resolve("contexts").resolve("meta").resolve(id).resolve("meta.json");
    JsonNode docker;
    try {
      byte[] json = BoundedFiles.readRegularFile(meta, "docker context meta.json",
          BoundedFiles.MAX_JSON_BYTES);
      docker = JsonTrees.read(json).path("Endpoints").path("docker");
    } catch (IOException e) {
      throw new IllegalArgumentException("docker context must exist: " + name + " (no readable " + meta + ")");
    }
    String host = docker.path("Host").asText("");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("docker context must have a docker endpoint Host: " + name);
    }
    if (docker.path("SkipTLSVerify").asBoolean(false)) {
      throw new IllegalArgumentException("docker context skips TLS verification, which Carapace refuses: "
          + name);
    }
    Endpoint plain = parse(host);
    Path tlsDir = dockerConfig.resolve("contexts").resolve("tls").resolve(id).resolve("docker");
    if (Files.isDirectory(tlsDir) && plain.uri.getScheme().equals("tcp")) {
      return tls(plain.uri.getHost(), plain.uri.getPort(), DockerTlsMaterial.readClient(tlsDir));
    }
    return plain;
  }

  private static Optional<String> currentContext(Path config) {
    Path file = config.resolve("config.json");
    if (Files.notExists(file)) {
      return Optional.empty();
    }
    try {
      byte[] json = BoundedFiles.readRegularFile(file, "docker config", BoundedFiles.MAX_JSON_BYTES);
      return nonEmpty(JsonTrees.read(json).path("currentContext").asText(""));
    } catch (IOException e) {
      throw new IllegalArgumentException("docker config must be readable JSON: " + file);
    }
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Optional<String> nonEmpty(String s) {
    return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.trim());
  }

  /**
   * A copy that sends HTTP basic-auth credentials on every request, for an authenticating reverse
   * proxy in front of the engine (the seed's nginx with {@code auth_basic}). The password array is
   * copied; it never appears in {@code toString}, logs or messages.
   *
   * @throws IllegalArgumentException for plain TCP to a host other than loopback, unless
   *     {@link #allowCredentialsOverPlainTcp()} was called first
   */
  public Endpoint basicAuth(String username, char[] password) {
    Objects.requireNonNull(username, "basic auth username");
    Objects.requireNonNull(password, "basic auth password");
    if (username.isEmpty() || username.indexOf(':') >= 0 || username.chars().anyMatch(c -> c < 0x20)) {
      throw new IllegalArgumentException("basic auth username must be non-empty without ':': \"" + username + "\"");
    }
    if (uri.getScheme().equals("unix")) {
      throw new IllegalArgumentException("basic auth needs a tcp endpoint: " + uri);
    }
    if (sslContext == null && !plainCredentialsAllowed && !isLoopback(uri.getHost())) {
      throw new IllegalArgumentException("basic auth over plain TCP must stay on loopback: " + uri
          + " (use TLS, or call allowCredentialsOverPlainTcp() to send the password in clear)");
    }
    return new Endpoint(uri, sslContext, material, tlsSource, username, password.clone(), plainCredentialsAllowed,
        connectTimeout, responseTimeout);
  }

  /**
   * <b>Warning: lets {@link #basicAuth} send the password in clear text over the network</b>, to a
   * plain-TCP host other than loopback. Anyone on the path reads it. Call before {@code basicAuth}.
   */
  public Endpoint allowCredentialsOverPlainTcp() {
    return new Endpoint(uri, sslContext, material, tlsSource, username, password, true, connectTimeout, responseTimeout);
  }

  static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    String h = host.replace("[", "").replace("]", "");
    return h.equals("localhost") || h.matches("127(\\.\\d{1,3}){3}") || h.equals("::1")
        || h.equals("0:0:0:0:0:0:0:1");
  }

  /** A copy that waits at most {@code timeout} for a connection. Default 5 s. */
  public Endpoint connectTimeout(Duration timeout) {
    checkTimeout("connect timeout", timeout);
    return new Endpoint(uri, sslContext, material, tlsSource, username, password, plainCredentialsAllowed, timeout,
        responseTimeout);
  }

  /**
   * A copy that waits at most {@code timeout} for each ordinary API response (create, start, inspect,
   * stop, remove...). Default 60 s. Waits, log and stats streams are bounded by their own timeouts.
   */
  public Endpoint responseTimeout(Duration timeout) {
    checkTimeout("response timeout", timeout);
    return new Endpoint(uri, sslContext, material, tlsSource, username, password, plainCredentialsAllowed,
        connectTimeout, timeout);
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

  /** The TLS context for a TLS endpoint. */
  public Optional<SSLContext> sslContext() {
    return Optional.ofNullable(sslContext);
  }

  /** Whether the connection is TLS. */
  public boolean isTls() {
    return sslContext != null;
  }

  /** The basic-auth user name, if credentials are set. */
  public Optional<String> username() {
    return Optional.ofNullable(username);
  }

  /**
   * This endpoint whole, credentials and TLS material included, for the reaper's child process, which
   * rebuilds it with {@link #fromWire}: never written to a file or a log.
   */
  byte[] toWire() {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
      out.writeUTF(uri.toString());
      out.writeBoolean(material != null);
      if (material != null) {
        byte[] wire = dev.carapace.tls.internal.MaterialWire.encode(material);
        out.writeInt(wire.length);
        out.write(wire);
      }
      out.writeBoolean(username != null);
      if (username != null) {
        out.writeUTF(username);
        out.writeUTF(new String(password));
      }
      out.writeBoolean(plainCredentialsAllowed);
      out.writeLong(connectTimeout.toMillis());
      out.writeLong(responseTimeout.toMillis());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * The endpoint {@link #toWire} wrote.
   *
   * @throws IllegalArgumentException when {@code wire} is not such a form
   */
  static Endpoint fromWire(byte[] wire) {
    try (java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(wire))) {
      URI uri = URI.create(in.readUTF());
      Endpoint e;
      if (in.readBoolean()) {
        int length = in.readInt();
        if (length < 0 || length > (16 << 20)) {
          throw new IllegalArgumentException("TLS material of " + length + " bytes");
        }
        DockerTlsMaterial m = (DockerTlsMaterial) dev.carapace.tls.internal.MaterialWire.decode(in.readNBytes(length));
        e = tls(uri.getHost().replace("[", "").replace("]", ""), uri.getPort(), m);
      } else {
        e = parse(uri.toString());
      }
      String user = in.readBoolean() ? in.readUTF() : null;
      char[] pass = user == null ? null : in.readUTF().toCharArray();
      if (in.readBoolean()) {
        e = e.allowCredentialsOverPlainTcp();
      }
      if (user != null) {
        e = e.basicAuth(user, pass);
        Arrays.fill(pass, '\0');
      }
      return e.connectTimeout(Duration.ofMillis(in.readLong())).responseTimeout(Duration.ofMillis(in.readLong()));
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("not the wire form of an endpoint: " + e.getClass().getSimpleName());
    }
  }

  /** The {@code Authorization} header value; internal use. */
  String authorizationHeader() {
    if (username == null) {
      return null;
    }
    byte[] raw = (username + ":" + new String(password)).getBytes(StandardCharsets.UTF_8);
    try {
      return "Basic " + java.util.Base64.getEncoder().encodeToString(raw);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  public Duration responseTimeout() {
    return responseTimeout;
  }

  /** {@code tcp://127.0.0.1:2376 (tls, basic auth as carapace)}: never the password or keys. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(uri.toString());
    if (sslContext != null || username != null) {
      sb.append(" (");
      if (sslContext != null) {
        sb.append("tls");
      }
      if (username != null) {
        sb.append(sslContext != null ? ", " : "").append("basic auth as ").append(username);
      }
      sb.append(')');
    }
    return sb.toString();
  }
}
