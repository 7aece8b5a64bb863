package dev.carapace.policy.internal;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an image reference pins: the manifest digest after its {@code @}, or the image id it is. Not API.
 *
 * <p>A digest counts when the engine can pull by it (go-digest's algorithms with lower-case hex:
 * {@code sha256:<64>}, {@code sha384:<96>}, {@code sha512:<128>}). An image id ({@code sha256:<64 hex>}
 * or the 64 hex digits alone, as {@code docker run} takes it) is the digest of the image's
 * configuration: it names the content on the engine that holds it, though no registry serves it.
 */
public final class ImagePins {
  private static final Pattern DIGEST =
      Pattern.compile("@((?:sha256:[a-f0-9]{64})|(?:sha384:[a-f0-9]{96})|(?:sha512:[a-f0-9]{128}))$");
  private static final Pattern IMAGE_ID = Pattern.compile("(?:sha256:)?[a-f0-9]{64}");

  private ImagePins() {}

  /** The digest {@code image} pins ({@code sha256:...}), or empty for a tag, a bare name or an image id. */
  public static Optional<String> digest(String image) {
    Matcher m = DIGEST.matcher(image);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** Whether {@code image} is an image id: {@code sha256:<64 hex>} or 64 hex digits. */
  public static boolean isImageId(String image) {
    return IMAGE_ID.matcher(image).matches();
  }

  /**
   * The repository of a reference, without tag or digest: {@code 127.0.0.1:5443/team/app} for
   * {@code 127.0.0.1:5443/team/app:1@sha256:...}.
   */
  public static String repository(String image) {
    return image.replaceFirst("@.*$", "").replaceFirst(":[^:/]*$", "");
  }

  /** Whether {@code image} names a tag: {@code name:tag}, not {@code name} alone (which the engine reads as :latest). */
  public static boolean hasTag(String image) {
    return !repository(image).equals(image.replaceFirst("@.*$", ""));
  }

  /**
   * Of {@code repoDigests} ({@code name@sha256:...}, as {@code docker image inspect} lists them), the one
   * of {@code image}'s repository, Docker Hub's short and long spellings counting as one; else empty.
   */
  public static Optional<String> repoDigestOf(String image, List<String> repoDigests) {
    String repository = familiar(repository(image));
    for (String d : repoDigests) {
      if (familiar(repository(d)).equals(repository)) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  /** Docker Hub's names as the engine shows them: {@code busybox} for {@code docker.io/library/busybox}. */
  private static String familiar(String repository) {
    String r = repository;
    for (String hub : List.of("docker.io/", "index.docker.io/")) {
      if (r.startsWith(hub)) {
        r = r.substring(hub.length());
      }
    }
    return r.startsWith("library/") && r.indexOf('/', "library/".length()) < 0 ? r.substring("library/".length()) : r;
  }
}
