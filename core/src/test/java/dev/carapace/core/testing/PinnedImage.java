package dev.carapace.core.testing;

import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.RegistryCredentials;
import dev.carapace.core.internal.engine.DockerClients;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test image as the testbed registry holds it ({@code testbed/registry.sh} pushes the engine's own
 * {@link TestEngine#BUSYBOX} and {@link TestEngine#BUSYBOX_USER}), pulled with the registry's test user so
 * that the engine records its manifest digest in the image's {@code RepoDigests}: the reference
 * {@code 127.0.0.1:5443/carapace-test/busybox@sha256:...} a test creates a container or a service from.
 * {@link #close()} removes the names the pull added (the registry's tag and digest references); the image
 * itself stays, under its own name.
 *
 * <pre>{@code
 * try (PinnedImage pinned = PinnedImage.pull(docker, TestEngine.BUSYBOX)) {
 *   launcher.launch(spec.image(pinned.reference()));
 * }
 * }</pre>
 *
 * <p>For a whole test class: {@code @RegisterExtension static final PinnedImage.PerClass PINNED =
 * PinnedImage.perClass(TestEngine.BUSYBOX_USER);} pulls before its first test and removes the names after
 * its last.
 */
public final class PinnedImage implements AutoCloseable {
  private final DockerClient docker;
  private final String tag;
  private final String reference;
  private final String imageId;

  private PinnedImage(DockerClient docker, String tag, String reference, String imageId) {
    this.docker = docker;
    this.tag = tag;
    this.reference = reference;
    this.imageId = imageId;
  }

  /**
   * Pulls the registry's copy of {@code testImage} ({@link TestEngine#BUSYBOX} or {@link TestEngine#BUSYBOX_USER})
   * into {@code docker}'s engine and reads the digest the engine recorded for it.
   */
  public static PinnedImage pull(DockerClient docker, String testImage) {
    String tag = TestPeers.REGISTRY + "/" + testImage;
    String repository = tag.substring(0, tag.lastIndexOf(':'));
    try (ContainerLauncher launcher = ContainerLauncher.builder().endpoint(TestEngine.endpoint())
        .registryCredentials(RegistryCredentials.of(TestPeers.REGISTRY, TestPeers.REGISTRY_USER,
            TestPeers.registryPassword()))
        .build()) {
      launcher.pull(tag);
    }
    var image = docker.inspectImageCmd(tag).exec();
    List<String> digests = image.getRepoDigests() == null ? List.of() : image.getRepoDigests();
    String reference = digests.stream().filter(d -> d.startsWith(repository + "@sha256:")).findFirst()
        .orElseGet(() -> fail("the engine recorded no digest of " + repository + " after pulling " + tag + ": "
            + digests));
    return new PinnedImage(docker, tag, reference, image.getId());
  }

  /** {@code 127.0.0.1:5443/carapace-test/NAME@sha256:...}. */
  public String reference() {
    return reference;
  }

  /** The manifest digest, {@code sha256:...}. */
  public String digest() {
    return reference.substring(reference.indexOf('@') + 1);
  }

  /** The engine's id of the image, {@code sha256:...}. */
  public String imageId() {
    return imageId;
  }

  /** Removes the registry's tag and digest references from the engine (not the image: it has its own name). */
  @Override
  public void close() {
    for (String name : List.of(tag, reference)) {
      try {
        docker.removeImageCmd(name).exec();
      } catch (NotFoundException e) {
        // removing the tag removed the digest reference of the same repository too
      }
    }
  }

  /** {@code testImage} pinned for the tests of one class: see the class comment. */
  public static PerClass perClass(String testImage) {
    return new PerClass(testImage);
  }

  /** A JUnit 5 extension holding one {@link PinnedImage} from before a class's first test until after its last. */
  public static final class PerClass implements BeforeAllCallback, AfterAllCallback {
    private final String testImage;
    private DockerClient docker;
    private PinnedImage pinned;

    private PerClass(String testImage) {
      this.testImage = testImage;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
      docker = DockerClients.connect(TestEngine.endpoint());
      pinned = pull(docker, testImage);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
      try {
        if (pinned != null) {
          pinned.close();
        }
      } finally {
        docker.close();
      }
    }

    /** The pinned image; only within the class's tests. */
    public PinnedImage image() {
      if (pinned == null) {
        throw new IllegalStateException(testImage + " is pinned only while the class's tests run");
      }
      return pinned;
    }

    /** {@code image().reference()}. */
    public String reference() {
      return image().reference();
    }
  }
}
