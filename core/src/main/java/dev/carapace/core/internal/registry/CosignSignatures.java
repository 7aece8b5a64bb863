package dev.carapace.core.internal.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.carapace.core.internal.io.Strings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * cosign's key-based signatures on a registry without the referrers API, read and written: the
 * signatures of the image {@code repo@sha256:<hex>} are the layers of the manifest tagged
 * {@code sha256-<hex>.sig} in the same repository, each of media type {@value #SIMPLE_SIGNING}, its
 * blob the "simple signing" payload
 * <pre>{@code {"critical":{"identity":{"docker-reference":"127.0.0.1:5443/team/app"},
 *   "image":{"docker-manifest-digest":"sha256:..."},"type":"cosign container image signature"},
 *   "optional":null}}</pre>
 * and its annotation {@value #SIGNATURE_ANNOTATION} the base64 signature over the payload's bytes.
 *
 * <p>An image is verified when one layer passes every check, in this order (containers/image's, which
 * skopeo and podman run for a {@code sigstoreSigned} policy): its media type; its declared size at
 * most the payload bound; its signature annotation base64; its blob read and matching its
 * digest; the signature verified by one of the trusted keys; the payload JSON of type
 * {@value #PAYLOAD_TYPE}, naming the digest being verified, and naming the image's repository
 * ({@code docker-reference}, its tag ignored, as cosign writes the repository only). A manifest with
 * more layers than the signature bound is refused whole, before any payload is read.
 *
 * <p>The bounds, with the values of the two reference verifiers (SignatureAgreementIT checks them
 * against their binaries):
 * <ul>
 *   <li>signatures (layers) of one image: {@link #DEFAULT_MAX_SIGNATURES}, as {@code cosign verify}
 *       2.5.0 (its {@code maxLayers} of a signature manifest: "number of layers (1001) exceeded the
 *       limit (1000)"), also the most that may be set. containers/image has no such bound (its
 *       manifest is at most 4 MiB).
 *   <li>one payload: {@link #DEFAULT_MAX_PAYLOAD_BYTES}, containers/image's
 *       {@code iolimits.MaxSignatureBodySize}; at most {@link #MAX_PAYLOAD_BYTES_LIMIT}, cosign's
 *       default {@code COSIGN_MAX_ATTACHMENT_SIZE}. A payload is read whole into memory, one at a time.
 * </ul>
 */
public final class CosignSignatures {
  /** The media type of a signature layer. */
  public static final String SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json";
  /** The layer annotation holding the base64 signature. */
  public static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";
  /** The payload's {@code critical.type}. */
  public static final String PAYLOAD_TYPE = "cosign container image signature";
  /** How many signatures (layers) of one image are read by default: cosign verify's 1000. */
  public static final int DEFAULT_MAX_SIGNATURES = 1000;
  /** The highest signature bound that may be set: cosign's 1000 layers of a signature manifest. */
  public static final int MAX_SIGNATURES_LIMIT = 1000;
  /** The largest payload read by default: 4 MiB, containers/image's (a simple-signing payload is a few hundred bytes). */
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;
  /** The highest payload bound that may be set: 128 MiB, cosign's default {@code COSIGN_MAX_ATTACHMENT_SIZE}. */
  public static final int MAX_PAYLOAD_BYTES_LIMIT = 128 * 1024 * 1024;
  /** The lowest payload bound that may be set (a payload cosign writes is about 250 bytes). */
  public static final int MIN_PAYLOAD_BYTES = 1024;
  /** The longest signature annotation read (an RSA-8192 signature is 1.4 KiB of base64). */
  static final int MAX_SIGNATURE_CHARS = 16 * 1024;
  /** The config of a signature manifest: the empty JSON object. */
  static final byte[] EMPTY_CONFIG = "{}".getBytes(StandardCharsets.UTF_8);
  static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private CosignSignatures() {}

  /**
   * What a verification found.
   *
   * @param verified whether one signature passed every check
   * @param signedBy the key that verified it ({@link SigningKeys#describe}), or null
   * @param problem why none did, or null
   * @param signatures how many signature layers were read
   */
  public record Check(boolean verified, String signedBy, String problem, int signatures) {}

  /** The tag of {@code digest}'s signatures: {@code sha256-<hex>.sig}. */
  public static String signatureTag(String digest) {
    return digest.replace(':', '-') + ".sig";
  }

  /** The simple-signing payload for {@code name} (the repository, fully qualified) at {@code digest}, as cosign writes it. */
  public static byte[] payload(String name, String digest) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ObjectNode critical = root.putObject("critical");
    critical.putObject("identity").put("docker-reference", name);
    critical.putObject("image").put("docker-manifest-digest", digest);
    critical.put("type", PAYLOAD_TYPE);
    root.putNull("optional");
    return root.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * How much one verification reads: at most {@code maxSignatures} layers, each payload at most
   * {@code maxPayloadBytes}.
   */
  public record Bounds(int maxSignatures, int maxPayloadBytes) {
    /** The defaults: {@link #DEFAULT_MAX_SIGNATURES}, {@link #DEFAULT_MAX_PAYLOAD_BYTES}. */
    public static final Bounds DEFAULTS = new Bounds(DEFAULT_MAX_SIGNATURES, DEFAULT_MAX_PAYLOAD_BYTES);
  }

  /** As {@link #verify(RegistryClient, ImageName, String, List, Bounds)} with {@link Bounds#DEFAULTS}. */
  public static Check verify(RegistryClient registry, ImageName image, String digest, List<PublicKey> keys) {
    return verify(registry, image, digest, keys, Bounds.DEFAULTS);
  }

  /**
   * Verifies the signatures of {@code image}'s repository at {@code digest} with {@code keys}, reading
   * no more than {@code bounds} allow.
   *
   * @throws RegistryClient.RegistryFailure when the registry fails on the signature manifest (a
   *     layer's failing blob is a problem of that layer, not thrown)
   */
  public static Check verify(RegistryClient registry, ImageName image, String digest, List<PublicKey> keys,
      Bounds bounds) {
    String tag = signatureTag(digest);
    Optional<RegistryClient.Manifest> found = registry.manifest(image.repository(), tag);
    if (found.isEmpty()) {
      return new Check(false, null, "no signature (no manifest " + tag + " in " + image.name() + ")", 0);
    }
    JsonNode layers = layersOf(found.get(), tag);
    int n = layers.size();
    if (n > bounds.maxSignatures()) {
      return new Check(false, null, "signature manifest " + tag + " has " + n + " layers: at most "
          + bounds.maxSignatures() + " are read (maxSignatures)", n);
    }
    if (n == 0) {
      return new Check(false, null, "no signature (manifest " + tag + " has no layers)", 0);
    }
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String which = n == 1 ? "signature: " : "signature " + (i + 1) + " of " + n + ": ";
      Layer l = new Layer(layers.get(i));
      String problem;
      try {
        problem = check(registry, image, digest, keys, l, bounds.maxPayloadBytes());
      } catch (RegistryClient.RegistryFailure e) {
        problem = "payload " + l.digest + ": " + e.getMessage();
      }
      if (problem == null) {
        return new Check(true, l.signedBy, null, n);
      }
      problems.add(which + problem);
    }
    return new Check(false, null, String.join("; ", problems), n);
  }

  private static JsonNode layersOf(RegistryClient.Manifest m, String tag) {
    JsonNode root;
    try {
      root = JSON.readTree(m.bytes());
    } catch (IOException e) {
      root = null;
    }
    if (root == null || !root.isObject()) {
      throw new RegistryClient.RegistryFailure("signature manifest " + tag + " is not a JSON object", 200, null);
    }
    if (!m.mediaType().equals(RegistryClient.OCI_MANIFEST) && !m.mediaType().equals(RegistryClient.DOCKER_MANIFEST)) {
      throw new RegistryClient.RegistryFailure("signature manifest " + tag + " must be an image manifest: it is "
          + Strings.show(m.mediaType().isEmpty() ? "of no media type" : m.mediaType()), 200, null);
    }
    JsonNode layers = root.path("layers");
    if (!layers.isArray()) {
      throw new RegistryClient.RegistryFailure("signature manifest " + tag + " has no layers array", 200, null);
    }
    return layers;
  }

  /** One signature layer, as its descriptor says. */
  private static final class Layer {
    final String mediaType;
    final String digest;
    final long size;
    final JsonNode signature;
    String signedBy;

    Layer(JsonNode d) {
      mediaType = d.path("mediaType").asText("");
      digest = d.path("digest").asText("");
      size = d.path("size").canConvertToLong() ? d.path("size").asLong() : -1;
      signature = d.path("annotations").path(SIGNATURE_ANNOTATION);
    }
  }

  /** Why {@code l} does not verify {@code image} at {@code digest}, or null when it does. */
  private static String check(RegistryClient registry, ImageName image, String digest, List<PublicKey> keys, Layer l,
      int maxPayloadBytes) {
    if (!l.mediaType.equals(SIMPLE_SIGNING)) {
      return "layer media type must be " + SIMPLE_SIGNING + ": " + Strings.show(shorten(l.mediaType));
    }
    if (!ImageName.isDigest(l.digest)) {
      return "layer digest must be sha256:<64 hex digits>: " + Strings.show(shorten(l.digest));
    }
    if (l.size < 0 || l.size > maxPayloadBytes) {
      return "payload size must be 0 to " + maxPayloadBytes + " bytes (maxPayloadBytes): "
          + (l.size < 0 ? "none given" : l.size);
    }
    if (!l.signature.isTextual()) {
      return "layer has no " + SIGNATURE_ANNOTATION + " annotation";
    }
    String b64 = l.signature.asText();
    if (b64.length() > MAX_SIGNATURE_CHARS) {
      return SIGNATURE_ANNOTATION + " must be at most " + MAX_SIGNATURE_CHARS + " characters: " + b64.length();
    }
    byte[] signature;
    try {
      signature = Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      return SIGNATURE_ANNOTATION + " must be base64: " + Strings.lengthAndStart(b64);
    }
    byte[] payload = registry.blob(image.repository(), l.digest, maxPayloadBytes);
    if (payload.length != l.size) {
      return "payload " + l.digest + " is " + payload.length + " bytes, its layer says " + l.size;
    }
    String signedBy = null;
    for (PublicKey k : keys) {
      if (SigningKeys.verifies(k, payload, signature)) {
        signedBy = SigningKeys.describe(k);
        break;
      }
    }
    if (signedBy == null) {
      return "not signed by a trusted key (" + keys.size() + (keys.size() == 1 ? " key" : " keys") + " tried)";
    }
    JsonNode p;
    try {
      p = JSON.readTree(payload);
    } catch (IOException e) {
      p = null;
    }
    if (p == null || !p.isObject() || !p.path("critical").isObject()) {
      return "payload must be a JSON object with \"critical\"";
    }
    JsonNode critical = p.path("critical");
    String type = critical.path("type").asText("");
    if (!type.equals(PAYLOAD_TYPE)) {
      return "payload type must be \"" + PAYLOAD_TYPE + "\": " + Strings.show(shorten(type));
    }
    String signedDigest = critical.path("image").path("docker-manifest-digest").asText("");
    if (!signedDigest.equals(digest)) {
      return "payload is for " + Strings.show(shorten(signedDigest)) + ", not " + digest
          + " (a signature of another image)";
    }
    String reference = critical.path("identity").path("docker-reference").asText("");
    Optional<String> signedName = ImageName.nameOf(reference);
    if (signedName.isEmpty() || !signedName.get().equals(image.name())) {
      return "payload names " + Strings.show(shorten(reference)) + ", not " + image.name()
          + " (signed for another repository)";
    }
    l.signedBy = signedBy;
    return null;
  }

  /**
   * The signature manifest {@code existing} (or a new one) with one more layer: {@code payload}
   * signed with {@code signature}; unchanged when a layer already holds that payload signed by
   * {@code signer} (an ECDSA signature differs at each signing: compared by verifying, as cosign
   * finds duplicates).
   *
   * @param signer the signing key's public key, or null when unknown (then only the same signature is a duplicate)
   * @throws IllegalStateException when the manifest already has {@link #DEFAULT_MAX_SIGNATURES} layers (one more
   *     would make cosign refuse the image) or is not an image manifest
   */
  public static byte[] withSignature(Optional<RegistryClient.Manifest> existing, byte[] payload, byte[] signature,
      PublicKey signer) {
    String b64 = Base64.getEncoder().encodeToString(signature);
    String payloadDigest = RegistryClient.sha256(payload);
    ObjectNode root;
    if (existing.isPresent()) {
      JsonNode layers = layersOf(existing.get(), "existing");
      for (JsonNode l : layers) {
        if (l.path("digest").asText("").equals(payloadDigest) && sameSigner(l, b64, payload, signer)) {
          return existing.get().bytes();
        }
      }
      if (layers.size() >= DEFAULT_MAX_SIGNATURES) {
        throw new IllegalStateException("signature manifest has " + layers.size() + " layers: at most "
            + DEFAULT_MAX_SIGNATURES + " are read by default (and by cosign verify), no room for another");
      }
      try {
        root = (ObjectNode) JSON.readTree(existing.get().bytes());
      } catch (IOException e) {
        throw new IllegalStateException("signature manifest is not JSON", e);
      }
    } else {
      root = JsonNodeFactory.instance.objectNode();
      root.put("schemaVersion", 2);
      root.put("mediaType", RegistryClient.OCI_MANIFEST);
      root.putObject("config").put("mediaType", CONFIG_TYPE).put("size", EMPTY_CONFIG.length)
          .put("digest", RegistryClient.sha256(EMPTY_CONFIG));
      root.putArray("layers");
    }
    ArrayNode layers = (ArrayNode) root.path("layers");
    ObjectNode layer = layers.addObject();
    layer.put("mediaType", SIMPLE_SIGNING).put("size", payload.length).put("digest", payloadDigest);
    layer.putObject("annotations").put(SIGNATURE_ANNOTATION, b64);
    return root.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Whether the layer {@code l} holds {@code b64}, or a signature {@code signer} made over {@code payload}. */
  private static boolean sameSigner(JsonNode l, String b64, byte[] payload, PublicKey signer) {
    String theirs = l.path("annotations").path(SIGNATURE_ANNOTATION).asText("");
    if (theirs.equals(b64)) {
      return true;
    }
    if (signer == null) {
      return false;
    }
    try {
      return SigningKeys.verifies(signer, payload, Base64.getDecoder().decode(theirs));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The config blob of a new signature manifest: {@code {}}. */
  public static byte[] emptyConfig() {
    return EMPTY_CONFIG.clone();
  }

  /** {@code key}'s signature over {@code payload}. */
  public static byte[] sign(PrivateKey key, byte[] payload) {
    return SigningKeys.sign(key, payload);
  }

  private static String shorten(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "...";
  }
}
