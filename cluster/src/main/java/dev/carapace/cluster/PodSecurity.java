package dev.carapace.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.carapace.policy.ContainerView;
import dev.carapace.policy.Policy;
import dev.carapace.policy.Profiles;
import dev.carapace.policy.Rule;
import dev.carapace.policy.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Pod Security Standards read on a manifest's own fields, exactly as the published standard and the
 * admission check that enforces it (k8s.io/pod-security-admission, policy version {@code latest} at
 * commit 8f84a87 of July 2026) read them: pod-level and container-level fields each count, names are
 * compared as spelt, init and ephemeral containers are containers.
 *
 * <p>{@link ManifestAudit#judge} puts these checks in place of the built-in rules of
 * {@link Profiles#podSecurityBaseline()} and {@link Profiles#podSecurityRestricted()} that judge Docker's
 * terms, under the same rule ids, and adds the two controls Docker has no field for ({@code host-process},
 * {@code probe-host}). Every other built-in rule keeps judging Docker's terms, its remedies reworded in the
 * manifest's ({@link ManifestRemedies}). A rule a caller wrote or replaced is left as it is.
 */
final class PodSecurity {
  /** The level a policy asks for. */
  enum Level { BASELINE, RESTRICTED }

  /**
   * One container of one pod, with the pod around it: what every check reads; {@code first} says whether
   * the pod-level volumes no container mounts are counted on this container (the first one); {@code podPath}
   * and {@code containerPath} are where the pod spec and the container are in the manifest
   * ({@code spec.template.spec}, {@code spec.template.spec.containers[0]}), for remedies.
   */
  /** A manifest container's own YAML, its pod's, and where they are; {@code kind} the workload's ({@code Deployment}). */
  record Facts(JsonNode spec, JsonNode meta, JsonNode container, boolean first, String podPath, String containerPath,
      String kind) {}

  static final String HOST_PROCESS = "host-process";
  static final String PROBE_HOST = "probe-host";

  private static final String BASELINE = "PSS baseline: ";
  private static final String RESTRICTED = "PSS restricted: ";
  private static final Set<String> BASELINE_CAPABILITIES = Set.of("AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE",
      "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID",
      "SYS_CHROOT");
  private static final Set<String> SAFE_SYSCTLS = Set.of("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
      "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start",
      "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
      "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem",
      "net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat");
  private static final Set<String> SELINUX_TYPES = Set.of("", "container_t", "container_init_t", "container_kvm_t",
      "container_engine_t");
  private static final Set<String> RESTRICTED_VOLUMES = Set.of("configMap", "csi", "downwardAPI", "emptyDir",
      "ephemeral", "image", "persistentVolumeClaim", "projected", "secret");
  /** Every other inline volume source the API knows: restricted forbids each. */
  private static final List<String> OTHER_VOLUMES = List.of("hostPath", "gcePersistentDisk", "awsElasticBlockStore",
      "gitRepo", "nfs", "iscsi", "glusterfs", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "fc", "azureFile",
      "vsphereVolume", "quobyte", "azureDisk", "portworxVolume", "photonPersistentDisk", "scaleIO", "storageos");
  private static final String APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/";
  /** The built-in rule ids judged here instead of in Docker's terms. */
  private static final List<String> REPLACED = List.of("baseline-capabilities", "host-path-volumes", "host-ports",
      "apparmor", "selinux-type", "proc-mount", "seccomp", "sysctls", "no-new-privileges", "non-root-user",
      "restricted-capabilities");

  private PodSecurity() {}

  /**
   * {@code policy} for manifests: when it holds the built-in baseline rules, those named in {@code REPLACED}
   * are read on the manifest's fields (at the restricted level when it also holds the built-in restricted
   * rules), and the controls without a Docker field are added. Any other policy is returned as it is.
   */
  static Policy forManifests(Policy policy, Map<ContainerView, Facts> facts) {
    boolean pss = builtIn(policy, Profiles.podSecurityBaseline(), "baseline-capabilities");
    Level level = builtIn(policy, Profiles.podSecurityRestricted(), "restricted-capabilities") ? Level.RESTRICTED
        : Level.BASELINE;
    Policy.Builder b = Policy.builder(policy.name());
    for (Rule r : policy.rules()) {
      boolean replace = pss && REPLACED.contains(r.id()) && (builtIn(policy, Profiles.podSecurityRestricted(), r.id())
          || builtIn(policy, Profiles.podSecurityBaseline(), r.id()));
      b.addRule(replace ? rule(r.id(), r.title(), r.severity(), r.standards(),
          ManifestRemedies.remedy(r.id(), "spec", "spec.containers[*]").orElseThrow(), level, facts)
          : ManifestRemedies.reworded(r, facts));
    }
    if (!pss) {
      return b.build();
    }
    if (policy.rule(HOST_PROCESS).isEmpty()) {
      b.addRule(rule(HOST_PROCESS, "Windows HostProcess containers are not run", Severity.CRITICAL,
          List.of(BASELINE + "HostProcess"), "set spec.securityContext.windowsOptions.hostProcess and"
              + " spec.containers[*].securityContext.windowsOptions.hostProcess: false (or remove them)",
          level, facts));
    }
    if (policy.rule(PROBE_HOST).isEmpty()) {
      b.addRule(rule(PROBE_HOST, "Probes and lifecycle hooks reach the pod itself, not another host", Severity.MEDIUM,
          List.of(BASELINE + "Host Probes / Lifecycle Hooks"), "remove httpGet.host and tcpSocket.host from the"
              + " probes and lifecycle hooks of spec.containers[*]: the kubelet then reaches the pod's own IP", level, facts));
    }
    return b.build();
  }

  private static boolean builtIn(Policy policy, Policy profile, String id) {
    var mine = policy.rule(id);
    var theirs = profile.rule(id);
    return mine.isPresent() && theirs.isPresent() && mine.get() == theirs.get();
  }

  private static Rule rule(String id, String title, Severity severity, List<String> standards, String remedy,
      Level level, Map<ContainerView, Facts> facts) {
    Rule.Builder b = Rule.builder(id).title(title).severity(severity).remedy(remedy);
    standards.forEach(b::addStandard);
    return b.check((c, f) -> {
      Facts x = facts.get(c);
      if (x == null) {
        return; // not a manifest's container: nothing of the pod to read
      }
      for (String[] v : findings(id, level, x)) {
        f.violation(v[0], v[1], v[2], v[3]);
      }
    }).build();
  }

  /** What container {@code x} breaks of the control(s) behind rule {@code id}: {attribute, problem, value, remedy}. */
  static List<String[]> findings(String id, Level level, Facts x) {
    List<String[]> out = new ArrayList<>();
    JsonNode psc = x.spec().path("securityContext");
    JsonNode sc = x.container().path("securityContext");
    boolean windows = "windows".equals(x.spec().path("os").path("name").asText(""));
    boolean userNamespace = x.spec().path("hostUsers").isBoolean() && !x.spec().path("hostUsers").booleanValue();
    String pod = x.podPath();
    String ctr = x.containerPath();
    String podSc = pod + ".securityContext";
    String ctrSc = ctr + ".securityContext";
    switch (id) {
      case HOST_PROCESS:
        if (isTrue(psc.path("windowsOptions").path("hostProcess"))) {
          out.add(v("spec.securityContext.windowsOptions.hostProcess", "must not be true", "true (pod)",
              "set " + podSc + ".windowsOptions.hostProcess: false (or remove it): a HostProcess pod runs on the"
                  + " Windows host"));
        }
        if (isTrue(sc.path("windowsOptions").path("hostProcess"))) {
          out.add(v("securityContext.windowsOptions.hostProcess", "must not be true", "true",
              "set " + ctrSc + ".windowsOptions.hostProcess: false (or remove it): a HostProcess container runs on"
                  + " the Windows host"));
        }
        break;
      case PROBE_HOST:
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
          for (String handler : List.of("httpGet", "tcpSocket")) {
            host(out, x.container().path(probe).path(handler), probe + "." + handler + ".host", ctr);
          }
        }
        for (String hook : List.of("postStart", "preStop")) {
          for (String handler : List.of("httpGet", "tcpSocket")) {
            host(out, x.container().path("lifecycle").path(hook).path(handler), "lifecycle." + hook + "." + handler
                + ".host", ctr);
          }
        }
        break;
      case "baseline-capabilities":
        if (level == Level.RESTRICTED && windows) {
          break; // restricted's capability control replaces baseline's, and exempts Windows pods
        }
        int added = 0;
        for (JsonNode cap : list(sc.path("capabilities").path("add"))) {
          if (!cap.isTextual() || !BASELINE_CAPABILITIES.contains(cap.textValue())) {
            out.add(v("securityContext.capabilities.add", "must add only " + new TreeSet<>(BASELINE_CAPABILITIES)
                + " (as spelt, upper case)", cap.toString(), "remove " + ctrSc + ".capabilities.add[" + added + "] ("
                + cap + "): add only the baseline's capabilities, spelt exactly"));
          }
          added++;
        }
        break;
      case "restricted-capabilities":
        if (windows) {
          break;
        }
        boolean dropsAll = false;
        for (JsonNode cap : list(sc.path("capabilities").path("drop"))) {
          dropsAll |= cap.isTextual() && cap.textValue().equals("ALL");
        }
        if (!dropsAll) {
          out.add(v("securityContext.capabilities.drop", "must include ALL (as spelt)",
              sc.path("capabilities").path("drop").isMissingNode() ? "unset" : sc.path("capabilities").path("drop")
                  .toString(), "set " + ctrSc + ".capabilities.drop: [ALL]"));
        }
        int add = 0;
        for (JsonNode cap : list(sc.path("capabilities").path("add"))) {
          if (!cap.isTextual() || !cap.textValue().equals("NET_BIND_SERVICE")) {
            out.add(v("securityContext.capabilities.add", "must add only NET_BIND_SERVICE", cap.toString(),
                "remove " + ctrSc + ".capabilities.add[" + add + "] (" + cap + "): add nothing but NET_BIND_SERVICE"));
          }
          add++;
        }
        break;
      case "host-path-volumes":
        for (JsonNode vol : volumes(x)) {
          String name = vol.path("name").asText("");
          String at = pod + ".volumes[" + indexOf(x.spec().path("volumes"), vol) + "]";
          if (level == Level.BASELINE) {
            if (present(vol.path("hostPath"))) {
              out.add(v("spec.volumes[" + name + "].hostPath", "must not be set", vol.path("hostPath").path("path")
                  .asText(""), "remove " + at + ".hostPath (volume " + name + "): use a persistentVolumeClaim,"
                  + " configMap, secret or emptyDir volume"));
            }
            continue;
          }
          for (String type : OTHER_VOLUMES) {
            if (present(vol.path(type))) {
              out.add(v("spec.volumes[" + name + "]", "must be one of " + new TreeSet<>(RESTRICTED_VOLUMES), type,
                  "remove " + at + "." + type + " (volume " + name + "): use one of " + new TreeSet<>(
                  RESTRICTED_VOLUMES)));
            }
          }
        }
        break;
      case "host-ports":
        for (JsonNode p : list(x.container().path("ports"))) {
          JsonNode hp = p.path("hostPort");
          if (present(hp) && !(hp.isNumber() && hp.asLong() == 0)) {
            out.add(v("ports[" + p.path("containerPort").asText("") + "].hostPort", "must be unset or 0",
                hp.asText() + (p.path("hostIP").isTextual() ? " (hostIP " + p.path("hostIP").asText() + ")" : ""),
                "remove " + ctr + ".ports[" + indexOf(x.container().path("ports"), p) + "].hostPort (whatever its"
                    + " hostIP): reach the pod through a Service"));
          }
        }
        break;
      case "apparmor":
        apparmorType(out, psc, "spec.securityContext", podSc, " (pod)");
        apparmorType(out, sc, "securityContext", ctrSc, "");
        if (x.meta().path("annotations").isObject()) {
          for (var e : x.meta().path("annotations").properties()) {
            String value = e.getValue().asText("");
            if (e.getKey().startsWith(APPARMOR_ANNOTATION) && !(value.isEmpty() || value.equals("runtime/default")
                || value.startsWith("localhost/"))
                && namedHere(x, e.getKey().substring(APPARMOR_ANNOTATION.length()))) {
              out.add(v("metadata.annotations[" + e.getKey() + "]", "must be runtime/default or localhost/*",
                  value + " (pod)", "set " + pod.substring(0, pod.length() - "spec".length()) + "metadata.annotations"
                  + yamlKey(e.getKey()) + ": runtime/default (or a localhost/ profile)"));
            }
          }
        }
        break;
      case "selinux-type":
        selinux(out, psc.path("seLinuxOptions"), "spec.securityContext.seLinuxOptions", podSc, " (pod)");
        selinux(out, sc.path("seLinuxOptions"), "securityContext.seLinuxOptions", ctrSc, "");
        break;
      case "proc-mount":
        if (level == Level.BASELINE && userNamespace) {
          break;
        }
        if (present(sc.path("procMount")) && !sc.path("procMount").asText().equals("Default")) {
          out.add(v("securityContext.procMount", "must be unset or Default", sc.path("procMount").asText(),
              "set " + ctrSc + ".procMount: Default (or remove it)" + (level == Level.BASELINE ? ", or run the pod"
                  + " in a user namespace (" + pod + ".hostUsers: false)" : "")));
        }
        break;
      case "seccomp": {
        boolean podSet = false;
        if (present(psc.path("seccompProfile"))) {
          String t = psc.path("seccompProfile").path("type").asText("");
          if (t.equals("RuntimeDefault") || t.equals("Localhost")) {
            podSet = true;
          } else if (!(level == Level.RESTRICTED && windows)) {
            out.add(v("spec.securityContext.seccompProfile.type", "must be RuntimeDefault or Localhost", quoted(t)
                + " (pod)", "set " + podSc + ".seccompProfile.type: RuntimeDefault"));
          }
        }
        if (present(sc.path("seccompProfile"))) {
          String t = sc.path("seccompProfile").path("type").asText("");
          if (!(t.equals("RuntimeDefault") || t.equals("Localhost")) && !(level == Level.RESTRICTED && windows)) {
            out.add(v("securityContext.seccompProfile.type", "must be RuntimeDefault or Localhost", quoted(t),
                "set " + ctrSc + ".seccompProfile.type: RuntimeDefault"));
          }
        } else if (level == Level.RESTRICTED && !podSet && !windows) {
          out.add(v("securityContext.seccompProfile.type", "must be set (on the pod or the container)",
              "unset, and unset on the pod (the kubelet's default is Unconfined)",
              "set " + ctrSc + ".seccompProfile.type: RuntimeDefault (or " + podSc
                  + ".seccompProfile.type: RuntimeDefault for every container)"));
        }
        break;
      }
      case "sysctls":
        int sysctl = 0;
        for (JsonNode s : list(psc.path("sysctls"))) {
          String name = s.path("name").asText("");
          if (!SAFE_SYSCTLS.contains(name)) {
            out.add(v("spec.securityContext.sysctls", "must be in the safe set", name + "=" + s.path("value")
                .asText("") + " (pod)", "remove " + podSc + ".sysctls[" + sysctl + "] (" + name
                + "): a pod may set only " + new TreeSet<>(SAFE_SYSCTLS)));
          }
          sysctl++;
        }
        break;
      case "no-new-privileges":
        if (!windows && !(sc.path("allowPrivilegeEscalation").isBoolean()
            && !sc.path("allowPrivilegeEscalation").booleanValue())) {
          out.add(v("securityContext.allowPrivilegeEscalation", "must be false",
              present(sc.path("allowPrivilegeEscalation")) ? sc.path("allowPrivilegeEscalation").toString() : "unset",
              "set " + ctrSc + ".allowPrivilegeEscalation: false"));
        }
        break;
      case "non-root-user":
        if (userNamespace) {
          break;
        }
        JsonNode podNonRoot = psc.path("runAsNonRoot");
        if (present(podNonRoot) && !isTrue(podNonRoot)) {
          out.add(v("spec.securityContext.runAsNonRoot", "must be true", podNonRoot + " (pod)",
              "set " + podSc + ".runAsNonRoot: true"));
        }
        JsonNode nonRoot = sc.path("runAsNonRoot");
        if (present(nonRoot)) {
          if (!isTrue(nonRoot)) {
            out.add(v("securityContext.runAsNonRoot", "must be true", nonRoot.toString(), "set " + ctrSc
                + ".runAsNonRoot: true"));
          }
        } else if (!isTrue(podNonRoot)) {
          out.add(v("securityContext.runAsNonRoot", "must be true (on the pod or the container), whatever the uid",
              "unset, and " + (present(podNonRoot) ? podNonRoot.toString() : "unset") + " on the pod",
              "set " + ctrSc + ".runAsNonRoot: true (or " + podSc + ".runAsNonRoot: true for every container)"));
        }
        if (isZero(psc.path("runAsUser"))) {
          out.add(v("spec.securityContext.runAsUser", "must not be 0, even where containers override it", "0 (pod)",
              "set " + podSc + ".runAsUser: 1000 (any non-zero uid), or remove it"));
        }
        if (isZero(sc.path("runAsUser"))) {
          out.add(v("securityContext.runAsUser", "must not be 0", "0", "set " + ctrSc
              + ".runAsUser: 1000 (any non-zero uid)"));
        }
        break;
      default:
        throw new IllegalStateException("no pod security check for rule " + id);
    }
    return out;
  }

  private static String[] v(String attribute, String problem, String value, String remedy) {
    return new String[] {attribute, problem, value, remedy};
  }

  private static Iterable<JsonNode> list(JsonNode n) {
    return n.isArray() ? n : List.of();
  }

  private static boolean present(JsonNode n) {
    return !n.isMissingNode() && !n.isNull();
  }

  private static boolean isTrue(JsonNode n) {
    return n.isBoolean() && n.booleanValue();
  }

  private static boolean isZero(JsonNode n) {
    return n.isIntegralNumber() && n.bigIntegerValue().signum() == 0;
  }

  private static String quoted(String s) {
    return s.isEmpty() ? "\"\"" : s;
  }

  /** The volumes this container mounts, and on the first container those nobody mounts. */
  private static List<JsonNode> volumes(Facts x) {
    Set<String> mine = new TreeSet<>();
    for (JsonNode m : list(x.container().path("volumeMounts"))) {
      mine.add(m.path("name").asText(""));
    }
    Set<String> anyone = new TreeSet<>();
    for (String kind : List.of("initContainers", "containers", "ephemeralContainers")) {
      for (JsonNode c : list(x.spec().path(kind))) {
        for (JsonNode m : list(c.path("volumeMounts"))) {
          anyone.add(m.path("name").asText(""));
        }
      }
    }
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode vol : list(x.spec().path("volumes"))) {
      String name = vol.path("name").asText("");
      if (mine.contains(name) || (x.first() && !anyone.contains(name))) {
        out.add(vol);
      }
    }
    return out;
  }

  /**
   * Whether an annotation naming container {@code name} is reported on this container: on that container
   * when the pod has one of that name, else (the standard forbids the value whatever it names) on each.
   */
  private static boolean namedHere(Facts x, String name) {
    if (name.equals(x.container().path("name").asText(null))) {
      return true;
    }
    for (String kind : List.of("initContainers", "containers", "ephemeralContainers")) {
      for (JsonNode c : list(x.spec().path(kind))) {
        if (name.equals(c.path("name").asText(null))) {
          return false;
        }
      }
    }
    return true;
  }

  /** The index of {@code element} (this very node) in array {@code array}. */
  private static int indexOf(JsonNode array, JsonNode element) {
    int i = 0;
    for (JsonNode n : list(array)) {
      if (n == element) {
        return i;
      }
      i++;
    }
    throw new IllegalStateException("not an element of its array");
  }

  /** {@code key} as a step of a YAML path: {@code .name}, or {@code ["a.b/c"]} when it holds other characters. */
  static String yamlKey(String key) {
    return key.matches("[A-Za-z_][A-Za-z0-9_-]*") ? "." + key
        : "[\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
  }

  private static void host(List<String[]> out, JsonNode handler, String attribute, String container) {
    JsonNode host = handler.path("host");
    if (present(host) && !host.asText("").isEmpty()) {
      out.add(v(attribute, "must be unset or empty", host.asText(""), "remove " + container + "." + attribute
          + ": the kubelet then probes the pod's IP"));
    }
  }

  private static void apparmorType(List<String[]> out, JsonNode sc, String at, String path, String who) {
    JsonNode profile = sc.path("appArmorProfile");
    if (present(profile)) {
      String t = profile.path("type").asText("");
      if (!(t.equals("RuntimeDefault") || t.equals("Localhost"))) {
        out.add(v(at + ".appArmorProfile.type", "must be RuntimeDefault or Localhost", quoted(t) + who,
            "set " + path + ".appArmorProfile.type: RuntimeDefault (or remove " + path + ".appArmorProfile)"));
      }
    }
  }

  private static void selinux(List<String[]> out, JsonNode opts, String at, String path, String who) {
    if (!present(opts)) {
      return;
    }
    String type = opts.path("type").asText("");
    if (!SELINUX_TYPES.contains(type)) {
      out.add(v(at + ".type", "must be one of " + new TreeSet<>(SELINUX_TYPES).toString().replace("[, ", "[\"\", "),
          type + who, "set " + path + ".seLinuxOptions.type: container_t (or remove it)"));
    }
    for (String field : List.of("user", "role")) {
      if (!opts.path(field).asText("").isEmpty()) {
        out.add(v(at + "." + field, "must not be set", opts.path(field).asText("") + who, "remove " + path
            + ".seLinuxOptions." + field));
      }
    }
  }
}
