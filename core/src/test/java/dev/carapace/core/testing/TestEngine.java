package dev.carapace.core.testing;

import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.Endpoint;
import dev.carapace.core.SecureContainerSpec;

/**
 * The one place integration tests find the engine and the test images. The images are built by
 * {@code testbed/setup.sh} from Debian's busybox-static (no registry here); the names are pinned there
 * and here. Tests that need the engine fail (never skip) when it is missing.
 */
public final class TestEngine {
  /** busybox, running as root. */
  public static final String BUSYBOX = "carapace-test/busybox:1";
  /** busybox with {@code USER 1000:1000} and a {@code HEALTHCHECK} running {@code true} every second. */
  public static final String BUSYBOX_USER = "carapace-test/busybox-user:1";

  private TestEngine() {}

  /** The engine under test: {@code -Dcarapace.docker.host}, else DOCKER_HOST, else the unix socket. */
  public static Endpoint endpoint() {
    String host = System.getProperty("carapace.docker.host");
    return host == null || host.isBlank() ? Endpoint.fromEnvironment() : Endpoint.parse(host);
  }

  public static ContainerLauncher launcher() {
    return ContainerLauncher.connect(endpoint());
  }

  /** A default (hardened) spec of the root busybox image running {@code argv}. */
  public static SecureContainerSpec.Builder busybox(String... argv) {
    return SecureContainerSpec.builder().image(BUSYBOX).command(argv);
  }
}
