package dev.carapace.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.carapace.core.OwnerLabels;
import dev.carapace.core.internal.engine.EngineOwner;
import dev.carapace.core.internal.values.LocalOwners;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which services {@link SwarmDeployer#cleanupLeftovers()} and
 * {@link SwarmDeployer#cleanupLeftoversOfAllApplications()} remove, from a {@code GET /services} answer,
 * without an engine (no swarm is touched).
 */
class SwarmLeftoversTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DEAD = "2147483646@" + LocalOwners.hostName() + "@1";

  private static Map<String, String> identity(String user, String application) {
    return Map.of(OwnerLabels.HOST, LocalOwners.hostName(), OwnerLabels.USER, user, OwnerLabels.APPLICATION, application);
  }

  private static void service(ArrayNode services, String name, String owner, Map<String, String> identity) {
    ObjectNode s = services.addObject();
    s.put("ID", "id-" + name);
    ObjectNode spec = s.putObject("Spec");
    spec.put("Name", name);
    ObjectNode labels = spec.putObject("Labels");
    labels.put(OwnerLabels.MANAGED, "true");
    labels.put(OwnerLabels.OWNER, owner);
    identity.forEach(labels::put);
  }

  private static List<String> names(List<JsonNode> services) {
    List<String> out = new ArrayList<>();
    services.forEach(s -> out.add(s.path("Spec").path("Name").asText()));
    return out;
  }

  @Test
  void leftoversAreTheDeadServicesOfTheSameIdentityAllApplicationsTheDeadOnes() {
    ArrayNode services = JSON.createArrayNode();
    service(services, "mine", DEAD, identity("alice", "app-a"));
    service(services, "other-app", DEAD, identity("alice", "app-b"));
    service(services, "other-user", DEAD, identity("bob", "app-a"));
    service(services, "alive", OwnerLabels.currentOwner(), identity("alice", "app-a"));
    service(services, "legacy", DEAD, Map.of());
    services.addObject().putObject("Spec").put("Name", "unlabelled");
    Map<String, String> a = identity("alice", "app-a");

    assertEquals(List.of("mine"), names(SwarmDeployer.covered(EngineOwner.Cleanup.LEFTOVERS, services, a)));
    assertEquals(List.of("other-app"),
        names(SwarmDeployer.covered(EngineOwner.Cleanup.LEFTOVERS, services, identity("alice", "app-b"))));
    assertEquals(List.of("mine", "other-app", "other-user", "legacy"),
        names(SwarmDeployer.covered(EngineOwner.Cleanup.LEFTOVERS_OF_ALL_APPLICATIONS, services, a)));
    assertEquals(List.of("mine", "other-app", "other-user", "alive", "legacy"),
        names(SwarmDeployer.covered(EngineOwner.Cleanup.ALL, services, a)));
  }

  @Test
  void theBuilderRefusesAnApplicationNameThatCannotBeALabelValue() {
    assertEquals("application name \"a\\u0000b\" holds a control character at index 1",
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> SwarmDeployer.builder().applicationName("a\0b")).getMessage());
  }
}
