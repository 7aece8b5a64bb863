package dev.carapace.core.internal.engine;

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
import dev.carapace.core.internal.fields.RawLogConfig;
import java.io.IOException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * Builds docker-java clients and transports for an {@link Endpoint} without
 * {@code DefaultDockerClientConfig}, which reads files and system properties at every start (about
 * 400 ms of a cold start). Builds only: {@link EngineSession} holds and uses what is built here.
 *
 * <p>Every client built here uses {@link #mapper()}, docker-java's ObjectMapper plus
 * {@link RawLogConfig#MODULE}, so log drivers docker-java's enum does not know are carried by name.
 */
public final class EngineClients {
  /**
   * docker-java's ObjectMapper, able to write and read any log driver by name; made at its first use, so
   * that building a transport alone (an audit's raw requests) does not load docker-java's model.
   */
  public static ObjectMapper mapper() {
    return Mapper.MAPPER;
  }

  /** The holder of {@link #mapper()}: initialized when first asked for. */
  private static final class Mapper {
    static final ObjectMapper MAPPER =
        DockerClientConfig.getDefaultObjectMapper().copy().registerModule(RawLogConfig.MODULE);
  }

  private EngineClients() {}

  /** A docker-java client over {@code http}, speaking to {@code endpoint} in the engine's own API version. */
  public static DockerClient client(Endpoint endpoint, DockerHttpClient http) {
    return DockerClientImpl.getInstance(new Config(endpoint.uri()), http);
  }

  /** A single docker-java client, each response bounded by the endpoint's response timeout. */
  public static DockerClient single(Endpoint endpoint, String authorization) {
    return client(endpoint, http(endpoint, endpoint.responseTimeout(), 32, authorization));
  }

  /**
   * The HTTP transport for {@code endpoint}, with TLS and the {@code Authorization} header if given.
   * A copy's archive ({@code GET /containers/{id}/archive}) is asked for uncompressed
   * ({@code Accept-Encoding: identity}): httpclient5 otherwise offers gzip, and the engine then gzips
   * the archive on the fly, which made copying a 10 MiB file out take 2.8x the docker CLI's time (the
   * CLI sends no {@code Accept-Encoding} on a unix socket). Other requests go as httpclient5 makes them.
   */
  public static DockerHttpClient http(Endpoint endpoint, Duration responseTimeout, int maxConnections,
      String authorization) {
    ApacheDockerHttpClient.Builder b = new ApacheDockerHttpClient.Builder()
        .dockerHost(endpoint.uri())
        .connectionTimeout(endpoint.connectTimeout())
        .maxConnections(maxConnections);
    if (responseTimeout != null) {
      b.responseTimeout(responseTimeout);
    }
    if (endpoint.sslContext().isPresent()) {
      SSLContext ctx = endpoint.sslContext().get();
      b.sslConfig(() -> ctx);
    } else if (!"tcp".equals(endpoint.uri().getScheme())) {
      // a unix socket or named pipe: docker-java would otherwise build the JVM's default SSLContext, which it
      // never uses there, reading every CA of the JVM's trust store (the largest part of a client's start-up)
      b.sslConfig(() -> NoTls.CONTEXT);
    }
    DockerHttpClient http = b.build();
    return new RequestHeaders(http, authorization);
  }

  /**
   * Closes {@code http} (built by {@link #http}) and its connections at once: their sockets close
   * without a TLS {@code close_notify}, which would wait behind a write blocked on a peer that stopped
   * reading, so that write fails. Its plain close if docker-java's transport is not the one expected.
   */
  public static void abort(DockerHttpClient http) throws IOException {
    DockerHttpClient raw = http instanceof RequestHeaders ? ((RequestHeaders) http).delegate : http;
    try {
      java.lang.reflect.Field f = raw.getClass().getSuperclass().getDeclaredField("httpClient");
      f.setAccessible(true);
      ((org.apache.hc.core5.io.ModalCloseable) f.get(raw)).close(org.apache.hc.core5.io.CloseMode.IMMEDIATE);
    } catch (ReflectiveOperationException | RuntimeException e) {
      http.close();
    }
  }

  /**
   * The TLS context of a connection that carries no TLS (a unix socket, a named pipe: docker-java's transport
   * only uses a context for {@code https}): made without the JSSE provider, it refuses every use.
   */
  private static final class NoTls extends SSLContextSpi {
    static final SSLContext CONTEXT = new SSLContext(new NoTls(), null, "none") { };

    private static IllegalStateException refused() {
      return new IllegalStateException("no TLS on a unix socket or named pipe");
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) {
      throw refused();
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      throw refused();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      throw refused();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      throw refused();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      throw refused();
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      throw refused();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      throw refused();
    }
  }

  /**
   * Adds {@code Accept-Encoding: identity} to a copy's archive request that names no encoding, and the
   * {@code Authorization} header to every request when there is one; that header never reaches a log.
   */
  private static final class RequestHeaders implements DockerHttpClient {
    /** {@code GET /containers/{id}/archive}, versioned or not: the one answer the engine compresses. */
    private static final java.util.regex.Pattern ARCHIVE =
        java.util.regex.Pattern.compile("^(/v[0-9.]+)?/containers/[^/?]+/archive(\\?|$)");

    private final DockerHttpClient delegate;
    private final String authorization;

    RequestHeaders(DockerHttpClient delegate, String authorization) {
      this.delegate = delegate;
      this.authorization = authorization;
    }

    @Override
    public Response execute(Request request) {
      boolean archive = "GET".equals(request.method()) && ARCHIVE.matcher(request.path()).find()
          && request.headers().keySet().stream().noneMatch("Accept-Encoding"::equalsIgnoreCase);
      if (!archive && authorization == null) {
        return delegate.execute(request);
      }
      Request.Builder b = Request.builder().from(request);
      if (archive) {
        b.putHeader("Accept-Encoding", "identity");
      }
      if (authorization != null) {
        b.putHeader("Authorization", authorization);
      }
      return delegate.execute(b.build());
    }

    @Override
    public void close() throws IOException {
      delegate.close();
    }

    @Override
    public String toString() {
      return "RequestHeaders{" + delegate + "}";
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
      return mapper();
    }
  }
}
