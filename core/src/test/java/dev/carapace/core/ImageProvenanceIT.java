package dev.carapace.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Event;
import dev.carapace.core.internal.registry.ImageName;
import dev.carapace.core.internal.registry.RegistryClient;
import dev.carapace.core.testing.SilentProxy;
import dev.carapace.core.testing.TestEngine;
import dev.carapace.core.testing.TestPeers;
import dev.carapace.core.testing.TestRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image provenance on the testbed's real registry (Debian's docker-registry 2.8 on 127.0.0.1:5443,
 * TLS from its own CA which the engine trusts through {@code /etc/docker/certs.d}, htpasswd): copies
 * of the engine's {@code carapace-test/busybox:1} are pushed over the registry API under repositories
 * unique to this run, signed with {@link ImageSigner}, and launched through a launcher with an
 * {@link ImageTrust}. A signed image launches by its digest (the engine's record shows it); an
 * unsigned one, one signed by another key, a tampered payload, a signature of another digest, an
 * image copied to another name, and a tag moved to an unsigned image after a verification are each
 * refused before create (the engine's events show no create by the launcher) with their exact
 * message; warn mode launches and logs; a registry that stops answering is refused within the
 * timeout. Everything pushed is deleted from the registry, and every reference pulled is removed.
 */
class ImageProvenanceIT {
  private static final String REGISTRY = TestPeers.REGISTRY;
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final KeyPair KEY = ImageTrustTest.keyPair("EC", "secp256r1");
  private static final KeyPair OTHER = ImageTrustTest.keyPair("EC", "secp256r1");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static DockerClient docker;
  private static RegistryAccess access;
  private static TestRegistry registry;
  private static String run;
  private static final List<String> pulled = new CopyOnWriteArrayList<>();

  @TempDir
  static Path tmp;

  @BeforeAll
  static void connect() {
    docker = TestPeers.unixSocket();
    access = RegistryAccess.builder().credentials(credentials()).build(); // the engine's CAs: /etc/docker/certs.d
    registry = new TestRegistry();
    run = registry.run;
  }

  private static RegistryClient client() {
    return TestRegistry.client();
  }

  private static RegistryCredentials credentials() {
    return RegistryCredentials.of(REGISTRY, TestPeers.REGISTRY_USER, TestPeers.registryPassword());
  }

  @AfterAll
  static void cleanUp() throws Exception {
    for (String image : pulled) {
      try {
        docker.removeImageCmd(image).exec(); // a reference only: the image keeps carapace-test/busybox:1
      } catch (NotFoundException e) {
        // not pulled
      }
    }
    registry.deleteAll();
    docker.close();
  }

  private static String copyImage(String name, String tag, int variant) throws Exception {
    return registry.copyBusybox(name, tag, variant);
  }

  private static String image(String name) {
    return registry.image(name);
  }

  private static String signatureTag(String digest) {
    return TestRegistry.signatureTag(digest);
  }

  /** Signs {@code image} with {@code key}, and remembers the signature manifest for deletion. */
  private static String sign(String image, KeyPair key) {
    String digest = ImageSigner.builder().privateKey(key.getPrivate()).registryAccess(access).build().sign(image);
    registry.rememberSignatures(ImageName.parse(image).repository(), digest);
    return digest;
  }

  private static ImageTrust requireSignature() throws Exception {
    Path pub = tmp.resolve("cosign.pub");
    Files.writeString(pub, ImageTrustTest.pem("PUBLIC KEY", KEY.getPublic().getEncoded()));
    return ImageTrust.builder().addTrustedKeys(pub).requireSignature(REGISTRY + "/" + run + "/*").build();
  }

  private static ContainerLauncher launcher(ImageTrust trust) {
    return ContainerLauncher.builder().endpoint(TestEngine.endpoint()).registryCredentials(credentials())
        .imageTrust(trust).build();
  }

  private static SecureContainerSpec echo(String image) {
    return SecureContainerSpec.builder().image(image).command("echo", "provenance").build();
  }

  /** Launches {@code image}, expects the refusal, and shows the engine saw no create by this launcher. */
  private static UntrustedImageException refusedBeforeCreate(ImageTrust trust, String image) throws Exception {
    long since = System.currentTimeMillis() / 1000 - 1;
    try (ContainerLauncher launcher = launcher(trust)) {
      UntrustedImageException e = assertThrows(UntrustedImageException.class,
          () -> launcher.run(echo(image), TIMEOUT));
      assertEquals(0, TestPeers.containersOf(docker, launcher.id()));
      assertEquals(List.of(), creates(launcher.id(), since), "the engine saw a create by the refused launcher");
      return e;
    }
  }

  /** The engine's create events of containers labelled with the launcher's id, since {@code since} (seconds). */
  private static List<String> creates(String launcherId, long since) throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    docker.eventsCmd().withSince(String.valueOf(since)).withUntil(String.valueOf(System.currentTimeMillis() / 1000 + 1))
        .withEventFilter("create").withLabelFilter(Map.of(OwnerLabels.LAUNCHER, launcherId))
        .exec(new ResultCallback.Adapter<Event>() {
          @Override
          public void onNext(Event e) {
            seen.add(e.getId());
          }
        }).awaitCompletion(30, TimeUnit.SECONDS);
    return seen;
  }

  @Test
  void signedImageLaunchesByItsDigestAndAMovedTagIsRefused() throws Exception {
    String digest = copyImage("signed", "1", 0);
    assertEquals(digest, sign(image("signed") + ":1", KEY));
    String pinned = image("signed") + "@" + digest;
    pulled.add(pinned);
    ImageTrust trust = requireSignature();
    long since = System.currentTimeMillis() / 1000 - 1;
    List<String> checked = new CopyOnWriteArrayList<>();
    try (ContainerLauncher launcher = ContainerLauncher.builder().endpoint(TestEngine.endpoint())
        .registryCredentials(credentials()).imageTrust(trust).addCheck(spec -> checked.add(spec.image())).build();
        RunningContainer c = launcher.launch(echo(image("signed") + ":1"))) {
      assertEquals(List.of(c.id()), creates(launcher.id(), since), "the events show the launch's create");
      assertEquals(List.of(pinned), checked, "the launch checks judged the pinned spec");
      assertEquals(pinned, c.spec().image());
      var inspect = docker.inspectContainerCmd(c.id()).exec();
      assertEquals(pinned, inspect.getConfig().getImage(), "the engine recorded the digest");
      var img = docker.inspectImageCmd(inspect.getImageId()).exec();
      assertTrue(img.getRepoDigests().contains(pinned), "the image run is the one with that digest: "
          + img.getRepoDigests());
      assertEquals(0, c.awaitExit(TIMEOUT).orElseThrow());
      assertEquals("provenance\n", c.logs().stdout());

      // the tag moves to an unsigned copy after the verification: the same trust (which remembers the
      // verified digest) refuses the new digest before any create; the running container keeps its digest
      String moved = copyImage("signed", "1", 1);
      UntrustedImageException e = refusedBeforeCreate(trust, image("signed") + ":1");
      assertEquals("create of " + image("signed") + ":1 failed: image not trusted at " + moved + ": no signature"
          + " (no manifest " + signatureTag(moved) + " in " + image("signed") + ")", e.getMessage());
      assertEquals(pinned, docker.inspectContainerCmd(c.id()).exec().getConfig().getImage());
    }
  }

  @Test
  void unsignedImageIsRefusedBeforeCreate() throws Exception {
    String digest = copyImage("unsigned", "1", 0);
    UntrustedImageException e = refusedBeforeCreate(requireSignature(), image("unsigned") + ":1");
    assertEquals("create of " + image("unsigned") + ":1 failed: image not trusted at " + digest + ": no signature"
        + " (no manifest " + signatureTag(digest) + " in " + image("unsigned") + ")", e.getMessage());
  }

  @Test
  void imageSignedByAnotherKeyIsRefusedBeforeCreate() throws Exception {
    String digest = copyImage("other-key", "1", 0);
    sign(image("other-key") + ":1", OTHER);
    UntrustedImageException e = refusedBeforeCreate(requireSignature(), image("other-key") + ":1");
    assertEquals("create of " + image("other-key") + ":1 failed: image not trusted at " + digest + ": signature:"
        + " not signed by a trusted key (1 key tried)", e.getMessage());
  }

  @Test
  void tamperedPayloadIsRefusedBeforeCreate() throws Exception {
    String digest = copyImage("tampered", "1", 0);
    String repository = run + "/tampered";
    sign(image("tampered") + ":1", KEY);
    RegistryClient c = client();
    ObjectNode m = (ObjectNode) JSON.readTree(c.manifest(repository, signatureTag(digest)).orElseThrow().bytes());
    ObjectNode layer = (ObjectNode) m.path("layers").get(0);
    byte[] payload = c.blob(repository, layer.path("digest").asText(), 1 << 20);
    byte[] tampered = new String(payload, StandardCharsets.UTF_8).replace("\"optional\":null",
        "\"optional\":{\"approved\":\"yes\"}").getBytes(StandardCharsets.UTF_8);
    layer.put("digest", c.putBlob(repository, tampered)).put("size", tampered.length);
    c.putManifest(repository, signatureTag(digest), RegistryClient.OCI_MANIFEST,
        m.toString().getBytes(StandardCharsets.UTF_8));
    registry.rememberSignatures(repository, digest);
    UntrustedImageException e = refusedBeforeCreate(requireSignature(), image("tampered") + ":1");
    assertEquals("create of " + image("tampered") + ":1 failed: image not trusted at " + digest + ": signature:"
        + " not signed by a trusted key (1 key tried)", e.getMessage());
  }

  @Test
  void signatureOfAnotherDigestIsRefusedBeforeCreate() throws Exception {
    String digest = copyImage("replay", "1", 0);
    String other = copyImage("replay", "2", 2);
    String repository = run + "/replay";
    sign(image("replay") + ":2", KEY);
    RegistryClient c = client();
    RegistryClient.Manifest signatures = c.manifest(repository, signatureTag(other)).orElseThrow();
    c.putManifest(repository, signatureTag(digest), signatures.mediaType(), signatures.bytes());
    registry.rememberSignatures(repository, digest);
    UntrustedImageException e = refusedBeforeCreate(requireSignature(), image("replay") + ":1");
    assertEquals("create of " + image("replay") + ":1 failed: image not trusted at " + digest + ": signature:"
        + " payload is for " + other + ", not " + digest + " (a signature of another image)", e.getMessage());
  }

  @Test
  void signedImageCopiedToAnotherNameIsRefusedBeforeCreate() throws Exception {
    String digest = copyImage("original", "1", 0);
    sign(image("original") + ":1", KEY);
    copyImage("copy", "1", 0);
    registry.copySignatures("original", "copy", digest);
    UntrustedImageException e = refusedBeforeCreate(requireSignature(), image("copy") + ":1");
    assertEquals("create of " + image("copy") + ":1 failed: image not trusted at " + digest + ": signature:"
        + " payload names " + image("original") + ", not " + image("copy") + " (signed for another repository)",
        e.getMessage());
  }

  @Test
  void warnModeLaunchesAnUnsignedImageByItsDigestAndLogs() throws Exception {
    String digest = copyImage("warned", "1", 0);
    String pinned = image("warned") + "@" + digest;
    pulled.add(pinned);
    ImageTrust trust = ImageTrust.builder().addTrustedKey(KEY.getPublic()).warnIfUnsigned(REGISTRY + "/" + run + "/*")
        .build();
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream err = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    RunResult r;
    try (ContainerLauncher launcher = launcher(trust)) {
      r = launcher.run(echo(image("warned") + ":1"), TIMEOUT);
    } finally {
      System.setErr(err);
    }
    assertEquals(0, r.exitCode(), r.stderr());
    String logged = captured.toString(StandardCharsets.UTF_8);
    assertTrue(logged.contains("WARN dev.carapace.core.ContainerLauncher - launching " + image("warned") + ":1 at "
        + digest + " without a verified signature: no signature (no manifest " + signatureTag(digest) + " in "
        + image("warned") + ")"), logged);
  }

  @Test
  void registryThatStopsAnsweringIsRefusedWithinTheTimeout() throws Exception {
    copyImage("silent", "1", 0);
    try (SilentProxy proxy = new SilentProxy(new InetSocketAddress("127.0.0.1", TestPeers.REGISTRY_PORT))) {
      String viaProxy = "127.0.0.1:" + proxy.port();
      RegistryAccess slow = RegistryAccess.builder().withoutEngineCertificates()
          .addCertificateAuthority(TestPeers.dir().resolve("registry").resolve("ca.pem"))
          .credentials(RegistryCredentials.of(viaProxy, TestPeers.REGISTRY_USER, TestPeers.registryPassword()))
          .timeout(Duration.ofSeconds(2)).build();
      String image = viaProxy + "/" + run + "/silent:1";
      // through the proxy, the registry answers: the digest resolves
      assertEquals(registry.firstDigest("silent"), slow.resolveDigest(image));
      proxy.silence();
      ImageTrust trust = ImageTrust.builder().addTrustedKey(KEY.getPublic()).requireSignature("*")
          .registryAccess(slow).build();
      long t0 = System.nanoTime();
      UntrustedImageException e = refusedBeforeCreate(trust, image);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertEquals("create of " + image + " failed: image not trusted: the digest could not be resolved: registry "
          + viaProxy + " did not answer GET /v2/" + run + "/silent/manifests/1 within 2000 ms (the registry timeout"
          + " of this verification)", e.getMessage());
      assertTrue(ms < 15_000, "refused after " + ms + " ms");
    }
  }
}
