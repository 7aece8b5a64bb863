package dev.carapace.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.model.ContainerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an image sets that a spec may leave to it: {@code USER} and {@code HEALTHCHECK}, as
 * {@code docker image inspect} shows them under {@code Config}; and where it came from, its
 * {@code RepoDigests}.
 *
 * <pre>{@code
 * ImageFacts facts = audit.imageFacts("carapace-test/busybox-user:1");   // an EngineAudit's
 * facts.user();          // "1000:1000"
 * }</pre>
 */
public final class ImageFacts {
  private final String image;
  private final String user;
  private final Optional<List<String>> healthcheck;
  private final List<String> repoDigests;

  ImageFacts(String image, String user, Optional<List<String>> healthcheck) {
    this(image, user, healthcheck, List.of());
  }

  ImageFacts(String image, String user, Optional<List<String>> healthcheck, List<String> repoDigests) {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(user, "image user");
    healthcheck = healthcheck.map(List::copyOf);
    this.image = image;
    this.user = user;
    this.healthcheck = healthcheck;
    this.repoDigests = List.copyOf(repoDigests);
  }

  /**
   * The facts of {@code image} as the caller knows them, for judging a spec without asking an engine.
   *
   * @param image the image reference
   * @param user the image's {@code USER}, empty string for none (root)
   * @param healthcheck the image's {@code HEALTHCHECK} test, empty when it has none
   */
  public static ImageFacts of(String image, String user, Optional<List<String>> healthcheck) {
    return new ImageFacts(image, user, healthcheck);
  }

  /** The image reference. */
  public String image() {
    return image;
  }

  /** The image's {@code USER}, empty string for none (root). */
  public String user() {
    return user;
  }

  /** The image's {@code HEALTHCHECK} test, empty when it has none. */
  public Optional<List<String>> healthcheck() {
    return healthcheck;
  }

  /**
   * The registry manifests the engine knows this image by, {@code name@sha256:...} ({@code docker image
   * inspect}'s {@code RepoDigests}): recorded when the image was pulled from or pushed to a registry;
   * empty for an image built or loaded here and never pushed, and for facts a caller gave.
   */
  public List<String> repoDigests() {
    return repoDigests;
  }

  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (!(o instanceof ImageFacts)) {
      return false;
    }
    ImageFacts that = (ImageFacts) o;
    return Objects.equals(image, that.image) && Objects.equals(user, that.user)
        && Objects.equals(healthcheck, that.healthcheck) && Objects.equals(repoDigests, that.repoDigests);
  }

  @Override
  public int hashCode() {
    return Objects.hash(image, user, healthcheck, repoDigests);
  }

  /** {@code ImageFacts[image=..., user=..., ...]}, as a record shows itself. */
  @Override
  public String toString() {
    return "ImageFacts[image=" + image + ", user=" + user + ", healthcheck=" + healthcheck + ", repoDigests="
        + repoDigests + "]";
  }

  /**
   * The facts of {@code image} in the engine's raw JSON answer to {@code GET /images/{id}/json}, read as
   * {@link #of(String, InspectImageResponse)} reads docker-java's model of it (without building that model).
   */
  static ImageFacts of(String image, JsonNode r) {
    JsonNode c = r.path("Config");
    String user = c.path("User").isTextual() ? c.path("User").textValue() : "";
    Optional<List<String>> test = Optional.empty();
    JsonNode t = c.path("Healthcheck").path("Test");
    if (t.isArray() && !t.isEmpty()) {
      List<String> words = new ArrayList<>();
      t.forEach(w -> words.add(w.asText()));
      test = Optional.of(List.copyOf(words));
    }
    List<String> digests = new ArrayList<>();
    r.path("RepoDigests").forEach(d -> digests.add(d.asText()));
    return new ImageFacts(image, user, test, List.copyOf(digests));
  }

  /** The facts of {@code image} in the engine's answer to {@code docker image inspect}. */
  static ImageFacts of(String image, InspectImageResponse r) {
    ContainerConfig c = r.getConfig();
    String user = c == null || c.getUser() == null ? "" : c.getUser();
    Optional<List<String>> test = Optional.empty();
    if (c != null && c.getHealthcheck() != null && c.getHealthcheck().getTest() != null
        && !c.getHealthcheck().getTest().isEmpty()) {
      test = Optional.of(c.getHealthcheck().getTest());
    }
    List<String> digests = r.getRepoDigests() == null ? List.of() : r.getRepoDigests();
    return new ImageFacts(image, user, test, digests);
  }
}
