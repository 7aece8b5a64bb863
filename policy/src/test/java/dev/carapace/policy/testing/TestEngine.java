package dev.carapace.policy.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import dev.carapace.core.DockerClients;
import dev.carapace.core.Endpoint;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Where the policy module's integration tests find the engine and the test images (built by
 * {@code testbed/setup.sh}; the names are pinned there, in core's TestEngine, and here). Tests that
 * need the engine fail, never skip, when it is missing.
 */
public final class TestEngine {
  /** busybox, running as root. */
  public static final String BUSYBOX = "carapace-test/busybox:1";
  /** busybox with {@code USER 1000:1000} and a {@code HEALTHCHECK} running {@code true} every second. */
  public static final String BUSYBOX_USER = "carapace-test/busybox-user:1";
  /** Every container a policy test creates carries this label, with the test's run id as value. */
  public static final String TEST_LABEL = "carapace-test.policy";

  private TestEngine() {}

  /** {@code -Dcarapace.docker.host}, else DOCKER_HOST, else the unix socket. */
  public static Endpoint endpoint() {
    String host = System.getProperty("carapace.docker.host");
    return host == null || host.isBlank() ? Endpoint.fromEnvironment() : Endpoint.parse(host);
  }

  public static DockerClient docker() {
    return DockerClients.connect(endpoint());
  }

  /** Ids of every container on the engine, running or not, sorted. */
  public static List<String> allContainerIds(DockerClient docker) {
    return docker.listContainersCmd().withShowAll(true).exec().stream().map(Container::getId).sorted()
        .collect(Collectors.toList());
  }
}
