package dev.carapace.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.SecureContainerSpec;
import dev.carapace.policy.Policy;
import dev.carapace.policy.PolicyReport;
import dev.carapace.policy.Profiles;
import dev.carapace.policy.Rule;
import dev.carapace.policy.Violation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** ManifestAudit's remedies speak the manifest's language: YAML paths and values, never Java. */
class ManifestRemediesTest {
  /** A Deployment that breaks every rule a manifest can break, in an init container and a main one. */
  private static final String WORST = String.join("\n",
      "apiVersion: apps/v1",
      "kind: Deployment",
      "metadata: {name: worst, labels: {dev.carapace.untrusted: 'true'}}",
      "spec:",
      "  template:",
      "    metadata:",
      "      annotations: {container.apparmor.security.beta.kubernetes.io/app: unconfined}",
      "    spec:",
      "      hostNetwork: true",
      "      hostPID: true",
      "      hostIPC: true",
      "      runtimeClassName: runc",
      "      securityContext:",
      "        runAsNonRoot: false",
      "        runAsUser: 0",
      "        sysctls: [{name: kernel.msgmax, value: '65536'}]",
      "        seccompProfile: {type: Unconfined}",
      "        seLinuxOptions: {type: spc_t, user: system_u}",
      "      volumes:",
      "        - {name: shadow, hostPath: {path: /etc/shadow}}",
      "        - {name: sock, hostPath: {path: /var/run/docker.sock}}",
      "        - {name: data, nfs: {server: nfs.example, path: /}}",
      "      initContainers:",
      "        - name: setup",
      "          image: busybox",
      "          securityContext: {allowPrivilegeEscalation: true, privileged: true}",
      "      containers:",
      "        - name: app",
      "          image: busybox",
      "          ports: [{containerPort: 80, hostPort: 80}, {containerPort: 81, hostPort: 8081, hostIP: 10.0.0.1}]",
      "          securityContext:",
      "            privileged: true",
      "            allowPrivilegeEscalation: true",
      "            procMount: Unmasked",
      "            capabilities: {add: [ALL, NET_RAW, SYS_ADMIN]}",
      "            windowsOptions: {hostProcess: true}",
      "          livenessProbe: {httpGet: {host: example.org, port: 80}}",
      "          volumeMounts:",
      "            - {name: shadow, mountPath: /shadow}",
      "            - {name: sock, mountPath: /sock, mountPropagation: Bidirectional}",
      "            - {name: data, mountPath: /data}",
      "        - name: side",
      "          image: busybox",
      "          securityContext: {capabilities: {add: [NET_RAW, SYS_ADMIN]}}",
      "");

  /**
   * A Pod that restarts always: {@code restart-policy} is not asked of a Deployment, whose pods take
   * {@code restartPolicy: Always} only.
   */
  private static final String RESTARTING_POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
      + "  restartPolicy: Always\n  containers: [{name: a, image: busybox}]\n";

  /** The built-in rules a manifest cannot break: Kubernetes has no field Carapace reads for them. */
  private static final Set<String> NOT_FROM_A_MANIFEST = Set.of(
      "accepted-loss",   // a Carapace spec's accepted loss, never in a manifest
      "default-bridge",  // a pod is on its own network or the host's, never on docker0
      "host-devices",    // no device field is read
      "host-userns",     // hostUsers: false is a user namespace; true is the default and not a finding
      "selinux");        // label=disable has no seLinuxOptions counterpart

  @Test
  void everyRuleAManifestCanBreakHasARemedyInTheManifestsTerms() {
    Map<String, String> remedies = new TreeMap<>();
    for (Policy p : Profiles.all()) {
      for (String manifest : List.of(WORST, RESTARTING_POD)) {
        PolicyReport report = ManifestAudit.judge(manifest, p);
        for (Violation v : report.violations()) {
          assertManifestTerms(v.ruleId(), v.remedy());
          remedies.put(v.ruleId() + " " + v.container() + " " + p.name(), v.remedy());
        }
      }
    }
    Set<String> raised = new TreeSet<>();
    remedies.keySet().forEach(k -> raised.add(k.substring(0, k.indexOf(' '))));
    Set<String> every = new TreeSet<>(Set.of(PodSecurity.HOST_PROCESS, PodSecurity.PROBE_HOST));
    Profiles.all().forEach(p -> p.rules().forEach(r -> every.add(r.id())));
    Set<String> expected = new TreeSet<>(every);
    expected.removeAll(NOT_FROM_A_MANIFEST);
    assertEquals(expected, raised, "the worst manifest breaks every rule a manifest can break");

    assertEquals("set spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation: false",
        remedies.get("no-new-privileges worst/app cis-docker-1.6"), "judged in Docker's terms (CIS), worded in the manifest's");
    assertEquals("set spec.template.spec.initContainers[0].securityContext.allowPrivilegeEscalation: false",
        remedies.get("no-new-privileges worst/init:setup cis-docker-1.6"));
    assertEquals("set spec.template.spec.hostNetwork: false (or remove it)", remedies.get("host-network worst/app carapace-default"));
    assertEquals("set spec.template.spec.containers[0].resources.limits.memory: 256Mi",
        remedies.get("memory-limit worst/app carapace-default"));
    assertEquals("set spec.template.spec.initContainers[0].image: NAME@sha256:DIGEST, the digest of the manifest its"
        + " tag names now (skopeo inspect --format '{{.Digest}}' docker://NAME:TAG)",
        remedies.get("image-pinned worst/init:setup cis-docker-1.6"));
    assertEquals("set spec.restartPolicy: OnFailure (or Never) where the kind allows it (a Pod, a Job); a Deployment's"
        + " pods always restart", remedies.get("restart-policy p/a carapace-default"));
  }

  @Test
  void aPodAndACronJobNameTheirOwnPaths() {
    String pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: true\n"
        + "  containers: [{name: a, image: busybox}]\n";
    assertEquals("set spec.hostNetwork: false (or remove it)", remedy(pod, "host-network"));
    String cron = "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  schedule: '* * * * *'\n"
        + "  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n"
        + "          containers: [{name: a, image: busybox}]\n";
    assertEquals("set spec.jobTemplate.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem: true"
        + " and mount an emptyDir volume where the workload writes", remedy(cron, "read-only-rootfs"));
  }

  @Test
  void everyBuiltInRuleIsWordedForManifestsAndAsARule() {
    for (Policy p : Profiles.all()) {
      for (Rule r : PodSecurity.forManifests(p, new IdentityHashMap<>()).rules()) {
        assertManifestTerms(r.id() + " (rule)", r.remedy());
      }
      for (Rule r : p.rules()) {
        assertTrue(ManifestRemedies.remedy(r.id(), "spec", "spec.containers[0]").isPresent(), r.id());
        assertTrue(ManifestRemedies.builtIn(r), r.id());
      }
    }
  }

  @Test
  void aCallersOwnRuleKeepsItsRemedy() {
    Rule mine = Rule.builder("memory-limit").title("mine").severity(dev.carapace.policy.Severity.MEDIUM).remedy("ask the platform team")
        .check((c, f) -> f.violation("memory", "must be limited", "unlimited")).build();
    Policy policy = Policy.builder("mine").addRule(mine).build();
    PolicyReport report = ManifestAudit.judge("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
        + "spec: {containers: [{name: a, image: busybox}]}\n", policy);
    assertEquals("ask the platform team", report.violations().get(0).remedy());
    // and a spec judged by the same built-in rule still gets the builder's call
    PolicyReport spec = Profiles.cisDocker().evaluate(SecureContainerSpec.builder().image("busybox").build());
    assertTrue(spec.violations().stream().anyMatch(v -> v.remedy().contains("memoryLimit(")), spec.toText());
  }

  private static String remedy(String yaml, String ruleId) {
    return ManifestAudit.judge(yaml, Profiles.carapaceDefault()).violations().stream()
        .filter(v -> v.ruleId().equals(ruleId)).findFirst().orElseThrow().remedy();
  }

  private static final Pattern CALL = Pattern.compile("\\(\\s*(\\.\\.)?\\s*\\)");
  private static final Pattern TYPE_MEMBER = Pattern.compile("\\b[A-Z][A-Za-z]*\\.[a-z][A-Za-z]*");

  /**
   * No {@code ()}, no {@code Type.member}, no builder method of the spec or its value types outside a YAML
   * path or key ({@code .readOnlyRootFilesystem: true} and {@code readOnly: true} are the manifest's words).
   */
  static void assertManifestTerms(String what, String remedy) {
    assertFalse(CALL.matcher(remedy).find(), what + ": a Java call in " + remedy);
    Matcher m = TYPE_MEMBER.matcher(remedy);
    assertFalse(m.find(), what + ": a Java type's member " + (m.hitEnd() ? "" : m.group()) + " in " + remedy);
    for (String name : BUILDER_NAMES) {
      Matcher n = Pattern.compile("(?<![.\\w])" + name + "\\b(?!:)").matcher(remedy);
      assertFalse(n.find(), what + ": builder name " + name + " in " + remedy);
    }
  }

  /** The camel-case names of the spec builder's methods and the value types' factories. */
  private static final Set<String> BUILDER_NAMES = new TreeSet<>();

  static {
    for (Class<?> type : new Class<?>[] {SecureContainerSpec.Builder.class, dev.carapace.core.NetworkMode.class,
        dev.carapace.core.MemorySize.class, dev.carapace.core.Mount.class, dev.carapace.core.PortBinding.class,
        dev.carapace.core.HealthCheck.class, dev.carapace.core.Seccomp.class, dev.carapace.core.RestartPolicy.class,
        dev.carapace.core.ContainerRuntime.class}) {
      for (Method method : type.getMethods()) {
        if (Modifier.isPublic(method.getModifiers()) && method.getDeclaringClass() != Object.class
            && (type == SecureContainerSpec.Builder.class || Modifier.isStatic(method.getModifiers()))
            && !method.getName().equals(method.getName().toLowerCase(java.util.Locale.ROOT))) {
          BUILDER_NAMES.add(method.getName());
        }
      }
    }
  }
}
