package dev.carapace.policy.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import dev.carapace.core.DockerClients;
import dev.carapace.core.testing.TestEngine;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What the policy module's integration tests add to core's {@link TestEngine}, which pins the
 * engine and the test images in one place (core's test-jar).
 */
public final class PolicyTesting {
  /** Every container a policy test creates carries this label, with the test's run id as value. */
  public static final String TEST_LABEL = "carapace-test.policy";

  private PolicyTesting() {}

  /** A docker-java client to {@link TestEngine#endpoint()}; close it when done. */
  public static DockerClient docker() {
    return DockerClients.connect(TestEngine.endpoint());
  }

  /** Ids of every container on the engine, running or not, sorted. */
  public static List<String> allContainerIds(DockerClient docker) {
    return docker.listContainersCmd().withShowAll(true).exec().stream().map(Container::getId).sorted()
        .collect(Collectors.toList());
  }
}
