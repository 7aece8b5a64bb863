package dev.carapace.core.internal.engine;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.carapace.core.Endpoint;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A session's own docker-java clients are made at their first use, once, and never outlive it: one first asked for
 * after {@code close()} is already closed, and the transport of a session that never made them is closed with it.
 */
class EngineSessionClientsTest {
  private static EngineSession open() {
    // nothing listens there: no request is sent unless a test sends one
    return EngineSession.open(Endpoint.parse("unix:///nonexistent/carapace-test.sock"), null, Duration.ofSeconds(5),
        Map.of());
  }

  @Test
  void eachClientIsMadeOnceThoughAskedConcurrently() throws Exception {
    try (EngineSession session = open()) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<DockerClient>> apis = new ArrayList<>();
        List<Future<DockerClient>> streams = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          apis.add(pool.submit(() -> {
            start.await();
            return session.api();
          }));
          streams.add(pool.submit(() -> {
            start.await();
            return session.streaming();
          }));
        }
        start.countDown();
        for (int i = 0; i < 8; i++) {
          assertSame(session.api(), apis.get(i).get());
          assertSame(session.streaming(), streams.get(i).get());
        }
        assertTrue(session.api() != session.streaming(), "the streaming client is a client of its own");
        assertSame(session.streamingTransport().orElseThrow(), session.streamingTransport().orElseThrow());
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void aClientFirstAskedForAfterCloseIsClosed() {
    EngineSession session = open();
    session.close();
    IllegalStateException api = assertThrows(IllegalStateException.class, () -> session.api().pingCmd().exec());
    assertTrue(api.getMessage().contains("shut down"), api.getMessage());
    IllegalStateException stream = assertThrows(IllegalStateException.class,
        () -> session.streaming().pingCmd().exec());
    assertTrue(stream.getMessage().contains("shut down"), stream.getMessage());
  }

  @Test
  void theTransportOfASessionThatMadeNoClientIsClosedWithIt() {
    EngineSession session = open();
    DockerHttpClient transport = session.transport().orElseThrow();
    session.close();
    DockerHttpClient.Request ping = DockerHttpClient.Request.builder()
        .method(DockerHttpClient.Request.Method.GET).path("/_ping").build();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> transport.execute(ping).close());
    assertTrue(e.getMessage().contains("shut down"), e.getMessage());
  }
}
