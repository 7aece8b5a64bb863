package dev.carapace.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.carapace.core.internal.registry.RegistryAuth;
import dev.carapace.core.internal.registry.RegistryClient;
import dev.carapace.core.internal.registry.RegistryTls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The testbed's registry ({@link TestPeers#REGISTRY}) over its HTTP API, for the provenance ITs: copies
 * of {@code carapace-test/busybox:1} pushed under repositories unique to one run (blobs mounted, so
 * nothing is uploaded), and everything pushed deleted at the end ({@link #deleteAll}). The registry
 * has no API to delete a repository: an emptied one stays listed in its catalog, without tags.
 */
public final class TestRegistry {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  /** {@code carapace-test/prov-<16 hex digits>}: the repositories of one run are under it. */
  public final String run = "carapace-test/prov-" + HexFormat.of().formatHex(
      java.nio.ByteBuffer.allocate(8).putLong(ThreadLocalRandom.current().nextLong()).array());
  /** repository -> digests pushed there. */
  private final Map<String, List<String>> pushed = new ConcurrentHashMap<>();
  private final RegistryClient.Manifest busybox;

  public TestRegistry() {
    busybox = client().manifest("carapace-test/busybox", "1").orElseThrow(
        () -> new AssertionError("the testbed's registry has no carapace-test/busybox:1 (testbed/registry.sh)"));
  }

  /** A client of the registry as the testbed's user, trusting the CA the engine trusts; one timeout of 60 s. */
  public static RegistryClient client() {
    return new RegistryClient(RegistryClient.httpClient(RegistryTls.context(
        RegistryTls.engineCas(RegistryTls.ENGINE_CERTS_DIR, TestPeers.REGISTRY)), TIMEOUT), TestPeers.REGISTRY,
        TestPeers.REGISTRY, RegistryAuth.basic(TestPeers.REGISTRY, TestPeers.REGISTRY_USER,
        new String(TestPeers.registryPassword()), "testbed"), TIMEOUT);
  }

  /** {@code 127.0.0.1:5443/<run>/<name>}. */
  public String image(String name) {
    return TestPeers.REGISTRY + "/" + run + "/" + name;
  }

  /** {@code <run>/<name>}, the repository inside the registry. */
  public String repository(String name) {
    return run + "/" + name;
  }

  /**
   * Pushes busybox's manifest as {@code <run>/<name>:<tag>}, {@code variant} trailing newlines making
   * another digest of the same image; returns the digest.
   */
  public String copyBusybox(String name, String tag, int variant) throws IOException {
    String repository = repository(name);
    JsonNode m = JSON.readTree(busybox.bytes());
    List<String> blobs = new ArrayList<>();
    blobs.add(m.path("config").path("digest").asText());
    m.path("layers").forEach(l -> blobs.add(l.path("digest").asText()));
    RegistryClient c = client();
    for (String blob : blobs) {
      c.mountBlob(repository, blob, "carapace-test/busybox");
    }
    byte[] bytes = (new String(busybox.bytes(), StandardCharsets.UTF_8) + "\n".repeat(variant))
        .getBytes(StandardCharsets.UTF_8);
    String digest = c.putManifest(repository, tag, busybox.mediaType(), bytes);
    remember(repository, digest);
    return digest;
  }

  /**
   * Pushes busybox as {@code <run>/<name>:<tag>} with a config of its own (a label {@code dev.carapace.test=NAME}),
   * so that the image has another id than the testbed's {@code carapace-test/busybox:1}: a test that removes what it
   * pulled (podman removes a whole image when given its digest) cannot take the testbed's image with it. Returns
   * the manifest's digest.
   */
  public String copyBusyboxAsItsOwnImage(String name, String tag) throws IOException {
    String repository = repository(name);
    com.fasterxml.jackson.databind.node.ObjectNode m =
        (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(busybox.bytes());
    RegistryClient c = client();
    byte[] config = c.blob("carapace-test/busybox", m.path("config").path("digest").asText(), 1 << 20);
    com.fasterxml.jackson.databind.node.ObjectNode cfg = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(config);
    cfg.with("config").with("Labels").put("dev.carapace.test", name);
    byte[] own = JSON.writeValueAsBytes(cfg);
    String configDigest = c.putBlob(repository, own);
    for (JsonNode l : m.path("layers")) {
      c.mountBlob(repository, l.path("digest").asText(), "carapace-test/busybox");
    }
    m.with("config").put("digest", configDigest).put("size", own.length);
    String digest = c.putManifest(repository, tag, busybox.mediaType(), JSON.writeValueAsBytes(m));
    remember(repository, digest);
    return digest;
  }

  /** Copies the signature manifest of {@code digest} from {@code <run>/<from>} to {@code <run>/<to>} (blobs mounted). */
  public void copySignatures(String from, String to, String digest) throws IOException {
    RegistryClient c = client();
    RegistryClient.Manifest signatures = c.manifest(repository(from), signatureTag(digest)).orElseThrow();
    JsonNode m = JSON.readTree(signatures.bytes());
    c.mountBlob(repository(to), m.path("config").path("digest").asText(), repository(from));
    for (JsonNode l : m.path("layers")) {
      c.mountBlob(repository(to), l.path("digest").asText(), repository(from));
    }
    c.putManifest(repository(to), signatureTag(digest), signatures.mediaType(), signatures.bytes());
    rememberSignatures(repository(to), digest);
  }

  /** Remembers the signature manifest of {@code digest} in {@code repository} (if any) for deletion. */
  public void rememberSignatures(String repository, String digest) {
    client().manifest(repository, signatureTag(digest)).ifPresent(m -> remember(repository, m.digest()));
  }

  /** Remembers a manifest for deletion. */
  public void remember(String repository, String digest) {
    pushed.computeIfAbsent(repository, r -> new CopyOnWriteArrayList<>()).add(digest);
  }

  /** {@code sha256-<hex>.sig}. */
  public static String signatureTag(String digest) {
    return digest.replace(':', '-') + ".sig";
  }

  /** The first digest pushed to {@code <run>/<name>}. */
  public String firstDigest(String name) {
    return pushed.get(repository(name)).get(0);
  }

  /** Deletes every manifest pushed (images and signatures). */
  public void deleteAll() {
    RegistryClient c = client();
    pushed.forEach((repository, digests) -> digests.forEach(d -> c.deleteManifest(repository, d)));
    pushed.clear();
  }
}
