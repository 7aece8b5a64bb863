package dev.carapace.core;

/**
 * The image is not on the engine and could not (or, by {@link PullPolicy}, may not) be pulled. A
 * registry the engine cannot reach at all is not this but a plain {@link LaunchException} at step
 * {@code pull}.
 */
public final class ImageNotFoundException extends LaunchException {
  private static final long serialVersionUID = 1L;

  ImageNotFoundException(Step step, String image, String detail, String daemonMessage,
      Throwable cause) {
    super(step, image, null, detail, daemonMessage, cause);
  }
}
