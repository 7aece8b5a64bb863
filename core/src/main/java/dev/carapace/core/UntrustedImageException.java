package dev.carapace.core;

/**
 * The {@link ImageTrust} given to the launcher refused the image, before anything was created: no
 * trusted signature verified for its digest ({@link ImageTrust.Rule#REQUIRE_SIGNATURE}), or its
 * digest could not be resolved. The message names the image, the digest and the reason:
 *
 * <pre>
 * create of 127.0.0.1:5443/team/app:1 failed: image not trusted at sha256:6f1e...: no signature (no manifest sha256-6f1e....sig in 127.0.0.1:5443/team/app)
 * </pre>
 */
public final class UntrustedImageException extends LaunchException {
  private static final long serialVersionUID = 1L;
  private final transient ImageVerification verification;

  UntrustedImageException(ImageVerification v) {
    super(Step.CREATE, v.image(), null, "image not trusted" + v.digest().map(d -> " at " + d).orElse("")
        + ": " + v.problem().orElse(v.rule() + " not met"), null, null);
    this.verification = v;
  }

  /** What the verification found: the rule, the digest, the reason. */
  public ImageVerification verification() {
    return verification;
  }
}
