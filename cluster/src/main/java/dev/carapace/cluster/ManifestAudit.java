package dev.carapace.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.carapace.policy.ContainerView;
import dev.carapace.policy.ImageFacts;
import dev.carapace.policy.LocatedReport;
import dev.carapace.policy.LocatedViolation;
import dev.carapace.policy.Violation;
import dev.carapace.policy.Policy;
import dev.carapace.policy.PolicyReport;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SELinuxOptions;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Sysctl;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Audits Kubernetes manifests written by anyone with the policy module's rules: a manifest in, a
 * {@link PolicyReport} out. Each container of each workload (containers, initContainers and
 * ephemeralContainers of a Pod, or of the pod template of a Deployment, StatefulSet, DaemonSet,
 * ReplicaSet, ReplicationController, Job or CronJob) becomes a {@link ContainerView} of origin
 * {@link ContainerView.Origin#MANIFEST}, in the terms the kubelet would give the runtime, so the same
 * Pod Security Standards rules that judge a spec judge it.
 *
 * <pre>{@code
 * PolicyReport report = ManifestAudit.judge(Files.readString(Path.of("pod.yaml")),
 *     Profiles.podSecurityRestricted());
 * System.out.println(report.toText());
 * }</pre>
 *
 * <p>The YAML is read as kubectl and the API server read it (go-yaml v2): anchors and aliases expanded,
 * merge keys merged, {@code yes}/{@code on} as {@code true}, empty and comment-only documents skipped;
 * what those readers would read differently is refused with the reason, and size, depth and alias
 * expansion are bounded (a manifest above 16 MiB is refused before parsing, a document above 3 MiB at the
 * limit).
 *
 * <p>With a policy that holds the built-in Pod Security Standards rules ({@link
 * dev.carapace.policy.Profiles#podSecurityBaseline()}, {@link dev.carapace.policy.Profiles#podSecurityRestricted()},
 * or a policy built from them), those rules read the manifest's own fields exactly as the published
 * standard does (pod-level and container-level fields each count, names as spelt, any non-zero
 * {@code hostPort}), under the same rule ids, and {@code host-process} and {@code probe-host} are added;
 * every other rule reads the container's view below.
 *
 * <p>How the manifest reads in Docker's terms:
 * <ul>
 *   <li>the container's securityContext wins over the pod's for {@code runAsUser}, {@code runAsGroup},
 *       {@code runAsNonRoot}, {@code seLinuxOptions}, {@code seccompProfile} and {@code appArmorProfile};
 *       capabilities, {@code privileged}, {@code allowPrivilegeEscalation}, {@code readOnlyRootFilesystem}
 *       and {@code procMount} are the container's alone;
 *   <li>no {@code seccompProfile} anywhere is {@code seccomp=unconfined}, the kubelet's default;
 *       {@code allowPrivilegeEscalation} other than {@code false} is no no-new-privileges;
 *   <li>{@code runAsNonRoot: true} without {@code runAsUser} counts as a non-root user (the kubelet refuses
 *       to start a root or non-numeric image USER); without either, the image's USER, unknown here;
 *   <li>{@code hostNetwork}, {@code hostPID}, {@code hostIPC} are the host's namespaces; a {@code hostPath}
 *       volume is a bind mount, {@code emptyDir} of medium Memory a tmpfs, configMap, secret, downwardAPI,
 *       projected, csi, ephemeral, persistentVolumeClaim and emptyDir volumes are volumes, any other type
 *       keeps its Kubernetes name (so the restricted volume-type rule names it); a volume no container
 *       mounts is counted against the first container;
 *   <li>a {@code hostPort} is a port published on {@code hostIP} (all interfaces when unset);
 *       {@code procMount: Unmasked} empties the masked paths; the pod's sysctls, each container's.
 * </ul>
 * The AppArmor annotation {@code container.apparmor.security.beta.kubernetes.io/NAME} is read where
 * no field is set. Windows options ({@code hostProcess}) have no Docker counterpart: only the Pod Security
 * Standards' {@code host-process} rule judges them.
 */
public final class ManifestAudit {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final String APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/";
  /** The kinds read, in the order error messages list them. */
  private static final List<String> KINDS = List.of("CronJob", "DaemonSet", "Deployment", "Job", "Pod", "ReplicaSet",
      "ReplicationController", "StatefulSet");
  /** Kubernetes' default {@code backoffLimit} of a Job. */
  private static final int JOB_BACKOFF_LIMIT = 6;
  private static final Set<String> VOLUME_TYPES = Set.of("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
      "persistentVolumeClaim", "projected", "secret");

  private ManifestAudit() {}

  /**
   * Judges every container of every workload in {@code yaml} (one or more documents separated by
   * {@code ---}) with {@code policy}.
   *
   * @throws InvalidManifestException when the text is not YAML, a document has no or an unsupported
   *     kind, or does not match its kind's model; or when it holds no workload
   */
  public static PolicyReport judge(String yaml, Policy policy) {
    Objects.requireNonNull(policy, "policy must not be null");
    Map<ContainerView, PodSecurity.Facts> facts = new IdentityHashMap<>();
    List<ContainerView> views = read(yaml, facts);
    return PodSecurity.forManifests(policy, facts).evaluate(views);
  }

  /**
   * The containers of every workload in {@code yaml}, as the policy module's views, named
   * {@code WORKLOAD/CONTAINER} ({@code web/app}, {@code web/init:setup}, {@code web/ephemeral:debug}).
   *
   * @throws InvalidManifestException as {@link #judge(String, Policy)}
   */
  public static List<ContainerView> containers(String yaml) {
    return read(yaml, new IdentityHashMap<>());
  }

  /**
   * Judges {@code yaml} as {@link #judge(String, Policy)} does, and places every violation on the line and
   * column of the YAML node it is about: the field's key where the manifest sets the field
   * ({@code privileged: true}), else the deepest part of the field's path the manifest has (the container's
   * {@code securityContext}, or the container's item in its list), in every document of the file. The
   * location's field is the path of the field the violation is about
   * ({@code spec.template.spec.containers[0].securityContext.privileged}), whether or not the manifest has it.
   *
   * <p>Unlike {@link #judge(String, Policy)}, documents that are Kubernetes objects of other kinds (a
   * {@code Service}, a {@code ConfigMap}: {@code apiVersion} and {@code kind} set) are skipped, as a file
   * deployed with {@code kubectl apply -f} mixes them with workloads; a file of them alone is a clean report
   * on no container.
   *
   * @throws InvalidManifestException as {@link #judge(String, Policy)}, its message naming the line (of the
   *     problem, or of the document's start)
   */
  public static LocatedReport lint(String yaml, Policy policy) {
    Objects.requireNonNull(policy, "policy must not be null");
    Map<ContainerView, PodSecurity.Facts> facts = new IdentityHashMap<>();
    Map<ContainerView, Node> roots = new IdentityHashMap<>();
    List<ContainerView> views;
    try {
      views = read(yaml, facts, roots);
    } catch (InvalidManifestException e) {
      if (e.getMessage().contains("(line ")) {
        throw e;
      }
      int line = Math.max(1, e.line());
      int column = Math.max(1, e.column());
      throw new InvalidManifestException(e.getMessage() + " (line " + line + ", column " + column + ")", line, column);
    }
    PolicyReport report = PodSecurity.forManifests(policy, facts).evaluate(views);
    List<LocatedViolation> located = new ArrayList<>();
    for (int i = 0; i < views.size(); i++) {
      ContainerView view = views.get(i);
      for (Violation v : report.containers().get(i).violations()) {
        located.add(LocatedViolation.of(v, ManifestPlaces.locate(roots.get(view), facts.get(view), v)));
      }
    }
    return LocatedReport.of(report, located);
  }

  private static List<ContainerView> read(String yaml, Map<ContainerView, PodSecurity.Facts> facts) {
    return read(yaml, facts, null);
  }

  private static List<ContainerView> read(String yaml, Map<ContainerView, PodSecurity.Facts> facts,
      Map<ContainerView, Node> roots) {
    Objects.requireNonNull(yaml, "manifest yaml must not be null");
    List<ContainerView> views = new ArrayList<>();
    List<ManifestReader.Document> documents = ManifestReader.read(yaml);
    int objects = 0;
    for (ManifestReader.Document d : documents) {
      if (roots != null && isOtherObject(d.tree())) {
        objects++; // linting a file: a Service or a ConfigMap next to a Deployment holds no container to judge
        continue;
      }
      List<ContainerView> mine;
      try {
        mine = workload(d.tree(), d.number(), facts);
      } catch (InvalidManifestException e) {
        if (e.line() > 0) {
          throw e;
        }
        Mark start = d.root().getStartMark();
        throw new InvalidManifestException(e.getMessage(), start.getLine() + 1, start.getColumn() + 1);
      }
      if (roots != null) {
        mine.forEach(v -> roots.put(v, d.root()));
      }
      views.addAll(mine);
    }
    if (views.isEmpty() && objects > 0) {
      return views;
    }
    if (views.isEmpty()) {
      throw new InvalidManifestException("manifest must hold a workload with containers: "
          + (documents.isEmpty() ? "no document" : documents.size() + " document(s) without one"));
    }
    return views;
  }

  /** A Kubernetes object (apiVersion and kind set) of a kind that holds no pod template. */
  private static boolean isOtherObject(JsonNode doc) {
    return doc.isObject() && doc.path("apiVersion").isTextual() && doc.path("kind").isTextual()
        && !doc.path("kind").asText().isEmpty() && !KINDS.contains(doc.path("kind").asText());
  }

  private static List<ContainerView> workload(JsonNode doc, int document, Map<ContainerView, PodSecurity.Facts> facts) {
    if (!doc.isObject()) {
      throw new InvalidManifestException("manifest document " + document + " must be a mapping with a kind: "
          + doc.getNodeType().toString().toLowerCase(Locale.ROOT));
    }
    String kind = doc.path("kind").asText("");
    if (kind.isEmpty()) {
      throw new InvalidManifestException("manifest document " + document + " kind must be set: no kind"
          + " (one of " + String.join(", ", KINDS) + ")");
    }
    if (!KINDS.contains(kind)) {
      throw new InvalidManifestException("manifest document " + document + " kind must be one of "
          + String.join(", ", KINDS) + ": " + kind);
    }
    ObjectMeta meta;
    PodSpec pod;
    try {
      switch (kind) {
        case "Pod": {
          io.fabric8.kubernetes.api.model.Pod p = Yaml.MAPPER.treeToValue(doc, io.fabric8.kubernetes.api.model.Pod.class);
          meta = p.getMetadata();
          pod = p.getSpec();
          break;
        }
        case "CronJob": {
          var c = Yaml.MAPPER.treeToValue(doc, io.fabric8.kubernetes.api.model.batch.v1.CronJob.class);
          meta = c.getMetadata();
          PodTemplateSpec t = c.getSpec() == null || c.getSpec().getJobTemplate() == null
              || c.getSpec().getJobTemplate().getSpec() == null ? null
              : c.getSpec().getJobTemplate().getSpec().getTemplate();
          pod = templateSpec(t, meta);
          break;
        }
        default: {
          PodTemplateSpec t = Yaml.MAPPER.treeToValue(doc.path("spec").path("template"), PodTemplateSpec.class);
          meta = Yaml.MAPPER.treeToValue(doc.path("metadata"), ObjectMeta.class);
          pod = templateSpec(t, meta);
        }
      }
    } catch (JsonProcessingException e) {
      throw new InvalidManifestException("manifest document " + document + " (" + kind
          + ") must match the kubernetes model: " + e.getOriginalMessage());
    }
    String workload = meta == null || meta.getName() == null ? kind.toLowerCase(Locale.ROOT) : meta.getName();
    if (pod == null || pod.getContainers() == null || pod.getContainers().isEmpty()) {
      throw new InvalidManifestException("manifest document " + document + " (" + kind + " " + workload
          + ") must have containers: none");
    }
    Map<String, String> annotations = meta == null || meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
    JsonNode job = kind.equals("Job") ? doc.path("spec") : doc.path("spec").path("jobTemplate").path("spec");
    Integer retries = !kind.equals("Job") && !kind.equals("CronJob") ? null
        : job.path("backoffLimit").canConvertToInt() ? job.path("backoffLimit").asInt() : JOB_BACKOFF_LIMIT;
    Map<String, String> labels = meta == null || meta.getLabels() == null ? Map.of() : meta.getLabels();
    List<ContainerView> views = new ArrayList<>();
    Set<String> mounted = new HashSet<>();
    for (Container c : list(pod.getInitContainers())) {
      views.add(view(workload + "/init:" + c.getName(), c, pod, annotations, labels, mounted, retries));
    }
    List<ContainerView> main = new ArrayList<>();
    for (Container c : list(pod.getContainers())) {
      main.add(view(workload + "/" + c.getName(), c, pod, annotations, labels, mounted, retries));
    }
    for (EphemeralContainer e : list(pod.getEphemeralContainers())) {
      Container c = Yaml.MAPPER.convertValue(e, Container.class);
      views.add(view(workload + "/ephemeral:" + c.getName(), c, pod, annotations, labels, mounted, retries));
    }
    List<Volume> unmounted = list(pod.getVolumes()).stream().filter(v -> !mounted.contains(v.getName())).toList();
    if (!unmounted.isEmpty()) { // judged on the first container, as if mounted
      Container first = Yaml.MAPPER.convertValue(pod.getContainers().get(0), Container.class);
      List<VolumeMount> extra = new ArrayList<>(list(first.getVolumeMounts()));
      for (Volume v : unmounted) {
        extra.add(new io.fabric8.kubernetes.api.model.VolumeMountBuilder().withName(v.getName())
            .withMountPath("(volume " + v.getName() + ", not mounted)").withReadOnly(true).build());
      }
      first.setVolumeMounts(extra);
      main.set(0, view(workload + "/" + first.getName(), first, pod, annotations, labels, new HashSet<>(), retries));
    }
    views.addAll(views.size() - list(pod.getEphemeralContainers()).size(), main);
    JsonNode template = kind.equals("Pod") ? doc : kind.equals("CronJob")
        ? doc.path("spec").path("jobTemplate").path("spec").path("template") : doc.path("spec").path("template");
    JsonNode spec = template.path("spec");
    List<JsonNode> raw = new ArrayList<>();
    spec.path("initContainers").forEach(raw::add);
    spec.path("containers").forEach(raw::add);
    spec.path("ephemeralContainers").forEach(raw::add);
    int firstMain = spec.path("initContainers").size();
    int firstEphemeral = firstMain + spec.path("containers").size();
    String podPath = kind.equals("Pod") ? "spec" : kind.equals("CronJob") ? "spec.jobTemplate.spec.template.spec"
        : "spec.template.spec";
    for (int i = 0; i < views.size() && i < raw.size(); i++) {
      String containerPath = podPath + (i < firstMain ? ".initContainers[" + i + "]" : i < firstEphemeral
          ? ".containers[" + (i - firstMain) + "]" : ".ephemeralContainers[" + (i - firstEphemeral) + "]");
      facts.put(views.get(i), new PodSecurity.Facts(spec, template.path("metadata"), raw.get(i), i == firstMain,
          podPath, containerPath, kind));
    }
    return views;
  }

  private static PodSpec templateSpec(PodTemplateSpec t, ObjectMeta meta) {
    return t == null ? null : t.getSpec();
  }

  private static <T> List<T> list(List<T> l) {
    return l == null ? List.of() : l;
  }

  /** {@code retries}: a Job's {@code backoffLimit}, which bounds its pods' restarts; null for another kind. */
  private static ContainerView view(String name, Container c, PodSpec pod, Map<String, String> annotations,
      Map<String, String> labels, Set<String> mounted, Integer retries) {
    SecurityContext sc = c.getSecurityContext() == null ? new SecurityContext() : c.getSecurityContext();
    PodSecurityContext psc = pod.getSecurityContext() == null ? new PodSecurityContext() : pod.getSecurityContext();
    ObjectNode root = JSON.objectNode();
    root.put("Name", name);
    ObjectNode config = root.putObject("Config");
    ObjectNode host = root.putObject("HostConfig");
    config.put("Image", c.getImage() == null ? "" : c.getImage());

    Long uid = first(sc.getRunAsUser(), psc.getRunAsUser());
    Long gid = first(sc.getRunAsGroup(), psc.getRunAsGroup());
    Boolean nonRoot = first(sc.getRunAsNonRoot(), psc.getRunAsNonRoot());
    config.put("User", uid == null ? "" : uid + (gid == null ? "" : ":" + gid));
    ObjectNode configLabels = config.putObject("Labels");
    labels.forEach(configLabels::put);

    host.put("Privileged", Boolean.TRUE.equals(sc.getPrivileged()));
    Capabilities caps = sc.getCapabilities();
    ArrayNode add = host.putArray("CapAdd");
    ArrayNode drop = host.putArray("CapDrop");
    if (caps != null) {
      list(caps.getAdd()).forEach(add::add);
      list(caps.getDrop()).forEach(drop::add);
    }
    ArrayNode opts = host.putArray("SecurityOpt");
    if (Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
      opts.add("no-new-privileges");
    }
    SeccompProfile seccomp = first(sc.getSeccompProfile(), psc.getSeccompProfile());
    String seccompType = seccomp == null || seccomp.getType() == null ? "Unconfined" : seccomp.getType();
    switch (seccompType) {
      case "RuntimeDefault":
        break;
      case "Localhost":
        opts.add("seccomp=localhost/" + seccomp.getLocalhostProfile());
        break;
      default:
        opts.add("seccomp=unconfined");
    }
    SELinuxOptions se = first(sc.getSeLinuxOptions(), psc.getSeLinuxOptions());
    if (se != null) {
      if (se.getUser() != null) {
        opts.add("label=user:" + se.getUser());
      }
      if (se.getRole() != null) {
        opts.add("label=role:" + se.getRole());
      }
      if (se.getType() != null) {
        opts.add("label=type:" + se.getType());
      }
      if (se.getLevel() != null) {
        opts.add("label=level:" + se.getLevel());
      }
    }
    root.put("AppArmorProfile", apparmor(c, sc, psc, annotations));
    if ("Unmasked".equals(sc.getProcMount())) {
      host.putArray("MaskedPaths");
    }

    host.put("NetworkMode", Boolean.TRUE.equals(pod.getHostNetwork()) ? "host" : "pod");
    host.put("UTSMode", Boolean.TRUE.equals(pod.getHostNetwork()) ? "host" : "");
    host.put("PidMode", Boolean.TRUE.equals(pod.getHostPID()) ? "host" : "");
    host.put("IpcMode", Boolean.TRUE.equals(pod.getHostIPC()) ? "host" : "");
    host.put("ReadonlyRootfs", Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem()));
    host.put("Runtime", pod.getRuntimeClassName() == null ? "" : pod.getRuntimeClassName());
    String restart = restart(pod.getRestartPolicy());
    ObjectNode restartPolicy = host.putObject("RestartPolicy").put("Name", restart);
    if (restart.equals("on-failure") && retries != null) {
      restartPolicy.put("MaximumRetryCount", retries); // a Job's backoffLimit bounds its pod's restarts
    }
    ObjectNode sysctls = host.putObject("Sysctls");
    for (Sysctl s : list(psc.getSysctls())) {
      sysctls.put(s.getName(), s.getValue());
    }
    if (c.getResources() != null) {
      quantity(c.getResources().getLimits(), "memory").ifPresent(m -> host.put("Memory", m.longValue()));
      quantity(c.getResources().getLimits(), "cpu").ifPresent(cpu ->
          host.put("NanoCpus", cpu.multiply(BigDecimal.valueOf(1_000_000_000L)).longValue()));
      quantity(c.getResources().getRequests(), "cpu").ifPresent(cpu ->
          host.put("CpuShares", Resources.kubeletShares(cpu.multiply(BigDecimal.valueOf(1000)).longValue())));
    }
    Probe probe = c.getLivenessProbe() != null ? c.getLivenessProbe() : c.getReadinessProbe();
    if (probe != null) {
      ArrayNode test = config.putObject("Healthcheck").putArray("Test");
      test.add("CMD");
      if (probe.getExec() != null) {
        list(probe.getExec().getCommand()).forEach(test::add);
      } else {
        test.add(probe.getHttpGet() != null ? "httpGet" : probe.getTcpSocket() != null ? "tcpSocket" : "grpc");
      }
    }

    ArrayNode mounts = root.putArray("Mounts");
    ObjectNode tmpfs = host.putObject("Tmpfs");
    for (VolumeMount vm : list(c.getVolumeMounts())) {
      mounted.add(vm.getName());
      Volume v = list(pod.getVolumes()).stream().filter(x -> Objects.equals(x.getName(), vm.getName())).findFirst()
          .orElse(null);
      boolean ro = Boolean.TRUE.equals(vm.getReadOnly());
      if (v != null && v.getEmptyDir() != null && "Memory".equals(v.getEmptyDir().getMedium())) {
        tmpfs.put(vm.getMountPath(), ro ? "ro" : "rw");
        continue;
      }
      ObjectNode m = mounts.addObject();
      m.put("Destination", vm.getMountPath());
      m.put("RW", !ro);
      if (v != null && v.getHostPath() != null) {
        m.put("Type", "bind");
        m.put("Source", v.getHostPath().getPath());
      } else {
        m.put("Type", v == null ? "volume" : volumeType(v));
        m.put("Name", vm.getName());
      }
      if (vm.getMountPropagation() != null && !vm.getMountPropagation().equals("None")) {
        m.put("Propagation", vm.getMountPropagation().equals("Bidirectional") ? "rshared" : "rslave");
      }
    }
    ObjectNode bindings = host.putObject("PortBindings");
    for (ContainerPort p : list(c.getPorts())) {
      if (p.getHostPort() != null && p.getHostPort() != 0) {
        String key = p.getContainerPort() + "/" + (p.getProtocol() == null ? "tcp" : p.getProtocol().toLowerCase(Locale.ROOT));
        ArrayNode arr = bindings.has(key) ? (ArrayNode) bindings.get(key) : bindings.putArray(key);
        ObjectNode b = arr.addObject();
        b.put("HostIp", p.getHostIP() == null ? "" : p.getHostIP());
        b.put("HostPort", String.valueOf(p.getHostPort()));
      }
    }
    ContainerView view = ContainerView.parseInspectJson(root.toString(), ContainerView.Origin.MANIFEST);
    if (uid == null && Boolean.TRUE.equals(nonRoot)) {
      view = view.knowingImage(ImageFacts.of(view.image(), "runAsNonRoot (the kubelet refuses a root or"
          + " non-numeric USER)", Optional.empty()));
    }
    return view;
  }

  private static String volumeType(Volume v) {
    JsonNode n = Yaml.MAPPER.valueToTree(v);
    for (var e : n.properties()) {
      if (!e.getKey().equals("name") && !e.getValue().isNull()) {
        return VOLUME_TYPES.contains(e.getKey()) ? "volume" : e.getKey();
      }
    }
    return "volume";
  }

  private static String apparmor(Container c, SecurityContext sc, PodSecurityContext psc,
      Map<String, String> annotations) {
    var profile = first(sc.getAppArmorProfile(), psc.getAppArmorProfile());
    if (profile != null && profile.getType() != null) {
      switch (profile.getType()) {
        case "Unconfined":
          return "unconfined";
        case "Localhost":
          return profile.getLocalhostProfile() == null ? "" : profile.getLocalhostProfile();
        default:
          return "";
      }
    }
    String a = annotations.get(APPARMOR_ANNOTATION + c.getName());
    if (a == null || a.equals("runtime/default")) {
      return "";
    }
    return a.startsWith("localhost/") ? a.substring("localhost/".length()) : a;
  }

  private static Optional<BigDecimal> quantity(Map<String, Quantity> map, String key) {
    if (map == null || map.get(key) == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(map.get(key).getNumericalAmount());
    } catch (IllegalArgumentException e) {
      throw new InvalidManifestException("resources " + key + " must be a kubernetes quantity: " + map.get(key));
    }
  }

  private static String restart(String policy) {
    if (policy == null || policy.equals("Always")) {
      return "always";
    }
    return policy.equals("OnFailure") ? "on-failure" : "no";
  }

  private static <T> T first(T container, T pod) {
    return container != null ? container : pod;
  }
}
