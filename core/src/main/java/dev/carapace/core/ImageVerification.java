package dev.carapace.core;

import java.util.Optional;

/**
 * What {@link ImageTrust#verify} found for one image: the rule that applied, the manifest digest the
 * image resolved to, whether a trusted key's signature verified for it, and why not. An image its
 * rule allows is launched as {@link #imageToLaunch()}: by its digest whenever it was resolved.
 *
 * <pre>{@code
 * ImageVerification v = trust.verify("127.0.0.1:5443/team/app:1");
 * if (!v.allowsLaunch()) {
 *   System.err.println(v.problem().orElseThrow()); // e.g. no signature (no manifest sha256-...sig in ...)
 * }
 * }</pre>
 */
public final class ImageVerification {
  private final String image;
  private final ImageTrust.Rule rule;
  private final String digest;
  private final String pinnedImage;
  private final boolean signatureVerified;
  private final String signedBy;
  private final String problem;

  ImageVerification(String image, ImageTrust.Rule rule, String digest, String pinnedImage, boolean signatureVerified,
      String signedBy, String problem) {
    this.image = image;
    this.rule = rule;
    this.digest = digest;
    this.pinnedImage = pinnedImage;
    this.signatureVerified = signatureVerified;
    this.signedBy = signedBy;
    this.problem = problem;
  }

  /** The image, as given. */
  public String image() {
    return image;
  }

  /** The rule that applied ({@link ImageTrust.Rule#NONE} when no pattern matched). */
  public ImageTrust.Rule rule() {
    return rule;
  }

  /** The manifest digest ({@code sha256:<hex>}); empty when no rule applied or it could not be resolved. */
  public Optional<String> digest() {
    return Optional.ofNullable(digest);
  }

  /** The image pinned to its digest, {@code repository@sha256:<hex>} (fully qualified); empty as {@link #digest()}. */
  public Optional<String> pinnedImage() {
    return Optional.ofNullable(pinnedImage);
  }

  /** Whether a signature by a trusted key verified for this digest and repository. */
  public boolean signatureVerified() {
    return signatureVerified;
  }

  /** The key whose signature verified ({@code EC P-256 key SHA256:0123456789abcdef}). */
  public Optional<String> signedBy() {
    return Optional.ofNullable(signedBy);
  }

  /**
   * Why the signature did not verify, or the digest could not be resolved: names the digest and the
   * reason ({@code signature: payload is for sha256:..., not sha256:... (a signature of another image)}).
   * Empty when verified, and when the rule reads no signature and the digest was resolved.
   */
  public Optional<String> problem() {
    return Optional.ofNullable(problem);
  }

  /**
   * Whether the rule lets the image launch: always for {@link ImageTrust.Rule#NONE} and
   * {@link ImageTrust.Rule#WARN_IF_UNSIGNED}; with a resolved digest for
   * {@link ImageTrust.Rule#PIN_DIGEST}; with a verified signature for
   * {@link ImageTrust.Rule#REQUIRE_SIGNATURE}.
   */
  public boolean allowsLaunch() {
    switch (rule) {
      case REQUIRE_SIGNATURE:
        return signatureVerified;
      case PIN_DIGEST:
        return digest != null;
      default:
        return true;
    }
  }

  /** What a launch creates: the {@linkplain #pinnedImage() pinned image} when resolved, else the image as given. */
  public String imageToLaunch() {
    return pinnedImage != null ? pinnedImage : image;
  }

  /**
   * This verification when it {@linkplain #allowsLaunch() allows the launch}.
   *
   * @throws UntrustedImageException naming the image, the digest and the reason otherwise
   */
  public ImageVerification requireAllowed() {
    if (!allowsLaunch()) {
      throw new UntrustedImageException(this);
    }
    return this;
  }

  /** A line for a log or a report: the image, the rule, the digest and the outcome. */
  @Override
  public String toString() {
    return "ImageVerification{" + image + ", " + rule + (digest != null ? ", " + digest : "")
        + (signatureVerified ? ", signed by " + signedBy : "") + (problem != null ? ", " + problem : "") + "}";
  }
}
