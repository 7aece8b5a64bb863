package dev.carapace.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.carapace.core.internal.engine.EngineSession;
import dev.carapace.core.internal.engine.FrameCollector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Raw Engine API calls for Swarm through the session's own transport (its TLS, credentials and
 * pools), each within the session's deadline, every failure a {@link SwarmException} with the
 * engine's own words.
 */
final class SwarmEngine {
  private final EngineSession session;
  private final DockerHttpClient api;
  private final DockerHttpClient streaming;
  private volatile String prefix = "";

  SwarmEngine(EngineSession session) {
    this.session = session;
    this.api = session.requireTransport("swarm calls");
    this.streaming = session.streamingTransport().orElse(api);
  }

  /** Sends every later request under {@code /v<version>}, the engine's own API version. */
  void useVersion(String version) {
    prefix = "/v" + version;
  }

  EngineSession session() {
    return session;
  }

  /** A JSON answer, or null for 204; {@code body} is sent as JSON when not null. */
  JsonNode call(SwarmException.Step step, String service, DockerHttpClient.Request.Method method, String path,
      JsonNode body) {
    return call(step, service, method, path, body, null);
  }

  /** As {@link #call}, sending {@code registryAuth} (when not null) as {@code X-Registry-Auth}; never logged. */
  JsonNode call(SwarmException.Step step, String service, DockerHttpClient.Request.Method method, String path,
      JsonNode body, String registryAuth) {
    try {
      return session.bounded(() -> exchange(api, method, path, body, registryAuth));
    } catch (SwarmException e) {
      throw e;
    } catch (RuntimeException e) {
      throw failure(step, service, e);
    }
  }

  /**
   * {@code e} as a {@link SwarmException}, worded as core's launcher words its failures
   * ({@link EngineSession#explain}): the engine's refusal with the remedy its words call for, or the
   * real cause of a failed connection (refused, plain HTTP to a TLS port, a TLS alert, no answer).
   */
  private SwarmException failure(SwarmException.Step step, String service, RuntimeException e) {
    if (e instanceof EngineRefusal) {
      String said = ((EngineRefusal) e).message;
      return new SwarmException(step, service, session.daemonDetail(said), said, e);
    }
    EngineSession.Cause why = session.explain(e);
    return new SwarmException(step, service, why.detail(), why.daemon(), e);
  }

  /** A multiplexed stream read into {@code into}, within the stream timeout. */
  FrameCollector stream(SwarmException.Step step, String service, String path, FrameCollector into) {
    try {
      return session.bounded(session.streamTimeout(), () -> {
        DockerHttpClient.Request request = DockerHttpClient.Request.builder()
            .method(DockerHttpClient.Request.Method.GET).path(prefix + path).build();
        try (DockerHttpClient.Response response = streaming.execute(request)) {
          if (response.getStatusCode() / 100 != 2) {
            throw new EngineRefusal(response.getStatusCode(), message(readAll(response.getBody())));
          }
          if (response.getBody() != null) {
            into.readFrom(response.getBody());
          }
          return into;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (RuntimeException e) {
      throw failure(step, service, e);
    }
  }

  private JsonNode exchange(DockerHttpClient http, DockerHttpClient.Request.Method method, String path,
      JsonNode body, String registryAuth) {
    DockerHttpClient.Request.Builder b = DockerHttpClient.Request.builder().method(method).path(prefix + path);
    if (registryAuth != null) {
      b.putHeader("X-Registry-Auth", registryAuth);
    }
    if (body != null) {
      b.putHeader("Content-Type", "application/json")
          .bodyBytes(body.toString().getBytes(StandardCharsets.UTF_8));
    }
    try (DockerHttpClient.Response response = http.execute(b.build())) {
      byte[] bytes = readAll(response.getBody());
      int status = response.getStatusCode();
      if (status / 100 != 2) {
        throw new EngineRefusal(status, message(bytes));
      }
      return bytes.length == 0 ? null : SwarmRequest.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    if (in == null) {
      return new byte[0];
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toByteArray();
  }

  private static String message(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8).trim();
    try {
      JsonNode n = SwarmRequest.MAPPER.readTree(text);
      if (n != null && n.hasNonNull("message")) {
        return n.get("message").asText();
      }
    } catch (IOException | RuntimeException e) {
      // not JSON: the text itself
    }
    return text;
  }

  static String filters(String key, String... values) {
    com.fasterxml.jackson.databind.node.ObjectNode f = SwarmRequest.MAPPER.createObjectNode();
    com.fasterxml.jackson.databind.node.ArrayNode a = f.putArray(key);
    for (String v : values) {
      a.add(v);
    }
    return "filters=" + URLEncoder.encode(f.toString(), StandardCharsets.UTF_8);
  }

  /** The engine answered other than 2xx. */
  static final class EngineRefusal extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final String message;

    EngineRefusal(int status, String message) {
      super("Status " + status + ": " + message);
      this.status = status;
      this.message = message;
    }
  }

  static Duration poll() {
    return Duration.ofMillis(100);
  }
}
