package dev.carapace.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.carapace.core.internal.values.JsonTrees;
import dev.carapace.core.CpuSet;
import dev.carapace.core.MemorySize;
import dev.carapace.core.PortBinding;
import dev.carapace.core.RestartPolicy;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SecurityOptions;
import dev.carapace.policy.internal.ImagePins;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds a {@link ContainerView} from a container's raw inspect JSON, including what docker-java's
 * model lacks ({@code AppArmorProfile}, {@code MaskedPaths}, {@code ReadonlyPaths}).
 */
final class InspectParser {

  private InspectParser() {}

  static ContainerView parse(String json) {
    JsonNode root;
    try {
      root = JsonTrees.read(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("inspect json must be JSON: " + e.getOriginalMessage());
    }
    return parse(root);
  }

  static ContainerView parse(JsonNode root) {
    if (root == null || !root.isObject() || !root.has("HostConfig") || !root.has("Config")) {
      throw new IllegalArgumentException(
          "inspect json must be a container's inspect object with Config and HostConfig: "
              + (root == null ? "null" : root.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)));
    }
    JsonNode config = root.path("Config");
    JsonNode host = root.path("HostConfig");
    String id = root.path("Id").asText("");
    String name = root.path("Name").asText("");
    if (name.startsWith("/")) {
      name = name.substring(1);
    }
    if (name.isEmpty()) {
      name = id.length() > 12 ? id.substring(0, 12) : id;
    }
    String image = config.path("Image").asText(root.path("Image").asText(""));
    ContainerView.Builder b = ContainerView.builder()
        .name(name)
        .image(image)
        .origin(ContainerView.Origin.ENGINE)
        .user(config.path("User").asText(""))
        .privileged(host.path("Privileged").asBoolean(false))
        .addedCapabilities(CapabilitiesView.parse(strings(host.path("CapAdd"))))
        .droppedCapabilities(CapabilitiesView.parse(strings(host.path("CapDrop"))))
        .securityOptions(SecurityOptions.parse(strings(host.path("SecurityOpt"))))
        .networkMode(host.path("NetworkMode").asText("default"))
        .pidMode(host.path("PidMode").asText(""))
        .ipcMode(host.path("IpcMode").asText(""))
        .utsMode(host.path("UTSMode").asText(""))
        .usernsMode(host.path("UsernsMode").asText(""))
        .cgroupnsMode(host.path("CgroupnsMode").asText(""))
        .memory(positive(host.path("Memory").asLong(0)).map(MemorySize::ofBytes))
        .cpuShares(host.path("CpuShares").asLong(0))
        .cpuQuota(host.path("CpuQuota").asLong(0))
        .cpuPeriod(host.path("CpuPeriod").asLong(0))
        .nanoCpus(host.path("NanoCpus").asLong(0))
        .cpusetCpus(cpuset(host.path("CpusetCpus").asText("")))
        .pidsLimit(host.path("PidsLimit").asLong(0))
        .readOnlyRootfs(host.path("ReadonlyRootfs").asBoolean(false))
        .restartPolicy(restartPolicy(host.path("RestartPolicy")))
        .logDriver(host.path("LogConfig").path("Type").asText(""))
        .putAllLogOptions(stringMap(host.path("LogConfig").path("Config")))
        .apparmorProfile(root.path("AppArmorProfile").asText(""))
        .putAllSysctls(stringMap(host.path("Sysctls")))
        .cgroupParent(host.path("CgroupParent").asText(""))
        .runtime(host.path("Runtime").asText(""))
        .untrusted(config.path("Labels").path(SecureContainerSpec.UNTRUSTED_LABEL).asText("").equals("true"));
    String imageId = root.path("Image").asText("");
    if (ImagePins.isImageId(imageId)) {
      b.imageId(imageId.startsWith("sha256:") ? imageId : "sha256:" + imageId);
    }
    if (host.path("MaskedPaths").isArray()) {
      b.maskedPaths(strings(host.path("MaskedPaths")));
    }
    if (host.path("ReadonlyPaths").isArray()) {
      b.readonlyPaths(strings(host.path("ReadonlyPaths")));
    }
    JsonNode test = config.path("Healthcheck").path("Test");
    if (test.isArray() && test.size() > 0) {
      b.healthcheck(strings(test));
    }
    for (JsonNode d : host.path("Devices")) {
      b.addDevices(d.path("PathOnHost").asText("") + ":" + d.path("PathInContainer").asText("") + ":"
          + d.path("CgroupPermissions").asText(""));
    }
    for (JsonNode u : host.path("Ulimits")) {
      b.addUlimit(u.path("Name").asText("") + "=" + u.path("Soft").asLong() + ":" + u.path("Hard").asLong());
    }
    for (JsonNode m : root.path("Mounts")) {
      String type = m.path("Type").asText("bind");
      String source = type.equals("volume") ? m.path("Name").asText("") : m.path("Source").asText("");
      b.addMount(new MountView(type, source, m.path("Destination").asText(""),
          !m.path("RW").asBoolean(true), m.path("Propagation").asText("")));
    }
    for (Map.Entry<String, String> t : stringMap(host.path("Tmpfs")).entrySet()) {
      b.addMount(new MountView("tmpfs", "", t.getKey(), t.getValue().matches("(^|.*,)ro(,.*|$)"), ""));
    }
    for (Map.Entry<String, JsonNode> e : host.path("PortBindings").properties()) {
      String[] portProto = e.getKey().split("/", 2);
      int containerPort = parseInt(portProto[0]);
      PortBinding.Protocol proto = portProto.length > 1 ? protocol(portProto[1]) : PortBinding.Protocol.TCP;
      for (JsonNode binding : e.getValue()) {
        b.addPort(new PortView(binding.path("HostIp").asText(""), parseInt(binding.path("HostPort").asText("0")),
            containerPort, proto));
      }
    }
    return b.build();
  }

  private static PortBinding.Protocol protocol(String name) {
    try {
      return PortBinding.Protocol.parse(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("inspect json " + e.getMessage(), e);
    }
  }

  private static Optional<Long> positive(long n) {
    return n > 0 ? Optional.of(n) : Optional.empty();
  }

  private static Optional<CpuSet> cpuset(String cpus) {
    try {
      return cpus.isEmpty() ? Optional.empty() : Optional.of(CpuSet.parse(cpus));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("inspect json HostConfig.CpusetCpus: " + e.getMessage(), e);
    }
  }

  /** An empty name is {@code no}; the retry count counts for on-failure only, as the engine has it. */
  private static RestartPolicy restartPolicy(JsonNode restart) {
    String name = restart.path("Name").asText("no");
    try {
      RestartPolicy.Kind kind = RestartPolicy.Kind.parse(name.isEmpty() ? "no" : name);
      return kind == RestartPolicy.Kind.ON_FAILURE
          ? RestartPolicy.onFailure(Math.max(0, restart.path("MaximumRetryCount").asInt(0)))
          : new RestartPolicy(kind, 0);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("inspect json HostConfig.RestartPolicy: " + e.getMessage(), e);
    }
  }

  private static int parseInt(String s) {
    try {
      return s.isEmpty() ? 0 : Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array.isArray()) {
      array.forEach(n -> out.add(n.asText()));
    }
    return out;
  }

  private static Map<String, String> stringMap(JsonNode object) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    if (object.isObject()) {
      object.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
    }
    return out;
  }
}
