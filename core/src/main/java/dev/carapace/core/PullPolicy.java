package dev.carapace.core;

/** When the launcher pulls the spec's image, as {@code docker run --pull}. */
public enum PullPolicy {
  /** Never pull: a missing image is an {@link ImageNotFoundException}. */
  NEVER,
  /** Pull only when the engine lacks the image (the default, as {@code --pull missing}). */
  IF_MISSING,
  /** Pull before every launch, to get the newest image for the tag. */
  ALWAYS
}
