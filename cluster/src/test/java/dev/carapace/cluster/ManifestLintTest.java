package dev.carapace.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.carapace.policy.LocatedReport;
import dev.carapace.policy.LocatedViolation;
import dev.carapace.policy.Profiles;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ManifestLintTest {
  private static final String FILE = """
      apiVersion: v1
      kind: Service
      metadata:
        name: web
      spec:
        ports:
          - port: 80
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        template:
          spec:
            hostPID: true
            securityContext:
              runAsNonRoot: true
              seccompProfile:
                type: RuntimeDefault
            containers:
              - name: app
                image: nginx:1.27
                securityContext:
                  privileged: true
                  allowPrivilegeEscalation: false
                  capabilities:
                    drop: [ALL]
                    add: [NET_ADMIN]
      ---
      # a second workload
      apiVersion: v1
      kind: Pod
      metadata:
        name: tool
      spec:
        containers:
          - name: sh
            image: busybox:1.36
      """;

  private static String lines(LocatedReport r) {
    return r.violations().stream().map(v -> v.location() + " [" + v.violation().severity() + "] "
            + v.violation().ruleId() + ": " + v.violation().message())
        .collect(Collectors.joining("\n"));
  }

  @Test
  void everyFindingIsOnItsFieldInEveryDocument() {
    LocatedReport r = ManifestAudit.lint(FILE, Profiles.podSecurityBaseline());
    assertEquals("""
        16:7 spec.template.spec.hostPID [HIGH] host-pid: pidMode must not be host: host
        25:13 spec.template.spec.containers[0].securityContext.privileged [CRITICAL] privileged: privileged \
        must be false: true
        29:21 spec.template.spec.containers[0].securityContext.capabilities.add[0] [HIGH] baseline-capabilities: \
        securityContext.capabilities.add must add only [AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, \
        MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT] (as spelt, upper case): \"NET_ADMIN\"""", lines(r));
  }

  @Test
  void aFieldTheManifestLacksIsPlacedOnTheNearestPartItHas() {
    LocatedReport r = ManifestAudit.lint(FILE, Profiles.podSecurityRestricted());
    List<String> tool = r.violations().stream().filter(v -> v.violation().container().equals("tool/sh"))
        .map(v -> v.location().line() + ":" + v.location().column() + " " + v.location().field() + " "
            + v.violation().ruleId()).toList();
    assertEquals(List.of(
        "38:7 spec.containers[0].securityContext.allowPrivilegeEscalation no-new-privileges",
        "38:7 spec.containers[0].securityContext.runAsNonRoot non-root-user",
        "38:7 spec.containers[0].securityContext.seccompProfile.type seccomp",
        "38:7 spec.containers[0].securityContext.capabilities.drop restricted-capabilities"), tool);
  }

  @Test
  void aDocumentThatIsNotAWorkloadNamesItsLine() {
    InvalidManifestException e = assertThrows(InvalidManifestException.class, () -> ManifestAudit.lint(
        "apiVersion: v1\nkind: Pod\nspec:\n  containers: []\n---\nkind: Pod\n", Profiles.podSecurityBaseline()));
    assertEquals("manifest document 1 (Pod pod) must have containers: none (line 1, column 1)", e.getMessage());
  }
}
