package dev.carapace.core.internal.fields;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.carapace.core.ContainerRuntime;
import dev.carapace.core.CpuSet;
import dev.carapace.core.SecureContainerSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The verifier on inspect JSON shaped as engine 20.10 records it. */
class RecordedVerifierTest {
  private static final SecureContainerSpec SPEC = SecureContainerSpec.builder().image("busybox")
      .addCapability("NET_RAW").cpusetCpus(CpuSet.parse("0,1")).cpuShares(512).user("1000").build();

  private static List<String> verify(String hostConfig, String config) throws Exception {
    return RecordedVerifier.mismatches(SPEC, new ObjectMapper().readTree(
        "{\"HostConfig\":" + hostConfig + ",\"Config\":" + config + "}"));
  }

  @Test
  void acceptsWhatTheEngineRecordsInItsOwnSpelling() throws Exception {
    assertEquals(List.of(), verify("{\"CapDrop\":[\"ALL\"],\"CapAdd\":[\"CAP_NET_RAW\"],"
        + "\"SecurityOpt\":[\"no-new-privileges:true\"],\"CpusetCpus\":\"0-1\",\"CpuShares\":512,"
        + "\"PidsLimit\":1024,\"ReadonlyRootfs\":false,\"NetworkMode\":\"none\",\"Privileged\":false}",
        "{\"User\":\"1000\",\"Image\":\"busybox\"}"));
  }

  @Test
  void comparesTheRuntimeAskedByNameAndTheUntrustedLabel() throws Exception {
    SecureContainerSpec sandboxed = SPEC.toBuilder().runtime(ContainerRuntime.gvisor()).untrusted().build();
    String hostConfig = "{\"CapDrop\":[\"ALL\"],\"CapAdd\":[\"CAP_NET_RAW\"],"
        + "\"SecurityOpt\":[\"no-new-privileges\"],\"CpusetCpus\":\"0-1\",\"CpuShares\":512,"
        + "\"PidsLimit\":1024,\"NetworkMode\":\"none\",\"Runtime\":\"%s\"}";
    ObjectMapper json = new ObjectMapper();
    assertEquals(List.of(), RecordedVerifier.mismatches(sandboxed, json.readTree("{\"HostConfig\":"
        + String.format(hostConfig, "runsc") + ",\"Config\":{\"User\":\"1000\",\"Image\":\"busybox\",\"Labels\":{\"dev.carapace.untrusted\":\"true\"}}}")));
    assertEquals(List.of("Runtime recorded runc, asked runsc", "Config.Labels[dev.carapace.untrusted] recorded null, asked true"),
        RecordedVerifier.mismatches(sandboxed, json.readTree("{\"HostConfig\":" + String.format(hostConfig, "runc")
            + ",\"Config\":{\"User\":\"1000\",\"Image\":\"busybox\",\"Labels\":{}}}")));
    // the engine records its default by name: a spec that names none accepts whatever it is
    assertEquals(List.of(), RecordedVerifier.mismatches(SPEC, json.readTree("{\"HostConfig\":"
        + String.format(hostConfig, "runc") + ",\"Config\":{\"User\":\"1000\",\"Image\":\"busybox\"}}")));
  }

  @Test
  void reportsEveryDroppedField() throws Exception {
    assertEquals(List.of("CapDrop recorded [], asked [ALL]", "CapAdd recorded [], asked [NET_RAW]",
        "Privileged recorded true, asked false",
        "SecurityOpt recorded [], asked to include [no-new-privileges]",
        "CpusetCpus recorded null, asked 0-1", "CpuShares recorded 0, asked 512",
        "PidsLimit recorded -1, asked 1024", "NetworkMode recorded default, asked none",
        "Config.User recorded , asked 1000"),
        verify("{\"CapDrop\":null,\"CapAdd\":null,\"SecurityOpt\":null,\"CpusetCpus\":\"\",\"CpuShares\":0,"
            + "\"PidsLimit\":null,\"ReadonlyRootfs\":false,\"NetworkMode\":\"default\",\"Privileged\":true}",
            "{\"User\":\"\",\"Image\":\"busybox\"}"));
  }
}
