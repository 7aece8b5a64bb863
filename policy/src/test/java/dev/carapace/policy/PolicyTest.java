package dev.carapace.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.carapace.core.ContainerPath;
import dev.carapace.core.ContainerRuntime;
import dev.carapace.core.Mount;
import dev.carapace.core.NetworkMode;
import dev.carapace.core.SecureContainerSpec;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PolicyTest {
  static final Rule NO_LATEST = Rule.builder("acme-no-latest")
      .title("Images are pinned, never :latest")
      .severity(Severity.LOW)
      .addStandard("ACME container guide 3.2")
      .remedy("use an image tag or digest, e.g. busybox:1.36")
      .check((c, f) -> {
        if (c.image().endsWith(":latest")) {
          f.violation("image", "must not be :latest", c.image());
        }
      })
      .build();

  static SecureContainerSpec shadow() {
    return BuiltinRulesTest.hardened()
        .addMount(Mount.bind("/etc/shadow", ContainerPath.of("/etc/shadow")).asReadOnly()).build();
  }

  @Test
  void profilesHoldTheirRulesOnce() {
    assertEquals(26, Profiles.cisDocker().rules().size());
    assertEquals(12, Profiles.podSecurityBaseline().rules().size());
    assertEquals(15, Profiles.podSecurityRestricted().rules().size());
    // restricted and CIS share host-network, host-pid, host-ipc, privileged, apparmor, seccomp,
    // no-new-privileges and non-root-user; and adds untrusted-sandboxed and accepted-loss
    assertEquals(35, Profiles.carapaceDefault().rules().size());
    assertSame(Profiles.cisDocker().rule("host-pid").get(), Profiles.podSecurityBaseline().rule("host-pid").get());
    assertEquals(List.of("CIS Docker 1.6 5.15", "PSS baseline: Host Namespaces"),
        Profiles.carapaceDefault().rule("host-pid").get().standards());
  }

  @Test
  void usersComposeProfilesAndAddRules() {
    Policy mine = Policy.builder("acme")
        .addProfile(Profiles.podSecurityRestricted())
        .addProfile(Profiles.cisDocker())
        .removeRule("default-bridge")
        .addRule(NO_LATEST)
        .build();
    assertEquals(33, mine.rules().size());
    PolicyReport r = mine.evaluate(BuiltinRulesTest.hardened().image("busybox:latest").network(NetworkMode.bridge()).build());
    assertEquals(List.of("image must not be :latest: busybox:latest",
        "image must be pinned by digest: busybox:latest (a tag)"),
        r.violations().stream().map(Violation::message).collect(Collectors.toList()));
  }

  @Test
  void aDifferentRuleWithATakenIdIsRefused() {
    Rule other = Rule.builder("host-pid").title("t").severity(Severity.LOW).remedy("r").check((c, f) -> { }).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Policy.builder("p").addProfile(Profiles.cisDocker()).addRule(other));
    assertEquals("rule id must be unique in policy p: host-pid (call removeRule(\"host-pid\") first to replace it)",
        e.getMessage());
    IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
        () -> Policy.builder("p").addProfile(Profiles.cisDocker()).removeRule("host-pdi"));
    assertEquals("rule id must name a rule of policy p: host-pdi", typo.getMessage());
  }

  @Test
  void ruleBuilderNamesEveryMissingPart() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Rule.builder("x").title("t").build());
    assertEquals("rule x must set severity, remedy, check: unset", e.getMessage());
    IllegalArgumentException id = assertThrows(IllegalArgumentException.class, () -> Rule.builder("Bad Id"));
    assertEquals("rule id must match [a-z0-9][a-z0-9.-]*: Bad Id", id.getMessage());
  }

  @Test
  void reportRendersAsText() {
    PolicyReport r = Profiles.carapaceDefault().evaluate(shadow());
    assertFalse(r.passed());
    assertEquals("Policy carapace-default: 1 container, 35 rules, 2 violations, 0 notes\n"
        + "container " + BuiltinRulesTest.PINNED + " [spec]: 2 violations\n"
        + "  [CRITICAL] sensitive-mounts: mounts[0].source must not be a sensitive host path: /etc/shadow (read-only)\n"
        + "      standards: CIS Docker 1.6 5.5; Docker in Practice: -v /sbin:/sbin, -v /etc/shadow:/etc/shadow\n"
        + "      remedy: mount only the application's own host folders, or use a named volume; read-only does not"
        + " help (a container that reads /etc/shadow has the password hashes)\n"
        + "  [MEDIUM] host-path-volumes: mounts[0] must be a volume or tmpfs, not bind: /etc/shadow:/etc/shadow:ro\n"
        + "      standards: PSS baseline: HostPath Volumes; PSS restricted: Volume Types\n"
        + "      remedy: use a named volume (Mount.volume) or a tmpfs (Mount.tmpfs) instead of a bind mount", r.toText());
  }

  @Test
  void reportNamesTheRuntimeWhenKnown() throws Exception {
    PolicyReport r = Profiles.carapaceDefault().evaluate(List.of(
        ContainerView.of(BuiltinRulesTest.hardened().name("plain").build()),
        ContainerView.of(BuiltinRulesTest.hardened().name("sandboxed").untrusted().runtime(ContainerRuntime.gvisor()).build()),
        ContainerView.of(BuiltinRulesTest.hardened().name("exposed").untrusted().build())));
    assertEquals(List.of("", "runsc", ""), r.containers().stream().map(PolicyReport.ContainerResult::runtime)
        .collect(Collectors.toList()));
    String text = r.toText();
    String image = BuiltinRulesTest.PINNED;
    assertTrue(text.contains("\ncontainer plain (" + image + ") [spec]: passed\n"), text);
    assertTrue(text.contains("\ncontainer sandboxed (" + image + ") [spec, runtime runsc]: passed\n"), text);
    assertTrue(text.contains("\ncontainer exposed (" + image + ") [spec]: 1 violation\n"
        + "  [HIGH] untrusted-sandboxed: runtime must be sandboxed for untrusted code: \"\" (the engine's default,"
        + " runc unless configured otherwise)\n      standards: NIST SP 800-190 4.5.2 (shared kernel)\n"), text);
    JsonNode json = new ObjectMapper().readTree(r.toJson());
    assertEquals("runsc", json.path("containers").path(1).path("runtime").asText());
    assertEquals("", json.path("containers").path(0).path("runtime").asText());
    assertEquals("", new PolicyReport.ContainerResult("n", "i", ContainerView.Origin.SPEC, List.of(), List.of()).runtime());
  }

  @Test
  void reportRendersAsJson() throws Exception {
    PolicyReport r = Profiles.cisDocker().evaluate(List.of(ContainerView.of(shadow()),
        ContainerView.of(BuiltinRulesTest.hardened().name("ok").build())));
    JsonNode json = new ObjectMapper().readTree(r.toJson());
    assertEquals("cis-docker-1.6", json.path("policy").asText());
    assertFalse(json.path("passed").asBoolean());
    assertEquals(2, json.path("summary").path("containers").asInt());
    assertEquals(1, json.path("summary").path("violations").asInt());
    JsonNode v = json.path("containers").path(0).path("violations").path(0);
    assertEquals("sensitive-mounts", v.path("rule").asText());
    assertEquals("CRITICAL", v.path("severity").asText());
    assertEquals("CIS Docker 1.6 5.5", v.path("standards").path(0).asText());
    assertEquals("mounts[0].source", v.path("attribute").asText());
    assertEquals("/etc/shadow (read-only)", v.path("value").asText());
    assertEquals("mounts[0].source must not be a sensitive host path: /etc/shadow (read-only)",
        v.path("message").asText());
    assertTrue(json.path("containers").path(1).path("passed").asBoolean());
    assertEquals("ok", json.path("containers").path(1).path("name").asText());
  }

  @Test
  void enforceRefusesWithTheFullReport() {
    PolicyCheck check = PolicyCheck.enforce(Profiles.cisDocker());
    PolicyViolationException e = assertThrows(PolicyViolationException.class, () -> check.check(shadow()));
    assertEquals("policy cis-docker-1.6 refused " + BuiltinRulesTest.PINNED + " (1 violation):\n"
        + "  [CRITICAL] sensitive-mounts: mounts[0].source must not be a sensitive host path: /etc/shadow (read-only)\n"
        + "      remedy: mount only the application's own host folders, or use a named volume; read-only does not"
        + " help (a container that reads /etc/shadow has the password hashes)", e.getMessage());
    assertEquals(1, e.report().violations().size());
    check.check(BuiltinRulesTest.hardened().build());
    assertEquals(2, check.reports().size());
  }

  @Test
  void warnAndReportLetTheLaunchGoOnAndRecord() {
    PolicyCheck warn = PolicyCheck.warn(Profiles.cisDocker());
    warn.check(shadow());
    PolicyCheck report = PolicyCheck.report(Profiles.cisDocker());
    report.check(shadow());
    assertEquals(List.of("sensitive-mounts"), report.reports().get(0).violatedRuleIds());
    assertEquals(1, warn.reports().size());
  }

  @Test
  void engineSecurityParsesDockerInfo() {
    assertEquals(new EngineSecurity(false, false, true, false, false),
        EngineSecurity.parse(List.of("name=seccomp,profile=default", "name=cgroupns")));
    assertEquals(new EngineSecurity(true, true, true, true, true), EngineSecurity.parse(
        List.of("name=apparmor", "name=seccomp,profile=builtin", "name=selinux", "name=userns", "name=rootless")));
  }
}
