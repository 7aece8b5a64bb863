package dev.carapace.core;

import static dev.carapace.core.testing.TestEngine.busybox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import dev.carapace.core.PortBinding.Protocol;
import dev.carapace.core.internal.engine.DockerClients;
import dev.carapace.core.testing.TestEngine;
import dev.carapace.core.testing.TestPeers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The host ports the engine bound, read back after start and used: busybox httpd on a port the engine chose. */
class PublishedPortsIT {
  private static final Duration T = Duration.ofSeconds(30);
  private static ContainerLauncher launcher;
  private static DockerClient docker;

  @BeforeAll
  static void connect() {
    launcher = TestEngine.launcher();
    docker = DockerClients.connect(TestEngine.endpoint());
  }

  @AfterAll
  static void close() throws Exception {
    launcher.close();
    docker.close();
  }

  /** busybox httpd on 8080 inside, as uid 1000, read-only root, its page on a tmpfs. */
  static SecureContainerSpec.Builder httpd() {
    return busybox("sh", "-c", "echo hello from carapace > /tmp/index.html && exec httpd -f -p 8080 -h /tmp")
        .user("1000:1000")
        .readOnlyRootFilesystem(true)
        .addMount(Mount.tmpfs(ContainerPath.of("/tmp"), MemorySize.ofMebibytes(1)))
        .network(NetworkMode.bridge())
        .addPort(PortBinding.localhost(0, 8080));
  }

  /** The body of {@code GET http://127.0.0.1:port/index.html}; fails unless 200. */
  static String get(int port) {
    try {
      HttpResponse<String> answer = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/index.html")).timeout(T).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, answer.statusCode());
      return answer.body();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void findsThePortTheEngineChoseAndItAnswers() throws Exception {
    try (RunningContainer c = launcher.launch(httpd().build())) {
      int port = c.hostPort(8080);
      assertNotEquals(0, port);
      // the engine's own view (docker port)
      Ports.Binding[] engine = docker.inspectContainerCmd(c.id()).exec().getNetworkSettings().getPorts()
          .getBindings().get(ExposedPort.tcp(8080));
      assertEquals(1, engine.length);
      assertEquals(String.valueOf(port), engine[0].getHostPortSpec());
      assertEquals(List.of(new PublishedPort(8080, Protocol.TCP, "127.0.0.1", port)), c.publishedPorts());
      assertEquals(new PublishedPort(8080, Protocol.TCP, "127.0.0.1", port), c.publishedPort(8080, Protocol.TCP));
      assertEquals("8080/tcp -> 127.0.0.1:" + port, c.publishedPort(8080, Protocol.TCP).toString());

      c.await(Wait.portAccepts(8080), T);
      assertEquals("hello from carapace\n", get(port));

      c.stop(Duration.ofSeconds(1));
      assertEquals(List.of(), c.publishedPorts());
      IllegalStateException stopped = assertThrows(IllegalStateException.class, () -> c.hostPort(8080));
      assertEquals("published port 8080/tcp needs a running container: exited", stopped.getMessage());
    }
  }

  @Test
  void aHostPortInUseIsRefusedWithTheRemedy() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      LaunchException e = assertThrows(LaunchException.class,
          () -> launcher.launch(httpd().ports(List.of(PortBinding.localhost(port, 8080))).build()));
      assertEquals(LaunchException.Step.START, e.step());
      // the engine names its endpoint (a random container name and an id): matched, not spelled
      String expected = "start of carapace-test/busybox:1 (container " + e.containerId().orElseThrow().substring(0, 12)
          + ") failed: a published host port is in use (use port 0 to let the engine choose): daemon said: driver"
          + " failed programming external connectivity on endpoint ENDPOINT: Error starting userland proxy:"
          + " listen tcp4 127.0.0.1:" + port + ": bind: address already in use";
      assertEquals(expected, e.getMessage().replaceFirst("endpoint \\w+ \\([0-9a-f]{64}\\)", "endpoint ENDPOINT"));
      assertEquals(0, TestPeers.containersOf(docker, launcher.id()), "container left behind");
    }
  }

  @Test
  void aPortTheSpecDoesNotPublishIsRefusedNamingWhatIs() {
    try (RunningContainer c = launcher.launch(httpd().build())) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.hostPort(9090));
      assertEquals("container port must be published: 9090/tcp (published: 8080/tcp; "
          + "add PortBinding.localhost(0, 9090) to the spec)", e.getMessage());
      IllegalArgumentException udp = assertThrows(IllegalArgumentException.class,
          () -> c.publishedPort(8080, Protocol.UDP));
      assertEquals("container port must be published: 8080/udp (published: 8080/tcp; "
          + "add a PortBinding for 8080/udp to the spec)", udp.getMessage());
    }
    try (RunningContainer c = launcher.launch(busybox("sleep", "30").build())) {
      assertEquals(List.of(), c.publishedPorts());
      IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> c.hostPort(80));
      assertEquals("container port must be published: 80/tcp (published: none; "
          + "add PortBinding.localhost(0, 80) to the spec)", none.getMessage());
    }
  }
}
