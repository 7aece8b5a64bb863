package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.DockerClients;
import dev.carapace.core.RunResult;
import dev.carapace.core.testing.TestEngine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PolicyEnforceIT {
  static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The engine's events ({@code GET /events}) for containers of launcher {@code launcherId} between
   * {@code since} and now, as {@code "Action"} strings.
   */
  static List<String> eventsOfLauncher(String launcherId, long since) {
    String filters = "{\"type\":[\"container\"],\"label\":[\"" + ContainerLauncher.LAUNCHER_LABEL + "="
        + launcherId + "\"]}";
    long until = System.currentTimeMillis() / 1000 + 1;
    String path = "/events?since=" + since + "&until=" + until + "&filters="
        + URLEncoder.encode(filters, StandardCharsets.UTF_8);
    List<String> actions = new ArrayList<>();
    try (DockerHttpClient http = DockerClients.httpClient(TestEngine.endpoint());
        DockerHttpClient.Response response = http.execute(DockerHttpClient.Request.builder()
            .method(DockerHttpClient.Request.Method.GET).path(path).build());
        InputStream body = response.getBody()) {
      assertEquals(200, response.getStatusCode());
      // a stream of JSON objects, ending at `until`
      JSON.createParser(body).readValuesAs(JsonNode.class).forEachRemaining(e -> actions.add(e.path("Action").asText()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return actions;
  }

  @Test
  void refusesBothSeedLinesWithTheirSensitiveMountsBeforeAnythingIsCreated() {
    long since = System.currentTimeMillis() / 1000 - 1;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    assertEquals(0, PolicyEnforce.run(TestEngine.endpoint(), TestEngine.BUSYBOX,
        new PrintStream(buf, true, StandardCharsets.UTF_8)));
    String out = buf.toString(StandardCharsets.UTF_8);
    System.out.println(out);

    assertTrue(out.contains("\n$ docker run -v /etc/shadow:/etc/shadow carapace-test/busybox:1 cat /etc/shadow\n"
        + "refused, nothing created on the engine:\nPolicy carapace-default: 1 container, "), out);
    assertTrue(out.contains("\n  [CRITICAL] sensitive-mounts: mounts[0].source must not be a sensitive host path:"
        + " /etc/shadow\n"), out);
    assertTrue(out.contains("\n$ docker run -v /sbin:/sbin carapace-test/busybox:1 ls /sbin\n"
        + "refused, nothing created on the engine:\n"), out);
    assertTrue(out.contains("\n  [CRITICAL] sensitive-mounts: mounts[0].source must not be a sensitive host path:"
        + " /sbin\n"), out);
    assertTrue(out.contains("\n  [MEDIUM] host-path-volumes: mounts[0] must be a volume or tmpfs, not bind: /sbin:/sbin\n"), out);
    assertTrue(!out.contains("LAUNCHED"), out);

    // the engine saw nothing of this launcher: no create, no start, no destroy
    Matcher m = Pattern.compile("^launcher (\\S+) enforcing carapace-default$", Pattern.MULTILINE).matcher(out);
    assertTrue(m.find(), out);
    assertEquals(List.of(), eventsOfLauncher(m.group(1), since));

    // and the events query does see a launcher's containers when there are some
    try (ContainerLauncher plain = TestEngine.launcher()) {
      RunResult r = plain.run(TestEngine.busybox("true").build(), Duration.ofSeconds(30));
      assertEquals(0, r.exitCode());
      List<String> seen = eventsOfLauncher(plain.id(), since);
      assertTrue(seen.contains("create") && seen.contains("start"), seen.toString());
    }
  }
}
