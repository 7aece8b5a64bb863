package dev.carapace.core.internal.registry;

import dev.carapace.core.internal.io.Strings;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An image reference split as the registry API needs it: the registry ({@code 127.0.0.1:5443},
 * {@code docker.io}), the repository inside it ({@code team/app}; {@code library/busybox} for a
 * Docker Hub name without a slash), and the tag or the digest. {@link #name()} is the fully qualified
 * repository name ({@code 127.0.0.1:5443/team/app}, {@code docker.io/library/busybox}) that image
 * patterns and a signature's {@code docker-reference} are compared with.
 *
 * @param registry the registry as image references name it; {@code docker.io} for Docker Hub
 * @param repository the repository path inside the registry
 * @param tag the tag, or null (a reference with neither tag nor digest means {@code latest})
 * @param digest the digest after {@code @}, or null
 */
public record ImageName(String registry, String repository, String tag, String digest) {
  private static final Pattern SHA256 = Pattern.compile("sha256:[a-f0-9]{64}");

  public ImageName {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(repository, "repository");
  }

  /**
   * Splits {@code image}.
   *
   * @throws IllegalArgumentException when it is not a valid reference, or is an image id (which names
   *     no registry), or its digest is not a sha256 one
   */
  public static ImageName parse(String image) {
    Objects.requireNonNull(image, "image");
    ImageReference.problem(image).ifPresent(p -> {
      throw new IllegalArgumentException(p);
    });
    if (image.matches("(?:sha256:)?[a-f0-9]{64}")) {
      throw new IllegalArgumentException("image must be a registry reference, not an image id: " + Strings.show(image));
    }
    String rest = image;
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
      if (!SHA256.matcher(digest).matches()) {
        throw new IllegalArgumentException("image digest must be sha256:<64 lower-case hex digits>: "
            + Strings.show(image));
      }
    }
    String tag = null;
    int slash = rest.lastIndexOf('/');
    int colon = rest.lastIndexOf(':');
    if (colon > slash) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
    }
    String registry = ImageReference.registry(rest);
    String path = rest;
    int first = rest.indexOf('/');
    if (first >= 0) {
      String head = rest.substring(0, first);
      if (head.indexOf('.') >= 0 || head.indexOf(':') >= 0 || head.equals("localhost")) {
        path = rest.substring(first + 1);
      }
    }
    if (registry.equals(ImageReference.DOCKER_HUB) && path.indexOf('/') < 0) {
      path = "library/" + path;
    }
    return new ImageName(registry, path, tag, digest);
  }

  /** The fully qualified repository: {@code 127.0.0.1:5443/team/app}, {@code docker.io/library/busybox}. */
  public String name() {
    return registry + "/" + repository;
  }

  /** The tag or digest the registry API is asked for: the digest when there is one, else the tag or {@code latest}. */
  public String reference() {
    return digest != null ? digest : tag != null ? tag : "latest";
  }

  /** {@code name@digest}: this repository pinned to {@code digest}. */
  public String pinned(String pinnedDigest) {
    return name() + "@" + pinnedDigest;
  }

  /** The digest, when the reference names one. */
  public Optional<String> digestIfPinned() {
    return Optional.ofNullable(digest);
  }

  /** The host the registry API answers on: {@code registry-1.docker.io} for Docker Hub. */
  public String apiHost() {
    return registry.equals(ImageReference.DOCKER_HUB) ? "registry-1.docker.io" : registry;
  }

  /**
   * The fully qualified repository name of {@code reference} (a signature's {@code docker-reference}),
   * its tag and digest dropped, or empty when it is not a valid reference.
   */
  public static Optional<String> nameOf(String reference) {
    try {
      return Optional.of(parse(reference).name());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Whether {@code digest} is {@code sha256:} and 64 lower-case hex digits. */
  public static boolean isDigest(String digest) {
    return digest != null && SHA256.matcher(digest).matches();
  }

  @Override
  public String toString() {
    return name() + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
  }
}
