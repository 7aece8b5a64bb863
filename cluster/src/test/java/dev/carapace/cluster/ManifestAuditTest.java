package dev.carapace.cluster;

import static dev.carapace.cluster.Golden.assertGolden;
import static dev.carapace.cluster.Golden.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.Capability;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.policy.ContainerView;
import dev.carapace.policy.PolicyReport;
import dev.carapace.policy.Profiles;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestAuditTest {
  private static final String IMAGE = KubernetesRendererTest.IMAGE;

  @Test
  void theRenderedPodOfADefaultSpecPassesRestricted() {
    KubernetesRenderer m = KubernetesRendererTest.defaultManifest(SecureContainerSpec.builder().image(IMAGE).build());
    for (String yaml : List.of(m.pod().yaml(), m.deployment().yaml(), m.job().yaml())) {
      PolicyReport report = ManifestAudit.judge(yaml, Profiles.podSecurityRestricted());
      assertEquals(List.of(), report.violations(), report.toText());
      assertEquals(ContainerView.Origin.MANIFEST, report.containers().get(0).origin());
      assertEquals("busybox/busybox", report.containers().get(0).name());
    }
  }

  @Test
  void aRenderedSpecThatLoosensIsCaughtInItsManifest() {
    SecureContainerSpec spec = SecureContainerSpec.builder().image(IMAGE).user("0").allowPrivilegeEscalation()
        .keepDockerDefaultCapabilities().addCapability(Capability.SYS_ADMIN).build();
    PolicyReport report = ManifestAudit.judge(KubernetesRendererTest.defaultManifest(spec).pod().yaml(),
        Profiles.podSecurityRestricted());
    assertEquals(List.of("baseline-capabilities", "no-new-privileges", "non-root-user", "restricted-capabilities"),
        report.violatedRuleIds());
  }

  @Test
  void aHandWrittenRestrictedDeploymentPasses() throws Exception {
    PolicyReport report = ManifestAudit.judge(resource("handwritten-restricted.yaml"), Profiles.podSecurityRestricted());
    assertEquals(List.of("shop/init:migrate", "shop/web", "shop/sidecar"),
        report.containers().stream().map(PolicyReport.ContainerResult::name).toList());
    assertTrue(report.passed(), report.toText());
  }

  @Test
  void aHandWrittenBadPodIsReportedContainerByContainer() throws Exception {
    PolicyReport report = ManifestAudit.judge(resource("handwritten-bad.yaml"), Profiles.podSecurityRestricted());
    assertGolden("handwritten-bad.restricted.txt", report.toText());
    assertTrue(!report.passed());
  }

  @Test
  void theContainerWinsOverThePod() {
    String yaml = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext: {runAsUser: 1000, runAsGroup: 1000, seccompProfile: {type: RuntimeDefault}}
          containers:
            - name: a
              image: x
            - name: b
              image: x
              securityContext: {runAsUser: 0, seccompProfile: {type: Unconfined}}
        """;
    List<ContainerView> views = ManifestAudit.containers(yaml);
    assertEquals(java.util.Optional.of("1000:1000"), views.get(0).user());
    assertEquals(List.of(), views.get(0).securityOptions().options());
    assertEquals(java.util.Optional.of("0:1000"), views.get(1).user());
    assertEquals(List.of("seccomp=unconfined"), views.get(1).securityOptions().options());
  }

  @Test
  void unreadableManifestsGetAClearError() {
    assertEquals("manifest document 1 kind must be one of CronJob, DaemonSet, Deployment, Job, Pod, ReplicaSet,"
        + " ReplicationController, StatefulSet: Service",
        assertThrows(InvalidManifestException.class,
            () -> ManifestAudit.containers("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n")).getMessage());
    assertEquals("manifest document 2 kind must be set: no kind (one of CronJob, DaemonSet, Deployment, Job, Pod,"
        + " ReplicaSet, ReplicationController, StatefulSet)",
        assertThrows(InvalidManifestException.class, () -> ManifestAudit.containers(
            "kind: Pod\nspec: {containers: [{name: a, image: x}]}\n---\nspec: {}\n")).getMessage());
    String notYaml = assertThrows(InvalidManifestException.class,
        () -> ManifestAudit.containers("kind: Pod\nspec: [unclosed\n")).getMessage();
    assertTrue(notYaml.startsWith("manifest must be yaml: "), notYaml);
    assertEquals("manifest document 1 (Pod p) must have containers: none",
        assertThrows(InvalidManifestException.class,
            () -> ManifestAudit.containers("kind: Pod\nmetadata: {name: p}\nspec: {}\n")).getMessage());
    String wrongType = assertThrows(InvalidManifestException.class,
        () -> ManifestAudit.containers("kind: Pod\nspec: {containers: {name: a}}\n")).getMessage();
    assertTrue(wrongType.startsWith("manifest document 1 (Pod) must match the kubernetes model: "), wrongType);
    assertEquals("manifest must hold a workload with containers: no document",
        assertThrows(InvalidManifestException.class, () -> ManifestAudit.containers("")).getMessage());
  }

  @Test
  void aCronJobsPodTemplateIsJudged() {
    String yaml = """
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: nightly}
        spec:
          schedule: "0 3 * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers:
                    - {name: backup, image: x, securityContext: {privileged: true}}
        """;
    PolicyReport report = ManifestAudit.judge(yaml, Profiles.podSecurityBaseline());
    assertEquals("nightly/backup", report.containers().get(0).name());
    // PSS baseline forbids an explicit Unconfined seccomp profile only; no profile at all passes baseline
    // (restricted requires one), as the published standard says
    assertEquals(List.of("privileged"), report.violatedRuleIds());
    assertEquals(List.of("privileged", "seccomp"), ManifestAudit.judge(yaml.replace("privileged: true",
        "privileged: true, seccompProfile: {type: Unconfined}"), Profiles.podSecurityBaseline()).violatedRuleIds());
  }

  /** The findings of {@code restart-policy} for a workload of {@code kind} whose pod spec adds {@code podSpec}. */
  private static List<String> restartFindings(String kind, String podSpec, String workloadSpec) {
    String template = "  template:\n    spec:\n" + podSpec.indent(6)
        + "      containers:\n        - {name: app, image: x}\n";
    String yaml = kind.equals("Pod") ? "kind: Pod\nmetadata: {name: w}\nspec:\n" + podSpec.indent(2)
        + "  containers:\n    - {name: app, image: x}\n"
        : "kind: " + kind + "\nmetadata: {name: w}\nspec:\n" + workloadSpec.indent(2) + template;
    return ManifestAudit.judge(yaml, Profiles.carapaceDefault()).violations().stream()
        .filter(v -> v.ruleId().equals("restart-policy")).map(v -> v.message()).toList();
  }

  /**
   * {@code restart-policy} (CIS 5.14: restarts bounded) judges what a manifest can choose: a Deployment,
   * StatefulSet, DaemonSet, ReplicaSet or ReplicationController takes {@code restartPolicy: Always} only (the
   * API server refuses any other), so it is not flagged there; a Pod may choose, and is; a Job's
   * {@code OnFailure} is bounded by its {@code backoffLimit} (6 when unset, as Kubernetes defaults it).
   */
  @Test
  void restartPolicyFlagsWhatTheManifestCouldChooseOtherwise() {
    for (String kind : List.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController")) {
      assertEquals(List.of(), restartFindings(kind, "restartPolicy: Always", ""), kind);
      assertEquals(List.of(), restartFindings(kind, "", ""), kind + " (Always by default)");
    }
    assertEquals(List.of("restartPolicy must be on-failure with at most 5 retries: always"),
        restartFindings("Pod", "restartPolicy: Always", ""));
    assertEquals(List.of("restartPolicy must be on-failure with at most 5 retries: always"),
        restartFindings("Pod", "", ""), "a Pod restarts Always by default");
    assertEquals(List.of(), restartFindings("Pod", "restartPolicy: Never", ""));
    assertEquals(List.of(), restartFindings("Job", "restartPolicy: OnFailure", "backoffLimit: 3"));
    assertEquals(List.of(), restartFindings("Job", "restartPolicy: OnFailure", "backoffLimit: 5"));
    assertEquals(List.of("restartPolicy must be on-failure with at most 5 retries: on-failure:6"),
        restartFindings("Job", "restartPolicy: OnFailure", ""), "backoffLimit defaults to 6");
    assertEquals(List.of(), restartFindings("Job", "restartPolicy: Never", ""));
  }

  @Test
  void namesInTheTextReportAreEscaped() {
    String yaml = "kind: Pod\nmetadata: {name: \"web\\e[2J\\u202Eexe.txt\"}\nspec:\n  containers:\n"
        + "    - {name: \"a\\nFAKE: passed\\u2066\", image: \"x\\e]0;title\\a\", securityContext: {privileged: true}}\n";
    String text = ManifestAudit.judge(yaml, Profiles.podSecurityBaseline()).toText();
    assertTrue(text.contains("container web\\u001b[2J\\u202eexe.txt/a\\u000aFAKE: passed\\u2066 (x\\u001b]0;title\\u0007)"),
        text);
    for (char c : text.toCharArray()) {
      assertTrue(c == '\n' || (c >= 0x20 && c != 0x7f && !(c >= 0x202a && c <= 0x202e) && !(c >= 0x2066 && c <= 0x2069)),
          "unescaped U+" + Integer.toHexString(c) + " in\n" + text);
    }
  }
}
