package dev.carapace.core.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.carapace.tls.HeldCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A small in-process registry speaking the part of the Registry HTTP API v2 that Carapace uses
 * (manifests by tag or digest, blobs, monolithic uploads), over TLS from its own CA, with optional
 * Basic or Bearer authentication, and hooks that make it misbehave: a {@link #hook} runs before each
 * request and may answer it itself (a delay, a redirect, a huge body). Its stores are public so a
 * test can tamper with what it serves. For unit tests: the real registry's ITs use the testbed's.
 */
public final class FakeRegistry implements AutoCloseable {
  /** Answers a request itself (returns true) or lets the registry answer it. */
  public interface Hook {
    boolean handle(HttpExchange exchange) throws IOException;
  }

  /** A stored manifest. */
  public record Stored(String mediaType, byte[] bytes) {}

  private static final Pattern MANIFEST = Pattern.compile("/v2/(.+)/manifests/([^/]+)");
  private static final Pattern BLOB = Pattern.compile("/v2/(.+)/blobs/(sha256:[a-f0-9]{64})");
  private static final Pattern UPLOADS = Pattern.compile("/v2/(.+)/blobs/uploads/([^/]*)");

  public final HeldCertificate ca = HeldCertificate.builder().commonName("fake-registry-ca").certificateAuthority(0)
      .build();
  private final HeldCertificate server = HeldCertificate.builder().commonName("fake-registry")
      .addSubjectAlternativeName("127.0.0.1").serverAuth().signedBy(ca).build();
  private final HttpsServer https;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fake-registry");
    t.setDaemon(true);
    return t;
  });
  /** repository -> tag or digest -> manifest. */
  public final Map<String, Map<String, Stored>> manifests = new ConcurrentHashMap<>();
  /** digest -> bytes served for it (whatever they are). */
  public final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
  /** Every request, {@code METHOD path}. */
  public final List<String> requests = new CopyOnWriteArrayList<>();
  public volatile Hook hook = e -> false;
  private volatile String basicUser;
  private volatile String basicPassword;
  private volatile boolean bearer;

  public FakeRegistry() throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    char[] pass = "test".toCharArray();
    keys.setKeyEntry("server", server.keyPair().getPrivate(), pass,
        new Certificate[] {server.certificate(), ca.certificate()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, pass);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    https.setHttpsConfigurator(new HttpsConfigurator(context));
    https.setExecutor(executor);
    https.createContext("/", this::handle);
    https.start();
  }

  /** {@code 127.0.0.1:port}, as image references name this registry. */
  public String address() {
    return "127.0.0.1:" + https.getAddress().getPort();
  }

  /** Requires HTTP Basic with this user and password. */
  public FakeRegistry basicAuth(String user, String password) {
    this.basicUser = user;
    this.basicPassword = password;
    return this;
  }

  /** Requires a Bearer token from its own token service ({@code /token}), given for Basic credentials. */
  public FakeRegistry bearerAuth(String user, String password) {
    basicAuth(user, password);
    this.bearer = true;
    return this;
  }

  /** Stores a manifest under its digest and {@code tag}; returns the digest. */
  public String putManifest(String repository, String tag, String mediaType, byte[] bytes) {
    String digest = sha256(bytes);
    Map<String, Stored> repo = manifests.computeIfAbsent(repository, r -> new ConcurrentHashMap<>());
    repo.put(digest, new Stored(mediaType, bytes));
    if (tag != null) {
      repo.put(tag, new Stored(mediaType, bytes));
    }
    return digest;
  }

  /** Stores a blob; returns its digest. */
  public String putBlob(byte[] bytes) {
    String digest = sha256(bytes);
    blobs.put(digest, bytes);
    return digest;
  }

  /** {@code sha256:<hex>}. */
  public static String sha256(byte[] bytes) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void handle(HttpExchange e) throws IOException {
    try (e) {
      String path = e.getRequestURI().getRawPath();
      requests.add(e.getRequestMethod() + " " + path);
      byte[] body;
      try (InputStream in = e.getRequestBody()) {
        body = in.readAllBytes();
      }
      if (hook.handle(e)) {
        return;
      }
      if (path.equals("/token")) {
        if (!basicOk(e)) {
          send(e, 401, "application/json", "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"bad\"}]}");
        } else {
          send(e, 200, "application/json", "{\"token\":\"fake-token\"}");
        }
        return;
      }
      if (!authorized(e)) {
        e.getResponseHeaders().add("WWW-Authenticate", bearer
            ? "Bearer realm=\"https://" + address() + "/token\",service=\"fake\""
            : "Basic realm=\"fake\"");
        send(e, 401, "application/json", "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}");
        return;
      }
      Matcher m;
      if ((m = UPLOADS.matcher(path)).matches()) {
        if (e.getRequestMethod().equals("POST")) {
          e.getResponseHeaders().add("Location", "/v2/" + m.group(1) + "/blobs/uploads/" + UUID.randomUUID());
          send(e, 202, null, "");
        } else {
          String query = e.getRequestURI().getQuery();
          String digest = query.substring(query.indexOf("digest=") + 7);
          if (!digest.equals(sha256(body))) {
            send(e, 400, "application/json", "{\"errors\":[{\"code\":\"DIGEST_INVALID\",\"message\":\"x\"}]}");
            return;
          }
          blobs.put(digest, body);
          send(e, 201, null, "");
        }
        return;
      }
      if ((m = MANIFEST.matcher(path)).matches()) {
        String repo = m.group(1);
        String ref = m.group(2);
        if (e.getRequestMethod().equals("PUT")) {
          putManifest(repo, ref.startsWith("sha256:") ? null : ref,
              e.getRequestHeaders().getFirst("Content-Type"), body);
          send(e, 201, null, "");
          return;
        }
        Stored s = manifests.getOrDefault(repo, Map.of()).get(ref);
        if (s == null) {
          send(e, 404, "application/json", "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}");
          return;
        }
        e.getResponseHeaders().add("Content-Type", s.mediaType());
        sendBytes(e, 200, s.bytes());
        return;
      }
      if ((m = BLOB.matcher(path)).matches()) {
        byte[] b = blobs.get(m.group(2));
        if (b == null) {
          send(e, 404, "application/json", "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"message\":\"blob unknown\"}]}");
          return;
        }
        sendBytes(e, 200, b);
        return;
      }
      send(e, 404, null, "");
    }
  }

  private boolean basicOk(HttpExchange e) {
    String h = e.getRequestHeaders().getFirst("Authorization");
    return h != null && h.equals("Basic " + Base64.getEncoder().encodeToString((basicUser + ":" + basicPassword)
        .getBytes(StandardCharsets.UTF_8)));
  }

  private boolean authorized(HttpExchange e) {
    if (basicUser == null) {
      return true;
    }
    if (bearer) {
      return "Bearer fake-token".equals(e.getRequestHeaders().getFirst("Authorization"));
    }
    return basicOk(e);
  }

  /** Sends {@code text} with {@code status} (no body for HEAD). */
  public static void send(HttpExchange e, int status, String type, String text) throws IOException {
    if (type != null) {
      e.getResponseHeaders().add("Content-Type", type);
    }
    sendBytes(e, status, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends {@code bytes} with {@code status} (no body for HEAD). */
  public static void sendBytes(HttpExchange e, int status, byte[] bytes) throws IOException {
    if (e.getRequestMethod().equals("HEAD") || bytes.length == 0) {
      if (e.getRequestMethod().equals("HEAD")) {
        e.getResponseHeaders().add("Content-Length", String.valueOf(bytes.length));
      }
      e.sendResponseHeaders(status, -1);
      return;
    }
    e.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = e.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Answers with a redirect to {@code location}. */
  public static void redirect(HttpExchange e, URI location) throws IOException {
    e.getResponseHeaders().add("Location", location.toString());
    e.sendResponseHeaders(307, -1);
  }

  @Override
  public void close() {
    https.stop(0);
    executor.shutdownNow();
  }
}
