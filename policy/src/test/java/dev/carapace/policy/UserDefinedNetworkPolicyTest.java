package dev.carapace.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.carapace.core.NetworkMode;
import dev.carapace.core.NetworkSpec;
import dev.carapace.core.SecureContainerSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A container on a user-defined network (internal or not: the spec names the network, the network's
 * own spec says whether it is internal) is what CIS 5.29 asks for instead of docker0, and shares no
 * host namespace: no profile finds anything about its network.
 */
class UserDefinedNetworkPolicyTest {
  private static List<String> networkViolations(Policy policy, NetworkMode mode) {
    SecureContainerSpec spec = SecureContainerSpec.builder().image("busybox:1.36").network(mode).build();
    return policy.evaluate(spec).violations().stream()
        .filter(v -> v.attribute().equals("networkMode")).map(Violation::message).toList();
  }

  @Test
  void noProfileFindsFaultWithAUserDefinedNetwork() {
    NetworkMode backend = NetworkSpec.of("backend").mode();
    for (Policy policy : Profiles.all()) {
      assertEquals(List.of(), networkViolations(policy, backend), policy.name());
      assertEquals(List.of(), networkViolations(policy, NetworkMode.none()), policy.name());
    }
  }

  @Test
  void cisStillFindsTheDefaultBridge() {
    assertEquals(List.of("networkMode must not be the default bridge docker0: bridge"),
        networkViolations(Profiles.cisDocker(), NetworkMode.bridge()));
    assertEquals(List.of(), networkViolations(Profiles.podSecurityRestricted(), NetworkMode.bridge()));
  }
}
