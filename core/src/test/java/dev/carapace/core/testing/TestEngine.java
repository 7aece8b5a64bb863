package dev.carapace.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.ContainerRuntime;
import dev.carapace.core.internal.engine.DockerClients;
import dev.carapace.core.Endpoint;
import dev.carapace.core.OwnerLabels;
import dev.carapace.core.SecureContainerSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;

/**
 * The one place integration tests find the engine and the test images. The images are built by
 * {@code testbed/setup.sh} from Debian's busybox-static (no registry here); the names are pinned there
 * and here. Tests that need the engine fail (never skip) when it is missing.
 */
public final class TestEngine {
  /** busybox, running as root. */
  public static final String BUSYBOX = "carapace-test/busybox:1";
  /** busybox with {@code USER 1000:1000} and a {@code HEALTHCHECK} running {@code true} every second. */
  public static final String BUSYBOX_USER = "carapace-test/busybox-user:1";

  private TestEngine() {}

  /** The engine under test: {@code -Dcarapace.docker.host}, else DOCKER_HOST, else the unix socket. */
  public static Endpoint endpoint() {
    String host = System.getProperty("carapace.docker.host");
    return host == null || host.isBlank() ? Endpoint.fromEnvironment() : Endpoint.parse(host);
  }

  public static ContainerLauncher launcher() {
    return ContainerLauncher.connect(endpoint());
  }

  /** A default (hardened) spec of the root busybox image running {@code argv}. */
  public static SecureContainerSpec.Builder busybox(String... argv) {
    return SecureContainerSpec.builder().image(BUSYBOX).command(argv);
  }

  /**
   * A default (hardened) spec of the root busybox image running {@code argv} under gVisor; fails the
   * test, never skips, when the engine does not list {@code runsc}.
   */
  public static SecureContainerSpec.Builder gvisor(String... argv) {
    requireGvisor();
    return busybox(argv).runtime(ContainerRuntime.gvisor());
  }

  /** The runtimes the engine lists ({@code GET /info}'s {@code Runtimes}), sorted. */
  public static List<String> runtimes() {
    List<String> names = new ArrayList<>();
    getJson("/info").get(0).path("Runtimes").fieldNames().forEachRemaining(names::add);
    names.sort(null);
    return names;
  }

  /** Fails the test, never skips, when the engine does not list gVisor's {@code runsc}. */
  public static void requireGvisor() {
    List<String> runtimes = runtimes();
    if (!runtimes.contains(ContainerRuntime.GVISOR_NAME)) {
      Assertions.fail("engine lists no runsc runtime: " + runtimes
          + " (run testbed/setup.sh as root: it installs runsc and registers it in /etc/docker/daemon.json)");
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** {@code GET path} on the engine, its JSON values in order (one, or a stream such as {@code /events}). */
  public static List<JsonNode> getJson(String path) {
    List<JsonNode> values = new ArrayList<>();
    try (DockerHttpClient http = DockerClients.httpClient(endpoint());
        DockerHttpClient.Response response = http.execute(DockerHttpClient.Request.builder()
            .method(DockerHttpClient.Request.Method.GET).path(path).build());
        InputStream body = response.getBody()) {
      if (response.getStatusCode() != 200) {
        throw new IllegalStateException("GET " + path + ": HTTP " + response.getStatusCode());
      }
      JSON.createParser(body).readValuesAs(JsonNode.class).forEachRemaining(values::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return values;
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
    return getJson(path).stream().map(e -> e.path("Action").asText()).toList();
  }

  /**
   * A client that forwards every call to {@code real} but is not a {@code DockerClientImpl} (as a test
   * framework's delegating client would be), so docker-java exposes no transport for it.
   */
  public static com.github.dockerjava.api.DockerClient hidingItsTransport(
      com.github.dockerjava.api.DockerClient real) {
    return (com.github.dockerjava.api.DockerClient) java.lang.reflect.Proxy.newProxyInstance(
        com.github.dockerjava.api.DockerClient.class.getClassLoader(),
        new Class<?>[] {com.github.dockerjava.api.DockerClient.class}, (proxy, method, args) -> {
          try {
            return method.invoke(real, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  /** The ids of the engine's containers, running or not, that launcher {@code launcherId} made. */
  public static List<String> containersOf(com.github.dockerjava.api.DockerClient docker, String launcherId) {
    return docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(OwnerLabels.LAUNCHER, launcherId))
        .exec().stream().map(com.github.dockerjava.api.model.Container::getId).toList();
  }

  /**
   * Removes (forced, with volumes) every container the engine lists as made by launcher {@code launcherId}, for a
   * test whose launcher cannot remove them itself; returns their ids. A container gone meanwhile is skipped.
   */
  public static List<String> removeContainersOf(com.github.dockerjava.api.DockerClient docker, String launcherId) {
    List<String> left = containersOf(docker, launcherId);
    for (String id : left) {
      try {
        docker.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
      } catch (com.github.dockerjava.api.exception.NotFoundException gone) {
        // removed meanwhile
      }
    }
    return left;
  }

  /** The names of the networks the engine lists as made by launcher {@code launcherId}. */
  public static List<String> networksOf(com.github.dockerjava.api.DockerClient docker, String launcherId) {
    return docker.listNetworksCmd().withFilter("label", List.of(OwnerLabels.LAUNCHER + "=" + launcherId)).exec()
        .stream().map(com.github.dockerjava.api.model.Network::getName).toList();
  }

  /**
   * After each test of a class sharing one launcher: the engine holds no container and no network of that
   * launcher.
   */
  public static void assertNothingLeft(com.github.dockerjava.api.DockerClient docker, String launcherId) {
    Assertions.assertEquals(List.of(), containersOf(docker, launcherId),
        "containers left behind by this launcher");
    Assertions.assertEquals(List.of(), networksOf(docker, launcherId),
        "networks left behind by this launcher");
  }
}
