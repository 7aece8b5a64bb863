package dev.carapace.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.carapace.CarapaceException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** EngineAudit over a scripted transport: what it asks and how it reads the answers. */
class EngineAuditTest {
  static final String WEAK = "84936354cb86de9627a3df0d57eb069b9aacb48a904093119a34035becb0ca98";
  static final String GONE = "0123456789ab";
  /** The id of the image the weak fixture runs. */
  static final String WEAK_IMAGE = "sha256:873fa0916937d462fa7311f04d78ffbc4d9dcef6ad4b2b9822e9407ea9535ec8";

  /** Answers /info, a listing of the weak fixture and a container removed since, and their inspects. */
  static final class Scripted implements DockerHttpClient {
    final List<String> paths = new ArrayList<>();
    final String weakJson;
    /** The answer to the weak fixture's image inspect; null: 404, the image was removed. */
    String imageJson;

    Scripted() throws Exception {
      weakJson = InspectParsingTest.fixture("weak.json");
    }

    @Override
    public Response execute(Request request) {
      paths.add(request.path());
      String p = request.path();
      if (p.equals("/info")) {
        return answer(200, "{\"SecurityOptions\":[\"name=seccomp,profile=default\"]}");
      }
      if (p.startsWith("/containers/json")) {
        return answer(200, "[{\"Id\":\"" + WEAK + "\"},{\"Id\":\"" + GONE + "\"}]");
      }
      if (p.equals("/containers/" + WEAK + "/json")) {
        return answer(200, weakJson);
      }
      if (p.equals("/images/" + WEAK_IMAGE + "/json") && imageJson != null) {
        return answer(200, imageJson);
      }
      return answer(404, "{\"message\":\"No such container: " + GONE + "\"}");
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
      return "scripted engine";
    }
  }

  static DockerHttpClient.Response answer(int status, String body) {
    return new DockerHttpClient.Response() {
      @Override
      public int getStatusCode() {
        return status;
      }

      @Override
      public Map<String, List<String>> getHeaders() {
        return Map.of();
      }

      @Override
      public InputStream getBody() {
        return new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
      }

      @Override
      public void close() {}
    };
  }

  /** A caller's client over {@code http}, as an application makes one. */
  static DockerClient client(DockerHttpClient http) {
    return DockerClientImpl.getInstance(DefaultDockerClientConfig.createDefaultConfigBuilder()
        .withDockerHost("tcp://127.0.0.1:1").build(), http);
  }

  @Test
  void aListedContainerRemovedBeforeItsInspectionIsLeftOut() throws Exception {
    Scripted http = new Scripted();
    try (EngineAudit audit = EngineAudit.builder().dockerClient(client(http)).build()) {
      PolicyReport report = audit.audit(Profiles.cisDocker());
      assertEquals(List.of("carapace-policy-fixture-weak"),
          report.containers().stream().map(PolicyReport.ContainerResult::name).toList());
      assertEquals(List.of("/containers/json?all=false", "/info", "/containers/" + WEAK + "/json",
          "/images/" + WEAK_IMAGE + "/json", "/containers/" + GONE + "/json"), http.paths);
    }
  }

  @Test
  void theImageACreatedByTagContainerRunsIsInspectedOnceAndItsRepoDigestQuoted() throws Exception {
    Scripted http = new Scripted();
    String digest = "carapace-test/busybox@sha256:" + "0f".repeat(32);
    http.imageJson = "{\"Id\":\"" + WEAK_IMAGE + "\",\"RepoTags\":[\"carapace-test/busybox:1\"],"
        + "\"RepoDigests\":[\"" + digest + "\"],\"Config\":{\"User\":\"\"}}";
    try (EngineAudit audit = EngineAudit.builder().dockerClient(client(http)).build()) {
      PolicyReport report = audit.audit(Profiles.cisDocker(), List.of(WEAK, WEAK));
      List<Violation> pinned = report.violations().stream().filter(v -> v.ruleId().equals("image-pinned")).toList();
      assertEquals(2, pinned.size());
      assertEquals("image must be pinned by digest: carapace-test/busybox:1 (a tag), runs image sha256:873fa0916937"
          + " (repo digests [" + digest + "])", pinned.get(0).message());
      assertEquals("name the image by digest: image(\"" + digest + "\") (docker run " + digest
          + "), the digest the engine recorded for it", pinned.get(0).remedy());
      assertEquals(1, http.paths.stream().filter(p -> p.startsWith("/images/")).count(), "one inspect per image: "
          + http.paths);
    }
  }

  @Test
  void aNamedContainerThatDoesNotExistIsAnError() throws Exception {
    try (EngineAudit audit = EngineAudit.builder().dockerClient(client(new Scripted())).build()) {
      CarapaceException e = assertThrows(CarapaceException.class,
          () -> audit.audit(Profiles.cisDocker(), List.of(GONE)));
      assertEquals("audit GET /containers/" + GONE + "/json failed on scripted engine: HTTP 404"
          + " {\"message\":\"No such container: " + GONE + "\"}", e.getMessage());
    }
  }
}
