package dev.carapace.core.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.transport.DockerHttpClient;
import dev.carapace.core.Endpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The request headers Carapace's transport puts on the wire, read by a loopback server: an
 * uncompressed answer is asked for ({@code Accept-Encoding: identity}), since the engine gzips a copy's
 * archive for any client that offers gzip, as httpclient5 does by itself; the {@code Authorization}
 * header goes with it when there is one.
 */
class EngineClientsTest {
  private static final String ARCHIVE = "/containers/c1/archive?path=%2Fbench%2Fout.bin";

  /** The header lines of the one request {@code send} makes, as the server received them. */
  private static List<String> headersOf(String authorization, DockerHttpClient.Request request) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<List<String>> seen = CompletableFuture.supplyAsync(() -> {
        try (Socket s = server.accept()) {
          List<String> lines = readHead(s.getInputStream());
          OutputStream out = s.getOutputStream();
          out.write("HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
              .getBytes(StandardCharsets.US_ASCII));
          out.flush();
          return lines;
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      Endpoint endpoint = Endpoint.plainTcp("127.0.0.1", server.getLocalPort());
      try (DockerHttpClient http = EngineClients.http(endpoint, Duration.ofSeconds(10), 1, authorization);
          DockerHttpClient.Response response = http.execute(request)) {
        assertEquals(200, response.getStatusCode());
        assertEquals("ok", new String(response.getBody().readAllBytes(), StandardCharsets.US_ASCII));
      }
      return seen.get(10, TimeUnit.SECONDS);
    }
  }

  private static List<String> readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
    }
    return new ArrayList<>(List.of(head.toString(StandardCharsets.US_ASCII).split("\r\n")));
  }

  private static List<String> named(List<String> lines, String name) {
    List<String> values = new ArrayList<>();
    for (String l : lines) {
      int colon = l.indexOf(':');
      if (colon > 0 && l.substring(0, colon).trim().equalsIgnoreCase(name)) {
        values.add(l.substring(colon + 1).trim());
      }
    }
    return values;
  }

  private static DockerHttpClient.Request get(String path) {
    return DockerHttpClient.Request.builder().method(DockerHttpClient.Request.Method.GET).path(path).build();
  }

  @Test
  void theArchiveIsAskedForUncompressed() throws Exception {
    List<String> lines = headersOf(null, get(ARCHIVE));
    assertEquals("GET " + ARCHIVE + " HTTP/1.1", lines.get(0));
    assertEquals(List.of("identity"), named(lines, "Accept-Encoding"), String.join("\n", lines));
    assertFalse(String.join("\n", lines).toLowerCase(Locale.ROOT).contains("gzip"), String.join("\n", lines));
    assertEquals(List.of(), named(lines, "Authorization"));
  }

  @Test
  void theAuthorizationHeaderGoesWithIt() throws Exception {
    List<String> lines = headersOf("Basic dTpw", get("/v1.41" + ARCHIVE));
    assertEquals(List.of("identity"), named(lines, "Accept-Encoding"), String.join("\n", lines));
    assertEquals(List.of("Basic dTpw"), named(lines, "Authorization"));
    List<String> ping = headersOf("Basic dTpw", get("/_ping"));
    assertEquals(List.of("Basic dTpw"), named(ping, "Authorization"));
    assertEquals(List.of("gzip, x-gzip, deflate"), named(ping, "Accept-Encoding"), "other requests as httpclient5 makes them");
  }

  @Test
  void anEncodingTheRequestNamesIsKept() throws Exception {
    DockerHttpClient.Request request = DockerHttpClient.Request.builder().method(DockerHttpClient.Request.Method.GET)
        .path(ARCHIVE).putHeader("Accept-Encoding", "br").build();
    List<String> lines = headersOf(null, request);
    assertEquals(List.of("br"), named(lines, "Accept-Encoding"), String.join("\n", lines));
    assertTrue(lines.get(0).startsWith("GET /containers/c1/archive"));
  }

  /**
   * A unix-socket transport is given the refusing TLS context, so the JVM's default {@code SSLContext} (every CA of
   * its trust store read) is not built for a connection that carries no TLS. Asked of a JVM of its own
   * ({@link DefaultTlsProbe}), since the default is built once per JVM and another test may have built it already:
   * a security provider placed first there records every lookup of a TLS context, trust or key manager and key
   * store. Any TLS lookup while the unix transport is built fails the test (without the refusing context,
   * docker-java's transport looks up {@code SSLContext.Default}); the plain TCP transport built after it shows
   * that the probe sees that lookup.
   */
  @Test
  void aUnixSocketTransportDoesNotBuildTheDefaultTlsContext() throws Exception {
    Process p = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), DefaultTlsProbe.class.getName(), "unix", "tcp")
        .redirectErrorStream(true).start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), output);
    assertEquals(0, p.exitValue(), output);
    List<String> lines = output.lines().filter(l -> l.startsWith("lookups ")).toList();
    assertEquals(2, lines.size(), output);
    assertEquals("lookups unix []", lines.get(0), "nothing of TLS looked up for a unix socket: " + output);
    assertTrue(lines.get(1).startsWith("lookups tcp [") && lines.get(1).contains("SSLContext.Default"),
        "the probe sees the default TLS context built for plain TCP (docker-java's transport does it): " + output);
  }

  /**
   * Run in a JVM of its own by {@link #aUnixSocketTransportDoesNotBuildTheDefaultTlsContext}: for each argument
   * ({@code unix}, {@code tcp}) builds that transport with {@link EngineClients#http} and prints
   * {@code lookups KIND [TYPE.ALGORITHM, ...]}, the TLS lookups its building made.
   */
  public static final class DefaultTlsProbe {
    private static final java.util.Set<String> TLS_TYPES = java.util.Set.of("SSLContext", "TrustManagerFactory",
        "KeyManagerFactory", "KeyStore");

    private DefaultTlsProbe() {}

    public static void main(String[] args) throws Exception {
      List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
      java.security.Security.insertProviderAt(new java.security.Provider("CarapaceTlsProbe", "1",
          "records TLS lookups, serves none") {
        private static final long serialVersionUID = 1L;

        @Override
        public synchronized Service getService(String type, String algorithm) {
          if (TLS_TYPES.contains(type)) {
            seen.add(type + "." + algorithm);
          }
          return null;
        }
      }, 1);
      for (String kind : args) {
        Endpoint endpoint = kind.equals("unix") ? Endpoint.unixSocket(java.nio.file.Path.of("/nonexistent/docker.sock"))
            : Endpoint.plainTcp("127.0.0.1", 9);
        try (DockerHttpClient http = EngineClients.http(endpoint, Duration.ofSeconds(5), 1, null)) {
          System.out.println("lookups " + kind + " " + seen);
          seen.clear();
        }
      }
    }
  }
}
