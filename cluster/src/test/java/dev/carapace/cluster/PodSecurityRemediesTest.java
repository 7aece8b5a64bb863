package dev.carapace.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.carapace.policy.Policy;
import dev.carapace.policy.PolicyReport;
import dev.carapace.policy.Profiles;
import dev.carapace.policy.Violation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every Pod Security finding on a manifest names, first, the full YAML path of the offending field as it is
 * in that manifest (pod-level or the container's, with its list and index), then the value to set or that
 * it is to be removed: checked on each failing pod of the conformance corpus, as a Pod and as the pod
 * template of a Deployment, StatefulSet, Job and CronJob.
 */
class PodSecurityRemediesTest {
  private static final Pattern REMEDY = Pattern.compile("^(set|remove) ([^\\s:]+)(: \\S.*| .*|)$");
  private static final Pattern CONTAINER = Pattern.compile("^(.*)\\.(initContainers|containers|ephemeralContainers)"
      + "\\[(\\d+)\\](\\..*|)$");
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  @Test
  void everyFindingOfEveryFailingFixtureStartsWithTheFullPathOfItsField() throws IOException {
    int fixtures = 0;
    int findings = 0;
    Set<String> controls = new TreeSet<>();
    for (var level : Map.of("baseline", Profiles.podSecurityBaseline(), "restricted",
        Profiles.podSecurityRestricted()).entrySet()) {
      for (var f : PodSecurityConformanceTest.fixtures("pss/latest/" + level.getKey() + ".yaml")) {
        if (f.expectPass()) {
          continue;
        }
        JsonNode pod = ManifestReader.read(f.yaml()).get(0).tree();
        for (String kind : List.of("Pod", "Deployment", "StatefulSet", "Job", "CronJob")) {
          JsonNode doc = kind.equals("Pod") ? pod : wrap(kind, pod);
          String what = level.getKey() + " " + f.control() + " (" + f.why() + ") as a " + kind;
          int n = check(what, doc, level.getValue(), kind.equals("Pod") ? "spec" : kind.equals("CronJob")
              ? "spec.jobTemplate.spec.template.spec" : "spec.template.spec");
          assertTrue(n > 0, what + ": a failing fixture with no finding");
          findings += n;
        }
        fixtures++;
        controls.add(level.getKey() + " " + f.control());
      }
    }
    assertEquals(PodSecurityConformanceTest.BASELINE_CONTROLS.size()
        + PodSecurityConformanceTest.RESTRICTED_CONTROLS.size(), controls.size(), "every control of both levels: "
        + controls);
    System.out.println("PSS remedies: " + findings + " findings of " + fixtures + " failing fixtures (each as a Pod,"
        + " Deployment, StatefulSet, Job and CronJob) start with the offending field's full path");
  }

  @Test
  void aDeploymentsInitContainerAndAPodLevelFieldAreNamedExactly() {
    String yaml = String.join("\n",
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata: {name: d}",
        "spec:",
        "  template:",
        "    metadata: {annotations: {container.apparmor.security.beta.kubernetes.io/app: unconfined}}",
        "    spec:",
        "      securityContext: {runAsUser: 0, sysctls: [{name: net.ipv4.tcp_syncookies, value: '1'},"
            + " {name: kernel.msgmax, value: '1'}]}",
        "      initContainers: [{name: setup, image: x, securityContext: {capabilities: {add: [CHOWN, SYS_ADMIN]}}}]",
        "      containers: [{name: app, image: x}]",
        "");
    List<String> remedies = ManifestAudit.judge(yaml, Profiles.podSecurityRestricted()).violations().stream()
        .map(Violation::remedy).toList();
    for (String expected : List.of(
        "set spec.template.spec.initContainers[0].securityContext.allowPrivilegeEscalation: false",
        "set spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation: false",
        "remove spec.template.spec.initContainers[0].securityContext.capabilities.add[1] (\"SYS_ADMIN\"):"
            + " add nothing but NET_BIND_SERVICE",
        "set spec.template.spec.securityContext.runAsUser: 1000 (any non-zero uid), or remove it",
        "set spec.template.metadata.annotations[\"container.apparmor.security.beta.kubernetes.io/app\"]:"
            + " runtime/default (or a localhost/ profile)")) {
      assertTrue(remedies.contains(expected), expected + " among " + remedies);
    }
    assertTrue(remedies.stream().anyMatch(r -> r.startsWith("remove spec.template.spec.securityContext.sysctls[1]"
        + " (kernel.msgmax)")), remedies.toString());
  }

  /** Checks every finding of {@code doc}; returns how many. */
  private static int check(String what, JsonNode doc, Policy policy, String podPath) {
    PolicyReport report = ManifestAudit.judge(doc.toString(), policy);
    Set<String> paths = new TreeSet<>();
    paths(doc, "", paths);
    for (Violation v : report.violations()) {
      String remedy = v.remedy();
      ManifestRemediesTest.assertManifestTerms(what, remedy);
      Matcher m = REMEDY.matcher(remedy);
      assertTrue(m.matches(), what + ": not \"set PATH: VALUE\" nor \"remove PATH\": " + remedy);
      String path = m.group(2);
      assertTrue(m.group(1).equals("remove") || m.group(3).startsWith(": "), what + ": no value to set: " + remedy);
      assertTrue(path.startsWith(podPath + ".") || path.startsWith(podPath.substring(0, podPath.length() - 4)
          + "metadata."), what + ": not under the pod template " + podPath + ": " + remedy);
      if (!paths.contains(path)) {
        // a field the fixture leaves unset: under the container (or pod) the finding is about, which is there
        assertTrue(v.value().startsWith("unset"), what + ": " + path + " is not in the manifest, yet the finding"
            + " reads " + v.value() + ": " + remedy);
        String parent = path;
        while (!paths.contains(parent)) {
          parent = parent.substring(0, Math.max(parent.lastIndexOf('.'), 0));
        }
        assertTrue(CONTAINER.matcher(parent).matches() || parent.equals(podPath), what + ": " + path
            + " hangs off " + parent);
      }
      Matcher c = CONTAINER.matcher(path);
      if (c.matches()) {
        String name = v.container().substring(v.container().indexOf('/') + 1);
        String list = name.startsWith("init:") ? "initContainers" : name.startsWith("ephemeral:")
            ? "ephemeralContainers" : "containers";
        assertEquals(list, c.group(2), what + ": " + remedy + " for " + v.container());
        JsonNode named = at(doc, c.group(1)).path(list).path(Integer.parseInt(c.group(3))).path("name");
        assertEquals(name.substring(name.indexOf(':') + 1), named.asText(), what + ": " + remedy + " for "
            + v.container());
      }
    }
    return report.violations().size();
  }

  /** The pod {@code pod} as the template of a {@code kind}. */
  private static JsonNode wrap(String kind, JsonNode pod) {
    ObjectNode template = JSON.objectNode();
    template.set("metadata", pod.path("metadata").deepCopy());
    template.set("spec", pod.path("spec").deepCopy());
    if (kind.equals("Job") || kind.equals("CronJob")) {
      ((ObjectNode) template.get("spec")).put("restartPolicy", "Never");
    }
    ObjectNode spec = JSON.objectNode();
    spec.set("selector", JSON.objectNode().set("matchLabels", JSON.objectNode().put("app", "a")));
    spec.set("template", template);
    ObjectNode doc = JSON.objectNode();
    doc.put("apiVersion", kind.equals("Job") || kind.equals("CronJob") ? "batch/v1" : "apps/v1");
    doc.put("kind", kind);
    doc.set("metadata", JSON.objectNode().put("name", pod.path("metadata").path("name").asText("w")));
    if (kind.equals("CronJob")) {
      ObjectNode cron = JSON.objectNode().put("schedule", "* * * * *");
      cron.set("jobTemplate", JSON.objectNode().set("spec", spec));
      doc.set("spec", cron);
    } else {
      doc.set("spec", spec);
    }
    return doc;
  }

  /** Every node's path in {@code n}, spelt as remedies spell it. */
  private static void paths(JsonNode n, String at, Set<String> out) {
    if (!at.isEmpty()) {
      out.add(at);
    }
    if (n.isObject()) {
      n.properties().forEach(e -> paths(e.getValue(), at.isEmpty() ? e.getKey() : at + PodSecurity.yamlKey(e.getKey()),
          out));
    } else if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        paths(n.get(i), at + "[" + i + "]", out);
      }
    }
  }

  private static JsonNode at(JsonNode doc, String path) {
    List<String> steps = new ArrayList<>(List.of(path.split("\\.")));
    JsonNode n = doc;
    for (String s : steps) {
      n = n.path(s);
    }
    return n;
  }
}
