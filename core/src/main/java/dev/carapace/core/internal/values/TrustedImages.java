package dev.carapace.core.internal.values;

import dev.carapace.core.ImageTrust;
import dev.carapace.core.ImageVerification;
import dev.carapace.core.RegistryCredentials;
import dev.carapace.core.UntrustedImageException;

/**
 * The one way every target applies an {@link ImageTrust} before it creates anything (the launcher, the
 * Testcontainers hardening, the Swarm deployer, the Kubernetes renderer): resolve and verify the image as
 * its rule asks, refuse what the rule does not allow, report an unsigned image a
 * {@link ImageTrust.Rule#WARN_IF_UNSIGNED} rule lets through, and name the image by the digest verified.
 * Each target logs the warning in its own words (its logger, its verb).
 */
public final class TrustedImages {
  private TrustedImages() {}

  /** Told of an image a {@code warnIfUnsigned} rule lets through without a verified signature. */
  @FunctionalInterface
  public interface UnsignedWarning {
    /**
     * @param image the image as asked
     * @param digest its digest, or {@code an unresolved digest}
     * @param problem why no trusted signature verified
     */
    void warn(String image, String digest, String problem);
  }

  /**
   * Verifies {@code image} with {@code trust}: the verification whose {@link ImageVerification#imageToLaunch()}
   * is what to create ({@code image} itself when no rule matches, else the image pinned to its digest when
   * resolved). {@code warning} is told when a {@code warnIfUnsigned} rule lets an unverified image through.
   *
   * @param fallback credentials for a registry access that has none (a launcher's), or null
   * @throws UntrustedImageException naming the image, the digest and the reason when the rule refuses it
   * @throws IllegalArgumentException when {@code image} is not a registry reference
   */
  public static ImageVerification verify(ImageTrust trust, String image, RegistryCredentials fallback,
      UnsignedWarning warning) {
    ImageVerification v = CoreAccess.get().verifyImage(trust, image, fallback);
    if (v.rule() == ImageTrust.Rule.NONE) {
      return v;
    }
    v.requireAllowed();
    if (v.rule() == ImageTrust.Rule.WARN_IF_UNSIGNED && !v.signatureVerified()) {
      warning.warn(image, v.digest().orElse("an unresolved digest"), v.problem().orElse("none verified"));
    }
    return v;
  }
}
