package dev.carapace.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    /** Every path asked, in the order asked (inspects run concurrently: a synchronized list). */
    final List<String> paths = java.util.Collections.synchronizedList(new ArrayList<>());
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
      // /info (read meanwhile: anywhere before the image), the listing, both inspects (concurrent: in either
      // order), then the image of the one inspected; each once
      List<String> engineCalls = new java.util.ArrayList<>(http.paths);
      assertTrue(engineCalls.remove("/info"), http.paths.toString());
      assertEquals("/containers/json?all=false", engineCalls.get(0), http.paths.toString());
      assertEquals(java.util.Set.of("/containers/" + WEAK + "/json", "/containers/" + GONE + "/json"),
          java.util.Set.copyOf(engineCalls.subList(1, 3)));
      assertEquals(List.of("/images/" + WEAK_IMAGE + "/json"), engineCalls.subList(3, engineCalls.size()));
      assertTrue(http.paths.indexOf("/info") < http.paths.indexOf("/images/" + WEAK_IMAGE + "/json"),
          http.paths.toString());
    }
  }

  /** The engine's own settings read once by the caller: the audit asks no /info of its own. */
  @Test
  void anAuditGivenTheEngineSecurityAsksNoInfo() throws Exception {
    Scripted http = new Scripted();
    try (EngineAudit audit = EngineAudit.builder().dockerClient(client(http)).build()) {
      EngineSecurity security = audit.engineSecurity();
      PolicyReport report = audit.audit(Profiles.cisDocker(), Map.of(), security);
      assertEquals(List.of("carapace-policy-fixture-weak"),
          report.containers().stream().map(PolicyReport.ContainerResult::name).toList());
      assertEquals(1, http.paths.stream().filter(p -> p.equals("/info")).count(), http.paths.toString());
      assertEquals(report.violations(), audit.audit(Profiles.cisDocker()).violations());
    }
  }

  /**
   * Inspected concurrently, reported in the listing's order: the first containers listed answer last, and
   * at most 4 inspects are ever in flight.
   */
  @Test
  void concurrentInspectsKeepTheListingsOrder() throws Exception {
    int count = 12;
    java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
    Scripted base = new Scripted();
    DockerHttpClient http = new DockerHttpClient() {
      @Override
      public Response execute(Request request) {
        String p = request.path();
        if (p.startsWith("/containers/json")) {
          StringBuilder list = new StringBuilder("[");
          for (int i = 0; i < count; i++) {
            list.append(i == 0 ? "" : ",").append("{\"Id\":\"").append(id(i)).append("\"}");
          }
          return answer(200, list.append(']').toString());
        }
        for (int i = 0; i < count; i++) {
          if (p.equals("/containers/" + id(i) + "/json")) {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
              Thread.sleep(5L * (count - i));
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            } finally {
              inFlight.decrementAndGet();
            }
            return answer(200, base.weakJson.replace(WEAK, id(i))
                .replace("carapace-policy-fixture-weak", "container-" + i));
          }
        }
        return base.execute(request);
      }

      @Override
      public void close() {}
    };
    try (EngineAudit audit = EngineAudit.builder().dockerClient(client(http)).build()) {
      PolicyReport report = audit.audit(Profiles.cisDocker(), Map.of("app", "shop"));
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        expected.add("container-" + i);
      }
      assertEquals(expected, report.containers().stream().map(PolicyReport.ContainerResult::name).toList());
      assertEquals(true, most.get() > 1 && most.get() <= 4, "most inspects at once: " + most.get());
    }
  }

  /**
   * {@code GET /info} is read while the containers are listed and inspected: here it answers only once an
   * inspect has been asked, which an audit reading it first would wait 5 s for, and then fail.
   */
  @Test
  void theEngineSettingsAreReadWhileTheContainersAreInspected() throws Exception {
    Scripted base = new Scripted();
    java.util.concurrent.CountDownLatch inspected = new java.util.concurrent.CountDownLatch(1);
    DockerHttpClient http = new DockerHttpClient() {
      @Override
      public Response execute(Request request) {
        String p = request.path();
        if (p.equals("/info")) {
          try {
            if (!inspected.await(5, java.util.concurrent.TimeUnit.SECONDS)) {
              return answer(500, "{\"message\":\"/info was asked alone, before any inspect\"}");
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        } else if (p.startsWith("/containers/") && !p.startsWith("/containers/json")) {
          inspected.countDown();
        }
        return base.execute(request);
      }

      @Override
      public void close() {}
    };
    try (EngineAudit audit = EngineAudit.builder().dockerClient(client(http)).build()) {
      java.util.concurrent.CompletableFuture<EngineSecurity> security =
          java.util.concurrent.CompletableFuture.supplyAsync(audit::engineSecurity);
      PolicyReport report = audit.audit(Profiles.cisDocker(), Map.of(), security);
      assertEquals(List.of("carapace-policy-fixture-weak"),
          report.containers().stream().map(PolicyReport.ContainerResult::name).toList());
      assertEquals(EngineSecurity.parse(List.of("name=seccomp,profile=default")), security.join());
      // the audit that reads /info itself does the same
      assertEquals(report.violations(), audit.audit(Profiles.cisDocker()).violations());
    }
  }

  /** /info is read on the audit's own daemon thread, never on a shared pool, whichever way it is asked. */
  @Test
  void theEngineSettingsAreReadOnAThreadOfTheAuditsOwn() throws Exception {
    Scripted base = new Scripted();
    List<String> threads = java.util.Collections.synchronizedList(new ArrayList<>());
    DockerHttpClient http = new DockerHttpClient() {
      @Override
      public Response execute(Request request) {
        if (request.path().equals("/info")) {
          threads.add(Thread.currentThread().getName() + (Thread.currentThread().isDaemon() ? " (daemon)" : ""));
        }
        return base.execute(request);
      }

      @Override
      public void close() {}
    };
    try (EngineAudit audit = EngineAudit.builder().dockerClient(client(http)).build()) {
      assertEquals(EngineSecurity.parse(List.of("name=seccomp,profile=default")), audit.engineSecurityAsync().join());
      audit.audit(Profiles.cisDocker());
      audit.audit(Profiles.cisDocker(), List.of(WEAK));
      assertEquals(List.of("carapace-audit-info (daemon)", "carapace-audit-info (daemon)",
          "carapace-audit-info (daemon)"), threads);
    }
  }

  /** The engine settings' failure is the audit's failure, as thrown where they were read. */
  @Test
  void aFailedInfoFailsTheAuditWithItsOwnError() throws Exception {
    DockerHttpClient http = new DockerHttpClient() {
      final Scripted base = new Scripted();

      @Override
      public Response execute(Request request) {
        return request.path().equals("/info") ? answer(401, "<html>401</html>") : base.execute(request);
      }

      @Override
      public void close() {}

      @Override
      public String toString() {
        return "scripted engine";
      }
    };
    try (EngineAudit audit = EngineAudit.builder().dockerClient(client(http)).build()) {
      CarapaceException e = assertThrows(CarapaceException.class, () -> audit.audit(Profiles.cisDocker()));
      assertEquals("audit GET /info failed on scripted engine: HTTP 401 (wrong or missing basic-auth credentials)",
          e.getMessage());
    }
  }

  private static String id(int i) {
    return String.format("%064x", i + 1);
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
