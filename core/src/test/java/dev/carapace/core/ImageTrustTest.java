package dev.carapace.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.carapace.core.internal.registry.CosignSignatures;
import dev.carapace.core.internal.registry.RegistryClient;
import dev.carapace.core.testing.FakeRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ImageTrust}, {@link ImageSigner} and {@link RegistryAccess} against an in-process registry
 * ({@link FakeRegistry}): a signed image verifies with every key type cosign uses, and every bad input
 * of issue 20 is refused with its exact message (the image's digest and the reason), within bounded
 * time and memory. The real registry's ITs are in {@code ImageProvenanceIT}.
 */
class ImageTrustTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final KeyPair EC256 = keyPair("EC", "secp256r1");
  private static final KeyPair OTHER = keyPair("EC", "secp256r1");

  private FakeRegistry registry;
  private String app;
  private String digest;

  @BeforeEach
  void start() throws Exception {
    registry = new FakeRegistry();
    app = registry.address() + "/team/app";
    digest = pushImage("team/app", "1", "one");
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  static KeyPair keyPair(String algorithm, String curveOrBits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
      if (algorithm.equals("EC")) {
        g.initialize(new ECGenParameterSpec(curveOrBits));
      } else if (algorithm.equals("RSA")) {
        g.initialize(Integer.parseInt(curveOrBits));
      }
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A Docker schema 2 manifest (its layers need not exist to be signed and verified); returns its digest. */
  private String pushImage(String repository, String tag, String variant) {
    String config = registry.putBlob(("{\"variant\":\"" + variant + "\"}").getBytes(StandardCharsets.UTF_8));
    String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + RegistryClient.DOCKER_MANIFEST + "\",\"config\":"
        + "{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"size\":10,\"digest\":\"" + config
        + "\"},\"layers\":[]}";
    return registry.putManifest(repository, tag, RegistryClient.DOCKER_MANIFEST,
        manifest.getBytes(StandardCharsets.UTF_8));
  }

  private RegistryAccess access() {
    return access(Duration.ofSeconds(10));
  }

  private RegistryAccess access(Duration timeout) {
    return RegistryAccess.builder().withoutEngineCertificates().addCertificateAuthority(registry.ca.certificate())
        .credentials(RegistryCredentials.none()).timeout(timeout).build();
  }

  private ImageSigner signer(KeyPair key) {
    return ImageSigner.builder().privateKey(key.getPrivate()).registryAccess(access()).build();
  }

  private ImageTrust trust(KeyPair key) {
    return ImageTrust.builder().addTrustedKey(key.getPublic()).requireSignature(registry.address() + "/*")
        .registryAccess(access()).build();
  }

  private String sigTag(String d) {
    return d.replace(':', '-') + ".sig";
  }

  private ObjectNode signatureManifest(String repository, String d) throws Exception {
    return (ObjectNode) JSON.readTree(registry.manifests.get(repository).get(sigTag(d)).bytes());
  }

  private void storeSignatureManifest(String repository, String d, ObjectNode manifest) {
    registry.putManifest(repository, sigTag(d), RegistryClient.OCI_MANIFEST,
        manifest.toString().getBytes(StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @ValueSource(strings = {"EC:secp256r1", "EC:secp384r1", "EC:secp521r1", "RSA:2048", "Ed25519:-"})
  void signedImageVerifiesWithEachKeyType(String type) throws Exception {
    String[] t = type.split(":");
    KeyPair key = keyPair(t[0], t[1]);
    assertEquals(digest, signer(key).sign(app + ":1"));
    signer(key).sign(app + ":1"); // the key's public key is computed: its second signature is a duplicate
    assertEquals(1, signatureManifest("team/app", digest).path("layers").size());
    ImageVerification v = trust(key).verify(app + ":1");
    assertTrue(v.signatureVerified(), v.toString());
    assertTrue(v.allowsLaunch());
    assertEquals(digest, v.digest().orElseThrow());
    assertEquals(app + "@" + digest, v.imageToLaunch());
    assertEquals(ImageTrust.Rule.REQUIRE_SIGNATURE, v.rule());
    assertTrue(v.problem().isEmpty());
    assertTrue(v.signedBy().orElseThrow().contains(" key SHA256:"), v.toString());
  }

  @Test
  void signerWritesCosignsPayloadAndManifest() throws Exception {
    signer(EC256).sign(app + ":1");
    ObjectNode m = signatureManifest("team/app", digest);
    assertEquals(RegistryClient.OCI_MANIFEST, m.path("mediaType").asText());
    assertEquals("{}", new String(registry.blobs.get(m.path("config").path("digest").asText()), StandardCharsets.UTF_8));
    assertEquals(1, m.path("layers").size());
    ObjectNode layer = (ObjectNode) m.path("layers").get(0);
    assertEquals("application/vnd.dev.cosign.simplesigning.v1+json", layer.path("mediaType").asText());
    byte[] payload = registry.blobs.get(layer.path("digest").asText());
    assertEquals("{\"critical\":{\"identity\":{\"docker-reference\":\"" + app + "\"},\"image\":{\"docker-manifest-digest\":\""
        + digest + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}",
        new String(payload, StandardCharsets.UTF_8));
    assertEquals(payload.length, layer.path("size").asInt());
    byte[] signature = Base64.getDecoder().decode(layer.path("annotations").path("dev.cosignproject.cosign/signature")
        .asText());
    java.security.Signature s = java.security.Signature.getInstance("SHA256withECDSA");
    s.initVerify(EC256.getPublic());
    s.update(payload);
    assertTrue(s.verify(signature), "the annotation is the base64 ECDSA signature over the payload's bytes");
    // signing again changes nothing; another key appends a layer
    signer(EC256).sign(app + ":1");
    assertEquals(1, signatureManifest("team/app", digest).path("layers").size());
    signer(OTHER).sign(app + "@" + digest);
    assertEquals(2, signatureManifest("team/app", digest).path("layers").size());
    assertTrue(trust(OTHER).verify(app + ":1").signatureVerified());
    assertTrue(trust(EC256).verify(app + ":1").signatureVerified());
  }

  @Test
  void unsignedImageIsRefused() {
    ImageVerification v = trust(EC256).verify(app + ":1");
    assertFalse(v.allowsLaunch());
    assertEquals("no signature (no manifest " + sigTag(digest) + " in " + app + ")", v.problem().orElseThrow());
    UntrustedImageException e = assertThrows(UntrustedImageException.class, v::requireAllowed);
    assertEquals("create of " + app + ":1 failed: image not trusted at " + digest + ": no signature (no manifest "
        + sigTag(digest) + " in " + app + ")", e.getMessage());
    assertEquals(digest, e.verification().digest().orElseThrow());
  }

  @Test
  void signatureByAnotherKeyIsRefused() {
    signer(OTHER).sign(app + ":1");
    ImageVerification v = trust(EC256).verify(app + ":1");
    assertFalse(v.allowsLaunch());
    assertEquals("signature: not signed by a trusted key (1 key tried)", v.problem().orElseThrow());
  }

  @Test
  void tamperedPayloadIsRefused() throws Exception {
    signer(EC256).sign(app + ":1");
    ObjectNode m = signatureManifest("team/app", digest);
    String payloadDigest = m.path("layers").get(0).path("digest").asText();
    byte[] original = registry.blobs.get(payloadDigest);
    byte[] tampered = new String(original, StandardCharsets.UTF_8).replace("\"optional\":null",
        "\"optional\":{\"x\":1}").getBytes(StandardCharsets.UTF_8);
    // the registry serves other bytes under the payload's digest
    registry.blobs.put(payloadDigest, tampered);
    assertEquals("signature: payload " + payloadDigest + ": blob does not match its digest: " + payloadDigest
        + " (got " + FakeRegistry.sha256(tampered) + ")", trust(EC256).verify(app + ":1").problem().orElseThrow());
    // the layer names the tampered payload (its digest and size): the signature no longer verifies
    ObjectNode layer = (ObjectNode) m.path("layers").get(0);
    layer.put("digest", registry.putBlob(tampered)).put("size", tampered.length);
    storeSignatureManifest("team/app", digest, m);
    assertEquals("signature: not signed by a trusted key (1 key tried)",
        trust(EC256).verify(app + ":1").problem().orElseThrow());
  }

  @Test
  void signatureOfAnotherDigestIsRefused() throws Exception {
    String other = pushImage("team/app", "2", "two");
    signer(EC256).sign(app + ":2");
    // the signature of :2 replayed as the signature of :1
    storeSignatureManifest("team/app", digest, signatureManifest("team/app", other));
    ImageVerification v = trust(EC256).verify(app + ":1");
    assertFalse(v.allowsLaunch());
    assertEquals("signature: payload is for " + other + ", not " + digest + " (a signature of another image)",
        v.problem().orElseThrow());
  }

  @Test
  void imageCopiedToAnotherRepositoryIsRefused() throws Exception {
    signer(EC256).sign(app + ":1");
    // the image and its signature copied to another name
    FakeRegistry.Stored image = registry.manifests.get("team/app").get("1");
    registry.putManifest("other/app", "1", image.mediaType(), image.bytes());
    storeSignatureManifest("other/app", digest, signatureManifest("team/app", digest));
    ImageVerification v = trust(EC256).verify(registry.address() + "/other/app:1");
    assertFalse(v.allowsLaunch());
    assertEquals("signature: payload names " + app + ", not " + registry.address() + "/other/app (signed for another"
        + " repository)", v.problem().orElseThrow());
  }

  @Test
  void signatureManifestWithThousandsOfLayersIsRefusedWhole() throws Exception {
    signer(EC256).sign(app + ":1");
    ObjectNode m = signatureManifest("team/app", digest);
    ArrayNode layers = (ArrayNode) m.path("layers");
    for (int i = 0; i < 4999; i++) {
      layers.add(layers.get(0).deepCopy());
    }
    storeSignatureManifest("team/app", digest, m);
    int before = registry.requests.size();
    assertEquals("signature manifest " + sigTag(digest) + " has 5000 layers: at most 1000 are read (maxSignatures)",
        trust(EC256).verify(app + ":1").problem().orElseThrow());
    assertTrue(registry.requests.subList(before, registry.requests.size()).stream().noneMatch(r -> r.contains("/blobs/")),
        "no payload was read: " + registry.requests);
  }

  @Test
  void signatureBoundIsSettableWithinCosignsLimit() throws Exception {
    signer(EC256).sign(app + ":1");
    ObjectNode m = signatureManifest("team/app", digest);
    ArrayNode layers = (ArrayNode) m.path("layers");
    layers.insert(0, ((ObjectNode) layers.get(0).deepCopy()).put("size", 1L << 30)); // a bad first layer, the good one second
    storeSignatureManifest("team/app", digest, m);
    ImageTrust.Builder b = ImageTrust.builder().addTrustedKey(EC256.getPublic())
        .requireSignature(registry.address() + "/*").registryAccess(access());
    assertEquals(ImageTrust.DEFAULT_MAX_SIGNATURES, b.build().maxSignatures());
    assertTrue(b.build().verify(app + ":1").signatureVerified());
    ImageTrust one = b.maxSignatures(1).build();
    assertEquals(1, one.maxSignatures());
    assertEquals("signature manifest " + sigTag(digest) + " has 2 layers: at most 1 are read (maxSignatures)",
        one.verify(app + ":1").problem().orElseThrow());
    assertEquals("maxSignatures must be 1 to 1000: 1001",
        assertThrows(IllegalArgumentException.class, () -> b.maxSignatures(1001)).getMessage());
    assertEquals("maxSignatures must be 1 to 1000: 0",
        assertThrows(IllegalArgumentException.class, () -> b.maxSignatures(0)).getMessage());
    assertEquals(1000, b.maxSignatures(1000).build().maxSignatures());
  }

  @Test
  void payloadBoundIsSettableWithinCosignsLimit() throws Exception {
    signer(EC256).sign(app + ":1");
    ImageTrust.Builder b = ImageTrust.builder().addTrustedKey(EC256.getPublic())
        .requireSignature(registry.address() + "/*").registryAccess(access());
    assertEquals(ImageTrust.DEFAULT_MAX_PAYLOAD_BYTES, b.build().maxPayloadBytes());
    long size = signatureManifest("team/app", digest).path("layers").get(0).path("size").asLong();
    assertTrue(b.maxPayloadBytes(1024).build().verify(app + ":1").signatureVerified(), "a payload of " + size + " bytes");
    ObjectNode m = signatureManifest("team/app", digest);
    ((ObjectNode) m.path("layers").get(0)).put("size", 2048);
    storeSignatureManifest("team/app", digest, m);
    assertEquals("signature: payload size must be 0 to 1024 bytes (maxPayloadBytes): 2048",
        b.maxPayloadBytes(1024).build().verify(app + ":1").problem().orElseThrow());
    assertEquals("maxPayloadBytes must be 1024 to 134217728: 1023",
        assertThrows(IllegalArgumentException.class, () -> b.maxPayloadBytes(1023)).getMessage());
    assertEquals("maxPayloadBytes must be 1024 to 134217728: 134217729",
        assertThrows(IllegalArgumentException.class, () -> b.maxPayloadBytes(134217729)).getMessage());
    assertEquals(128 << 20, b.maxPayloadBytes(128 << 20).build().maxPayloadBytes());
  }

  @Test
  void hugePayloadIsRefusedUnread() throws Exception {
    signer(EC256).sign(app + ":1");
    ObjectNode m = signatureManifest("team/app", digest);
    ((ObjectNode) m.path("layers").get(0)).put("size", 1L << 30);
    storeSignatureManifest("team/app", digest, m);
    assertEquals("signature: payload size must be 0 to 4194304 bytes (maxPayloadBytes): 1073741824",
        trust(EC256).verify(app + ":1").problem().orElseThrow());
  }

  @Test
  void payloadLargerThanItsLayerSaysIsCutAtTheLimit() throws Exception {
    signer(EC256).sign(app + ":1");
    ObjectNode m = signatureManifest("team/app", digest);
    String payloadDigest = m.path("layers").get(0).path("digest").asText();
    registry.blobs.put(payloadDigest, new byte[5 << 20]); // 5 MiB served for a 200-byte layer
    // a registry timeout far above the bound: refused on the Content-Length, not after waiting for the rest
    ImageTrust trust = ImageTrust.builder().addTrustedKey(EC256.getPublic()).requireSignature(registry.address() + "/*")
        .registryAccess(access(Duration.ofSeconds(60))).build();
    long t0 = System.nanoTime();
    ImageVerification v = trust.verify(app + ":1");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms < 20_000, "refused after " + ms + " ms");
    assertEquals("signature: payload " + payloadDigest + ": registry " + registry.address() + " answered GET /v2/team/app/blobs/"
        + payloadDigest + " with more than 4194304 bytes (Content-Length 5242880)", v.problem().orElseThrow());
  }

  @Test
  void hugeManifestIsRefused() {
    byte[] huge = ("{\"schemaVersion\":2,\"pad\":\"" + "x".repeat(5 << 20) + "\"}").getBytes(StandardCharsets.UTF_8);
    registry.putManifest("team/app", "huge", RegistryClient.DOCKER_MANIFEST, huge);
    ImageVerification v = trust(EC256).verify(app + ":huge");
    assertFalse(v.allowsLaunch());
    assertEquals("the digest could not be resolved: registry " + registry.address() + " answered GET"
        + " /v2/team/app/manifests/huge with more than 4194304 bytes (Content-Length " + huge.length + ")",
        v.problem().orElseThrow());
    assertTrue(v.digest().isEmpty());
  }

  @Test
  void signatureThatIsNotBase64IsRefused() throws Exception {
    signer(EC256).sign(app + ":1");
    ObjectNode m = signatureManifest("team/app", digest);
    ((ObjectNode) m.path("layers").get(0).path("annotations")).put("dev.cosignproject.cosign/signature",
        "not base64!");
    storeSignatureManifest("team/app", digest, m);
    assertEquals("signature: dev.cosignproject.cosign/signature must be base64: 11 (\"not base64!\"...)",
        trust(EC256).verify(app + ":1").problem().orElseThrow());
  }

  @Test
  void layerOfAnotherMediaTypeOrWithoutSignatureIsRefused() throws Exception {
    signer(EC256).sign(app + ":1");
    ObjectNode m = signatureManifest("team/app", digest);
    ObjectNode second = m.path("layers").get(0).deepCopy();
    ((ObjectNode) m.path("layers").get(0)).put("mediaType", "application/octet-stream");
    second.remove("annotations");
    ((ArrayNode) m.path("layers")).add(second);
    storeSignatureManifest("team/app", digest, m);
    assertEquals("signature 1 of 2: layer media type must be application/vnd.dev.cosign.simplesigning.v1+json:"
        + " application/octet-stream; signature 2 of 2: layer has no dev.cosignproject.cosign/signature annotation",
        trust(EC256).verify(app + ":1").problem().orElseThrow());
  }

  @Test
  void oneGoodSignatureAmongBadOnesVerifies() throws Exception {
    signer(OTHER).sign(app + ":1");
    signer(EC256).sign(app + ":1");
    assertTrue(trust(EC256).verify(app + ":1").signatureVerified());
  }

  @Test
  void trustedKeysOfAnotherTypeAreRefused() throws Exception {
    KeyPair dsa = KeyPairGenerator.getInstance("DSA").generateKeyPair();
    String dsaPem = pem("PUBLIC KEY", dsa.getPublic().getEncoded());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ImageTrust.builder().addTrustedKeys(dsaPem));
    assertEquals("trusted key must be ECDSA P-256, P-384 or P-521, RSA of 2048 bits or more, or Ed25519: trusted key"
        + " PEM is DSA (1.2.840.10040.4.1)", e.getMessage());
    KeyPair ed448 = KeyPairGenerator.getInstance("Ed448").generateKeyPair();
    e = assertThrows(IllegalArgumentException.class,
        () -> ImageTrust.builder().addTrustedKeys(pem("PUBLIC KEY", ed448.getPublic().getEncoded())));
    assertEquals("trusted key must be ECDSA P-256, P-384 or P-521, RSA of 2048 bits or more, or Ed25519: trusted key"
        + " PEM is Ed448 (1.3.101.113)", e.getMessage());
    KeyPair rsa1024 = keyPair("RSA", "1024");
    e = assertThrows(IllegalArgumentException.class, () -> ImageTrust.builder().addTrustedKey(rsa1024.getPublic()));
    assertEquals("trusted key must be ECDSA P-256, P-384 or P-521, RSA of 2048 bits or more, or Ed25519: trusted key"
        + " RSA is RSA 1024", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> ImageTrust.builder().addTrustedKeys(pem("PRIVATE KEY", EC256.getPrivate().getEncoded())));
    assertEquals("trusted key must be a PEM PUBLIC KEY block: trusted key PEM is \"PRIVATE KEY\" (give the public key"
        + " only: a private key is a secret)", e.getMessage());
    assertFalse(e.getMessage().contains(Base64.getEncoder().encodeToString(EC256.getPrivate().getEncoded())
        .substring(0, 20)));
    e = assertThrows(IllegalArgumentException.class, () -> ImageTrust.builder().addTrustedKeys("no pem here"));
    assertEquals("trusted key must be a PEM PUBLIC KEY block: trusted key PEM holds no PEM block", e.getMessage());
    // every usable type reads from PEM
    for (KeyPair k : List.of(EC256, keyPair("EC", "secp384r1"), keyPair("RSA", "2048"), keyPair("Ed25519", "-"))) {
      assertEquals(1, ImageTrust.builder().addTrustedKeys(pem("PUBLIC KEY", k.getPublic().getEncoded()))
          .requireSignature("*").build().trustedKeys().size());
    }
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END " + type + "-----\n";
  }

  @Test
  void slowRegistryIsRefusedWithinTheTimeout() {
    signer(EC256).sign(app + ":1");
    registry.hook = e -> {
      try {
        Thread.sleep(20_000);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
      return false;
    };
    ImageTrust trust = ImageTrust.builder().addTrustedKey(EC256.getPublic()).requireSignature("*")
        .registryAccess(access(Duration.ofSeconds(1))).build();
    long t0 = System.nanoTime();
    ImageVerification v = trust.verify(app + ":1");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals("the digest could not be resolved: registry " + registry.address() + " did not answer GET"
        + " /v2/team/app/manifests/1 within 1000 ms (the registry timeout of this verification)",
        v.problem().orElseThrow());
    assertTrue(ms < 10_000, "refused after " + ms + " ms"); // 10 times the timeout, half the registry's 20 s
  }

  @Test
  void registryThatSendsTheManifestElsewhereIsRefused() {
    registry.hook = e -> {
      if (e.getRequestURI().getPath().contains("/manifests/")) {
        FakeRegistry.redirect(e, URI.create("https://elsewhere.example/v2/team/app/manifests/1"));
        return true;
      }
      return false;
    };
    assertEquals("the digest could not be resolved: registry " + registry.address() + " answered GET"
        + " /v2/team/app/manifests/1 with a redirect to https://elsewhere.example/v2/team/app/manifests/1: refused"
        + " (manifests, tags and uploads are read from the registry itself)",
        trust(EC256).verify(app + ":1").problem().orElseThrow());
  }

  @Test
  void blobRedirectToPlainHttpIsRefusedAndToTheRegistryItselfFollowed() throws Exception {
    signer(EC256).sign(app + ":1");
    String payloadDigest = signatureManifest("team/app", digest).path("layers").get(0).path("digest").asText();
    registry.hook = e -> {
      if (e.getRequestURI().getPath().endsWith("/blobs/" + payloadDigest)) {
        FakeRegistry.redirect(e, URI.create("http://127.0.0.1:1/storage/" + payloadDigest));
        return true;
      }
      return false;
    };
    assertEquals("signature: payload " + payloadDigest + ": registry " + registry.address() + " answered GET /v2/team/app/blobs/"
        + payloadDigest + " with a redirect to http://127.0.0.1:1/storage/" + payloadDigest
        + ": refused (a blob is read over https only)", trust(EC256).verify(app + ":1").problem().orElseThrow());
    registry.hook = e -> {
      if (e.getRequestURI().getPath().endsWith("/blobs/" + payloadDigest)) {
        FakeRegistry.redirect(e, URI.create("https://" + registry.address() + "/storage/" + payloadDigest));
        return true;
      }
      if (e.getRequestURI().getPath().startsWith("/storage/")) {
        FakeRegistry.sendBytes(e, 200, registry.blobs.get(payloadDigest));
        return true;
      }
      return false;
    };
    assertTrue(trust(EC256).verify(app + ":1").signatureVerified());
  }

  @Test
  void verifiedDigestIsRememberedAndAMovedTagIsVerifiedAgain() throws Exception {
    signer(EC256).sign(app + ":1");
    ImageTrust trust = trust(EC256);
    assertTrue(trust.verify(app + ":1").signatureVerified());
    int before = registry.requests.size();
    assertTrue(trust.verify(app + ":1").signatureVerified());
    assertEquals(List.of("GET /v2/team/app/manifests/1"), registry.requests.subList(before, registry.requests.size()),
        "only the tag is asked again");
    // the tag moves to an unsigned image: a new digest, verified anew and refused
    String moved = pushImage("team/app", "1", "moved");
    ImageVerification v = trust.verify(app + ":1");
    assertEquals(moved, v.digest().orElseThrow());
    assertFalse(v.allowsLaunch());
    assertEquals("no signature (no manifest " + sigTag(moved) + " in " + app + ")", v.problem().orElseThrow());
    // the same digest under another name is verified anew: the signature names team/app
    FakeRegistry.Stored image = registry.manifests.get("team/app").get(digest);
    registry.putManifest("other/app", "1", image.mediaType(), image.bytes());
    storeSignatureManifest("other/app", digest, signatureManifest("team/app", digest));
    assertFalse(trust.verify(registry.address() + "/other/app:1").allowsLaunch());
  }

  @Test
  void basicAndBearerLoginsAreMetAndAMissingLoginNamed() {
    registry.basicAuth("ci", "s3cret");
    ImageVerification anonymous = trust(EC256).verify(app + ":1");
    assertEquals("the digest could not be resolved: registry " + registry.address() + " asks for a login (GET"
        + " /v2/team/app/manifests/1) and no credentials were found for " + registry.address(),
        anonymous.problem().orElseThrow());
    RegistryAccess withLogin = RegistryAccess.builder().withoutEngineCertificates()
        .addCertificateAuthority(registry.ca.certificate())
        .credentials(RegistryCredentials.of(registry.address(), "ci", "s3cret".toCharArray())).build();
    ImageSigner.builder().privateKey(EC256.getPrivate()).registryAccess(withLogin).build().sign(app + ":1");
    ImageTrust trust = ImageTrust.builder().addTrustedKey(EC256.getPublic()).requireSignature("*")
        .registryAccess(withLogin).build();
    assertTrue(trust.verify(app + ":1").signatureVerified());
    registry.bearerAuth("ci", "s3cret");
    ImageTrust again = ImageTrust.builder().addTrustedKey(EC256.getPublic()).requireSignature("*")
        .registryAccess(withLogin).build();
    assertTrue(again.verify(app + ":1").signatureVerified());
    RegistryAccess wrong = RegistryAccess.builder().withoutEngineCertificates()
        .addCertificateAuthority(registry.ca.certificate())
        .credentials(RegistryCredentials.of(registry.address(), "ci", "wrong".toCharArray())).build();
    RegistryException e = assertThrows(RegistryException.class, () -> wrong.resolveDigest(app + ":1"));
    assertEquals(app + ":1: token service 127.0.0.1 of registry " + registry.address() + " answered 401 for ci"
        + " (credentials from RegistryCredentials.of(..))", e.getMessage());
    assertFalse(e.getMessage().contains("wrong"));
  }

  @Test
  void untrustedRegistryCertificateIsRefused() {
    RegistryAccess noCa = RegistryAccess.builder().withoutEngineCertificates().credentials(RegistryCredentials.none())
        .build();
    RegistryException e = assertThrows(RegistryException.class, () -> noCa.resolveDigest(app + ":1"));
    assertTrue(e.getMessage().startsWith(app + ":1: registry " + registry.address() + " could not be reached (GET"
        + " /v2/team/app/manifests/1): SSLHandshakeException"), e.getMessage());
  }

  @Test
  void resolvesTagsAndKeepsDigests() {
    assertEquals(digest, access().resolveDigest(app + ":1"));
    assertEquals(digest, access().resolveDigest(app + "@" + digest));
    RegistryException e = assertThrows(RegistryException.class, () -> access().resolveDigest(app + ":absent"));
    assertEquals(app + ":absent: registry " + registry.address() + " has no manifest absent in team/app",
        e.getMessage());
    assertEquals(404, e.status().getAsInt());
  }

  @Test
  void pinsTheRepositoryFullyQualifiedToTheDigestAsAVerificationDoes() {
    assertEquals(app + "@" + digest, access().pinnedImage(app + ":1"));
    int asked = registry.requests.size();
    assertEquals(app + "@" + digest, access().pinnedImage(app + ":1@" + digest), "a digest is kept, its tag dropped");
    assertEquals(asked, registry.requests.size(), "a digest is not asked for: " + registry.requests);
    assertEquals("docker.io/library/busybox@" + digest, access().pinnedImage("busybox@" + digest));
    ImageVerification v = ImageTrust.builder().addTrustedKey(EC256.getPublic()).pinDigest(app)
        .registryAccess(access()).build().verify(app + ":1");
    assertEquals(v.pinnedImage().orElseThrow(), access().pinnedImage(app + ":1"));
    RegistryException e = assertThrows(RegistryException.class, () -> access().pinnedImage(app));
    assertEquals(app + ": registry " + registry.address() + " has no manifest latest in team/app", e.getMessage());
    assertEquals(404, e.status().getAsInt());
    assertEquals("image must be a registry reference, not an image id: sha256:" + "ab".repeat(32),
        assertThrows(IllegalArgumentException.class, () -> access().pinnedImage("sha256:" + "ab".repeat(32)))
            .getMessage());
  }

  @Test
  void rulesMatchFullyQualifiedNamesFirstAddedFirst() {
    ImageTrust t = ImageTrust.builder().addTrustedKey(EC256.getPublic())
        .pinDigest("busybox")
        .requireSignature("registry.example:5000/team/*")
        .warnIfUnsigned("registry.example:5000/*")
        .build();
    assertEquals(Map.of("docker.io/library/busybox", ImageTrust.Rule.PIN_DIGEST,
        "registry.example:5000/team/*", ImageTrust.Rule.REQUIRE_SIGNATURE,
        "registry.example:5000/*", ImageTrust.Rule.WARN_IF_UNSIGNED), t.rules());
    assertEquals(ImageTrust.Rule.PIN_DIGEST, t.ruleFor("busybox:1.36"));
    assertEquals(ImageTrust.Rule.PIN_DIGEST, t.ruleFor("docker.io/library/busybox"));
    assertEquals(ImageTrust.Rule.NONE, t.ruleFor("busybox-other"));
    assertEquals(ImageTrust.Rule.REQUIRE_SIGNATURE, t.ruleFor("registry.example:5000/team/a/b:1"));
    assertEquals(ImageTrust.Rule.WARN_IF_UNSIGNED, t.ruleFor("registry.example:5000/other:1"));
    assertEquals(ImageTrust.Rule.NONE, t.ruleFor("registry.example:5001/team/app"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ImageTrust.builder().requireSignature("team/app:1"));
    assertEquals("image pattern must name repositories, without a tag or digest: team/app:1", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ImageTrust.builder().pinDigest("a").requireSignature("a"));
    assertEquals("image pattern must have one rule: a has PIN_DIGEST", e.getMessage());
    IllegalStateException s = assertThrows(IllegalStateException.class,
        () -> ImageTrust.builder().requireSignature("*").build());
    assertEquals("image trust must have a trusted key when a rule reads signatures: add one with addTrustedKey(..)"
        + " or addTrustedKeys(..)", s.getMessage());
  }

  @Test
  void noRuleMeansNoRegistryAccess() {
    ImageVerification v = trust(EC256).verify("busybox:1");
    assertEquals(ImageTrust.Rule.NONE, v.rule());
    assertTrue(v.allowsLaunch());
    assertEquals("busybox:1", v.imageToLaunch());
    assertTrue(registry.requests.isEmpty());
  }

  @Test
  void signatureWritingKeepsTheLayerLimit() {
    RegistryClient.Manifest full = new RegistryClient.Manifest(RegistryClient.OCI_MANIFEST, ("{\"layers\":["
        + String.join(",", java.util.Collections.nCopies(1000, "{}")) + "]}").getBytes(StandardCharsets.UTF_8), "x");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> CosignSignatures.withSignature(java.util.Optional.of(full), new byte[10], new byte[1], null));
    assertEquals("signature manifest has 1000 layers: at most 1000 are read by default (and by cosign verify), no room for another", e.getMessage());
  }
}
