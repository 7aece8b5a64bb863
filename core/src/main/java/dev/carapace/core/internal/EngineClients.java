package dev.carapace.core.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.AuthConfigurations;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.core.RemoteApiVersion;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.carapace.core.Endpoint;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/**
 * Builds docker-java clients for an {@link Endpoint} without {@code DefaultDockerClientConfig}, which
 * reads files and system properties at every start (about 400 ms of a cold start).
 *
 * <p>Two clients share nothing but the endpoint: {@link #api()} bounds every response by the
 * endpoint's response timeout; {@link #streaming()} has no response timeout, for waits, logs and
 * stats, which the launcher bounds itself.
 */
public final class EngineClient implements AutoCloseable {
  private static final ObjectMapper MAPPER =
      DockerClientConfig.getDefaultObjectMapper().copy().registerModule(RawLogConfig.MODULE);

  private final DockerClient api;
  private final DockerClient streaming;
  private final DockerHttpClient apiHttp;

  private EngineClient(DockerClient api, DockerClient streaming, DockerHttpClient apiHttp) {
    this.api = api;
    this.streaming = streaming;
    this.apiHttp = apiHttp;
  }

  /**
   * Opens both clients; no request is sent yet.
   *
   * @param authorization the {@code Authorization} header to send on every request, or null
   */
  public static EngineClient open(Endpoint endpoint, String authorization) {
    Config config = new Config(endpoint.uri());
    DockerHttpClient apiHttp = http(endpoint, endpoint.responseTimeout(), 32, authorization);
    return new EngineClient(DockerClientImpl.getInstance(config, apiHttp),
        DockerClientImpl.getInstance(config, http(endpoint, null, 64, authorization)), apiHttp);
  }

  /** A single docker-java client for callers who want one (no streaming split). */
  public static DockerClient single(Endpoint endpoint, String authorization) {
    return DockerClientImpl.getInstance(new Config(endpoint.uri()),
        http(endpoint, endpoint.responseTimeout(), 32, authorization));
  }

  /** The HTTP transport for {@code endpoint}, with TLS and the {@code Authorization} header if given. */
  public static DockerHttpClient http(Endpoint endpoint, Duration responseTimeout, int maxConnections,
      String authorization) {
    ApacheDockerHttpClient.Builder b = new ApacheDockerHttpClient.Builder()
        .dockerHost(endpoint.uri())
        .connectionTimeout(endpoint.connectTimeout())
        .maxConnections(maxConnections);
    if (responseTimeout != null) {
      b.responseTimeout(responseTimeout);
    }
    endpoint.sslContext().ifPresent(ctx -> b.sslConfig(() -> ctx));
    DockerHttpClient http = b.build();
    return authorization == null ? http : new BasicAuthHttpClient(http, authorization);
  }

  /** Adds an {@code Authorization} header to every request; the header never reaches a log. */
  private static final class BasicAuthHttpClient implements DockerHttpClient {
    private final DockerHttpClient delegate;
    private final String authorization;

    BasicAuthHttpClient(DockerHttpClient delegate, String authorization) {
      this.delegate = delegate;
      this.authorization = authorization;
    }

    @Override
    public Response execute(Request request) {
      Request withAuth = Request.builder().from(request).putHeader("Authorization", authorization).build();
      return delegate.execute(withAuth);
    }

    @Override
    public void close() throws IOException {
      delegate.close();
    }

    @Override
    public String toString() {
      return "BasicAuthHttpClient{" + delegate + "}";
    }
  }

  /**
   * The container's inspect JSON as the engine sent it, read as a tree (docker-java's full model is
   * slow to load in a fresh JVM and lacks fields). Same pool, same timeout as {@link #api()}.
   *
   * @throws com.github.dockerjava.api.exception.DockerException with the engine's message when it
   *     answers other than 200
   */
  public com.fasterxml.jackson.databind.JsonNode inspectRaw(String id) {
    DockerHttpClient.Request request = DockerHttpClient.Request.builder()
        .method(DockerHttpClient.Request.Method.GET).path("/containers/" + id + "/json").build();
    try (DockerHttpClient.Response response = apiHttp.execute(request)) {
      if (response.getStatusCode() != 200) {
        String body = new String(response.getBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        throw new com.github.dockerjava.api.exception.DockerException(
            "Status " + response.getStatusCode() + ": " + body, response.getStatusCode());
      }
      return MAPPER.readTree(response.getBody());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Bounded by the endpoint's response timeout. */
  public DockerClient api() {
    return api;
  }

  /** Unbounded responses, for wait, logs and stats. */
  public DockerClient streaming() {
    return streaming;
  }

  @Override
  public void close() {
    closeQuietly(api);
    closeQuietly(streaming);
  }

  private static void closeQuietly(DockerClient client) {
    try {
      client.close();
    } catch (IOException e) {
      // closing a connection pool: nothing to recover
    }
  }

  /** The least a docker-java client needs: the host, no registry auth, the engine's own API version. */
  private static final class Config implements DockerClientConfig {
    private final URI host;

    Config(URI host) {
      this.host = host;
    }

    @Override
    public URI getDockerHost() {
      return host;
    }

    @Override
    public RemoteApiVersion getApiVersion() {
      // unversioned paths: the engine answers in its own current version
      return RemoteApiVersion.UNKNOWN_VERSION;
    }

    @Override
    public String getRegistryUsername() {
      return null;
    }

    @Override
    public String getRegistryPassword() {
      return null;
    }

    @Override
    public String getRegistryEmail() {
      return null;
    }

    @Override
    public String getRegistryUrl() {
      return null;
    }

    @Override
    public AuthConfig effectiveAuthConfig(String imageName) {
      return null;
    }

    @Override
    public AuthConfigurations getAuthConfigurations() {
      return new AuthConfigurations();
    }

    // the interface's own return type is deprecated; TLS goes to the transport, never through here
    @SuppressWarnings("deprecation")
    @Override
    public com.github.dockerjava.core.SSLConfig getSSLConfig() {
      return null;
    }

    @Override
    public ObjectMapper getObjectMapper() {
      return MAPPER;
    }
  }
}
