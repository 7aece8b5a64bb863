package dev.carapace.policy.testing;

import com.github.dockerjava.api.DockerClient;
import dev.carapace.core.internal.engine.DockerClients;
import dev.carapace.core.testing.TestEngine;

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
}
