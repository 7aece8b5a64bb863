package dev.carapace.core;

import dev.carapace.core.internal.registry.CosignSignatures;
import dev.carapace.core.internal.registry.ImageName;
import dev.carapace.core.internal.registry.RegistryClient;
import dev.carapace.core.internal.registry.SigningKeys;
import dev.carapace.tls.Pem;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Objects;
import java.util.Optional;

/**
 * Signs an image already in its registry as {@code cosign sign --key} does, so a CI job can sign its
 * own images without cosign and an {@link ImageTrust} (or {@code cosign verify --key}, or skopeo with a
 * {@code sigstoreSigned} policy) accepts them: resolves the image to its manifest digest, pushes the
 * simple-signing payload naming the repository and that digest as a blob, and pushes (or extends)
 * the manifest tagged {@code sha256-<hex>.sig} whose layer is that payload with the base64 signature
 * in the annotation {@code dev.cosignproject.cosign/signature}.
 *
 * <pre>{@code
 * ImageSigner signer = ImageSigner.builder()
 *     .privateKey(Path.of("/run/secrets/signing-key.pem"))
 *     .registryAccess(RegistryAccess.builder()
 *         .credentials(RegistryCredentials.of("registry.example:5000", "ci", password)).build())
 *     .build();
 * String digest = signer.sign("registry.example:5000/team/app:1"); // sha256:...
 * }</pre>
 *
 * <p>Keys: ECDSA P-256, P-384 or P-521 (signed with SHA-256), RSA of 2048 bits or more (PKCS#1 v1.5,
 * SHA-256), Ed25519, read from an unencrypted PEM private key (PKCS#8 {@code PRIVATE KEY}, or
 * {@code EC PRIVATE KEY} / {@code RSA PRIVATE KEY}); cosign's own encrypted key format is not read.
 * {@link #toString()} never shows the key.
 */
public final class ImageSigner {
  private final PrivateKey key;
  /** Null when it cannot be computed: then only an identical signature counts as already there. */
  private final PublicKey publicKey;
  private final RegistryAccess access;

  private ImageSigner(Builder b) {
    this.key = b.key;
    this.publicKey = SigningKeys.publicKeyOf(b.key).orElse(null);
    this.access = b.access;
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Configures an {@link ImageSigner}. */
  public static final class Builder {
    private PrivateKey key;
    private RegistryAccess access = RegistryAccess.defaults();

    private Builder() {}

    /**
     * Signs with {@code key}. Required.
     *
     * @throws IllegalArgumentException when it is not an ECDSA, RSA or Ed25519 key
     */
    public Builder privateKey(PrivateKey key) {
      Objects.requireNonNull(key, "signing key");
      switch (key.getAlgorithm()) {
        case "EC":
        case "RSA":
        case "EdDSA":
        case "Ed25519":
          break;
        default:
          throw new IllegalArgumentException("signing key must be " + SigningKeys.USABLE + ": "
              + key.getAlgorithm());
      }
      this.key = key;
      return this;
    }

    /**
     * Signs with the unencrypted PEM private key in {@code pemFile}.
     *
     * @throws dev.carapace.tls.TlsMaterialException when the file holds no readable private key
     * @throws IllegalArgumentException as {@link #privateKey(PrivateKey)}
     */
    public Builder privateKey(Path pemFile) {
      return privateKey(Pem.readPrivateKey(Objects.requireNonNull(pemFile, "signing key file")));
    }

    /** How the registry is reached. If unset, {@link RegistryAccess#defaults()}. */
    public Builder registryAccess(RegistryAccess access) {
      this.access = Objects.requireNonNull(access, "registry access");
      return this;
    }

    /**
     * The signer.
     *
     * @throws IllegalStateException without a {@linkplain #privateKey(PrivateKey) key}
     */
    public ImageSigner build() {
      if (key == null) {
        throw new IllegalStateException("image signer must have a private key: give one with privateKey(..)");
      }
      return new ImageSigner(this);
    }
  }

  /**
   * Signs {@code image} (by tag or by digest) and returns the digest signed. Signing an image this key
   * already signed changes nothing; another key's signature is added beside the existing ones.
   *
   * @return the manifest digest signed, {@code sha256:<hex>}
   * @throws IllegalArgumentException when {@code image} is not a registry reference
   * @throws RegistryException when the registry lacks the image, refuses a push, or does not answer in time
   */
  public String sign(String image) {
    ImageName name = ImageName.parse(image);
    String digest = name.digest() != null ? name.digest() : access.resolve(name, image, null);
    RegistryClient client = access.client(name, image, null);
    try {
      byte[] payload = CosignSignatures.payload(name.name(), digest);
      byte[] signature = CosignSignatures.sign(key, payload);
      client.putBlob(name.repository(), payload);
      client.putBlob(name.repository(), CosignSignatures.emptyConfig());
      String tag = CosignSignatures.signatureTag(digest);
      Optional<RegistryClient.Manifest> existing = client.manifest(name.repository(), tag);
      byte[] manifest = CosignSignatures.withSignature(existing, payload, signature, publicKey);
      if (existing.isEmpty() || !java.util.Arrays.equals(existing.get().bytes(), manifest)) {
        client.putManifest(name.repository(), tag,
            existing.map(RegistryClient.Manifest::mediaType).orElse(RegistryClient.OCI_MANIFEST), manifest);
      }
      return digest;
    } catch (RegistryClient.RegistryFailure e) {
      throw new RegistryException(image, name.registry(), e.getMessage(), e.status(), e);
    } catch (IllegalStateException e) {
      throw new RegistryException(image, name.registry(), e.getMessage(), 0, e);
    }
  }

  /** {@code ImageSigner{EC}}: the key's algorithm only. */
  @Override
  public String toString() {
    return "ImageSigner{" + key.getAlgorithm() + ", " + access + "}";
  }
}
