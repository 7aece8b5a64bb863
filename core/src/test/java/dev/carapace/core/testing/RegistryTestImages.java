package dev.carapace.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.carapace.core.ImageSigner;
import dev.carapace.core.RegistryAccess;
import dev.carapace.core.RegistryCredentials;
import dev.carapace.core.internal.registry.ImageName;
import dev.carapace.core.internal.registry.RegistryAuth;
import dev.carapace.core.internal.registry.RegistryClient;
import dev.carapace.core.internal.registry.RegistryTls;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Images of its own in the testbed registry for another module's ITs: copies of {@code carapace-test/busybox:1}
 * (blobs mounted, the manifest pushed again under {@code carapace-test/PREFIX-RANDOM/NAME:TAG}, trailing
 * newlines making distinct digests of the same image), signed with {@link ImageSigner} when asked;
 * {@link #close()} deletes every manifest pushed (images and signatures) from the registry.
 */
public final class RegistryTestImages implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String run;
  private final RegistryAccess access;
  /** repository -> digests pushed there. */
  private final Map<String, List<String>> pushed = new ConcurrentHashMap<>();

  /** Images under {@code carapace-test/PREFIX-RANDOM/}. */
  public RegistryTestImages(String prefix) {
    this.run = "carapace-test/" + prefix + "-" + HexFormat.of().formatHex(
        java.nio.ByteBuffer.allocate(4).putInt(ThreadLocalRandom.current().nextInt()).array());
    this.access = RegistryAccess.builder().credentials(credentials()).build(); // the engine's CAs: /etc/docker/certs.d
  }

  /** The registry's test user. */
  public static RegistryCredentials credentials() {
    return RegistryCredentials.of(TestPeers.REGISTRY, TestPeers.REGISTRY_USER, TestPeers.registryPassword());
  }

  /** How these images are reached: the test user, the engine's CAs. */
  public RegistryAccess access() {
    return access;
  }

  /** The registry's HTTP API as the test user, trusting the engine's CAs of the registry. */
  private static RegistryClient client() {
    RegistryAuth auth = RegistryAuth.basic(TestPeers.REGISTRY, TestPeers.REGISTRY_USER,
        new String(TestPeers.registryPassword()), "testbed registry/password");
    Duration timeout = Duration.ofSeconds(30);
    return new RegistryClient(RegistryClient.httpClient(RegistryTls.context(RegistryTls.engineCas(
        RegistryTls.ENGINE_CERTS_DIR, TestPeers.REGISTRY)), timeout), TestPeers.REGISTRY, TestPeers.REGISTRY, auth,
        timeout);
  }

  /** {@code 127.0.0.1:5443/carapace-test/PREFIX-RANDOM/name}. */
  public String repository(String name) {
    return TestPeers.REGISTRY + "/" + run + "/" + name;
  }

  /**
   * Pushes busybox's manifest as {@code name:tag} with {@code variant} trailing newlines (another digest of
   * the same image); returns its digest.
   */
  public String copyBusybox(String name, String tag, int variant) throws Exception {
    RegistryClient c = client();
    RegistryClient.Manifest busybox = c.manifest("carapace-test/busybox", "1").orElseThrow(
        () -> new AssertionError("the testbed's registry has no carapace-test/busybox:1 (testbed/registry.sh)"));
    String repository = run + "/" + name;
    JsonNode m = JSON.readTree(busybox.bytes());
    List<String> blobs = new ArrayList<>();
    blobs.add(m.path("config").path("digest").asText());
    m.path("layers").forEach(l -> blobs.add(l.path("digest").asText()));
    for (String blob : blobs) {
      c.mountBlob(repository, blob, "carapace-test/busybox");
    }
    byte[] bytes = (new String(busybox.bytes(), StandardCharsets.UTF_8) + "\n".repeat(variant))
        .getBytes(StandardCharsets.UTF_8);
    String digest = c.putManifest(repository, tag, busybox.mediaType(), bytes);
    pushed.computeIfAbsent(repository, r -> new CopyOnWriteArrayList<>()).add(digest);
    return digest;
  }

  /** Signs {@code image} (one of these) with {@code key}; returns the digest signed. */
  public String sign(String image, PrivateKey key) {
    String digest = ImageSigner.builder().privateKey(key).registryAccess(access).build().sign(image);
    String repository = ImageName.parse(image).repository();
    client().manifest(repository, digest.replace(':', '-') + ".sig").ifPresent(s ->
        pushed.computeIfAbsent(repository, r -> new CopyOnWriteArrayList<>()).add(s.digest()));
    return digest;
  }

  /** Deletes every manifest pushed: the images and their signatures. */
  @Override
  public void close() {
    RegistryClient c = client();
    pushed.forEach((repository, digests) -> digests.forEach(d -> c.deleteManifest(repository, d)));
  }
}
