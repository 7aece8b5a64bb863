package dev.carapace.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.carapace.core.Capability;
import dev.carapace.core.ContainerPath;
import dev.carapace.core.CpuSet;
import dev.carapace.core.HealthCheck;
import dev.carapace.core.LogConfig;
import dev.carapace.core.MemorySize;
import dev.carapace.core.Mount;
import dev.carapace.core.NetworkMode;
import dev.carapace.core.PortBinding;
import dev.carapace.core.RestartPolicy;
import dev.carapace.core.Seccomp;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SelinuxLabel;
import dev.carapace.core.SpecAttribute;
import dev.carapace.core.Ulimit;
import dev.carapace.core.testing.EveryAttribute;
import dev.carapace.core.testing.SpecGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * One field, one row: every spec attribute has a {@link SwarmField} row; refusals list every field with
 * its reason and the engine version; the request sent on API 1.41 and 1.44 is checked, field by field
 * and type by type, against the Engine API's own swagger of that version (moby v20.10.24 and v25.0.0,
 * {@code api/swagger.yaml}, committed as the excerpt reachable from {@code ServiceSpec}). This host's
 * engine speaks 1.41 only: 1.44 is covered by these schema tests, not by a running engine.
 */
class SwarmFieldTest {
  private static final Map<String, String> OWN = Map.of("dev.carapace.managed", "true");
  private static final String TARGET = "swarm on API 1.41 (engine 20.10.24+dfsg1)";

  @Test
  void everySpecAttributeHasExactlyOneRow() {
    for (SwarmApi api : SwarmApi.values()) {
      EveryAttribute.assertDecided("swarm on " + api, a -> SwarmField.of(a).carriage(api));
    }
    List<SpecAttribute> rows = new ArrayList<>();
    for (SwarmField f : SwarmField.values()) {
      rows.add(f.attribute());
      assertEquals(f, SwarmField.of(f.attribute()));
    }
    assertEquals(rows.size(), new HashSet<>(rows).size(), "an attribute with two rows: " + rows);
  }

  @Test
  void acceptLossTakesOnlySpecAttributes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SwarmDeployment.builder("web").acceptLoss(SpecAttribute.ofBuilderName("cpuset")));
    assertEquals("attribute must be a SecureContainerSpec attribute: cpuset", e.getMessage());
    assertEquals(Set.of(SpecAttribute.CPUSET_CPUS, SpecAttribute.NO_NEW_PRIVILEGES), SwarmDeployment.builder("web")
        .acceptLoss(SpecAttribute.NO_NEW_PRIVILEGES).acceptLoss(SpecAttribute.CPUSET_CPUS).build().acceptedLosses());
  }

  @Test
  void refusesEveryUncarriableFieldAtOnceWithReasonAndVersion() {
    SecureContainerSpec spec = SecureContainerSpec.builder().image("busybox:1").cpusetCpus(CpuSet.parse("0"))
        .cpuShares(512).apparmorProfile("docker-default").addPort(PortBinding.localhost(8080, 80))
        .network(NetworkMode.bridge()).build();
    List<Loss> losses = new ArrayList<>();
    SwarmField.losses(spec, SwarmApi.V1_41).forEach((f, why) -> losses.add(new Loss(f.attribute(), TARGET, why)));
    UncarriableSpecException e = new UncarriableSpecException(TARGET, losses);
    assertEquals("5 field(s) of the spec cannot be carried by swarm on API 1.41 (engine 20.10.24+dfsg1):"
        + " noNewPrivileges: swarm services have no no-new-privileges before API 1.44;"
        + " apparmorProfile: swarm services have no apparmor choice before API 1.44: docker-default;"
        + " cpusetCpus: swarm services have no cpuset: 0;"
        + " cpuShares: swarm services have no cpu shares: 512 (limit with nanoCpus);"
        + " ports: swarm services publish on every interface, no host ip: 127.0.0.1:8080:80/tcp"
        + " (remove them from the spec, or accept each loss by name)", e.getMessage());
    // 1.44 carries no-new-privileges, but no named AppArmor profile
    assertEquals(List.of("apparmorProfile", "cpusetCpus", "cpuShares", "ports"),
        SwarmField.losses(spec, SwarmApi.V1_44).keySet().stream().map(f -> f.attribute().builderName())
            .collect(Collectors.toList()));
    assertEquals(List.of("noNewPrivileges", "network"), SwarmField.losses(SecureContainerSpec.builder()
        .image("busybox:1").build(), SwarmApi.V1_41).keySet().stream().map(f -> f.attribute().builderName())
        .collect(Collectors.toList()));
  }

  @Test
  void engineVersionsMapToLevels() {
    assertEquals(SwarmApi.V1_41, SwarmApi.of("1.41"));
    assertEquals(SwarmApi.V1_41, SwarmApi.of("1.43"));
    assertEquals(SwarmApi.V1_44, SwarmApi.of("1.44"));
    assertEquals(SwarmApi.V1_44, SwarmApi.of("1.51"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SwarmApi.of("1.40"));
    assertEquals("engine api version must be at least 1.41 for swarm services with capabilities, ulimits and a"
        + " pids limit: 1.40 (upgrade the engine to 20.10 or later)", e.getMessage());
  }

  @Test
  void restartConditionComesFromTheSpecAndMustAgree() {
    SecureContainerSpec spec = SecureContainerSpec.builder().image("busybox:1").restartPolicy(RestartPolicy.onFailure(3))
        .build();
    SwarmDeployment d = SwarmDeployment.builder("web").build();
    assertEquals(SwarmDeployment.RestartCondition.ON_FAILURE, d.restartCondition(spec));
    assertEquals(3, d.restartAttempts(spec).getAsInt());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SwarmDeployment.builder("web")
        .restartCondition(SwarmDeployment.RestartCondition.NONE).build().restartCondition(spec));
    assertEquals("restartCondition must agree with the spec's restartPolicy: NONE (the spec's on-failure:3 is"
        + " ON_FAILURE)", e.getMessage());
    assertEquals(SwarmDeployment.RestartCondition.ANY, d.restartCondition(SecureContainerSpec.builder()
        .image("busybox:1").build()));
  }

  /** Every carried field, and each of 1.44's privileges. */
  static SecureContainerSpec.Builder everyCarriedField() {
    return SecureContainerSpec.builder().image("carapace-test/busybox:1").command("sh", "-c", "sleep 60")
        .entrypoint("/bin/env").putEnv("A", "1").workingDir(ContainerPath.of("/tmp")).user("1000:1000")
        .putLabel("team", "web").hostname("web").addCapability(Capability.CHOWN)
        .selinuxLabel(SelinuxLabel.of("system_u", "system_r", "container_t", "s0:c1,c2"))
        .nanoCpus(500_000_000L).memoryLimit(MemorySize.ofMebibytes(64)).pidsLimit(64)
        .addUlimit(new Ulimit("nofile", 100, 200)).logConfig(LogConfig.syslog("udp://127.0.0.1:5514"))
        .readOnlyRootFilesystem(true).addMount(Mount.tmpfs(ContainerPath.of("/scratch"), MemorySize.ofMebibytes(1)))
        .addMount(Mount.bind("/srv/data", ContainerPath.of("/data")).asReadOnly())
        .network(NetworkMode.bridge()).addPort(new PortBinding("0.0.0.0", 8080, 80, PortBinding.Protocol.TCP))
        .restartPolicy(RestartPolicy.onFailure(2)).healthCheck(HealthCheck.exec("true").interval(Duration.ofSeconds(5)))
        .init(true).stopSignal("SIGINT").stopTimeout(Duration.ofSeconds(5)).untrusted();
  }

  @Test
  void sendsNoNewPrivilegesSeccompAndAppArmorOn144AsItsSwaggerSays() throws IOException {
    Path profile = Files.createTempFile("seccomp", ".json");
    Files.writeString(profile, "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[]}");
    SecureContainerSpec spec = everyCarriedField().seccomp(Seccomp.profile(profile)).apparmorProfile("unconfined").build();
    assertEquals(Map.of(), SwarmField.losses(spec, SwarmApi.V1_44));
    ObjectNode body = SwarmRequest.of(spec, SwarmDeployment.builder("web").replicas(3).build(), SwarmApi.V1_44, OWN);
    JsonNode privileges = body.path("TaskTemplate").path("ContainerSpec").path("Privileges");
    assertEquals("{\"NoNewPrivileges\":true,\"Seccomp\":{\"Mode\":\"custom\",\"Profile\":"
        + "\"{\\\"defaultAction\\\":\\\"SCMP_ACT_ERRNO\\\",\\\"syscalls\\\":[]}\"},\"SELinuxContext\":{\"User\":"
        + "\"system_u\",\"Role\":\"system_r\",\"Type\":\"container_t\",\"Level\":\"s0:c1,c2\"},\"AppArmor\":{\"Mode\":\"disabled\"}}",
        privileges.toString());
    assertEquals(List.of(), schemaProblems(schema("1.44"), body));
    ObjectNode unconfined = SwarmRequest.of(SecureContainerSpec.builder().image("busybox:1").seccomp(Seccomp.unconfined())
        .network(NetworkMode.bridge()).build(), SwarmDeployment.builder("web").build(), SwarmApi.V1_44, OWN);
    assertEquals("{\"NoNewPrivileges\":true,\"Seccomp\":{\"Mode\":\"unconfined\"}}",
        unconfined.path("TaskTemplate").path("ContainerSpec").path("Privileges").toString());
    assertEquals(List.of(), schemaProblems(schema("1.44"), unconfined));
    // the same body on 1.41: the engine's own schema has no such fields, and the engine would drop them silently
    assertEquals(List.of("Spec.TaskTemplate.ContainerSpec.Privileges.NoNewPrivileges is not in the schema",
        "Spec.TaskTemplate.ContainerSpec.Privileges.Seccomp is not in the schema",
        "Spec.TaskTemplate.ContainerSpec.Privileges.AppArmor is not in the schema"), schemaProblems(schema("1.41"), body));
  }

  @Test
  void sendsOn141OnlyWhatItsSwaggerHas() throws IOException {
    SecureContainerSpec spec = everyCarriedField().allowPrivilegeEscalation().build();
    assertEquals(Map.of(), SwarmField.losses(spec, SwarmApi.V1_41));
    ObjectNode body = SwarmRequest.of(spec, SwarmDeployment.builder("web").replicas(3).build(), SwarmApi.V1_41, OWN);
    assertEquals(List.of(), schemaProblems(schema("1.41"), body));
    JsonNode c = body.path("TaskTemplate").path("ContainerSpec");
    assertEquals("[\"CAP_CHOWN\"]", c.path("CapabilityAdd").toString());
    assertEquals("[\"ALL\"]", c.path("CapabilityDrop").toString());
    assertEquals("{\"NanoCPUs\":500000000,\"MemoryBytes\":67108864,\"Pids\":64}",
        body.path("TaskTemplate").path("Resources").path("Limits").toString());
    assertEquals("{\"Condition\":\"on-failure\",\"MaxAttempts\":2}", body.path("TaskTemplate").path("RestartPolicy").toString());
    assertTrue(c.path("Privileges").path("NoNewPrivileges").isMissingNode());
  }

  @Test
  void generatedSpecsSendOnlyFieldsTheirApiHas() throws IOException {
    JsonNode s141 = schema("1.41");
    JsonNode s144 = schema("1.44");
    Random r = new Random(0x5A4A4DL);
    Path profile = Files.createTempFile("seccomp", ".json");
    Files.writeString(profile, "{\"defaultAction\":\"SCMP_ACT_LOG\",\"syscalls\":[]}");
    for (int i = 0; i < 500; i++) {
      SecureContainerSpec spec = SpecGenerator.generate(r, List.of(Seccomp.profile(profile)));
      for (SwarmApi api : SwarmApi.values()) {
        ObjectNode body = SwarmRequest.of(spec, SwarmDeployment.builder("gen").build(), api, OWN);
        assertEquals(List.of(), schemaProblems(api == SwarmApi.V1_41 ? s141 : s144, body), "case " + i + " " + api);
      }
    }
  }

  /**
   * The field table of {@code docs/reference.md} (section "Every field, every target", linked from the
   * README and {@code docs/cluster.md}) says, for each spec attribute, what the rows say: the columns spec
   * field, docker run, Swarm 1.41 and Swarm 1.44+ are these rows, word for word, and the Kubernetes column
   * is {@link KubernetesField#describe()} of the same attribute.
   */
  @Test
  void readmeFieldTableIsTheRows() throws IOException {
    String readme = Files.readString(Path.of("..", "docs", "reference.md"));
    String header = "| spec field | docker run | Swarm 1.41 | Swarm 1.44+ | Kubernetes |";
    int at = readme.indexOf(header);
    assertTrue(at >= 0, "docs/reference.md has no field table starting " + header);
    List<String> lines = readme.substring(at).lines().takeWhile(l -> l.startsWith("|")).skip(2)
        .collect(Collectors.toList());
    List<String> expected = new ArrayList<>();
    List<String> actual = new ArrayList<>();
    for (SwarmField f : SwarmField.values()) {
      expected.add("| `" + f.attribute().builderName() + "` | " + f.dockerRun() + " | " + f.carriage(SwarmApi.V1_41)
          + " | " + f.carriage(SwarmApi.V1_44) + " | " + KubernetesField.of(f.attribute()).describe() + " |");
    }
    actual.addAll(lines);
    assertEquals(String.join("\n", expected), String.join("\n", actual),
        "docs/reference.md field table differs from SwarmField (rows as expected first)");
  }

  // ------------------------------------------------------------------ the swagger excerpt

  static JsonNode schema(String version) throws IOException {
    try (InputStream in = SwarmFieldTest.class.getResourceAsStream("engine-api-" + version + "-service-spec.json")) {
      JsonNode doc = SwarmRequest.MAPPER.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      assertEquals(version, doc.path("apiVersion").asText());
      return doc;
    }
  }

  /** Each field of {@code body} the schema lacks, or whose JSON type or enum value it does not allow. */
  static List<String> schemaProblems(JsonNode doc, JsonNode body) {
    List<String> out = new ArrayList<>();
    check(doc, doc.path("definitions").path("ServiceSpec"), body, "Spec", out);
    return out;
  }

  private static JsonNode resolve(JsonNode doc, JsonNode schema) {
    JsonNode s = schema;
    while (s.has("$ref")) {
      s = doc.path("definitions").path(s.get("$ref").asText().replace("#/definitions/", ""));
    }
    return s;
  }

  private static void check(JsonNode doc, JsonNode schemaNode, JsonNode value, String path, List<String> out) {
    JsonNode schema = resolve(doc, schemaNode);
    if (schema.has("allOf")) {
      for (JsonNode part : schema.get("allOf")) {
        JsonNode p = resolve(doc, part);
        if (value.isObject() && p.has("properties")) {
          ObjectNode known = SwarmRequest.MAPPER.createObjectNode();
          value.fields().forEachRemaining(e -> {
            if (p.path("properties").has(e.getKey())) {
              known.set(e.getKey(), e.getValue());
            }
          });
          check(doc, p, known, path, out);
        }
      }
      return;
    }
    String type = schema.path("type").asText("");
    if (value.isObject()) {
      if (!type.isEmpty() && !type.equals("object")) {
        out.add(path + " is an object, the schema says " + type);
        return;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext();) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode prop = schema.path("properties").get(e.getKey());
        if (prop == null) {
          JsonNode additional = schema.get("additionalProperties");
          if (additional == null || additional.isBoolean()) {
            out.add(path + "." + e.getKey() + " is not in the schema");
            continue;
          }
          prop = additional;
        }
        check(doc, prop, e.getValue(), path + "." + e.getKey(), out);
      }
    } else if (value.isArray()) {
      if (!type.equals("array")) {
        out.add(path + " is an array, the schema says " + type);
        return;
      }
      for (int i = 0; i < value.size(); i++) {
        check(doc, schema.path("items"), value.get(i), path + "[" + i + "]", out);
      }
    } else {
      String actual = value.isTextual() ? "string" : value.isBoolean() ? "boolean" : value.isIntegralNumber()
          ? "integer" : "other";
      if (!type.equals(actual)) {
        out.add(path + " is a " + actual + ", the schema says " + type);
      }
      if (schema.has("enum")) {
        List<String> allowed = new ArrayList<>();
        schema.get("enum").forEach(v -> allowed.add(v.asText()));
        if (!allowed.contains(value.asText())) {
          out.add(path + " is " + value.asText() + ", the schema allows " + allowed);
        }
      }
    }
  }
}
