package dev.carapace.core;

import dev.carapace.core.internal.io.BoundedFiles;
import dev.carapace.core.internal.io.Strings;
import dev.carapace.core.internal.registry.CosignSignatures;
import dev.carapace.core.internal.registry.ImageName;
import dev.carapace.core.internal.registry.RegistryClient;
import dev.carapace.core.internal.registry.SigningKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which images may be launched: trusted public keys, and a rule per image pattern that requires a
 * cosign signature by one of them, warns when there is none, or only pins the image to its digest.
 * Give it to a launcher ({@link ContainerLauncher.Builder#imageTrust}) and every launch of a
 * matching image is resolved to its manifest digest once, verified, and created by that digest
 * ({@code repo@sha256:...}), so nothing can swap the image between the check and the start; the
 * recorded {@code Config.Image} is checked to be that digest.
 *
 * <pre>{@code
 * ImageTrust trust = ImageTrust.builder()
 *     .addTrustedKeys(Path.of("/etc/carapace/cosign.pub"))
 *     .requireSignature("registry.example:5000/team/*")
 *     .warnIfUnsigned("docker.io/library/*")
 *     .build();
 * ContainerLauncher launcher = ContainerLauncher.builder().imageTrust(trust).build();
 * }</pre>
 *
 * <p>Signatures are cosign's key-based ones on a registry without the referrers API, as
 * {@code cosign sign --key} pushes them and {@code cosign verify --key} and skopeo's
 * {@code sigstoreSigned} policy check them: the manifest tagged {@code sha256-<hex>.sig} in the
 * image's repository, whose layers ({@code application/vnd.dev.cosign.simplesigning.v1+json}) are
 * payloads naming the image's repository and digest, each signed in the annotation
 * {@code dev.cosignproject.cosign/signature}. An image is verified when one of them passes every check:
 * the blob matches its digest, the signature verifies with a trusted key over the payload's bytes,
 * the payload names the digest being launched (a signature of another image, replayed, is refused)
 * and the image's repository (an image copied to another name is refused). Keys: ECDSA P-256, P-384
 * or P-521 (SHA-256, as cosign and containers/image verify a key given by file), RSA of 2048 bits or
 * more (PKCS#1 v1.5, SHA-256), Ed25519.
 *
 * <p>Patterns are fully qualified repository names ({@code 127.0.0.1:5443/team/app};
 * {@code busybox} means {@code docker.io/library/busybox}), where {@code *} stands for any characters,
 * {@code /} included ({@code registry.example/team/*}, or {@code *} for every image). The first rule
 * added whose pattern matches decides; an image no rule matches is launched as named, unverified.
 *
 * <p>What one verification reads is bounded: at most {@link #DEFAULT_MAX_SIGNATURES} signatures of
 * an image (more are refused whole, before any payload is read, as {@code cosign verify} 2.5.0
 * refuses them) and payloads of at most {@link #DEFAULT_MAX_PAYLOAD_BYTES} bytes (containers/image's
 * bound), unless {@link Builder#maxSignatures} or {@link Builder#maxPayloadBytes} set others, within
 * {@link #MAX_SIGNATURES_LIMIT} and {@link #MAX_PAYLOAD_BYTES_LIMIT}; all the requests of one
 * verification share the {@linkplain RegistryAccess.Builder#timeout registry access's timeout}.
 *
 * <p>A verified digest is remembered (per repository and digest, never for another digest; at most
 * {@value #MAX_REMEMBERED}), so launching it again asks the registry only for the tag. A refusal is
 * never remembered. Immutable and thread-safe.
 */
public final class ImageTrust {
  /** How many verified repository digests one trust remembers. */
  public static final int MAX_REMEMBERED = 1024;
  /** How many rules one trust may have. */
  static final int MAX_RULES = 1024;
  /**
   * How many signatures (layers of the {@code sha256-<hex>.sig} manifest) of one image are read by
   * default: {@value}, the number {@code cosign verify} 2.5.0 reads (more: "number of layers (1001)
   * exceeded the limit (1000)"). An image with more is refused whole, before any payload is read.
   */
  public static final int DEFAULT_MAX_SIGNATURES = CosignSignatures.DEFAULT_MAX_SIGNATURES;
  /** The highest {@link Builder#maxSignatures} may set: {@value}, cosign's limit on a signature manifest's layers (the default). */
  public static final int MAX_SIGNATURES_LIMIT = CosignSignatures.MAX_SIGNATURES_LIMIT;
  /**
   * The largest signature payload read by default, in bytes: {@value} (4 MiB), containers/image's
   * {@code MaxSignatureBodySize}; cosign writes about 250 bytes. A larger layer is refused unread.
   */
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = CosignSignatures.DEFAULT_MAX_PAYLOAD_BYTES;
  /** The highest {@link Builder#maxPayloadBytes} may set: {@value} (128 MiB), cosign's default {@code COSIGN_MAX_ATTACHMENT_SIZE}. */
  public static final int MAX_PAYLOAD_BYTES_LIMIT = CosignSignatures.MAX_PAYLOAD_BYTES_LIMIT;
  /** The lowest {@link Builder#maxPayloadBytes} may set: {@value}. */
  public static final int MIN_PAYLOAD_BYTES = CosignSignatures.MIN_PAYLOAD_BYTES;

  /** What a rule asks of the images its pattern matches. */
  public enum Rule {
    /** Resolved to its digest and launched by it only when a trusted key signed it; refused before any create otherwise. */
    REQUIRE_SIGNATURE,
    /**
     * Resolved to its digest and verified; launched by that digest whatever the outcome, with a WARN
     * log naming the image, the digest and why the signature did not verify (launched as named when
     * the digest could not be resolved).
     */
    WARN_IF_UNSIGNED,
    /** Resolved to its digest and launched by it; no signature is read. Refused when the digest cannot be resolved. */
    PIN_DIGEST,
    /** No rule matches: launched as named, nothing asked of the registry. */
    NONE
  }

  private final List<PublicKey> keys;
  private final Map<String, Rule> rules; // pattern -> rule, in the order added
  private final List<Pattern> compiled;
  private final RegistryAccess access;
  private final CosignSignatures.Bounds bounds;
  private final Map<String, ImageVerification> remembered = Collections.synchronizedMap(
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ImageVerification> eldest) {
          return size() > MAX_REMEMBERED;
        }
      });

  private ImageTrust(Builder b) {
    this.keys = List.copyOf(b.keys);
    this.rules = Collections.unmodifiableMap(new LinkedHashMap<>(b.rules));
    List<Pattern> c = new ArrayList<>();
    for (String p : rules.keySet()) {
      c.add(glob(p));
    }
    this.compiled = List.copyOf(c);
    this.access = b.access;
    this.bounds = new CosignSignatures.Bounds(b.maxSignatures, b.maxPayloadBytes);
  }

  /** A new builder: no keys, no rules, {@link RegistryAccess#defaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Configures an {@link ImageTrust}. */
  public static final class Builder {
    private final List<PublicKey> keys = new ArrayList<>();
    private final Map<String, Rule> rules = new LinkedHashMap<>();
    private RegistryAccess access = RegistryAccess.defaults();
    private int maxSignatures = DEFAULT_MAX_SIGNATURES;
    private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;

    private Builder() {}

    /**
     * Trusts signatures made with {@code key}'s private key.
     *
     * @throws IllegalArgumentException when the key is not ECDSA P-256, P-384 or P-521, RSA of 2048
     *     bits or more, or Ed25519
     */
    public Builder addTrustedKey(PublicKey key) {
      Objects.requireNonNull(key, "trusted key");
      SigningKeys.requireUsable(key, "trusted key " + key.getAlgorithm());
      keys.add(key);
      return this;
    }

    /**
     * Trusts every key of the PEM text {@code pem}: one or more {@code PUBLIC KEY} blocks, as
     * {@code cosign generate-key-pair} writes {@code cosign.pub} and {@code openssl pkey -pubout} does.
     *
     * @throws IllegalArgumentException when the text is not PEM, holds another block (a private key,
     *     a certificate) or a key of another type; the message names the block, never key bytes
     */
    public Builder addTrustedKeys(String pem) {
      Objects.requireNonNull(pem, "trusted key PEM");
      keys.addAll(SigningKeys.parsePublicKeys(pem, "trusted key PEM"));
      return this;
    }

    /**
     * Trusts every key of the PEM file {@code pemFile} ({@code cosign.pub}), as {@link #addTrustedKeys(String)}.
     *
     * @throws IllegalArgumentException when the file is absent, not a regular file, over 1 MiB, or
     *     its content is refused as {@link #addTrustedKeys(String)} says; the message names the file
     */
    public Builder addTrustedKeys(Path pemFile) {
      Objects.requireNonNull(pemFile, "trusted key file");
      byte[] bytes;
      try {
        bytes = BoundedFiles.readRegularFile(pemFile, "trusted key file", BoundedFiles.MAX_JSON_BYTES);
      } catch (IOException e) {
        throw new IllegalArgumentException("trusted key file must be readable: " + pemFile + " ("
            + e.getClass().getSimpleName() + ")", e);
      }
      keys.addAll(SigningKeys.parsePublicKeys(new String(bytes, StandardCharsets.UTF_8), pemFile.toString()));
      return this;
    }

    /**
     * Launches an image matching {@code imagePattern} only by its digest and only when a trusted key
     * signed it; refuses it before any create otherwise ({@link UntrustedImageException}).
     *
     * @throws IllegalArgumentException when the pattern is not a repository name with {@code *}s,
     *     or already has a rule
     */
    public Builder requireSignature(String imagePattern) {
      return rule(imagePattern, Rule.REQUIRE_SIGNATURE);
    }

    /**
     * Verifies an image matching {@code imagePattern} and launches it by its digest whatever the
     * outcome, logging at WARN when no trusted signature verifies: a step towards
     * {@link #requireSignature}.
     *
     * @throws IllegalArgumentException as {@link #requireSignature}
     */
    public Builder warnIfUnsigned(String imagePattern) {
      return rule(imagePattern, Rule.WARN_IF_UNSIGNED);
    }

    /**
     * Launches an image matching {@code imagePattern} by the digest its tag points to at launch, without
     * reading signatures: the image cannot change between the resolution and the start.
     *
     * @throws IllegalArgumentException as {@link #requireSignature}
     */
    public Builder pinDigest(String imagePattern) {
      return rule(imagePattern, Rule.PIN_DIGEST);
    }

    private Builder rule(String imagePattern, Rule rule) {
      Objects.requireNonNull(imagePattern, "image pattern");
      String p = normalize(imagePattern);
      if (rules.containsKey(p)) {
        throw new IllegalArgumentException("image pattern must have one rule: " + Strings.show(imagePattern)
            + " has " + rules.get(p));
      }
      if (rules.size() >= MAX_RULES) {
        throw new IllegalArgumentException("image trust must have at most " + MAX_RULES + " rules");
      }
      rules.put(p, rule);
      return this;
    }

    /**
     * How the registry is reached: credentials, CAs, timeout. If unset, {@link RegistryAccess#defaults()};
     * in a launcher, an access without {@linkplain RegistryAccess.Builder#credentials credentials}
     * uses the launcher's.
     */
    public Builder registryAccess(RegistryAccess access) {
      this.access = Objects.requireNonNull(access, "registry access");
      return this;
    }

    /**
     * How many signatures of one image are read (default {@value ImageTrust#DEFAULT_MAX_SIGNATURES});
     * an image whose signature manifest has more layers is refused whole, before any payload is read.
     *
     * @throws IllegalArgumentException when {@code count} is not 1 to {@value ImageTrust#MAX_SIGNATURES_LIMIT}
     */
    public Builder maxSignatures(int count) {
      if (count < 1 || count > MAX_SIGNATURES_LIMIT) {
        throw new IllegalArgumentException("maxSignatures must be 1 to " + MAX_SIGNATURES_LIMIT + ": " + count);
      }
      this.maxSignatures = count;
      return this;
    }

    /**
     * The largest signature payload read, in bytes (default {@value ImageTrust#DEFAULT_MAX_PAYLOAD_BYTES});
     * a signature whose layer declares more is refused without being read. Each payload is held in
     * memory while it is checked, one at a time.
     *
     * @throws IllegalArgumentException when {@code bytes} is not {@value ImageTrust#MIN_PAYLOAD_BYTES} to
     *     {@value ImageTrust#MAX_PAYLOAD_BYTES_LIMIT}
     */
    public Builder maxPayloadBytes(int bytes) {
      if (bytes < MIN_PAYLOAD_BYTES || bytes > MAX_PAYLOAD_BYTES_LIMIT) {
        throw new IllegalArgumentException("maxPayloadBytes must be " + MIN_PAYLOAD_BYTES + " to "
            + MAX_PAYLOAD_BYTES_LIMIT + ": " + bytes);
      }
      this.maxPayloadBytes = bytes;
      return this;
    }

    /**
     * The trust.
     *
     * @throws IllegalStateException when a rule requires signatures and no key is trusted
     */
    public ImageTrust build() {
      if (keys.isEmpty() && rules.values().stream().anyMatch(r -> r != Rule.PIN_DIGEST)) {
        throw new IllegalStateException("image trust must have a trusted key when a rule reads signatures:"
            + " add one with addTrustedKey(..) or addTrustedKeys(..)");
      }
      return new ImageTrust(this);
    }
  }

  /** {@code busybox} to {@code docker.io/library/busybox}; {@code *} kept. */
  static String normalize(String pattern) {
    if (pattern.equals("*")) {
      return pattern;
    }
    String probe = pattern.replace("*", "x");
    ImageName n;
    try {
      n = ImageName.parse(probe);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("image pattern must be a repository name where * stands for any"
          + " characters: " + Strings.show(pattern) + " (" + e.getMessage() + ")", e);
    }
    if (n.tag() != null || n.digest() != null) {
      throw new IllegalArgumentException("image pattern must name repositories, without a tag or digest: "
          + Strings.show(pattern));
    }
    int slash = pattern.indexOf('/');
    String head = slash < 0 ? "" : pattern.substring(0, slash);
    if (head.indexOf('.') >= 0 || head.indexOf(':') >= 0 || head.equals("localhost")) {
      return head.equals("index.docker.io") ? "docker.io" + pattern.substring(slash) : pattern;
    }
    return "docker.io/" + (slash < 0 ? "library/" : "") + pattern;
  }

  private static Pattern glob(String normalized) {
    StringBuilder re = new StringBuilder();
    String[] parts = normalized.split("\\*", -1);
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        re.append(".*");
      }
      if (!parts[i].isEmpty()) {
        re.append(Pattern.quote(parts[i]));
      }
    }
    return Pattern.compile(re.toString());
  }

  /** The trusted keys, in the order added. */
  public List<PublicKey> trustedKeys() {
    return keys;
  }

  /** The rules, pattern (fully qualified) to rule, in the order added. */
  public Map<String, Rule> rules() {
    return rules;
  }

  /** How the registry is reached. */
  public RegistryAccess registryAccess() {
    return access;
  }

  /** How many signatures of one image are read ({@link Builder#maxSignatures}). */
  public int maxSignatures() {
    return bounds.maxSignatures();
  }

  /** The largest signature payload read, in bytes ({@link Builder#maxPayloadBytes}). */
  public int maxPayloadBytes() {
    return bounds.maxPayloadBytes();
  }

  /**
   * The rule for {@code image}: the first rule added whose pattern matches its repository, else
   * {@link Rule#NONE}.
   *
   * @throws IllegalArgumentException when {@code image} is not a registry reference
   */
  public Rule ruleFor(String image) {
    return ruleFor(ImageName.parse(image));
  }

  private Rule ruleFor(ImageName name) {
    int i = 0;
    for (Map.Entry<String, Rule> e : rules.entrySet()) {
      if (compiled.get(i++).matcher(name.name()).matches()) {
        return e.getValue();
      }
    }
    return Rule.NONE;
  }

  /**
   * Resolves {@code image} to its digest and verifies its signatures as its rule asks, with this
   * trust's {@linkplain #registryAccess() registry access}. A registry failure (no such tag, a
   * refusal, a timeout, a redirect elsewhere) is a verification that failed, not an exception.
   *
   * @throws IllegalArgumentException when {@code image} is not a registry reference
   */
  public ImageVerification verify(String image) {
    return verify(image, null);
  }

  /** As {@link #verify(String)}; an access without credentials uses {@code fallback}'s. */
  ImageVerification verify(String image, RegistryCredentials fallback) {
    ImageName name = ImageName.parse(image);
    Rule rule = ruleFor(name);
    if (rule == Rule.NONE) {
      return new ImageVerification(image, rule, null, null, false, null, null);
    }
    String digest = name.digest();
    if (digest == null) {
      try {
        digest = access.resolve(name, image, fallback);
      } catch (RegistryException e) {
        return new ImageVerification(image, rule, null, null, false, null,
            "the digest could not be resolved: " + e.getMessage().substring(image.length() + 2));
      }
    }
    String pinned = name.pinned(digest);
    if (rule == Rule.PIN_DIGEST) {
      return new ImageVerification(image, rule, digest, pinned, false, null, null);
    }
    ImageVerification known = remembered.get(pinned);
    if (known != null) {
      return new ImageVerification(image, rule, digest, pinned, true, known.signedBy().orElse(null), null);
    }
    CosignSignatures.Check check;
    try {
      RegistryClient client = access.client(name, image, fallback);
      check = CosignSignatures.verify(client, name, digest, keys, bounds);
    } catch (RegistryClient.RegistryFailure e) {
      check = new CosignSignatures.Check(false, null, e.getMessage(), 0);
    } catch (RegistryException e) {
      check = new CosignSignatures.Check(false, null, e.getMessage().substring(image.length() + 2), 0);
    }
    ImageVerification v = new ImageVerification(image, rule, digest, pinned, check.verified(), check.signedBy(),
        check.problem());
    if (check.verified()) {
      remembered.put(pinned, v);
    }
    return v;
  }

  @Override
  public String toString() {
    return "ImageTrust{" + keys.size() + (keys.size() == 1 ? " key" : " keys") + ", rules " + rules + "}";
  }
}
