package dev.carapace.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.carapace.core.internal.registry.CosignSignatures;
import dev.carapace.core.internal.registry.ImageName;
import dev.carapace.core.internal.registry.RegistryClient;
import dev.carapace.core.testing.CosignKeyFile;
import dev.carapace.core.testing.SkopeoVerifier;
import dev.carapace.core.testing.TestPeers;
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
 * <p>The images are carapace-test/busybox:1 with a label of their own (one manifest digest per case:
 * signatures belong to a digest), in a repository of this run; every manifest pushed is deleted from
 * the registry afterwards, even on failure. Signers: Carapace's {@link ImageSigner}, and separately
 * skopeo's {@code copy --sign-by-sigstore-private-key} (containers/image's signer, the code podman's
 * {@code push --sign-by-sigstore-private-key} runs; Debian's podman 4.3.1 has it disabled).
 */
class SkopeoAgreementIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BASE_REPO = "carapace-test/busybox";
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String REPO = "carapace-test/agreement-" + RUN;
  private static final String OTHER_REPO = "carapace-test/agreement-" + RUN + "-copy";
  private static final String PASSPHRASE = "agreement-" + RUN;

  private static RegistryAccess access;
  private static final Map<String, List<String>> pushed = new LinkedHashMap<>();

  @TempDir static Path tmp;

  /**
   * One image and the key trusted for it. {@code difference}: null when both must give
   * {@code expected}; else the reason skopeo (containers/image 5.24) gives the opposite verdict.
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
  }

  /** A client for one operation: a client's deadline is its registry access's timeout from its creation. */
  private static RegistryClient client() {
    return access.client(ImageName.parse(TestPeers.REGISTRY + "/" + REPO + ":x"), REPO, null);
  }

  @AfterAll
  static void removeCorpus() {
    List<String> failures = new ArrayList<>();
    pushed.forEach((repo, digests) -> {
      for (String d : digests) {
        try {
          client().deleteManifest(repo, d);
        } catch (RuntimeException e) {
          failures.add(repo + "@" + d + ": " + e.getMessage());
        }
      }
    });
    assertEquals(List.of(), failures, "manifests left in the registry");
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
      rememberSignatures(REPO, digest(bySkopeo));
      cases.add(new Case("signed by skopeo --sign-by-sigstore-private-key", bySkopeo, trusted.getPublic(), true));

      String byRsa = image("rsa-signed");
      sign(rsa, byRsa);
      cases.add(new Case("signed by ImageSigner (RSA-2048)", byRsa, rsa.getPublic(), true));

      String otherTag = ref(REPO, "other-tag");
      remember(REPO, client().putManifest(REPO, "other-tag", manifestOf(signedDigest).mediaType(),
          manifestOf(signedDigest).bytes()));
      cases.add(new Case("signed image under another tag of its repository", otherTag, trusted.getPublic(), true));

      String twoSigs = image("second-signature-good");
      String twoDigest = digest(twoSigs);
      byte[] twoPayload = CosignSignatures.payload(name(REPO), twoDigest);
      putSignatures(REPO, twoDigest, List.of(
          layer(twoPayload, CosignSignatures.sign(other.getPrivate(), twoPayload)),
          layer(twoPayload, CosignSignatures.sign(trusted.getPrivate(), twoPayload))));
      cases.add(new Case("two signatures: another key's, then the trusted key's", twoSigs, trusted.getPublic(), true));

      cases.add(new Case("unsigned", image("unsigned"), trusted.getPublic(), false));

      String wrongKey = image("wrong-key");
      sign(other, wrongKey);
      cases.add(new Case("signed by another key", wrongKey, trusted.getPublic(), false));

      String tampered = image("tampered");
      String tamperedDigest = digest(tampered);
      byte[] honest = CosignSignatures.payload(name(REPO), tamperedDigest);
      byte[] changed = new String(honest, StandardCharsets.UTF_8)
          .replace("\"optional\":null", "\"optional\":{\"tampered\":\"yes\"}").getBytes(StandardCharsets.UTF_8);
      putSignatures(REPO, tamperedDigest, List.of(layer(changed, CosignSignatures.sign(trusted.getPrivate(), honest))));
      cases.add(new Case("tampered payload (signature over the original)", tampered, trusted.getPublic(), false));

      String replay = image("replay");
      RegistryClient.Manifest signedSigs = client().manifest(REPO, CosignSignatures.signatureTag(signedDigest)).orElseThrow();
      remember(REPO, client().putManifest(REPO, CosignSignatures.signatureTag(digest(replay)), signedSigs.mediaType(),
          signedSigs.bytes()));
      cases.add(new Case("payload for another digest (replayed signature)", replay, trusted.getPublic(), false));

      String retagged = copyTo(OTHER_REPO, "retagged", signedDigest);
      cases.add(new Case("signed image re-tagged to another repository", retagged, trusted.getPublic(), false));

      String badBase64 = image("bad-base64");
      String badDigest = digest(badBase64);
      byte[] badPayload = CosignSignatures.payload(name(REPO), badDigest);
      putSignatures(REPO, badDigest, List.of(layer(CosignSignatures.SIMPLE_SIGNING, badPayload, "not*base64!")));
      cases.add(new Case("signature annotation that is not base64", badBase64, trusted.getPublic(), false));

      String wrongType = image("wrong-type");
      String wrongTypeDigest = digest(wrongType);
      byte[] typed = new String(CosignSignatures.payload(name(REPO), wrongTypeDigest), StandardCharsets.UTF_8)
          .replace(CosignSignatures.PAYLOAD_TYPE, "atomic container signature").getBytes(StandardCharsets.UTF_8);
      putSignatures(REPO, wrongTypeDigest, List.of(layer(typed, CosignSignatures.sign(trusted.getPrivate(), typed))));
      cases.add(new Case("payload of another critical.type, signed", wrongType, trusted.getPublic(), false));

      String wrongMedia = image("wrong-media-type");
      String wrongMediaDigest = digest(wrongMedia);
      byte[] mediaPayload = CosignSignatures.payload(name(REPO), wrongMediaDigest);
      putSignatures(REPO, wrongMediaDigest, List.of(layer("application/octet-stream", mediaPayload,
          b64(CosignSignatures.sign(trusted.getPrivate(), mediaPayload)))));
      cases.add(new Case("signed payload in a layer of another media type", wrongMedia, trusted.getPublic(), false));

      // Known differences of bounds, not of the signature scheme: Carapace reads what cosign reads.
      String many = image("51-signatures");
      String manyDigest = digest(many);
      byte[] manyPayload = CosignSignatures.payload(name(REPO), manyDigest);
      List<Layer> layers = new ArrayList<>();
      Layer bad = layer(manyPayload, CosignSignatures.sign(other.getPrivate(), manyPayload));
      for (int i = 0; i < CosignSignatures.MAX_SIGNATURES; i++) {
        layers.add(bad);
      }
      layers.add(layer(manyPayload, CosignSignatures.sign(trusted.getPrivate(), manyPayload)));
      putSignatures(REPO, manyDigest, layers);
      cases.add(new Case("51 signature layers, only the last one good", many, trusted.getPublic(), false,
          "Carapace reads at most " + CosignSignatures.MAX_SIGNATURES + " layers (cosign's COSIGN_MAX_ATTACHMENTS"
          + " default) and refuses more; containers/image 5.24 has no such limit and verifies all 51"));

      String big = image("big-payload");
      String bigDigest = digest(big);
      String filler = "x".repeat(CosignSignatures.MAX_PAYLOAD_BYTES);
      byte[] bigPayload = new String(CosignSignatures.payload(name(REPO), bigDigest), StandardCharsets.UTF_8)
          .replace("\"optional\":null", "\"optional\":{\"filler\":\"" + filler + "\"}").getBytes(StandardCharsets.UTF_8);
      putSignatures(REPO, bigDigest, List.of(layer(bigPayload, CosignSignatures.sign(trusted.getPrivate(), bigPayload))));
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
    rememberSignatures(ImageName.parse(image).repository(), digest);
    return digest;
  }

  private static void rememberSignatures(String repo, String digest) {
    remember(repo, client().manifest(repo, CosignSignatures.signatureTag(digest)).orElseThrow().digest());
  }

  private static RegistryClient.Manifest manifestOf(String digest) {
    return client().manifest(REPO, digest).orElseThrow();
  }

  /** carapace-test/busybox:1 with the label {@code dev.carapace.agreement=<tag>}, pushed as REPO:tag. */
  private static String image(String tag) throws IOException {
    RegistryClient.Manifest base = client().manifest(BASE_REPO, "1").orElseThrow();
    ObjectNode manifest = (ObjectNode) JSON.readTree(base.bytes());
    String configDigest = manifest.path("config").path("digest").asText();
    ObjectNode config = (ObjectNode) JSON.readTree(client().blob(BASE_REPO, configDigest, 1 << 20));
    ObjectNode inner = config.has("config") && config.get("config").isObject()
        ? (ObjectNode) config.get("config") : config.putObject("config");
    ObjectNode labels = inner.has("Labels") && inner.get("Labels").isObject()
        ? (ObjectNode) inner.get("Labels") : inner.putObject("Labels");
    labels.put("dev.carapace.agreement", RUN + "-" + tag);
    byte[] newConfig = JSON.writeValueAsBytes(config);
    String newConfigDigest = client().putBlob(REPO, newConfig);
    for (JsonNode l : manifest.path("layers")) {
      mount(REPO, l.path("digest").asText(), BASE_REPO);
    }
    ((ObjectNode) manifest.get("config")).put("digest", newConfigDigest).put("size", newConfig.length);
    remember(REPO, client().putManifest(REPO, tag, base.mediaType(), JSON.writeValueAsBytes(manifest)));
    return ref(REPO, tag);
  }

  /** The image {@code digest} of REPO and its signature manifest, copied to {@code repo}:tag. */
  private static String copyTo(String repo, String tag, String digest) throws IOException {
    RegistryClient.Manifest image = client().manifest(REPO, digest).orElseThrow();
    RegistryClient.Manifest sigs = client().manifest(REPO, CosignSignatures.signatureTag(digest)).orElseThrow();
    for (RegistryClient.Manifest m : List.of(image, sigs)) {
      JsonNode root = JSON.readTree(m.bytes());
      mount(repo, root.path("config").path("digest").asText(), REPO);
      for (JsonNode l : root.path("layers")) {
        mount(repo, l.path("digest").asText(), REPO);
      }
    }
    remember(repo, client().putManifest(repo, tag, image.mediaType(), image.bytes()));
    remember(repo, client().putManifest(repo, CosignSignatures.signatureTag(digest), sigs.mediaType(), sigs.bytes()));
    return ref(repo, tag);
  }

  private static void mount(String repo, String digest, String from) {
    if (!client().mountBlob(repo, digest, from)) {
      client().putBlob(repo, client().blob(from, digest, 64L << 20));
    }
  }

  private record Layer(String mediaType, byte[] payload, String signature) {}

  private static Layer layer(byte[] payload, byte[] signature) {
    return new Layer(CosignSignatures.SIMPLE_SIGNING, payload, b64(signature));
  }

  private static Layer layer(String mediaType, byte[] payload, String signature) {
    return new Layer(mediaType, payload, signature);
  }

  /** A signature manifest as cosign writes it, with these layers, under {@code sha256-<hex>.sig}. */
  private static void putSignatures(String repo, String digest, List<Layer> layers) {
    byte[] config = CosignSignatures.emptyConfig();
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("schemaVersion", 2);
    root.put("mediaType", RegistryClient.OCI_MANIFEST);
    root.putObject("config").put("mediaType", "application/vnd.oci.image.config.v1+json")
        .put("size", config.length).put("digest", client().putBlob(repo, config));
    ArrayNode array = root.putArray("layers");
    for (Layer l : layers) {
      ObjectNode node = array.addObject();
      node.put("mediaType", l.mediaType()).put("size", l.payload().length).put("digest", client().putBlob(repo, l.payload()));
      node.putObject("annotations").put(CosignSignatures.SIGNATURE_ANNOTATION, l.signature());
    }
    remember(repo, client().putManifest(repo, CosignSignatures.signatureTag(digest), RegistryClient.OCI_MANIFEST,
        root.toString().getBytes(StandardCharsets.UTF_8)));
  }

  private static void remember(String repo, String digest) {
    List<String> list = pushed.computeIfAbsent(repo, r -> new ArrayList<>());
    if (!list.contains(digest)) {
      list.add(digest);
    }
  }

  private static String digest(String image) {
    return access.resolveDigest(image);
  }

  private static String name(String repo) {
    return TestPeers.REGISTRY + "/" + repo;
  }

  private static String ref(String repo, String tag) {
    return name(repo) + ":" + tag;
  }

  private static String b64(byte[] bytes) {
    return java.util.Base64.getEncoder().encodeToString(bytes);
  }

  private static String verdict(boolean accepted) {
    return accepted ? "accept" : "refuse";
  }

  private static String table(List<Row> rows) {
    StringBuilder sb = new StringBuilder("\nCarapace (ImageTrust) vs skopeo (sigstoreSigned, matchRepository), registry "
        + TestPeers.REGISTRY + ", repository " + REPO + "\n");
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
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static KeyPair rsa() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }
}
