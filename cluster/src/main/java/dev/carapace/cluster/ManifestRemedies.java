package dev.carapace.cluster;

import dev.carapace.policy.ContainerView;
import dev.carapace.policy.Note;
import dev.carapace.policy.Policy;
import dev.carapace.policy.Profiles;
import dev.carapace.policy.Rule;
import dev.carapace.policy.Violation;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The remedies of the built-in rules in a manifest's own terms: the YAML path to change and the value to
 * give it ({@code spec.containers[0].securityContext.allowPrivilegeEscalation: false}, {@code
 * spec.hostNetwork: false}), in place of the spec builder's calls that a rule names when it judges a spec.
 * {@link ManifestAudit#judge} rewords each built-in rule's violations on a manifest's containers with the
 * paths of that container and its pod; a rule a caller wrote keeps its own remedy.
 */
final class ManifestRemedies {
  /** The remedy of {@code Profiles.imageSignedBy(trust)}, whatever the trust. */
  private static final String IMAGE_SIGNED_REMEDY = "sign the image's digest with a trusted key (ImageSigner, or cosign"
      + " sign --key KEY NAME@sha256:DIGEST) and launch it by that digest";

  /**
   * The kinds whose pods take {@code restartPolicy: Always} only (the API server refuses any other value):
   * {@code restart-policy} has nothing to ask of them, and the kubelet's crash-loop back-off (10 s, doubling
   * to 5 min) bounds how often their containers restart.
   */
  static final Set<String> ALWAYS_RESTARTING = Set.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
      "ReplicationController");

  private ManifestRemedies() {}

  /** The remedy of rule {@code id} for the container at {@code container} of the pod spec at {@code pod}. */
  static Optional<String> remedy(String id, String pod, String container) {
    String sc = container + ".securityContext";
    String text;
    switch (id) {
      case "non-root-user":
        text = "set " + sc + ".runAsNonRoot: true and " + sc + ".runAsUser: 1000 (or USER 1000 in the Dockerfile)";
        break;
      case "healthcheck":
        text = "add " + container + ".livenessProbe or " + container + ".readinessProbe (exec, httpGet or tcpSocket)";
        break;
      case "apparmor":
        text = "set " + sc + ".appArmorProfile.type: RuntimeDefault, or Localhost with localhostProfile naming a"
            + " loaded profile";
        break;
      case "selinux":
        text = "remove what turns SELinux separation off from " + sc + ".seLinuxOptions; leave its type unset for"
            + " the runtime's container_t";
        break;
      case "selinux-type":
        text = "set " + sc + ".seLinuxOptions.type: container_t (or container_init_t, container_kvm_t), or remove it";
        break;
      case "seccomp":
        text = "set " + sc + ".seccompProfile.type: RuntimeDefault (or " + pod
            + ".securityContext.seccompProfile.type: RuntimeDefault for every container)";
        break;
      case "no-new-privileges":
        text = "set " + sc + ".allowPrivilegeEscalation: false";
        break;
      case "capabilities":
        text = "set " + sc + ".capabilities.drop: [ALL] and list under " + sc
            + ".capabilities.add only what the workload needs";
        break;
      case "baseline-capabilities":
        text = "list under " + sc + ".capabilities.add only " + new TreeSet<>(List.of("AUDIT_WRITE", "CHOWN",
            "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP",
            "SETUID", "SYS_CHROOT")) + " (NET_RAW is not among them)";
        break;
      case "restricted-capabilities":
        text = "set " + sc + ".capabilities.drop: [ALL] and " + sc + ".capabilities.add: [NET_BIND_SERVICE] at most";
        break;
      case "privileged":
        text = "set " + sc + ".privileged: false (or remove it) and list under " + sc
            + ".capabilities.add the few capabilities the workload needs";
        break;
      case "sensitive-mounts":
        text = "remove the hostPath volume from " + pod + ".volumes and its entry from " + container
            + ".volumeMounts; use a persistentVolumeClaim, configMap or secret volume (readOnly: true does not help)";
        break;
      case "docker-socket":
        text = "remove the hostPath volume of the engine's socket from " + pod + ".volumes and its entry from "
            + container + ".volumeMounts: the socket is root on the host";
        break;
      case "mount-propagation":
        text = "set " + container + ".volumeMounts[].mountPropagation: None (or remove it), never Bidirectional";
        break;
      case "host-path-volumes":
        text = "replace the hostPath volume in " + pod
            + ".volumes with a persistentVolumeClaim, configMap, secret or emptyDir volume";
        break;
      case "host-network":
        text = "set " + pod + ".hostNetwork: false (or remove it)";
        break;
      case "host-pid":
        text = "set " + pod + ".hostPID: false (or remove it)";
        break;
      case "host-ipc":
        text = "set " + pod + ".hostIPC: false (or remove it)";
        break;
      case "host-uts":
        text = "set " + pod + ".hostNetwork: false (or remove it): a pod shares the host's UTS namespace only with"
            + " hostNetwork";
        break;
      case "host-userns":
        text = "set " + pod + ".hostUsers: false";
        break;
      case "default-bridge":
        text = "leave " + pod + ".hostNetwork unset: the pod then has a network of its own";
        break;
      case "host-devices":
        text = "remove the device from " + container + ".volumeDevices, or use a device plugin resource under "
            + container + ".resources.limits";
        break;
      case "privileged-ports":
        text = "set " + container + ".ports[].hostPort: 8080 (1024 or above), or remove hostPort and reach the pod"
            + " through a Service";
        break;
      case "ports-all-interfaces":
      case "host-ports":
        text = "set " + container + ".ports[].hostIP: 127.0.0.1, or remove hostPort and reach the pod through a"
            + " Service";
        break;
      case "proc-mount":
        text = "set " + sc + ".procMount: Default (or remove it)";
        break;
      case "sysctls":
        text = "list under " + pod + ".securityContext.sysctls only the safe set: kernel.shm_rmid_forced and the"
            + " net.ipv4 ones Kubernetes calls safe";
        break;
      case "untrusted-sandboxed":
        text = "set " + pod + ".runtimeClassName: runsc (a RuntimeClass whose handler is gVisor's runsc), or a"
            + " kata RuntimeClass";
        break;
      case "accepted-loss":
        text = "remove the field from the manifest, or run the workload where it is carried";
        break;
      case "image-pinned":
        text = "set " + container + ".image: NAME@sha256:DIGEST, the digest of the manifest its tag names now"
            + " (skopeo inspect --format '{{.Digest}}' docker://NAME:TAG)";
        break;
      case "image-signed":
        text = "sign the image's digest with a trusted key (cosign sign --key KEY NAME@sha256:DIGEST) and set "
            + container + ".image: NAME@sha256:DIGEST";
        break;
      case "memory-limit":
        text = "set " + container + ".resources.limits.memory: 256Mi";
        break;
      case "cpu-limit":
        text = "set " + container + ".resources.limits.cpu: 500m or " + container + ".resources.requests.cpu: 500m";
        break;
      case "pids-limit":
        text = "set podPidsLimit: 1024 in the node's KubeletConfiguration: a pod spec has no pids field";
        break;
      case "read-only-rootfs":
        text = "set " + sc + ".readOnlyRootFilesystem: true and mount an emptyDir volume where the workload writes";
        break;
      case "restart-policy":
        text = "set " + pod + ".restartPolicy: OnFailure (or Never) where the kind allows it (a Pod, a Job);"
            + " a Deployment's pods always restart";
        break;
      default:
        return Optional.empty();
    }
    return Optional.of(text);
  }

  /** Whether {@code rule} is one of the built-in profiles' rules (the same instance or the same remedy). */
  static boolean builtIn(Rule rule) {
    for (Policy p : Profiles.all()) {
      Optional<Rule> mine = p.rule(rule.id());
      if (mine.isPresent() && (mine.get() == rule || mine.get().remedy().equals(rule.remedy()))) {
        return true;
      }
    }
    return rule.id().equals("untrusted-sandboxed") && rule.remedy().equals(Profiles.sandboxedRuntimesAllowing()
        .remedy()) || rule.id().equals("image-signed") && rule.remedy().equals(IMAGE_SIGNED_REMEDY);
  }

  /**
   * {@code rule} with its remedy in a manifest's terms: the same id, title, severity, standards and findings,
   * each violation on a manifest's container reworded with that container's paths. Returns {@code rule}
   * itself when it is not a built-in rule or has no manifest wording.
   */
  static Rule reworded(Rule rule, Map<ContainerView, PodSecurity.Facts> facts) {
    Optional<String> general = remedy(rule.id(), "spec", "spec.containers[*]");
    if (general.isEmpty() || !builtIn(rule)) {
      return rule;
    }
    Rule.Builder b = Rule.builder(rule.id()).title(rule.title()).severity(rule.severity()).remedy(general.get());
    rule.standards().forEach(b::addStandard);
    return b.check((c, f) -> {
      PodSecurity.Facts x = facts.get(c);
      Rule.Outcome o = rule.evaluate(c);
      if (x != null && rule.id().equals("restart-policy") && ALWAYS_RESTARTING.contains(x.kind())) {
        return; // restartPolicy: Always is the only value these kinds take; the kubelet's back-off bounds restarts
      }
      for (Violation v : o.violations()) {
        f.violation(v.attribute(), v.problem(), v.value(),
            x == null ? v.remedy() : remedy(rule.id(), x.podPath(), x.containerPath()).orElseThrow());
      }
      for (Note n : o.notes()) {
        f.note(n.reason());
      }
    }).build();
  }
}
