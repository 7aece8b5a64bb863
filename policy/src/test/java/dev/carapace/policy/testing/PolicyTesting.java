package dev.carapace.policy.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.carapace.core.DockerClients;
import dev.carapace.core.testing.TestEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What the policy module's integration tests add to core's {@link TestEngine}, which pins the
 * engine and the test images in one place (core's test-jar).
 */
public final class PolicyTesting {
  /** Every container a policy test creates carries this label, with the test's run id as value. */
  public static final String TEST_LABEL = "carapace-test.policy";

  private static final ObjectMapper JSON = new ObjectMapper();

  private PolicyTesting() {}

  /** A docker-java client to {@link TestEngine#endpoint()}; close it when done. */
  public static DockerClient docker() {
    return DockerClients.connect(TestEngine.endpoint());
  }

  /**
   * The actions ({@code create}, {@code start}, ...) of the engine's container events since
   * {@code sinceEpochSecond} whose container carries label {@code key=value} ({@code GET /events}).
   * Unlike a before/after listing, this sees a container that was created and already removed, and
   * ignores what other processes do on the same engine.
   */
  public static List<String> containerEvents(String key, String value, long sinceEpochSecond) {
    String filters = "{\"type\":[\"container\"],\"label\":[" + JSON.valueToTree(key + "=" + value) + "]}";
    String path = "/events?since=" + sinceEpochSecond + "&until=" + (System.currentTimeMillis() / 1000 + 1)
        + "&filters=" + URLEncoder.encode(filters, StandardCharsets.UTF_8);
    List<String> actions = new ArrayList<>();
    try (DockerHttpClient http = DockerClients.httpClient(TestEngine.endpoint());
        DockerHttpClient.Response response = http.execute(DockerHttpClient.Request.builder()
            .method(DockerHttpClient.Request.Method.GET).path(path).build());
        InputStream body = response.getBody()) {
      if (response.getStatusCode() != 200) {
        throw new IllegalStateException("GET /events: HTTP " + response.getStatusCode());
      }
      JSON.createParser(body).readValuesAs(JsonNode.class).forEachRemaining(e -> actions.add(e.path("Action").asText()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return actions;
  }
}
