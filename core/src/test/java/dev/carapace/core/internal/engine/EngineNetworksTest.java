package dev.carapace.core.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.Network;
import dev.carapace.core.NetworkMode;
import dev.carapace.core.NetworkSpec;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.internal.fields.RecordedVerifier;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The network verification on inspect JSON shaped as engine 20.10 records it, and the container
 * verifier on a container of a user-defined network.
 */
class EngineNetworksTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> OWN = Map.of("dev.carapace.managed", "true", "dev.carapace.launcher", "L1");

  private static Network recorded(String json) throws Exception {
    return JSON.readValue(json, Network.class);
  }

  @Test
  void acceptsWhatTheEngineRecords() throws Exception {
    NetworkSpec spec = NetworkSpec.builder().name("backend").subnet("10.213.7.0/24").putLabel("team", "payments").build();
    assertEquals(List.of(), EngineNetworks.mismatches(spec, OWN, recorded("{\"Name\":\"backend\",\"Driver\":\"bridge\","
        + "\"Internal\":true,\"IPAM\":{\"Driver\":\"default\",\"Config\":[{\"Subnet\":\"10.213.7.0/24\",\"Gateway\":\"10.213.7.1\"}]},"
        + "\"Labels\":{\"team\":\"payments\",\"dev.carapace.managed\":\"true\",\"dev.carapace.launcher\":\"L1\",\"other\":\"x\"}}")));
  }

  @Test
  void reportsAnInternalNetworkRecordedAsExternalAndEveryOtherDifference() throws Exception {
    NetworkSpec spec = NetworkSpec.builder().name("backend").subnet("10.213.7.0/24").putLabel("team", "payments").build();
    assertEquals(List.of("Driver recorded overlay, asked bridge", "Internal recorded false, asked true",
        "IPAM.Config[0].Subnet recorded 172.30.0.0/16, asked 10.213.7.0/24", "Labels[team] recorded null, asked payments",
        "Labels[dev.carapace.launcher] recorded null, asked L1", "Labels[dev.carapace.managed] recorded null, asked true"),
        EngineNetworks.mismatches(spec, OWN, recorded("{\"Name\":\"backend\",\"Driver\":\"overlay\",\"Internal\":false,"
            + "\"IPAM\":{\"Config\":[{\"Subnet\":\"172.30.0.0/16\"}]},\"Labels\":{}}")));
    assertEquals(List.of("Internal recorded true, asked false", "IPAM.Config[0].Subnet recorded null, asked 10.213.7.0/24"),
        EngineNetworks.mismatches(spec.toBuilder().allowExternalAccess().build(), Map.of(),
            recorded("{\"Driver\":\"bridge\",\"Internal\":true,\"Labels\":{\"team\":\"payments\"}}")));
  }

  @Test
  void theContainerVerifierCatchesAContainerPutOnAnotherNetwork() throws Exception {
    SecureContainerSpec spec = SecureContainerSpec.builder().image("busybox").network(NetworkMode.named("backend")).build();
    String hostConfig = "{\"CapDrop\":[\"ALL\"],\"SecurityOpt\":[\"no-new-privileges\"],\"PidsLimit\":1024,"
        + "\"NetworkMode\":\"%s\"}";
    String config = ",\"Config\":{\"Image\":\"busybox\"}}";
    assertEquals(List.of(), RecordedVerifier.mismatches(spec,
        JSON.readTree("{\"HostConfig\":" + String.format(hostConfig, "backend") + config)));
    assertEquals(List.of("NetworkMode recorded bridge, asked backend"), RecordedVerifier.mismatches(spec,
        JSON.readTree("{\"HostConfig\":" + String.format(hostConfig, "bridge") + config)));
    assertEquals(List.of("NetworkMode recorded frontend, asked backend"), RecordedVerifier.mismatches(spec,
        JSON.readTree("{\"HostConfig\":" + String.format(hostConfig, "frontend") + config)));
  }
}
