package dev.carapace.cli.internal.registry;

import dev.carapace.cli.internal.InputException;
import dev.carapace.cli.internal.Messages;
import dev.carapace.core.RegistryAccess;
import dev.carapace.core.RegistryException;

/** An image pinned to the manifest digest its tag points to now, through the registry's HTTP API. */
public final class ImagePins {
  private ImagePins() {}

  /**
   * {@code image} as {@code NAME@sha256:...}, the name as given without its tag and the digest its tag (or
   * {@code latest}) points to now; as given when it already names a digest (the registry is not asked).
   *
   * @param notFoundIsAnError whether a registry answering 404 (no such tag or repository) is an error; if not,
   *     the image is returned as given
   * @throws InputException naming the image and the reason when the registry does not answer within the timeout,
   *     refuses the credentials or fails (the library's {@link RegistryException} message)
   */
  public static String pin(RegistryAccess access, String image, boolean notFoundIsAnError) {
    String digest;
    try {
      digest = access.resolveDigest(image);
    } catch (RegistryException e) {
      if (!notFoundIsAnError && e.status().isPresent() && e.status().getAsInt() == 404) {
        return image;
      }
      throw InputException.of(Messages.oneLine(e.getMessage()), e);
    } catch (IllegalArgumentException e) {
      throw InputException.of(Messages.oneLine(image) + ": not an image reference: " + Messages.oneLine(e.getMessage()),
          e);
    }
    return image.indexOf('@') >= 0 ? image : withoutTag(image) + "@" + digest;
  }

  /** {@code registry:5000/team/app:1} to {@code registry:5000/team/app}: the name without its tag. */
  static String withoutTag(String image) {
    int slash = image.lastIndexOf('/');
    int colon = image.indexOf(':', slash + 1);
    return colon < 0 ? image : image.substring(0, colon);
  }
}
