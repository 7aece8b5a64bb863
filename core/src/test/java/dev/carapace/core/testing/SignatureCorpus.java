package dev.carapace.core.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.carapace.core.ImageSigner;
import dev.carapace.core.ImageVerification;
import dev.carapace.core.ImageTrust;
import dev.carapace.core.RegistryAccess;
import dev.carapace.core.internal.registry.CosignSignatures;
import dev.carapace.core.internal.registry.ImageName;
import dev.carapace.core.internal.registry.RegistryClient;
import dev.carapace.core.testing.ToolRun.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The corpus of signed, unsigned and badly signed images that Carapace's verifier and the reference
 * verifiers (skopeo: {@link SkopeoVerifier}; cosign: {@link CosignVerifier}) judge in
 * SignatureAgreementIT, pushed to the testbed's registry over its HTTP API.
 *
 * <p>The images are carapace-test/busybox:1's manifest with trailing newlines of their own (one digest
 * per case: signatures belong to a digest), pushed by {@link TestRegistry} in a repository of the
 * run; the caller deletes them ({@link TestRegistry#deleteAll()}). Signers: Carapace's
 * {@link ImageSigner}, skopeo's {@code copy --sign-by-sigstore-private-key} (containers/image's
 * signer, the code podman's {@code push --sign-by-sigstore-private-key} runs), and, when given,
 * {@code cosign sign --key} with a key of {@code cosign generate-key-pair}.
 *
 * <p>Each case names Carapace's verdict (with its default bounds) and, per reference verifier, the
 * known reason it gives the opposite one: a case without a reason for a verifier must get the same
 * verdict from it.
 */
public final class SignatureCorpus {
  /** The name of skopeo in {@link Case#differences()}. */
  public static final String SKOPEO = "skopeo";
  /** The name of cosign in {@link Case#differences()}. */
  public static final String COSIGN = "cosign";
  /** The case whose payload is over Carapace's default payload bound and cosign's accepts. */
  public static final String OVER_PAYLOAD_BOUND = "signed payload over 4 MiB (default maxPayloadBytes)";

  private static final String PASSPHRASE = "agreement-" + UUID.randomUUID();

  /**
   * One image and the key trusted for it. {@code expected}: Carapace's verdict. {@code differences}:
   * verifier ({@link #SKOPEO}, {@link #COSIGN}) to the reason it gives the opposite verdict.
   * {@code notJudged}: verifier to the reason it is not asked (too slow for the build).
   */
  public record Case(String name, String image, PublicKey trusted, boolean expected, Map<String, String> differences,
      Map<String, String> notJudged) {
    /** The verdict {@code verifier} must give. */
    public boolean expectedOf(String verifier) {
      return differences.containsKey(verifier) ? !expected : expected;
    }
  }

  private final TestRegistry registry;
  private final RegistryAccess access;
  private final String name;
  private final String repo;
  private final Map<String, Integer> variants = new LinkedHashMap<>();
  private final List<Case> cases = new ArrayList<>();

  /** A corpus in the repository {@code <run>/<name>} of {@code registry}. */
  public SignatureCorpus(TestRegistry registry, RegistryAccess access, String name) {
    this.registry = registry;
    this.access = access;
    this.name = name;
    this.repo = registry.repository(name);
  }

  /** The repository of the corpus, inside the registry. */
  public String repository() {
    return repo;
  }

  /**
   * Pushes every case.
   *
   * @param cosign when not null, adds the image signed by {@code cosign sign --key} with {@code cosignKey}
   * @param tmp a directory for the encrypted key skopeo signs with
   */
  public List<Case> build(SkopeoVerifier skopeo, CosignVerifier cosign, CosignVerifier.KeyPairFiles cosignKey, Path tmp)
      throws Exception {
    KeyPair trusted = ec("secp256r1");
    KeyPair other = ec("secp256r1");
    KeyPair rsa = rsa();
    Path encrypted = tmp.resolve("cosign.key");
    CosignKeyFile.writeEncrypted(encrypted, trusted.getPrivate(), PASSPHRASE);

    String signed = image("signed");
    String signedDigest = sign(trusted, signed);
    add("signed by ImageSigner (ECDSA P-256)", signed, trusted.getPublic(), true);

    String bySkopeo = image("skopeo-signed");
    Verdict signing = skopeo.sign(bySkopeo, encrypted, PASSPHRASE);
    assertTrue(signing.accepted(), "skopeo --sign-by-sigstore-private-key: " + signing);
    registry.rememberSignatures(repo, digest(bySkopeo));
    add("signed by skopeo --sign-by-sigstore-private-key", bySkopeo, trusted.getPublic(), true);

    if (cosign != null) {
      CosignVerifier.KeyPairFiles key = cosignKey;
      String byCosign = image("cosign-signed");
      String cosignDigest = digest(byCosign);
      Verdict cosigned = cosign.sign(ImageName.parse(byCosign).pinned(cosignDigest), key);
      assertTrue(cosigned.accepted(), "cosign sign --key: " + cosigned);
      registry.rememberSignatures(repo, cosignDigest);
      add("signed by cosign sign --key (cosign generate-key-pair)", byCosign, key.publicKeyObject(), true);
    }

    String byRsa = image("rsa-signed");
    sign(rsa, byRsa);
    add("signed by ImageSigner (RSA-2048)", byRsa, rsa.getPublic(), true);

    KeyPair p384 = ec("secp384r1");
    String byP384 = image("p384-signed");
    sign(p384, byP384);
    add("signed by ImageSigner (ECDSA P-384, SHA-256)", byP384, p384.getPublic(), true);

    KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    String byEd = image("ed25519-signed");
    sign(ed, byEd);
    add("signed by ImageSigner (Ed25519)", byEd, ed.getPublic(), true);

    String otherTag = image("other-tag", variants.get("signed"));
    add("signed image under another tag of its repository", otherTag, trusted.getPublic(), true);

    String twoSigs = image("second-signature-good");
    String twoDigest = digest(twoSigs);
    byte[] twoPayload = CosignSignatures.payload(name(), twoDigest);
    putSignatures(twoDigest, List.of(
        layer(twoPayload, CosignSignatures.sign(other.getPrivate(), twoPayload)),
        layer(twoPayload, CosignSignatures.sign(trusted.getPrivate(), twoPayload))));
    add("two signatures: another key's, then the trusted key's", twoSigs, trusted.getPublic(), true);

    add("unsigned", image("unsigned"), trusted.getPublic(), false);

    String wrongKey = image("wrong-key");
    sign(other, wrongKey);
    add("signed by another key", wrongKey, trusted.getPublic(), false);

    String tampered = image("tampered");
    String tamperedDigest = digest(tampered);
    byte[] honest = CosignSignatures.payload(name(), tamperedDigest);
    byte[] changed = new String(honest, StandardCharsets.UTF_8)
        .replace("\"optional\":null", "\"optional\":{\"tampered\":\"yes\"}").getBytes(StandardCharsets.UTF_8);
    putSignatures(tamperedDigest, List.of(layer(changed, CosignSignatures.sign(trusted.getPrivate(), honest))));
    add("tampered payload (signature over the original)", tampered, trusted.getPublic(), false);

    String replay = image("replay");
    RegistryClient client = TestRegistry.client();
    RegistryClient.Manifest signedSigs = client.manifest(repo, TestRegistry.signatureTag(signedDigest)).orElseThrow();
    registry.remember(repo, client.putManifest(repo, TestRegistry.signatureTag(digest(replay)),
        signedSigs.mediaType(), signedSigs.bytes()));
    add("payload for another digest (replayed signature)", replay, trusted.getPublic(), false);

    registry.copyBusybox(name + "-copy", "retagged", variants.get("signed"));
    registry.copySignatures(name, name + "-copy", signedDigest);
    String retagged = registry.image(name + "-copy") + ":retagged";
    add("signed image re-tagged to another repository", retagged, trusted.getPublic(), false, Map.of(COSIGN,
        "cosign verify --key compares the payload's digest only, not its docker-reference"));

    String badBase64 = image("bad-base64");
    String badDigest = digest(badBase64);
    byte[] badPayload = CosignSignatures.payload(name(), badDigest);
    putSignatures(badDigest, List.of(new Layer(CosignSignatures.SIMPLE_SIGNING, badPayload, "not*base64!")));
    add("signature annotation that is not base64", badBase64, trusted.getPublic(), false);

    String wrongType = image("wrong-type");
    String wrongTypeDigest = digest(wrongType);
    byte[] typed = new String(CosignSignatures.payload(name(), wrongTypeDigest), StandardCharsets.UTF_8)
        .replace(CosignSignatures.PAYLOAD_TYPE, "atomic container signature").getBytes(StandardCharsets.UTF_8);
    putSignatures(wrongTypeDigest, List.of(layer(typed, CosignSignatures.sign(trusted.getPrivate(), typed))));
    add("payload of another critical.type, signed", wrongType, trusted.getPublic(), false, Map.of(COSIGN,
        "cosign verify --key does not read critical.type"));

    String wrongMedia = image("wrong-media-type");
    String wrongMediaDigest = digest(wrongMedia);
    byte[] mediaPayload = CosignSignatures.payload(name(), wrongMediaDigest);
    putSignatures(wrongMediaDigest, List.of(new Layer("application/octet-stream", mediaPayload,
        b64(CosignSignatures.sign(trusted.getPrivate(), mediaPayload)))));
    add("signed payload in a layer of another media type", wrongMedia, trusted.getPublic(), false, Map.of(COSIGN,
        "cosign reads every layer of the .sig manifest as a signature, whatever its media type"));

    // The bounds: the number of signatures, and the payload's size.
    add("101 signature layers, only the last one good", manySignatures(101, false, trusted, other),
        trusted.getPublic(), true);
    int max = ImageTrust.DEFAULT_MAX_SIGNATURES;
    cases.add(new Case((max + 1) + " signature layers (over the default maxSignatures), the first one good",
        manySignatures(max + 1, true, trusted, other), trusted.getPublic(), false, Map.of(),
        Map.of(SKOPEO, "containers/image has no such bound: it would read all " + (max + 1) + " payloads (tens of"
            + " seconds); the 101-layer case shows it reads past 100")));
    add("signed payload of more than 128 KiB", bigPayload("big-payload", 128 * 1024, trusted), trusted.getPublic(), true);
    add(OVER_PAYLOAD_BOUND, bigPayload("huge-payload", ImageTrust.DEFAULT_MAX_PAYLOAD_BYTES, trusted), trusted.getPublic(), false,
        Map.of(COSIGN, "cosign reads attachments of up to 128 MiB (COSIGN_MAX_ATTACHMENT_SIZE); Carapace's"
            + " maxPayloadBytes may be raised to it"));
    return List.copyOf(cases);
  }

  /** A reference verifier: its verdict on an image for a trusted public key ({@code PUBLIC KEY} PEM). */
  public interface Verifier {
    /** The verdict on {@code image} with {@code publicKeyPem} trusted. */
    Verdict verify(String image, String publicKeyPem);
  }

  /** One case judged: Carapace's verdict (default bounds) and each reference verifier's. */
  public record Row(Case c, Verdict carapace, Map<String, Verdict> others) {
    /** What is not as the case expects, or null. */
    String unexpected() {
      StringBuilder sb = new StringBuilder();
      if (carapace.accepted() != c.expected()) {
        sb.append(" Carapace ").append(verdict(carapace.accepted())).append(" (expected ").append(verdict(c.expected())).append(")");
      }
      others.forEach((name, v) -> {
        if (v.accepted() != c.expectedOf(name)) {
          sb.append(" ").append(name).append(" ").append(verdict(v.accepted())).append(" (expected ")
              .append(verdict(c.expectedOf(name))).append(")");
        }
      });
      return sb.length() == 0 ? null : c.name() + ":" + sb;
    }
  }

  /** Judges every case with Carapace's {@link ImageTrust} (default bounds) and each of {@code verifiers}. */
  public static List<Row> judge(List<Case> cases, RegistryAccess access, Map<String, Verifier> verifiers) {
    List<Row> rows = new ArrayList<>();
    for (Case c : cases) {
      long t0 = System.nanoTime();
      ImageVerification v = ImageTrust.builder().addTrustedKey(c.trusted())
          .requireSignature(TestPeers.REGISTRY + "/carapace-test/*").registryAccess(access).build().verify(c.image());
      Verdict carapace = new Verdict(v.signatureVerified(),
          v.signatureVerified() ? "signed by " + v.signedBy().orElse("?") : v.problem().orElse(""),
          Duration.ofNanos(System.nanoTime() - t0));
      Map<String, Verdict> others = new LinkedHashMap<>();
      verifiers.forEach((name, verifier) -> {
        if (!c.notJudged().containsKey(name)) {
          others.put(name, verifier.verify(c.image(), CosignKeyFile.publicKeyPem(c.trusted())));
        }
      });
      rows.add(new Row(c, carapace, others));
    }
    return rows;
  }

  /** Each row not as its case expects (empty when every verdict is the expected one). */
  public static List<String> unexpected(List<Row> rows) {
    return rows.stream().map(Row::unexpected).filter(java.util.Objects::nonNull).toList();
  }

  /** The table of verdicts and each verifier's reasons. */
  public static String table(List<Row> rows, String repository, List<String> names) {
    StringBuilder sb = new StringBuilder("\nCarapace (ImageTrust, default bounds) vs " + String.join(", ", names)
        + ", registry " + TestPeers.REGISTRY + ", repository " + repository + "\n");
    sb.append(String.format("%-62s %-8s %-8s", "case", "expected", "Carapace"));
    names.forEach(n -> sb.append(String.format(" %-8s", n)));
    sb.append(" agree\n");
    for (Row r : rows) {
      sb.append(String.format("%-62s %-8s %-8s", r.c().name(), verdict(r.c().expected()), verdict(r.carapace().accepted())));
      StringBuilder agree = new StringBuilder();
      for (String n : names) {
        if (!r.others().containsKey(n)) {
          sb.append(String.format(" %-8s", "-"));
          continue;
        }
        boolean a = r.others().get(n).accepted();
        sb.append(String.format(" %-8s", verdict(a)));
        if (a != r.carapace().accepted()) {
          agree.append(agree.length() == 0 ? "" : ",").append(r.c().differences().containsKey(n) ? "known:" : "NO:").append(n);
        }
      }
      sb.append(" ").append(agree.length() == 0 ? "yes" : agree).append("\n");
    }
    sb.append("reasons:\n");
    for (Row r : rows) {
      sb.append("  ").append(r.c().name());
      r.c().differences().forEach((n, why) -> sb.append("\n    known difference (").append(n).append("): ").append(why));
      r.c().notJudged().forEach((n, why) -> sb.append("\n    not asked (").append(n).append("): ").append(why));
      sb.append("\n    Carapace: ").append(r.carapace()).append(" (").append(r.carapace().took().toMillis()).append(" ms)");
      r.others().forEach((n, v) -> sb.append(String.format("%n    %-9s %s (%d ms)", n + ":", v, v.took().toMillis())));
      sb.append("\n");
    }
    return sb.toString();
  }

  private static String verdict(boolean accepted) {
    return accepted ? "accept" : "refuse";
  }

  /** An image with {@code count} signature layers: one by {@code trusted} (first or last), the others by {@code other}. */
  private String manySignatures(int count, boolean goodFirst, KeyPair trusted, KeyPair other) throws IOException {
    String many = image(count + "-signatures");
    String manyDigest = digest(many);
    byte[] payload = CosignSignatures.payload(name(), manyDigest);
    List<Layer> layers = new ArrayList<>();
    Layer bad = layer(payload, CosignSignatures.sign(other.getPrivate(), payload));
    for (int i = 0; i < count - 1; i++) {
      layers.add(bad);
    }
    layers.add(goodFirst ? 0 : layers.size(), layer(payload, CosignSignatures.sign(trusted.getPrivate(), payload)));
    putSignatures(manyDigest, layers);
    return many;
  }

  /** An image signed by {@code key} with a payload of more than {@code over} bytes (a filler in {@code optional}). */
  private String bigPayload(String tag, int over, KeyPair key) throws IOException {
    String big = image(tag);
    String bigDigest = digest(big);
    byte[] payload = new String(CosignSignatures.payload(name(), bigDigest), StandardCharsets.UTF_8)
        .replace("\"optional\":null", "\"optional\":{\"filler\":\"" + "x".repeat(over) + "\"}")
        .getBytes(StandardCharsets.UTF_8);
    putSignatures(bigDigest, List.of(layer(payload, CosignSignatures.sign(key.getPrivate(), payload))));
    return big;
  }

  private void add(String caseName, String image, PublicKey trusted, boolean expected) {
    add(caseName, image, trusted, expected, Map.of());
  }

  private void add(String caseName, String image, PublicKey trusted, boolean expected, Map<String, String> differences) {
    cases.add(new Case(caseName, image, trusted, expected, differences, Map.of()));
  }

  /** Signs {@code image} with Carapace's {@link ImageSigner} and remembers the signature manifest. */
  private String sign(KeyPair key, String image) {
    String digest = ImageSigner.builder().privateKey(key.getPrivate()).registryAccess(access).build().sign(image);
    registry.rememberSignatures(ImageName.parse(image).repository(), digest);
    return digest;
  }

  /** carapace-test/busybox:1 pushed as {@code repo:tag}, a digest of its own (trailing newlines). */
  private String image(String tag) throws IOException {
    return image(tag, variants.size() + 1);
  }

  private String image(String tag, int variant) throws IOException {
    variants.putIfAbsent(tag, variant);
    registry.copyBusybox(name, tag, variant);
    return registry.image(name) + ":" + tag;
  }

  private record Layer(String mediaType, byte[] payload, String signature) {}

  private static Layer layer(byte[] payload, byte[] signature) {
    return new Layer(CosignSignatures.SIMPLE_SIGNING, payload, b64(signature));
  }

  /** A signature manifest as cosign writes it, with these layers, under {@code sha256-<hex>.sig}. */
  private void putSignatures(String digest, List<Layer> layers) {
    RegistryClient client = TestRegistry.client();
    byte[] config = CosignSignatures.emptyConfig();
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("schemaVersion", 2);
    root.put("mediaType", RegistryClient.OCI_MANIFEST);
    root.putObject("config").put("mediaType", "application/vnd.oci.image.config.v1+json")
        .put("size", config.length).put("digest", client.putBlob(repo, config));
    ArrayNode array = root.putArray("layers");
    Map<Layer, String> pushed = new LinkedHashMap<>();
    for (Layer l : layers) {
      String blob = pushed.computeIfAbsent(l, x -> client.putBlob(repo, x.payload()));
      ObjectNode node = array.addObject();
      node.put("mediaType", l.mediaType()).put("size", l.payload().length).put("digest", blob);
      node.putObject("annotations").put(CosignSignatures.SIGNATURE_ANNOTATION, l.signature());
    }
    registry.remember(repo, client.putManifest(repo, TestRegistry.signatureTag(digest), RegistryClient.OCI_MANIFEST,
        root.toString().getBytes(StandardCharsets.UTF_8)));
  }

  private String digest(String image) {
    return access.resolveDigest(image);
  }

  private String name() {
    return TestPeers.REGISTRY + "/" + repo;
  }

  private static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
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
