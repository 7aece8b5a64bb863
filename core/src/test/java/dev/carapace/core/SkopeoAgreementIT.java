package dev.carapace.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.carapace.core.internal.registry.CosignSignatures;
import dev.carapace.core.internal.registry.ImageName;
import dev.carapace.core.internal.registry.RegistryClient;
import dev.carapace.core.testing.CosignKeyFile;
import dev.carapace.core.testing.SkopeoVerifier;
import dev.carapace.core.testing.TestPeers;
import dev.carapace.core.testing.TestRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Carapace's verifier ({@link ImageTrust}) and skopeo (containers/image's {@code sigstoreSigned}
 * policy, {@code signedIdentity: matchRepository}; {@link SkopeoVerifier}) judge the same corpus of
 * images on the testbed's registry, pushed here over the registry's HTTP API: each case must get
 * the same verdict from both, and the verdict the case expects. The table of verdicts is printed.
 *
 * <p>The images are carapace-test/busybox:1's manifest with trailing newlines of their own (one digest
 * per case: signatures belong to a digest), pushed by {@link TestRegistry} in a repository of this
 * run; every manifest pushed is deleted from the registry afterwards, even on failure. Signers: Carapace's {@link ImageSigner}, and separately
 * skopeo's {@code copy --sign-by-sigstore-private-key} (containers/image's signer, the code podman's
 * {@code push --sign-by-sigstore-private-key} runs; Debian's podman 4.3.1 has it disabled).
 */
class SkopeoAgreementIT {
  private static final String PASSPHRASE = "agreement-" + UUID.randomUUID();
  private static final Map<String, Integer> variants = new LinkedHashMap<>();

  private static TestRegistry registry;
  private static String repo;

  private static RegistryAccess access;

  @TempDir static Path tmp;

  /**
   * One image and the key trusted for it. {@code difference}: null when both must give
   * {@code expected}; else the reason skopeo (containers/image 5.23.1, as 5.24.1) gives the opposite verdict.
   */
  private record Case(String name, String image, PublicKey trusted, boolean expected, String difference) {
    Case(String name, String image, PublicKey trusted, boolean expected) {
      this(name, image, trusted, expected, null);
    }

    boolean expectedOfSkopeo() {
      return difference == null ? expected : !expected;
    }
  }

  private record Row(Case c, boolean carapace, String carapaceSays, SkopeoVerifier.Verdict skopeo) {
    boolean agree() {
      return carapace == skopeo.accepted();
    }

    boolean asExpected() {
      return carapace == c.expected() && skopeo.accepted() == c.expectedOfSkopeo();
    }
  }

  @BeforeAll
  static void connect() {
    access = RegistryAccess.builder()
        .credentials(RegistryCredentials.of(TestPeers.REGISTRY, TestPeers.REGISTRY_USER, TestPeers.registryPassword()))
        .addCertificateAuthority(TestPeers.dir().resolve("registry").resolve("ca.pem"))
        .withoutEngineCertificates()
        .build();
    registry = new TestRegistry();
    repo = registry.repository("agreement");
  }

  @AfterAll
  static void removeCorpus() {
    registry.deleteAll();
  }

  @Test
  void carapaceAndSkopeoAgreeOnEveryCase() throws Exception {
    KeyPair trusted = ec();
    KeyPair other = ec();
    KeyPair rsa = rsa();
    Path encrypted = tmp.resolve("cosign.key");
    CosignKeyFile.writeEncrypted(encrypted, trusted.getPrivate(), PASSPHRASE);
    List<Case> cases = new ArrayList<>();
    try (SkopeoVerifier skopeo = SkopeoVerifier.forTestbedRegistry()) {
      String signed = image("signed");
      String signedDigest = sign(trusted, signed);
      cases.add(new Case("signed by ImageSigner (ECDSA P-256)", signed, trusted.getPublic(), true));

      String bySkopeo = image("skopeo-signed");
      SkopeoVerifier.Verdict signing = skopeo.sign(bySkopeo, encrypted, PASSPHRASE);
      assertTrue(signing.accepted(), "skopeo --sign-by-sigstore-private-key: " + signing);
      registry.rememberSignatures(repo, digest(bySkopeo));
      cases.add(new Case("signed by skopeo --sign-by-sigstore-private-key", bySkopeo, trusted.getPublic(), true));

      String byRsa = image("rsa-signed");
      sign(rsa, byRsa);
      cases.add(new Case("signed by ImageSigner (RSA-2048)", byRsa, rsa.getPublic(), true));

      KeyPair p384 = ec("secp384r1");
      String byP384 = image("p384-signed");
      sign(p384, byP384);
      cases.add(new Case("signed by ImageSigner (ECDSA P-384, SHA-256)", byP384, p384.getPublic(), true));

      KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      String byEd = image("ed25519-signed");
      sign(ed, byEd);
      cases.add(new Case("signed by ImageSigner (Ed25519)", byEd, ed.getPublic(), true));

      String otherTag = image("other-tag", variants.get("signed"));
      cases.add(new Case("signed image under another tag of its repository", otherTag, trusted.getPublic(), true));

      String twoSigs = image("second-signature-good");
      String twoDigest = digest(twoSigs);
      byte[] twoPayload = CosignSignatures.payload(name(repo), twoDigest);
      putSignatures(repo, twoDigest, List.of(
          layer(twoPayload, CosignSignatures.sign(other.getPrivate(), twoPayload)),
          layer(twoPayload, CosignSignatures.sign(trusted.getPrivate(), twoPayload))));
      cases.add(new Case("two signatures: another key's, then the trusted key's", twoSigs, trusted.getPublic(), true));

      cases.add(new Case("unsigned", image("unsigned"), trusted.getPublic(), false));

      String wrongKey = image("wrong-key");
      sign(other, wrongKey);
      cases.add(new Case("signed by another key", wrongKey, trusted.getPublic(), false));

      String tampered = image("tampered");
      String tamperedDigest = digest(tampered);
      byte[] honest = CosignSignatures.payload(name(repo), tamperedDigest);
      byte[] changed = new String(honest, StandardCharsets.UTF_8)
          .replace("\"optional\":null", "\"optional\":{\"tampered\":\"yes\"}").getBytes(StandardCharsets.UTF_8);
      putSignatures(repo, tamperedDigest, List.of(layer(changed, CosignSignatures.sign(trusted.getPrivate(), honest))));
      cases.add(new Case("tampered payload (signature over the original)", tampered, trusted.getPublic(), false));

      String replay = image("replay");
      RegistryClient client = TestRegistry.client();
      RegistryClient.Manifest signedSigs = client.manifest(repo, TestRegistry.signatureTag(signedDigest)).orElseThrow();
      registry.remember(repo, client.putManifest(repo, TestRegistry.signatureTag(digest(replay)),
          signedSigs.mediaType(), signedSigs.bytes()));
      cases.add(new Case("payload for another digest (replayed signature)", replay, trusted.getPublic(), false));

      registry.copyBusybox("agreement-copy", "retagged", variants.get("signed"));
      registry.copySignatures("agreement", "agreement-copy", signedDigest);
      String retagged = registry.image("agreement-copy") + ":retagged";
      cases.add(new Case("signed image re-tagged to another repository", retagged, trusted.getPublic(), false));

      String badBase64 = image("bad-base64");
      String badDigest = digest(badBase64);
      byte[] badPayload = CosignSignatures.payload(name(repo), badDigest);
      putSignatures(repo, badDigest, List.of(layer(CosignSignatures.SIMPLE_SIGNING, badPayload, "not*base64!")));
      cases.add(new Case("signature annotation that is not base64", badBase64, trusted.getPublic(), false));

      String wrongType = image("wrong-type");
      String wrongTypeDigest = digest(wrongType);
      byte[] typed = new String(CosignSignatures.payload(name(repo), wrongTypeDigest), StandardCharsets.UTF_8)
          .replace(CosignSignatures.PAYLOAD_TYPE, "atomic container signature").getBytes(StandardCharsets.UTF_8);
      putSignatures(repo, wrongTypeDigest, List.of(layer(typed, CosignSignatures.sign(trusted.getPrivate(), typed))));
      cases.add(new Case("payload of another critical.type, signed", wrongType, trusted.getPublic(), false));

      String wrongMedia = image("wrong-media-type");
      String wrongMediaDigest = digest(wrongMedia);
      byte[] mediaPayload = CosignSignatures.payload(name(repo), wrongMediaDigest);
      putSignatures(repo, wrongMediaDigest, List.of(layer("application/octet-stream", mediaPayload,
          b64(CosignSignatures.sign(trusted.getPrivate(), mediaPayload)))));
      cases.add(new Case("signed payload in a layer of another media type", wrongMedia, trusted.getPublic(), false));

      // Known differences of bounds, not of the signature scheme: Carapace reads what cosign reads.
      String many = image("51-signatures");
      String manyDigest = digest(many);
      byte[] manyPayload = CosignSignatures.payload(name(repo), manyDigest);
      List<Layer> layers = new ArrayList<>();
      Layer bad = layer(manyPayload, CosignSignatures.sign(other.getPrivate(), manyPayload));
      for (int i = 0; i < CosignSignatures.MAX_SIGNATURES; i++) {
        layers.add(bad);
      }
      layers.add(layer(manyPayload, CosignSignatures.sign(trusted.getPrivate(), manyPayload)));
      putSignatures(repo, manyDigest, layers);
      cases.add(new Case("51 signature layers, only the last one good", many, trusted.getPublic(), false,
          "Carapace reads at most " + CosignSignatures.MAX_SIGNATURES + " layers (cosign's COSIGN_MAX_ATTACHMENTS"
          + " default) and refuses more; containers/image has no such limit and verifies all 51"));

      String big = image("big-payload");
      String bigDigest = digest(big);
      String filler = "x".repeat(CosignSignatures.MAX_PAYLOAD_BYTES);
      byte[] bigPayload = new String(CosignSignatures.payload(name(repo), bigDigest), StandardCharsets.UTF_8)
          .replace("\"optional\":null", "\"optional\":{\"filler\":\"" + filler + "\"}").getBytes(StandardCharsets.UTF_8);
      putSignatures(repo, bigDigest, List.of(layer(bigPayload, CosignSignatures.sign(trusted.getPrivate(), bigPayload))));
      cases.add(new Case("signed payload of more than 128 KiB", big, trusted.getPublic(), false,
          "Carapace reads payloads of at most " + CosignSignatures.MAX_PAYLOAD_BYTES / 1024 + " KiB;"
          + " containers/image reads up to 4 MiB (iolimits.MaxSignatureBodySize)"));

      List<Row> rows = new ArrayList<>();
      for (Case c : cases) {
        ImageVerification v = ImageTrust.builder().addTrustedKey(c.trusted())
            .requireSignature(TestPeers.REGISTRY + "/carapace-test/*").registryAccess(access).build().verify(c.image());
        String says = v.signatureVerified() ? "signed by " + v.signedBy().orElse("?") : v.problem().orElse("");
        rows.add(new Row(c, v.signatureVerified(), says, skopeo.verify(c.image(), CosignKeyFile.publicKeyPem(c.trusted()))));
      }
      System.out.println(table(rows));
      List<String> wrong = new ArrayList<>();
      for (Row r : rows) {
        if (!r.asExpected()) {
          wrong.add(r.c().name() + ": Carapace " + verdict(r.carapace()) + ", skopeo " + verdict(r.skopeo().accepted())
              + "; expected Carapace " + verdict(r.c().expected()) + ", skopeo " + verdict(r.c().expectedOfSkopeo()));
        }
      }
      assertEquals(List.of(), wrong, "verdicts (see the table above)");
    }
  }

  /** Signs {@code image} with Carapace's {@link ImageSigner} and remembers the signature manifest. */
  private static String sign(KeyPair key, String image) {
    String digest = ImageSigner.builder().privateKey(key.getPrivate()).registryAccess(access).build().sign(image);
    registry.rememberSignatures(ImageName.parse(image).repository(), digest);
    return digest;
  }

  /** carapace-test/busybox:1 pushed as {@code repo:tag}, a digest of its own (trailing newlines). */
  private static String image(String tag) throws IOException {
    return image(tag, variants.size() + 1);
  }

  private static String image(String tag, int variant) throws IOException {
    variants.putIfAbsent(tag, variant);
    registry.copyBusybox("agreement", tag, variant);
    return registry.image("agreement") + ":" + tag;
  }

  private record Layer(String mediaType, byte[] payload, String signature) {}

  private static Layer layer(byte[] payload, byte[] signature) {
    return new Layer(CosignSignatures.SIMPLE_SIGNING, payload, b64(signature));
  }

  private static Layer layer(String mediaType, byte[] payload, String signature) {
    return new Layer(mediaType, payload, signature);
  }

  /** A signature manifest as cosign writes it, with these layers, under {@code sha256-<hex>.sig}. */
  private static void putSignatures(String repository, String digest, List<Layer> layers) {
    RegistryClient client = TestRegistry.client();
    byte[] config = CosignSignatures.emptyConfig();
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("schemaVersion", 2);
    root.put("mediaType", RegistryClient.OCI_MANIFEST);
    root.putObject("config").put("mediaType", "application/vnd.oci.image.config.v1+json")
        .put("size", config.length).put("digest", client.putBlob(repository, config));
    ArrayNode array = root.putArray("layers");
    for (Layer l : layers) {
      ObjectNode node = array.addObject();
      node.put("mediaType", l.mediaType()).put("size", l.payload().length).put("digest", client.putBlob(repository, l.payload()));
      node.putObject("annotations").put(CosignSignatures.SIGNATURE_ANNOTATION, l.signature());
    }
    registry.remember(repository, client.putManifest(repository, TestRegistry.signatureTag(digest), RegistryClient.OCI_MANIFEST,
        root.toString().getBytes(StandardCharsets.UTF_8)));
  }

  private static String digest(String image) {
    return access.resolveDigest(image);
  }

  private static String name(String repo) {
    return TestPeers.REGISTRY + "/" + repo;
  }

  private static String b64(byte[] bytes) {
    return java.util.Base64.getEncoder().encodeToString(bytes);
  }

  private static String verdict(boolean accepted) {
    return accepted ? "accept" : "refuse";
  }

  private static String table(List<Row> rows) {
    StringBuilder sb = new StringBuilder("\nCarapace (ImageTrust) vs skopeo (sigstoreSigned, matchRepository), registry "
        + TestPeers.REGISTRY + ", repository " + repo + "\n");
    sb.append(String.format("%-58s %-8s %-8s %-8s %-6s%n", "case", "expected", "Carapace", "skopeo", "agree"));
    for (Row r : rows) {
      sb.append(String.format("%-58s %-8s %-8s %-8s %-6s%n", r.c().name(), verdict(r.c().expected()),
          verdict(r.carapace()), verdict(r.skopeo().accepted()), r.agree() ? "yes" : r.c().difference() != null
              ? "known" : "NO"));
    }
    sb.append("reasons:\n");
    for (Row r : rows) {
      sb.append("  ").append(r.c().name())
          .append(r.c().difference() == null ? "" : "\n    known difference: " + r.c().difference())
          .append("\n    Carapace: ").append(r.carapaceSays())
          .append("\n    skopeo:   ").append(r.skopeo()).append(" (").append(r.skopeo().took().toMillis())
          .append(" ms)\n");
    }
    return sb.toString();
  }

  private static KeyPair ec() throws GeneralSecurityException {
    return ec("secp256r1");
  }

  private static KeyPair ec(String curve) throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec(curve));
    return g.generateKeyPair();
  }

  private static KeyPair rsa() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }
}
