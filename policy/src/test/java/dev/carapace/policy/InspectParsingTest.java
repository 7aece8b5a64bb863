package dev.carapace.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.carapace.core.Capability;
import dev.carapace.core.CpuSet;
import dev.carapace.core.MemorySize;
import dev.carapace.core.PortBinding;
import dev.carapace.core.RestartPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Views built from real inspect JSON captured on Docker 20.10 (API 1.41). */
class InspectParsingTest {
  static String fixture(String name) throws IOException {
    try (InputStream in = InspectParsingTest.class.getResourceAsStream("/inspect/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void readsEveryFactOfAWeakContainer() throws IOException {
    ContainerView v = ContainerView.parseInspectJson(fixture("weak.json"));
    assertEquals("carapace-policy-fixture-weak", v.name());
    assertEquals("carapace-test/busybox:1", v.image());
    assertEquals(ContainerView.Origin.ENGINE, v.origin());
    assertEquals(Optional.of("0:0"), v.user());
    assertEquals(CapabilitiesView.of(Set.of(Capability.SYS_ADMIN)), v.addedCapabilities());
    assertEquals(CapabilitiesView.none(), v.droppedCapabilities());
    assertEquals("host", v.pidMode());
    assertEquals(Optional.of(""), v.apparmorProfile());
    assertEquals(Optional.of(List.of()), v.maskedPaths());
    assertEquals(RestartPolicy.always(), v.restartPolicy());
    assertEquals(Map.of("kernel.msgmax", "65536"), v.sysctls());
    assertEquals(List.of("/dev/fuse:/dev/fuse:rwm"), v.devices());
    assertEquals(List.of("/etc:/host-etc:ro", "/var/run/docker.sock:/var/run/docker.sock", "--tmpfs /run"),
        v.mounts().stream().map(MountView::toString).collect(Collectors.toList()));
    assertEquals(List.of(":8080:80/tcp", "[::]:8443:443/tcp"),
        v.ports().stream().map(PortView::toString).sorted().collect(Collectors.toList()));
  }

  @Test
  void readsSecurityOptionsCapabilitiesAndLimitsIntoTypedValues() throws IOException {
    ContainerView weak = ContainerView.parseInspectJson(fixture("weak.json"));
    assertEquals(List.of("seccomp=unconfined", "no-new-privileges=false", "label=disable"),
        weak.securityOptions().options());
    assertEquals(false, weak.securityOptions().noNewPrivileges());
    assertEquals(ContainerView.SeccompState.UNCONFINED, weak.seccompState());
    assertEquals(List.of("disable"), weak.securityOptions().selinuxLabelParts());
    assertEquals(Optional.empty(), weak.memory());
    assertEquals(Optional.empty(), weak.cpusetCpus());
    assertEquals(List.of(PortBinding.Protocol.TCP, PortBinding.Protocol.TCP),
        weak.ports().stream().map(PortView::protocol).collect(Collectors.toList()));

    String json = fixture("weak.json")
        .replace("\"CAP_SYS_ADMIN\"", "\"CAP_SYS_ADMIN\", \"CAP_NEWER_THAN_CARAPACE\", \"all\"")
        .replace("\"CapDrop\": null", "\"CapDrop\": [\"net_raw\"]")
        .replace("\"Memory\": 0", "\"Memory\": 67108864")
        .replace("\"CpusetCpus\": \"\"", "\"CpusetCpus\": \"0-1\"")
        .replace("\"Name\": \"always\",\n   \"MaximumRetryCount\": 0", "\"Name\": \"on-failure\",\n   \"MaximumRetryCount\": 3")
        .replace("\"seccomp=unconfined\"", "\"seccomp:builtin\"");
    ContainerView v = ContainerView.parseInspectJson(json);
    assertEquals(new CapabilitiesView(true, Set.of(Capability.SYS_ADMIN), List.of("CAP_NEWER_THAN_CARAPACE")),
        v.addedCapabilities());
    assertEquals("[ALL, SYS_ADMIN, CAP_NEWER_THAN_CARAPACE]", v.addedCapabilities().toString());
    assertEquals(CapabilitiesView.of(Set.of(Capability.NET_RAW)), v.droppedCapabilities());
    assertEquals(Optional.of(MemorySize.ofMebibytes(64)), v.memory());
    assertEquals(Optional.of(CpuSet.parse("0,1")), v.cpusetCpus());
    assertEquals(RestartPolicy.onFailure(3), v.restartPolicy());
    assertEquals(ContainerView.SeccompState.PROFILE, v.seccompState());
  }

  /** A name an engine records that no {@code Capability} matches is judged, not skipped. */
  @Test
  void anUnknownCapabilityIsJudged() {
    CapabilitiesView added = CapabilitiesView.parse(List.of("CAP_NEWER_THAN_CARAPACE", "chown"));
    ContainerView v = BuiltinRulesTest.view().addedCapabilities(added).build();
    assertEquals(List.of("capAdd must not add capabilities beyond Docker's defaults: [CAP_NEWER_THAN_CARAPACE]"),
        BuiltinRulesTest.messages(BuiltinRules.CAPABILITIES, v));
    assertEquals(List.of("capAdd must add only capabilities the baseline allows: [CAP_NEWER_THAN_CARAPACE]"),
        BuiltinRulesTest.messages(BuiltinRules.BASELINE_CAPS, v));
    assertEquals(List.of("capAdd must add only NET_BIND_SERVICE: [CHOWN, CAP_NEWER_THAN_CARAPACE]"),
        BuiltinRulesTest.messages(BuiltinRules.RESTRICTED_CAPS, v));
  }

  @Test
  void readsTheRuntimeAndTheUntrustedLabel() throws IOException {
    ContainerView weak = ContainerView.parseInspectJson(fixture("weak.json"));
    assertEquals("runc", weak.runtime());
    assertEquals(false, weak.untrusted());
    String json = fixture("weak.json").replace("\"Runtime\": \"runc\"", "\"Runtime\": \"runsc\"")
        .replace("\"Labels\": {", "\"Labels\": {\"dev.carapace.untrusted\": \"true\",");
    ContainerView sandboxed = ContainerView.parseInspectJson(json);
    assertEquals("runsc", sandboxed.runtime());
    assertEquals(true, sandboxed.untrusted());
    assertEquals(false, ContainerView.parseInspectJson(json.replace("\"dev.carapace.untrusted\": \"true\"",
        "\"dev.carapace.untrusted\": \"false\"")).untrusted());
  }

  @Test
  void refusesWhatIsNotAContainer() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ContainerView.parseInspectJson("[]"));
    assertEquals("inspect json must be a container's inspect object with Config and HostConfig: array", e.getMessage());
  }

  @Test
  void weakContainerBreaksTheseRulesOfTheDefaultProfile() throws IOException {
    ContainerView v = ContainerView.parseInspectJson(fixture("weak.json"))
        .knowingEngine(EngineSecurity.parse(List.of("name=seccomp,profile=default")));
    PolicyReport report = Profiles.carapaceDefault().evaluate(v);
    // CRITICAL first, then HIGH, MEDIUM, LOW; by rule id within a severity
    assertEquals(List.of("docker-socket", "sensitive-mounts",
        "baseline-capabilities", "host-devices", "host-pid", "no-new-privileges", "non-root-user", "proc-mount",
        "seccomp",
        "capabilities", "host-path-volumes", "host-ports", "memory-limit", "pids-limit", "ports-all-interfaces",
        "read-only-rootfs", "restricted-capabilities", "selinux", "sysctls",
        "cpu-limit", "default-bridge", "healthcheck", "image-pinned", "restart-policy"),
        report.violatedRuleIds());
    assertEquals(30, report.violations().size());
    // created by tag: the image id the engine recorded is quoted
    assertEquals(java.util.Optional.of("sha256:873fa0916937d462fa7311f04d78ffbc4d9dcef6ad4b2b9822e9407ea9535ec8"),
        v.imageId());
    assertEquals(List.of("image must be pinned by digest: carapace-test/busybox:1 (a tag), runs image"
        + " sha256:873fa0916937"), report.violations().stream().filter(x -> x.ruleId().equals("image-pinned"))
        .map(Violation::message).toList());
    // docker-bench's text match counts "no-new-privileges=false" as set; the engine does not
    assertEquals(List.of("securityOpts must set no-new-privileges: no-new-privileges=false"),
        messagesOf(report, "no-new-privileges"));
    assertEquals(List.of("mounts[0].source must not be a sensitive host path: /etc (read-only)",
        "mounts[1].source must not be a sensitive host path: /var/run/docker.sock"),
        messagesOf(report, "sensitive-mounts"));
    assertEquals(List.of("apparmor"), report.notes().stream().map(Note::ruleId).collect(Collectors.toList()));
  }

  static List<String> messagesOf(PolicyReport report, String ruleId) {
    return report.violations().stream().filter(x -> x.ruleId().equals(ruleId)).map(Violation::message)
        .collect(Collectors.toList());
  }

  @Test
  void aManifestsFactsKeepTheirOriginAndAnUnsetUserIsNotTheEnginesRoot() {
    String json = "{\"Name\":\"web/app\",\"Config\":{\"Image\":\"busybox:1.36\",\"User\":\"\"},"
        + "\"HostConfig\":{\"CapDrop\":[\"ALL\"],\"SecurityOpt\":[\"no-new-privileges\"]}}";
    ContainerView manifest = ContainerView.parseInspectJson(json, ContainerView.Origin.MANIFEST);
    assertEquals(ContainerView.Origin.MANIFEST, manifest.origin());
    assertEquals(ContainerView.Origin.ENGINE, ContainerView.parseInspectJson(json).origin());
    assertEquals("web/app", manifest.name());
    // unset in a manifest means the image's USER, unknown here; on an engine it means root
    assertEquals(List.of("user must be known not to be root: unset (the image's USER, not inspected)"),
        Profiles.podSecurityRestricted().evaluate(manifest).violations().stream()
            .filter(v -> v.ruleId().equals("non-root-user")).map(v -> v.attribute() + " " + v.problem() + ": " + v.value())
            .toList());
    assertEquals("origin must not be null",
        assertThrows(NullPointerException.class, () -> ContainerView.parseInspectJson(json, null)).getMessage());
  }
}
