package dev.carapace.core.internal.registry;

import dev.carapace.core.internal.io.Strings;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Docker's image reference grammar (distribution/reference's {@code regexp.go} and
 * {@code normalize.go}), so that a reference the engine or the CLI would refuse is refused when the
 * spec is built, with the reason:
 *
 * <pre>
 * reference        := name [ ":" tag ] [ "@" digest ]
 * name             := [domain '/'] path-component ['/' path-component]*
 * domain           := host [':' port-number]
 * host             := domain-name | "[" IPv6address "]"
 * domain-name      := domain-component ['.' domain-component]*
 * domain-component := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
 * path-component   := /[a-z0-9]+/ [separator /[a-z0-9]+/]*
 * separator        := /[_.]|__|[-]+/
 * tag              := /[\w][\w.-]{0,127}/
 * digest           := algorithm ":" /[0-9a-fA-F]{32,}/
 * algorithm        := /[A-Za-z][A-Za-z0-9]&#42;/ [/[-_+.]/ /[A-Za-z][A-Za-z0-9]&#42;/]&#42;
 * </pre>
 *
 * <p>As {@code docker run} does, an image id is accepted too: 64 hex digits, with or without
 * {@code sha256:}. The first path component is a domain only when it holds a {@code .} or a {@code :},
 * or is {@code localhost}; the rest of the name must be lower case. The name is at most 255 characters.
 */
public final class ImageReference {
  private static final String PATH_COMPONENT = "[a-z0-9]+(?:(?:[_.]|__|-+)[a-z0-9]+)*";
  private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  private static final Pattern DOMAIN = Pattern.compile("(?:" + DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT
      + ")*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?");
  private static final Pattern PATH = Pattern.compile(PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern DIGEST =
      Pattern.compile("[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}");
  private static final Pattern IMAGE_ID = Pattern.compile("(?:sha256:)?[a-f0-9]{64}");
  private static final int NAME_MAX = 255;

  private ImageReference() {}

  /** What is wrong with {@code image} as a reference, in the spec's message grammar; empty when valid. */
  public static Optional<String> problem(String image) {
    String rule = "image must be a reference like busybox:1.36 or registry.example:5000/team/app:1.0@sha256:...: ";
    String shown = Strings.show(image);
    if (image.isEmpty()) {
      return Optional.of(rule + "\"\"");
    }
    if (IMAGE_ID.matcher(image).matches()) {
      return Optional.empty();
    }
    String rest = image;
    int at = rest.indexOf('@');
    if (at >= 0) {
      if (!DIGEST.matcher(rest.substring(at + 1)).matches()) {
        return Optional.of(rule + shown + " (the digest after @ must look like sha256:<64 hex digits>)");
      }
      rest = rest.substring(0, at);
    }
    int slash = rest.lastIndexOf('/');
    int colon = rest.lastIndexOf(':');
    if (colon > slash) {
      if (!TAG.matcher(rest.substring(colon + 1)).matches()) {
        return Optional.of(rule + shown + " (a tag is at most 128 letters, digits, _ . and -, not starting with . or -)");
      }
      rest = rest.substring(0, colon);
    }
    if (rest.length() > NAME_MAX) {
      return Optional.of("image name must be at most " + NAME_MAX + " characters: " + rest.length()
          + " characters in " + shown.substring(0, Math.min(shown.length(), 80)) + "...");
    }
    String path = rest;
    int first = rest.indexOf('/');
    if (first >= 0) {
      String head = rest.substring(0, first);
      if (head.indexOf('.') >= 0 || head.indexOf(':') >= 0 || head.equals("localhost")) {
        if (!DOMAIN.matcher(head).matches()) {
          return Optional.of(rule + shown + " (the registry must be a host name or [IPv6], with an optional :port)");
        }
        path = rest.substring(first + 1);
      }
    }
    if (PATH.matcher(path).matches()) {
      return Optional.empty();
    }
    if (PATH.matcher(path.toLowerCase(Locale.ROOT)).matches()) {
      return Optional.of(rule + shown + " (repository names are lower case: "
          + path.toLowerCase(Locale.ROOT) + ")");
    }
    return Optional.of(rule + shown + " (a repository name is lower-case letters and digits, separated by"
        + " / and single . _ __ or runs of -)");
  }

  /** Docker Hub's name in image references. */
  public static final String DOCKER_HUB = "docker.io";
  /** The key under which {@code docker login} stores Docker Hub's credentials in {@code config.json}. */
  public static final String DOCKER_HUB_KEY = "https://index.docker.io/v1/";

  /**
   * The registry an image is pulled from, as docker reads the reference: the first path component
   * when it holds a {@code .} or a {@code :} or is {@code localhost} ({@code 127.0.0.1:5443},
   * {@code ghcr.io}), else {@value #DOCKER_HUB}; {@code index.docker.io} is Docker Hub too.
   */
  public static String registry(String image) {
    String name = image;
    int at = name.indexOf('@');
    if (at >= 0) {
      name = name.substring(0, at);
    }
    int first = name.indexOf('/');
    if (first < 0) {
      return DOCKER_HUB;
    }
    String head = name.substring(0, first);
    if (head.indexOf('.') < 0 && head.indexOf(':') < 0 && !head.equals("localhost")) {
      return DOCKER_HUB;
    }
    return head.equals("index.docker.io") ? DOCKER_HUB : head;
  }

  /** The {@code config.json} key of {@code registry}: {@value #DOCKER_HUB_KEY} for Docker Hub, else itself. */
  public static String configKey(String registry) {
    return DOCKER_HUB.equals(registry) ? DOCKER_HUB_KEY : registry;
  }
}
