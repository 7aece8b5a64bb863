package dev.carapace.core;

import static dev.carapace.core.testing.TestEngine.busybox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import dev.carapace.core.testing.SilentProxy;
import dev.carapace.core.testing.TestEngine;
import dev.carapace.core.testing.TestPeers;
import dev.carapace.tls.DockerTlsMaterial;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code copyInto} and {@code copyFrom} over TCP and TLS endpoints whose engine goes silent (a proxy
 * of ours in front of it accepts, then drops every byte and answers nothing; the engine itself never
 * stops): each fails within the endpoint's response timeout, not after the stream timeout or never
 * (a socket read over TCP ignores the deadline's interrupt; before, nothing else bounded it).
 */
class SilentEngineCopyIT {
  private static final Duration RESPONSE = Duration.ofSeconds(3);
  private static final Duration STREAM = Duration.ofMinutes(5);
  private static DockerClient unixSocket;
  @TempDir Path host;

  @BeforeAll
  static void connect() {
    unixSocket = TestPeers.unixSocket();
  }

  @AfterAll
  static void close() throws Exception {
    unixSocket.close();
  }

  @Test
  void aCopyOverTcpToASilentEngineFailsWithinTheResponseTimeout() throws Exception {
    assertBounded(new java.io.File(TestEngine.endpoint().uri().getPath()).toPath(), port -> Endpoint.plainTcp(
        "127.0.0.1", port));
  }

  @Test
  void aCopyOverTlsToASilentEngineFailsWithinTheResponseTimeout() throws Exception {
    DockerTlsMaterial material = DockerTlsMaterial.readClient(TestPeers.pki());
    assertBounded(null, port -> Endpoint.tls("127.0.0.1", port, material));
  }

  @Test
  void aCopyIntoAnEngineThatStopsReadingOverTcpFailsAtTheDeadline() throws Exception {
    assertWriteBounded(new java.io.File(TestEngine.endpoint().uri().getPath()).toPath(), port -> Endpoint.plainTcp(
        "127.0.0.1", port));
  }

  @Test
  void aCopyIntoAnEngineThatStopsReadingOverTlsFailsAtTheDeadline() throws Exception {
    DockerTlsMaterial material = DockerTlsMaterial.readClient(TestPeers.pki());
    assertWriteBounded(null, port -> Endpoint.tls("127.0.0.1", port, material));
  }

  /**
   * A 64 MiB copy to an engine that stops reading its body (the proxy forwards the headers and a little
   * of it, then reads nothing): the write blocks, which no socket timeout bounds; the copy's deadline
   * (the stream timeout) closes its connection, and the copy fails then, saying the engine stopped reading.
   */
  private void assertWriteBounded(Path unix, IntFunction<Endpoint> endpoint) throws Exception {
    SocketAddress upstream = unix != null ? UnixDomainSocketAddress.of(unix)
        : new InetSocketAddress("127.0.0.1", TestPeers.DOCKERD_TLS);
    Duration deadline = Duration.ofSeconds(10);
    // the stream timeout is under test here: a response timeout of 3 s failed the launch's create under load (15)
    Duration response = Duration.ofSeconds(30);
    String id = null;
    try (SilentProxy proxy = new SilentProxy(upstream)) {
      Endpoint through = endpoint.apply(proxy.port()).responseTimeout(response);
      ContainerLauncher launcher = ContainerLauncher.builder().endpoint(through).streamTimeout(deadline).build();
      try {
        RunningContainer c = launcher.launch(busybox("sleep", "300").build());
        id = c.id();
        proxy.stopReading();
        long start = System.nanoTime();
        ContainerOperationException in = assertThrows(ContainerOperationException.class,
            () -> c.copyInto(ContainerPath.of("/tmp/big"), CopySource.ofBytes(new byte[64 << 20])));
        long inMs = (System.nanoTime() - start) / 1_000_000;
        System.out.println("SilentEngineCopyIT " + proxy + ": copyInto of 64 MiB to an engine that stopped reading"
            + " failed after " + inMs + " ms (stream timeout " + deadline + ", response timeout " + response + "): "
            + in.getMessage());
        assertEquals("copy of carapace-test/busybox:1 (container " + id.substring(0, 12) + ") failed: engine "
            + through + " stopped reading the copy: it took N bytes of the archive, then not the rest within PT10S"
            + " (the stream timeout)", in.getMessage().replaceFirst("took \\d+ bytes", "took N bytes"));
        assertTrue(inMs >= 9_000 && inMs < 40_000, "copyInto failed after " + inMs + " ms");
      } finally {
        proxy.close(); // ends the engine's half-read PUT, which holds the container: its removal would wait
        if (id != null) {
          unixSocket.removeContainerCmd(id).withForce(true).exec(); // not through the proxy
        }
        try {
          launcher.close(); // its own removal goes through the closed proxy: it fails, bounded
        } catch (EngineException expected) {
          // the container is gone already
        }
        removeWhatItMade(launcher.id(), id == null);
      }
    }
  }

  private void assertBounded(Path unix, IntFunction<Endpoint> endpoint) throws Exception {
    SocketAddress upstream = unix != null ? UnixDomainSocketAddress.of(unix)
        : new InetSocketAddress("127.0.0.1", TestPeers.DOCKERD_TLS);
    String id = null;
    try (SilentProxy proxy = new SilentProxy(upstream)) {
      ContainerLauncher launcher = ContainerLauncher.builder().endpoint(endpoint.apply(proxy.port())
          .responseTimeout(RESPONSE)).streamTimeout(STREAM).build();
      try {
        RunningContainer c = launcher.launch(busybox("sleep", "300").build());
        id = c.id();
        c.copyInto(ContainerPath.of("/tmp/a.txt"), CopySource.ofString("a\n")); // through the proxy, answered
        proxy.silence();
        long start = System.nanoTime();
        ContainerOperationException out = assertThrows(ContainerOperationException.class,
            () -> c.copyFrom(ContainerPath.of("/tmp/a.txt"), host.resolve("a.txt")));
        long outMs = (System.nanoTime() - start) / 1_000_000;
        start = System.nanoTime();
        ContainerOperationException in = assertThrows(ContainerOperationException.class,
            () -> c.copyInto(ContainerPath.of("/tmp/b.txt"), CopySource.ofString("b\n")));
        long inMs = (System.nanoTime() - start) / 1_000_000;
        System.out.println("SilentEngineCopyIT " + proxy + ": copyFrom failed after " + outMs + " ms, copyInto after "
            + inMs + " ms (response timeout " + RESPONSE + ", stream timeout " + STREAM + ")");
        for (ContainerOperationException e : java.util.List.of(out, in)) {
          assertTrue(e.getMessage().contains(" unreachable or not answering: "), e.getMessage());
          assertTrue(e.getMessage().contains("timed out"), e.getMessage());
        }
        // 10 times the 3 s response timeout, far under the 5 min stream timeout
        assertTrue(outMs < 30_000, "copyFrom failed after " + outMs + " ms");
        assertTrue(inMs < 30_000, "copyInto failed after " + inMs + " ms");
        assertFalse(Files.exists(host.resolve("a.txt")));
        try (var left = Files.list(host)) {
          assertEquals(0, left.count(), "no staging directory left");
        }
      } finally {
        if (id != null) {
          unixSocket.removeContainerCmd(id).withForce(true).exec(); // the proxy is silent: not through it
        }
        try {
          launcher.close(); // its own removal goes through the silent proxy: it fails, bounded, and says so
        } catch (EngineException expected) {
          assertTrue(expected.getMessage().contains("not answering"), expected.getMessage());
        }
        removeWhatItMade(launcher.id(), id == null);
      }
    }
  }

  /**
   * Removes, over the unix socket, every container of launcher {@code launcherId}: its own removal went through a
   * proxy now closed or silent, and so does the reaper's. When the launch itself failed (a create given up on under
   * load), the engine may make the container seconds later: then it looks for 10 s.
   */
  private static void removeWhatItMade(String launcherId, boolean launchFailed) throws InterruptedException {
    long until = System.nanoTime() + (launchFailed ? Duration.ofSeconds(10).toNanos() : 0);
    do {
      if (!TestEngine.removeContainersOf(unixSocket, launcherId).isEmpty()) {
        return;
      }
      Thread.sleep(200);
    } while (System.nanoTime() < until);
  }
}
