package dev.carapace.core.internal.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.carapace.core.internal.io.Strings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * Speaks the Docker Registry HTTP API v2 (the OCI distribution spec) to one registry with the JDK's
 * {@link HttpClient}: reads manifests and blobs, checking each one's digest against its bytes, and
 * pushes blobs and manifests. Authenticates as the docker CLI does: a {@code 401} answer's
 * {@code WWW-Authenticate} challenge is met with the credentials as {@code Basic}, or exchanged at
 * the token service the {@code Bearer} challenge names (a user and password as {@code Basic}, an
 * identity token as an OAuth2 refresh token), then the request is sent once more.
 *
 * <p>Bounded: every request of one client shares one deadline (a verification is one client), a
 * manifest is at most {@link #MAX_MANIFEST_BYTES}, a blob at most what its caller allows, an error
 * body or a token answer at most {@value #MAX_SMALL_BYTES} bytes; the limits are checked on the
 * declared {@code Content-Length} before reading and again while reading.
 *
 * <p>Redirects: a manifest, a tag and an upload are read from the registry itself, and a redirect
 * there is refused (a registry that sends its manifests elsewhere is not the registry that was
 * trusted). A blob read may follow at most {@value #MAX_REDIRECTS} redirects to {@code https}
 * locations, as registries send blobs to a storage service; credentials go only to the registry's
 * own host and port, and the blob is checked against its digest whatever served it.
 *
 * <p>Only {@code https}: a registry served over plain HTTP (the engine's {@code insecure-registries})
 * is not read. No message holds a credential or a token.
 */
public final class RegistryClient {
  /** The largest manifest read: 4 MiB, as containerd and the distribution registry limit it. */
  public static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
  /** The largest error body, token answer or redirect body read. */
  public static final int MAX_SMALL_BYTES = 64 * 1024;
  /** How many redirects a blob read follows. */
  public static final int MAX_REDIRECTS = 3;

  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
  /** What a manifest request accepts, images and indexes, OCI and Docker schema 2 (never schema 1). */
  public static final List<String> MANIFEST_TYPES = List.of(OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern CHALLENGE_PARAM = Pattern.compile("([A-Za-z_]+)=\"([^\"]*)\"");
  private static final String ANY_SCOPE = "*";

  /** A failed registry exchange; the message names the registry, the request and the reason, never a secret. */
  public static final class RegistryFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    RegistryFailure(String message, int status, Throwable cause) {
      super(message, cause);
      this.status = status;
    }

    /** The HTTP status the registry answered with, or 0 when it did not answer. */
    public int status() {
      return status;
    }
  }

  /**
   * A manifest as read: its media type, its bytes and their digest.
   *
   * @param mediaType the {@code Content-Type} of the answer, else the manifest's {@code mediaType}
   * @param bytes the manifest's bytes
   * @param digest {@code sha256:} of the bytes
   */
  public record Manifest(String mediaType, byte[] bytes, String digest) {}

  private record Answer(int status, HttpHeaders headers, byte[] body, URI uri) {}

  private final HttpClient http;
  private final String registry;
  private final String host;
  private final RegistryAuth auth;
  private final Duration timeout;
  private final long deadline;
  private final Map<String, String> authorizations = new ConcurrentHashMap<>();

  /**
   * A client for one registry whose requests must all be answered within {@code timeout} from now.
   *
   * @param http a client made by {@link #httpClient}
   * @param registry the registry as image references name it, for messages ({@code docker.io})
   * @param host the API's host and port ({@code registry-1.docker.io}, {@code 127.0.0.1:5443})
   * @param auth the credentials, or null for anonymous access
   */
  public RegistryClient(HttpClient http, String registry, String host, RegistryAuth auth, Duration timeout) {
    this.http = http;
    this.registry = registry;
    this.host = host;
    this.auth = auth;
    this.timeout = timeout;
    this.deadline = System.nanoTime() + timeout.toNanos();
  }

  /**
   * The JDK client this class uses: TLS with {@code ssl}, never following redirects itself, HTTP/1.1.
   *
   * @param connectTimeout how long a connection may take
   */
  public static HttpClient httpClient(SSLContext ssl, Duration connectTimeout) {
    return HttpClient.newBuilder().sslContext(ssl).followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout).build();
  }

  /** {@code sha256:<hex>} of {@code bytes}. */
  public static String sha256(byte[] bytes) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /**
   * The manifest {@code reference} (a tag or a digest) of {@code repository}, or empty when the
   * registry has none (404). Its digest is computed from its bytes; for a digest reference it must
   * be that digest, and a {@code Docker-Content-Digest} the registry sends must agree.
   */
  public Optional<Manifest> manifest(String repository, String reference) {
    String path = "/v2/" + repository + "/manifests/" + reference;
    Answer a = send("GET", path, pull(repository), Map.of("Accept", String.join(", ", MANIFEST_TYPES)), null,
        MAX_MANIFEST_BYTES, false);
    if (a.status == 404) {
      return Optional.empty();
    }
    expect(a, "GET", path, 200);
    String digest = sha256(a.body);
    if (ImageName.isDigest(reference) && !reference.equals(digest)) {
      throw failure("registry " + registry + " answered GET " + path + " with a manifest whose digest is " + digest,
          a.status, null);
    }
    Optional<String> claimed = a.headers.firstValue("Docker-Content-Digest");
    if (claimed.isPresent() && !claimed.get().equals(digest)) {
      throw failure("registry " + registry + " answered GET " + path + " with Docker-Content-Digest "
          + Strings.show(shorten(claimed.get())) + " for a manifest whose digest is " + digest, a.status, null);
    }
    String type = a.headers.firstValue("Content-Type").map(t -> t.split(";", 2)[0].trim()).orElse("");
    if (!MANIFEST_TYPES.contains(type)) {
      type = mediaTypeField(a.body);
    }
    return Optional.of(new Manifest(type, a.body, digest));
  }

  /**
   * The blob {@code digest} of {@code repository}, at most {@code maxBytes}, checked against the
   * digest.
   *
   * @throws RegistryFailure when absent, larger, or not matching its digest
   */
  public byte[] blob(String repository, String digest, long maxBytes) {
    String path = "/v2/" + repository + "/blobs/" + digest;
    Answer a = send("GET", path, pull(repository), Map.of(), null, maxBytes, true);
    expect(a, "GET", path, 200);
    String got = sha256(a.body);
    if (!got.equals(digest)) {
      throw failure("blob does not match its digest: " + digest + " (got " + got + ")", a.status, null);
    }
    return a.body;
  }

  /** Whether {@code repository} holds the blob {@code digest}. */
  public boolean hasBlob(String repository, String digest) {
    String path = "/v2/" + repository + "/blobs/" + digest;
    Answer a = send("HEAD", path, pull(repository), Map.of(), null, 0, false);
    if (a.status == 404) {
      return false;
    }
    expect(a, "HEAD", path, 200);
    return true;
  }

  /** Pushes {@code bytes} as a blob of {@code repository} (unless it has it) and returns its digest. */
  public String putBlob(String repository, byte[] bytes) {
    String digest = sha256(bytes);
    if (hasBlob(repository, digest)) {
      return digest;
    }
    String path = "/v2/" + repository + "/blobs/uploads/";
    Answer started = send("POST", path, push(repository), Map.of(), new byte[0], MAX_SMALL_BYTES, false);
    expect(started, "POST", path, 202);
    URI upload = uploadLocation(started, path);
    String query = upload.getRawQuery();
    URI put = URI.create(upload.getScheme() + "://" + upload.getRawAuthority() + upload.getRawPath() + "?"
        + (query == null || query.isEmpty() ? "" : query + "&") + "digest=" + URLEncoder.encode(digest,
        StandardCharsets.UTF_8));
    Answer done = sendTo("PUT", put, push(repository), Map.of("Content-Type", "application/octet-stream"), bytes,
        MAX_SMALL_BYTES, false);
    expect(done, "PUT", upload.getRawPath(), 201);
    return digest;
  }

  /**
   * Mounts the blob {@code digest} of {@code from} into {@code repository} (same registry), as
   * {@code docker push} does for a layer another repository has.
   *
   * @return whether the registry mounted it (201); false when it started an upload instead (202)
   */
  public boolean mountBlob(String repository, String digest, String from) {
    String path = "/v2/" + repository + "/blobs/uploads/?mount=" + URLEncoder.encode(digest, StandardCharsets.UTF_8)
        + "&from=" + URLEncoder.encode(from, StandardCharsets.UTF_8);
    Answer a = send("POST", path, push(repository) + " repository:" + from + ":pull", Map.of(), new byte[0],
        MAX_SMALL_BYTES, false);
    if (a.status == 202) {
      return false;
    }
    expect(a, "POST", path, 201);
    return true;
  }

  /** Pushes a manifest under {@code reference} (a tag or its digest) and returns its digest. */
  public String putManifest(String repository, String reference, String mediaType, byte[] bytes) {
    String path = "/v2/" + repository + "/manifests/" + reference;
    Answer a = send("PUT", path, push(repository), Map.of("Content-Type", mediaType), bytes, MAX_SMALL_BYTES, false);
    expect(a, "PUT", path, 201);
    return sha256(bytes);
  }

  /** Deletes the manifest {@code digest} of {@code repository} with its tags; false when absent. */
  public boolean deleteManifest(String repository, String digest) {
    String path = "/v2/" + repository + "/manifests/" + digest;
    Answer a = send("DELETE", path, "repository:" + repository + ":delete,pull,push", Map.of(), null,
        MAX_SMALL_BYTES, false);
    if (a.status == 404) {
      return false;
    }
    expect(a, "DELETE", path, 202);
    return true;
  }

  private static String pull(String repository) {
    return "repository:" + repository + ":pull";
  }

  private static String push(String repository) {
    return "repository:" + repository + ":pull,push";
  }

  private URI uploadLocation(Answer a, String path) {
    String location = a.headers.firstValue("Location").orElseThrow(() -> failure("registry " + registry
        + " answered POST " + path + " without a Location", a.status, null));
    URI uri = a.uri.resolve(location);
    if (!sameOrigin(uri)) {
      throw failure("registry " + registry + " answered POST " + path + " with an upload location elsewhere: "
          + Strings.show(shorten(uri.toString())) + " (uploads go to the registry itself)", a.status, null);
    }
    return uri;
  }

  private boolean sameOrigin(URI uri) {
    if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      return false;
    }
    URI mine = URI.create("https://" + host);
    return uri.getHost().equalsIgnoreCase(mine.getHost())
        && (uri.getPort() < 0 ? 443 : uri.getPort()) == (mine.getPort() < 0 ? 443 : mine.getPort());
  }

  private void expect(Answer a, String method, String path, int status) {
    if (a.status == status) {
      return;
    }
    String what = "registry " + registry + " answered " + method + " " + path + " with " + a.status;
    if (a.status == 401 || a.status == 403) {
      throw failure(what + (auth == null ? " (no credentials for " + registry + ")"
          : " (as " + auth.who() + ", credentials from " + auth.source() + ")") + errorsOf(a.body), a.status, null);
    }
    throw failure(what + errorsOf(a.body), a.status, null);
  }

  /** {@code : MANIFEST_UNKNOWN manifest unknown} from the registry's {@code errors}, shown escaped and short. */
  private static String errorsOf(byte[] body) {
    if (body == null || body.length == 0) {
      return "";
    }
    try {
      JsonNode errors = JSON.readTree(body).path("errors");
      if (errors.isArray() && errors.size() > 0) {
        JsonNode e = errors.get(0);
        return ": " + Strings.show(shorten(e.path("code").asText("") + " " + e.path("message").asText("")));
      }
    } catch (IOException e) {
      // not the registry's JSON
    }
    return "";
  }

  private static String shorten(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }

  private static String mediaTypeField(byte[] manifest) {
    try {
      return JSON.readTree(manifest).path("mediaType").asText("");
    } catch (IOException e) {
      return "";
    }
  }

  private Answer send(String method, String path, String scope, Map<String, String> headers, byte[] body,
      long maxBytes, boolean followRedirects) {
    return sendTo(method, URI.create("https://" + host + path), scope, headers, body, maxBytes, followRedirects);
  }

  private Answer sendTo(String method, URI uri, String scope, Map<String, String> headers, byte[] body,
      long maxBytes, boolean followRedirects) {
    Answer a = exchange(method, uri, headers, body, authorization(scope), maxBytes);
    if (a.status == 401 && a.headers.firstValue("WWW-Authenticate").isPresent()) {
      meet(a.headers.firstValue("WWW-Authenticate").get(), scope, method, uri.getRawPath());
      a = exchange(method, uri, headers, body, authorization(scope), maxBytes);
    }
    int hops = 0;
    while (a.status >= 300 && a.status < 400 && a.status != 304) {
      String location = a.headers.firstValue("Location").orElse("");
      URI next = a.uri.resolve(location.isEmpty() ? a.uri.toString() : location);
      String what = "registry " + registry + " answered " + method + " " + uri.getRawPath() + " with a redirect to "
          + Strings.show(shorten(next.toString()));
      if (!followRedirects) {
        throw failure(what + ": refused (manifests, tags and uploads are read from the registry itself)",
            a.status, null);
      }
      if (!"https".equalsIgnoreCase(next.getScheme())) {
        throw failure(what + ": refused (a blob is read over https only)", a.status, null);
      }
      if (++hops > MAX_REDIRECTS) {
        throw failure(what + ": refused (more than " + MAX_REDIRECTS + " redirects)", a.status, null);
      }
      // credentials only to the registry's own host and port
      a = exchange(method, next, headers, body, sameOrigin(next) ? authorization(scope) : null, maxBytes);
    }
    return a;
  }

  private String authorization(String scope) {
    String a = authorizations.get(scope);
    return a != null ? a : authorizations.get(ANY_SCOPE);
  }

  /** Meets a {@code WWW-Authenticate} challenge: Basic with the credentials, or a Bearer token. */
  private void meet(String challenge, String scope, String method, String path) {
    String scheme = challenge.trim().split("[ ,]", 2)[0].toLowerCase(Locale.ROOT);
    String asked = "registry " + registry + " asks for a login (" + method + " " + path + ")";
    if (auth == null) {
      throw failure(asked + " and no credentials were found for " + registry, 401, null);
    }
    if (scheme.equals("basic")) {
      if (auth.username() == null) {
        throw failure(asked + " with a user and password, and the credentials from " + auth.source()
            + " are an identity token", 401, null);
      }
      authorizations.put(ANY_SCOPE, basic(auth.username(), auth.password()));
      return;
    }
    if (!scheme.equals("bearer")) {
      throw failure(asked + " by the unknown scheme " + Strings.show(shorten(scheme)), 401, null);
    }
    Map<String, String> params = new LinkedHashMap<>();
    Matcher m = CHALLENGE_PARAM.matcher(challenge);
    while (m.find()) {
      params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2));
    }
    String realm = params.get("realm");
    URI realmUri;
    try {
      realmUri = realm == null ? null : URI.create(realm);
    } catch (IllegalArgumentException e) {
      realmUri = null;
    }
    if (realmUri == null || !"https".equalsIgnoreCase(realmUri.getScheme())) {
      throw failure(asked + " at a token service that is not https: " + Strings.show(shorten(String.valueOf(realm))),
          401, null);
    }
    String service = params.getOrDefault("service", "");
    String wanted = params.getOrDefault("scope", scope);
    Answer a;
    if (auth.identityToken() != null) {
      String form = "grant_type=refresh_token&client_id=carapace&service=" + enc(service) + "&scope="
          + enc(wanted) + "&refresh_token=" + enc(auth.identityToken());
      a = exchange("POST", realmUri, Map.of("Content-Type", "application/x-www-form-urlencoded"),
          form.getBytes(StandardCharsets.UTF_8), null, MAX_SMALL_BYTES);
    } else {
      String sep = realmUri.getRawQuery() == null ? "?" : "&";
      URI get = URI.create(realmUri + sep + "service=" + enc(service) + "&scope=" + enc(wanted));
      a = exchange("GET", get, Map.of(), null, basic(auth.username(), auth.password()), MAX_SMALL_BYTES);
    }
    if (a.status != 200) {
      throw failure("token service " + realmUri.getHost() + " of registry " + registry + " answered " + a.status
          + " for " + auth.who() + " (credentials from " + auth.source() + ")", a.status, null);
    }
    String token;
    try {
      JsonNode answer = JSON.readTree(a.body);
      token = answer.path("token").asText(answer.path("access_token").asText(""));
    } catch (IOException e) {
      token = "";
    }
    if (token.isEmpty()) {
      throw failure("token service " + realmUri.getHost() + " of registry " + registry + " answered no token",
          a.status, null);
    }
    authorizations.put(scope, "Bearer " + token);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private Answer exchange(String method, URI uri, Map<String, String> headers, byte[] body, String authorization,
      long maxBytes) {
    long remaining = deadline - System.nanoTime();
    String what = method + " " + uri.getRawPath();
    if (remaining <= 0) {
      throw timedOut(what, null);
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofNanos(remaining))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(b::header);
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    CompletableFuture<HttpResponse<byte[]>> f = http.sendAsync(b.build(),
        info -> new Bounded(info.statusCode() >= 200 && info.statusCode() < 300 ? maxBytes : MAX_SMALL_BYTES,
            method.equals("HEAD") ? -1 : info.headers().firstValueAsLong("Content-Length").orElse(-1)));
    try {
      HttpResponse<byte[]> r = f.get(remaining, TimeUnit.NANOSECONDS);
      return new Answer(r.statusCode(), r.headers(), r.body() == null ? new byte[0] : r.body(), uri);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw timedOut(what, e);
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw failure("interrupted while waiting for registry " + registry + " (" + what + ")", 0, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
        cause = cause.getCause();
      }
      if (cause instanceof HttpTimeoutException) {
        throw timedOut(what, cause);
      }
      if (cause instanceof TooLarge tooLarge) {
        throw failure("registry " + registry + " answered " + what + " with more than " + tooLarge.max
            + " bytes" + (tooLarge.declared >= 0 ? " (Content-Length " + tooLarge.declared + ")" : ""), 0, null);
      }
      throw failure("registry " + registry + " could not be reached (" + what + "): "
          + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + shorten(cause.getMessage())),
          0, cause);
    }
  }

  private RegistryFailure timedOut(String what, Throwable cause) {
    return failure("registry " + registry + " did not answer " + what + " within " + timeout.toMillis()
        + " ms (the registry timeout of this verification)", 0, cause);
  }

  private static RegistryFailure failure(String message, int status, Throwable cause) {
    return new RegistryFailure(message, status, cause);
  }

  /** A body larger than allowed. */
  private static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;
    final long max;
    final long declared;

    TooLarge(long max, long declared) {
      super("more than " + max + " bytes");
      this.max = max;
      this.declared = declared;
    }
  }

  /** Collects a body of at most {@code max} bytes; cancels the exchange as soon as it would be more. */
  private static final class Bounded implements HttpResponse.BodySubscriber<byte[]> {
    private final long max;
    private final long declared;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private Flow.Subscription subscription;

    Bounded(long max, long declared) {
      this.max = max;
      this.declared = declared;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (declared > max) {
        s.cancel();
        result.completeExceptionally(new TooLarge(max, declared));
        return;
      }
      s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer b : items) {
        if (bytes.size() + (long) b.remaining() > max) {
          subscription.cancel();
          result.completeExceptionally(new TooLarge(max, declared));
          return;
        }
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        bytes.writeBytes(chunk);
      }
      subscription.request(1);
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(bytes.toByteArray());
    }
  }
}
