package dev.carapace.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.carapace.core.ContainerPath;
import dev.carapace.core.MemorySize;
import dev.carapace.core.Mount;
import dev.carapace.core.NetworkMode;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SelinuxLabel;
import dev.carapace.core.Ulimit;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The verifier on the inspect JSON a task's container has on engine 20.10 (as measured in a single-node
 * swarm: tmpfs in {@code HostConfig.Mounts}, {@code NetworkMode} default, no {@code StopTimeout}):
 * nothing found for the spec deployed, and each change found with its own message.
 */
class SwarmVerifierTest {
  private static final SecureContainerSpec SPEC = SecureContainerSpec.builder().image("carapace-test/busybox:1")
      .command("sh", "-c", "sleep 300").user("1000").readOnlyRootFilesystem(true).pidsLimit(64)
      .memoryLimit(MemorySize.ofMebibytes(64)).addUlimit(new Ulimit("nofile", 100, 200))
      .selinuxLabel(SelinuxLabel.type("container_t")).addMount(Mount.tmpfs(ContainerPath.of("/scratch"),
          MemorySize.ofMebibytes(1))).network(NetworkMode.bridge()).putEnv("A", "secret-value").build();

  /** What engine 20.10 recorded for SPEC's task (trimmed to the fields read). */
  private static ObjectNode recorded() throws Exception {
    return (ObjectNode) SwarmRequest.MAPPER.readTree("{\"Name\":\"/web.1.qt5hkw27ynnh\",\"HostConfig\":{"
        + "\"CapAdd\":null,\"CapDrop\":[\"ALL\"],\"SecurityOpt\":[\"label=type:container_t\"],\"NetworkMode\":\"default\","
        + "\"Memory\":67108864,\"NanoCpus\":0,\"PidsLimit\":64,\"Ulimits\":[{\"Name\":\"nofile\",\"Hard\":200,\"Soft\":100}],"
        + "\"ReadonlyRootfs\":true,\"Mounts\":[{\"Type\":\"tmpfs\",\"Target\":\"/scratch\",\"TmpfsOptions\":{\"SizeBytes\":1048576}}],"
        + "\"Tmpfs\":null,\"Binds\":null,\"LogConfig\":{\"Type\":\"json-file\",\"Config\":{}},\"RestartPolicy\":{\"Name\":\"\","
        + "\"MaximumRetryCount\":0},\"Init\":false,\"PortBindings\":{},\"Privileged\":false,\"MemorySwap\":134217728,"
        + "\"Runtime\":\"runc\"},\"Config\":{\"User\":\"1000\",\"Labels\":{\"com.docker.swarm.task.id\":\"qt5\"},"
        + "\"Hostname\":\"4f1c\",\"Env\":[\"A=secret-value\",\"PATH=/bin\"],\"WorkingDir\":\"\",\"StopSignal\":null,"
        + "\"StopTimeout\":null,\"Cmd\":[\"sh\",\"-c\",\"sleep 300\"],\"Entrypoint\":null,\"Image\":\"carapace-test/busybox:1\"},"
        + "\"NetworkSettings\":{\"Networks\":{\"bridge\":{}}}}");
  }

  private static List<String> found(Consumer<ObjectNode> change) throws Exception {
    ObjectNode r = recorded();
    change.accept(r);
    return SwarmVerifier.container(SPEC, SwarmApi.V1_41, r, SwarmRequest.MAPPER.createObjectNode());
  }

  @Test
  void findsNothingInWhatTheEngineRecorded() throws Exception {
    assertEquals(List.of(), found(r -> { }));
  }

  @Test
  void findsEachChangeWithItsOwnMessage() throws Exception {
    assertEquals(List.of("CapDrop recorded [], asked [ALL]"),
        found(r -> ((ObjectNode) r.get("HostConfig")).putArray("CapDrop")));
    assertEquals(List.of("PidsLimit recorded -1, asked 64"), found(r -> ((ObjectNode) r.get("HostConfig")).putNull("PidsLimit")));
    assertEquals(List.of("HostConfig.Mounts[/scratch] recorded tmpfs rw size=2097152, asked tmpfs rw size=1048576"),
        found(r -> ((ObjectNode) r.get("HostConfig").get("Mounts").get(0).get("TmpfsOptions")).put("SizeBytes", 2097152)));
    assertEquals(List.of("HostConfig.SecurityOpt recorded [], asked [label=type:container_t]"),
        found(r -> ((ObjectNode) r.get("HostConfig")).putArray("SecurityOpt")));
    assertEquals(List.of("HostConfig.NetworkMode recorded none, asked default",
        "NetworkSettings.Networks recorded [none], asked [bridge]"), found(r -> {
          ((ObjectNode) r.get("HostConfig")).put("NetworkMode", "none");
          ((ObjectNode) r.get("NetworkSettings")).putObject("Networks").putObject("none");
        }));
    assertEquals(List.of("Config.Env[A] recorded a different value"),
        found(r -> ((ObjectNode) r.get("Config")).putArray("Env").add("A=other")));
    assertEquals(List.of("Privileged recorded true, asked false"),
        found(r -> ((ObjectNode) r.get("HostConfig")).put("Privileged", true)));
  }

  @Test
  void anAcceptedLossIsNotCompared() throws Exception {
    SecureContainerSpec none = SPEC.toBuilder().network(NetworkMode.none()).build();
    ObjectNode r = recorded();
    assertEquals(List.of(), SwarmVerifier.container(none, SwarmApi.V1_41, r, SwarmRequest.MAPPER.createObjectNode()));
  }

  /** The testbed registry's busybox, by a digest (made up: no engine here). */
  private static final String DIGEST = "sha256:4b1f2a6a3c2f0d0a8f8e2d4c1b0a9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e";
  private static final String PINNED = "127.0.0.1:5443/carapace-test/busybox@" + DIGEST;
  private static final String RUNS = "sha256:33c4a7a42be6558611521574c0550a6867dc4013e7c8a2fd1284a8f01102d906";

  @Test
  void aDigestPinnedSpecIsSentAsWrittenAndTheTaskMustRunThatDigest() throws Exception {
    SecureContainerSpec pinned = SPEC.toBuilder().image(PINNED).build();
    ObjectNode body = SwarmRequest.of(pinned, SwarmDeployment.builder("web").build(), SwarmApi.V1_41, Map.of());
    assertEquals(PINNED, body.path("TaskTemplate").path("ContainerSpec").path("Image").asText());
    assertEquals(PINNED, SwarmRequest.of(pinned, SwarmDeployment.builder("web").build(), SwarmApi.V1_44, Map.of())
        .path("TaskTemplate").path("ContainerSpec").path("Image").asText());

    ObjectNode r = recorded();
    ((ObjectNode) r.get("Config")).put("Image", PINNED);
    r.put("Image", RUNS);
    assertEquals(List.of(), SwarmVerifier.container(pinned, SwarmApi.V1_41, r, SwarmRequest.MAPPER.createObjectNode()));
    // the container must record the digest itself, not the tag or another digest
    ObjectNode byTag = recorded();
    assertEquals(List.of("Config.Image recorded carapace-test/busybox:1, asked " + PINNED),
        SwarmVerifier.container(pinned, SwarmApi.V1_41, byTag, SwarmRequest.MAPPER.createObjectNode()));
    ObjectNode other = recorded();
    String otherDigest = "127.0.0.1:5443/carapace-test/busybox@sha256:" + "0".repeat(64);
    ((ObjectNode) other.get("Config")).put("Image", otherDigest);
    assertEquals(List.of("Config.Image recorded " + otherDigest + ", asked " + PINNED),
        SwarmVerifier.container(pinned, SwarmApi.V1_41, other, SwarmRequest.MAPPER.createObjectNode()));

    // and the image it runs must be that manifest: the engine lists the digest in the image's RepoDigests
    ObjectNode image = (ObjectNode) SwarmRequest.MAPPER.readTree("{\"Id\":\"" + RUNS + "\",\"RepoTags\":"
        + "[\"carapace-test/busybox:1\"],\"RepoDigests\":[\"" + PINNED + "\"]}");
    assertEquals(List.of(), SwarmVerifier.image(pinned, r, image));
    // pulled under another name: the same manifest, so the same content
    image.putArray("RepoDigests").add("localhost:5443/carapace-test/busybox@" + DIGEST);
    assertEquals(List.of(), SwarmVerifier.image(pinned, r, image));
    image.putArray("RepoDigests").add("127.0.0.1:5443/carapace-test/busybox@sha256:" + "0".repeat(64));
    assertEquals(List.of("Image " + RUNS + " has RepoDigests [127.0.0.1:5443/carapace-test/busybox@sha256:"
        + "0".repeat(64) + "], asked " + DIGEST), SwarmVerifier.image(pinned, r, image));
    image.putArray("RepoDigests");
    assertEquals(List.of("Image " + RUNS + " has RepoDigests [], asked " + DIGEST), SwarmVerifier.image(pinned, r, image));
    image.remove("RepoDigests");
    assertEquals(List.of("Image " + RUNS + " has RepoDigests [], asked " + DIGEST), SwarmVerifier.image(pinned, r, image));
    image.put("Id", "sha256:" + "1".repeat(64));
    assertEquals(List.of("Image " + RUNS + " (the image the container runs) could not be inspected, asked " + DIGEST),
        SwarmVerifier.image(pinned, r, image));
    assertEquals(List.of("Image " + RUNS + " (the image the container runs) could not be inspected, asked " + DIGEST),
        SwarmVerifier.image(pinned, r, null));
    // a spec by tag asks for no digest
    assertEquals(List.of(), SwarmVerifier.image(SPEC, recorded(), null));
  }

  @Test
  void theServiceMustHoldEveryFieldSent() throws Exception {
    JsonNode sent = SwarmRequest.MAPPER.valueToTree(Map.of("TaskTemplate", Map.of("ContainerSpec", Map.of(
        "Privileges", Map.of("NoNewPrivileges", true), "ReadOnly", false, "Init", false))));
    JsonNode recorded = SwarmRequest.MAPPER.valueToTree(Map.of("TaskTemplate", Map.of("ContainerSpec", Map.of(
        "Privileges", Map.of("SELinuxContext", Map.of())))));
    assertEquals(List.of("Spec.TaskTemplate.ContainerSpec.Privileges.NoNewPrivileges recorded nothing, sent true (the"
        + " engine dropped it)"), SwarmVerifier.service(sent, recorded));
  }
}
