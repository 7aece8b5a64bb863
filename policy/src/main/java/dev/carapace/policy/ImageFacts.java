package dev.carapace.policy;

import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.model.ContainerConfig;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an image sets that a spec may leave to it: {@code USER} and {@code HEALTHCHECK}, as
 * {@code docker image inspect} shows them under {@code Config}.
 *
 * <pre>{@code
 * ImageFacts facts = audit.imageFacts("carapace-test/busybox-user:1");   // an EngineAudit's
 * facts.user();          // "1000:1000"
 * }</pre>
 *
 * @param image the image reference
 * @param user the image's {@code USER}, empty string for none (root)
 * @param healthcheck the image's {@code HEALTHCHECK} test, empty when it has none
 */
public record ImageFacts(String image, String user, Optional<List<String>> healthcheck) {
  public ImageFacts {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(user, "image user");
    healthcheck = healthcheck.map(List::copyOf);
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
    return new ImageFacts(image, user, test);
  }
}
