package dev.carapace.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.carapace.core.DockerRunCommand;
import dev.carapace.core.NetworkMode;
import dev.carapace.core.Seccomp;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SpecAttribute;
import dev.carapace.policy.RecordedSeccompProfile;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recorded profile (issue 21), written to a file, goes wherever a profile file goes: the
 * {@code docker run} line names the file, a Kubernetes Pod refers to it as a {@code Localhost}
 * profile by name (it must be in the kubelet's seccomp directory on every node), a Swarm service
 * on API 1.44 carries its JSON, and on 1.41 the named refusal stays.
 */
class RecordedSeccompTargetsTest {
  static final RecordedSeccompProfile PROFILE = RecordedSeccompProfile.of("x86_64",
      Set.of("execve", "exit_group", "read", "write"));

  @Test
  void aRecordedProfileFileIsCarriedByEveryTargetThatCarriesAProfile(@TempDir Path dir) throws Exception {
    Seccomp file = PROFILE.writeTo(dir.resolve("web.json"));
    SecureContainerSpec spec = SecureContainerSpec.builder().image("busybox:1").seccomp(file).build();
    assertTrue(DockerRunCommand.renderLine(spec).contains("--security-opt seccomp=" + dir.resolve("web.json")),
        DockerRunCommand.renderLine(spec));
    SeccompProfile k8s = KubernetesRenderer.builder(spec).acceptLoss(SpecAttribute.PIDS_LIMIT)
        .acceptLoss(SpecAttribute.NETWORK).build().pod().model().getSpec().getContainers().get(0)
        .getSecurityContext().getSeccompProfile();
    assertEquals("Localhost", k8s.getType());
    assertEquals("web.json", k8s.getLocalhostProfile());
    SecureContainerSpec bridged = spec.toBuilder().network(NetworkMode.bridge()).build();
    assertEquals(Map.of(), SwarmField.losses(bridged, SwarmApi.V1_44));
    ObjectNode body = SwarmRequest.of(bridged, SwarmDeployment.builder("web").build(), SwarmApi.V1_44,
        Map.of("dev.carapace.managed", "true"));
    JsonNode seccomp = body.path("TaskTemplate").path("ContainerSpec").path("Privileges").path("Seccomp");
    assertEquals("custom", seccomp.path("Mode").asText());
    assertEquals(PROFILE.json(), seccomp.path("Profile").asText());
    assertEquals("swarm services have no seccomp choice before API 1.44: " + dir.resolve("web.json"),
        SwarmField.losses(bridged, SwarmApi.V1_41).get(SwarmField.SECCOMP));
  }
}
