package dev.carapace.core.internal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.tls.HeldCertificate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** The HTTP wait's one bounded GET, against in-process servers: what it sends, reads and reports. */
class HttpProbeTest {
  private static final Duration BUDGET = Duration.ofSeconds(10);

  /** Something that answers one connection. */
  private interface Handler {
    void handle(Socket socket, String request) throws IOException;
  }

  /** Serves one connection on a loopback port with {@code handler}; completes with the request head read. */
  private static final class OneShot implements AutoCloseable {
    final ServerSocket server;
    final CompletableFuture<String> request = new CompletableFuture<>();

    OneShot(ServerSocket server, Handler handler) {
      this.server = server;
      Thread t = new Thread(() -> {
        try (Socket s = server.accept()) {
          String head = readHead(s.getInputStream());
          request.complete(head);
          handler.handle(s, head);
        } catch (IOException e) {
          request.completeExceptionally(e);
        }
      }, "one-shot-http");
      t.setDaemon(true);
      t.start();
    }

    OneShot(Handler handler) throws IOException {
      this(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()), handler);
    }

    int port() {
      return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  private static void write(Socket s, String text) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Test
  void sendsOneClosingGetAndReadsTheStatus() throws Exception {
    try (OneShot server = new OneShot((s, req) -> write(s, "HTTP/1.1 204 No Content\r\nServer: t\r\n\r\n"))) {
      HttpProbe.Answer a = HttpProbe.get("127.0.0.1", server.port(), "/ready?full=1", null, BUDGET);
      assertEquals(new HttpProbe.Answer(204, "No Content", "", null), a);
      assertEquals("GET /ready?full=1 HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\nUser-Agent: carapace-wait\r\n"
          + "Accept: */*\r\nConnection: close\r\n\r\n", server.request.get(5, TimeUnit.SECONDS));
    }
  }

  @Test
  void keepsTheStartOfTheBody() throws Exception {
    String body = "x".repeat(150) + "\n" + "y".repeat(500);
    try (OneShot server = new OneShot((s, req) -> write(s, "HTTP/1.0 404 Not Found\r\n\r\n" + body))) {
      HttpProbe.Answer a = HttpProbe.get("localhost", server.port(), "/", null, BUDGET);
      assertEquals(404, a.status());
      assertEquals("Not Found", a.reason());
      assertEquals(body.substring(0, HttpProbe.BODY_KEPT), a.bodyStart());
    }
  }

  @Test
  void stopsReadingAtItsLimitFromAServerThatNeverStops() throws Exception {
    // a status line, then headers without end, on a connection left open: read to the limit, not to the end
    try (OneShot server = new OneShot((s, req) -> {
      write(s, "HTTP/1.1 200 OK\r\n");
      try {
        for (int i = 0; i < 100_000; i++) {
          write(s, "X-Filler-" + i + ": " + "f".repeat(100) + "\r\n");
        }
      } catch (IOException closedByTheProbe) {
        // expected: the probe stopped reading and closed
      }
    })) {
      long t0 = System.nanoTime();
      HttpProbe.Answer a = HttpProbe.get("127.0.0.1", server.port(), "/", null, Duration.ofSeconds(60));
      assertEquals(200, a.status());
      assertEquals("", a.bodyStart());
      assertTrue(Duration.ofNanos(System.nanoTime() - t0).compareTo(Duration.ofSeconds(20)) < 0,
          "read until the budget (60 s) instead of the limit");
    }
  }

  @Test
  void aSilentServerIsReportedWhenTheAttemptsTimeIsUp() throws Exception {
    try (OneShot server = new OneShot((s, req) -> {
      try {
        Thread.sleep(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    })) {
      long t0 = System.nanoTime();
      HttpProbe.Answer a = HttpProbe.get("127.0.0.1", server.port(), "/", null, Duration.ofMillis(300));
      assertEquals("no answer within the attempt's time (connected, nothing sent back)", a.failure());
      assertFalse(a.answered());
      // the attempt has 300 ms; the server stays silent for 30 s
      assertTrue(Duration.ofNanos(System.nanoTime() - t0).compareTo(Duration.ofSeconds(10)) < 0);
    }
  }

  @Test
  void aClosedConnectionAndNonHttpAreSaidAsSuch() throws Exception {
    try (OneShot server = new OneShot((s, req) -> { })) {
      assertEquals("connection closed without an answer (the engine's proxy found nothing listening in the "
          + "container)", HttpProbe.get("127.0.0.1", server.port(), "/", null, BUDGET).failure());
    }
    try (OneShot server = new OneShot((s, req) -> write(s, "SSH-2.0-OpenSSH_9.2\r\n"))) {
      assertEquals("not an HTTP answer, it began \"SSH-2.0-OpenSSH_9.2\\r\\n\"",
          HttpProbe.get("127.0.0.1", server.port(), "/", null, BUDGET).failure());
    }
    assertEquals(new HttpProbe.Answer(503, "", "down", null),
        HttpProbe.parse("HTTP/1.1 503\n\ndown".getBytes(StandardCharsets.UTF_8), false));
    assertEquals("not an HTTP answer, it began \"HTTP/1.1 20\"",
        HttpProbe.parse("HTTP/1.1 20".getBytes(StandardCharsets.UTF_8), true).failure());
  }

  @Test
  void tlsChecksTheCertificateAgainstTheTrustAndTheHost() throws Exception {
    HeldCertificate ca = HeldCertificate.builder().commonName("wait-ca").certificateAuthority(0).build();
    HeldCertificate right = HeldCertificate.builder().commonName("server").addSubjectAlternativeName("127.0.0.1")
        .serverAuth().signedBy(ca).build();
    HeldCertificate wrong = HeldCertificate.builder().commonName("server").addSubjectAlternativeName("wrong.example")
        .serverAuth().signedBy(ca).build();
    SSLContext client = trusting(ca);
    try (OneShot server = new OneShot(tlsServer(right, ca), (s, req) -> write(s, "HTTP/1.1 200 OK\r\n\r\nsecure"))) {
      assertEquals(new HttpProbe.Answer(200, "OK", "secure", null),
          HttpProbe.get("127.0.0.1", server.port(), "/", client, BUDGET));
    }
    try (OneShot server = new OneShot(tlsServer(wrong, ca), (s, req) -> write(s, "HTTP/1.1 200 OK\r\n\r\n"))) {
      String failure = HttpProbe.get("127.0.0.1", server.port(), "/", client, BUDGET).failure();
      assertTrue(failure.startsWith("TLS handshake failed: ") && failure.contains("127.0.0.1"), failure);
    }
  }

  private static SSLContext trusting(HeldCertificate ca) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca.certificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  private static ServerSocket tlsServer(HeldCertificate cert, HeldCertificate ca) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    char[] pass = "test".toCharArray();
    keys.setKeyEntry("server", cert.keyPair().getPrivate(), pass, new Certificate[] {cert.certificate(),
        ca.certificate()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, pass);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory()
        .createServerSocket(0, 1, InetAddress.getLoopbackAddress());
    return server;
  }
}
