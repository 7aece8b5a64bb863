package dev.carapace.cluster;

import dev.carapace.core.Capability;
import dev.carapace.core.HealthCheck;
import dev.carapace.core.ImageTrust;
import dev.carapace.core.Mount;
import dev.carapace.core.NetworkMode;
import dev.carapace.core.PortBinding;
import dev.carapace.core.RestartPolicy;
import dev.carapace.core.Seccomp;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SpecAttribute;
import dev.carapace.core.SelinuxLabel;
import dev.carapace.core.UntrustedImageException;
import dev.carapace.core.internal.values.TrustedImages;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SELinuxOptions;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SecureContainerSpec} rendered as a Kubernetes Pod, Deployment or Job: fabric8's model objects
 * and their YAML. Every spec field is carried, refused before rendering, or dropped only as a loss the
 * caller accepted by name ({@link KubernetesField} declares which, field by field).
 *
 * <pre>{@code
 * KubernetesRenderer renderer = KubernetesRenderer.builder(spec)
 *     .acceptLoss(SpecAttribute.PIDS_LIMIT)   // the kubelet's podPidsLimit is per node
 *     .acceptLoss(SpecAttribute.NETWORK)      // a pod always joins the cluster network
 *     .build();
 * KubernetesWorkload<Pod> pod = renderer.pod();
 * System.out.println(pod.yaml());   // kubectl apply -f -, or podman kube play
 * }</pre>
 *
 * <p>The container's securityContext carries the hardening: {@code capabilities.drop: [ALL]},
 * {@code allowPrivilegeEscalation: false}, an explicit {@code seccompProfile: RuntimeDefault},
 * {@code runAsNonRoot: true} (a numeric user becomes {@code runAsUser}/{@code runAsGroup}), so the Pod of
 * a default spec passes Pod Security Standards restricted ({@link ManifestAudit} judges it). No
 * seccomp or AppArmor annotation is written: Kubernetes 1.30+ reads the fields (and podman kube play,
 * which reads only the annotations, applies its default seccomp filter anyway).
 *
 * <p>Nothing here talks to a cluster: apply the YAML with your own tools.
 */
public final class KubernetesRenderer {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesRenderer.class);
  /** The label every rendered pod carries, as kubectl's recommended labels. */
  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  /** The label naming the workload; a Deployment selects its pods by it. */
  public static final String NAME_LABEL = "app.kubernetes.io/name";

  private final SecureContainerSpec spec;
  private final Set<SpecAttribute> accepted;
  private final int replicas;
  private final String name;

  private KubernetesRenderer(Builder b) {
    SecureContainerSpec s = b.digest == null || b.spec.image().endsWith("@" + b.digest) ? b.spec
        : b.spec.toBuilder().image(repository(b.spec.image()) + "@" + b.digest).build();
    if (b.trust != null) {
      String image = TrustedImages.verify(b.trust, s.image(), null, (asked, digest, problem) -> LOG.warn(
          "rendering {} at {} without a verified signature: {}", asked, digest, problem)).imageToLaunch();
      s = image.equals(s.image()) ? s : s.toBuilder().image(image).build();
    }
    this.spec = s;
    this.accepted = Set.copyOf(b.accepted);
    this.replicas = b.replicas;
    this.name = spec.name().filter(KubernetesNames::isDnsLabel).orElseGet(() -> KubernetesNames.fromImage(spec.image()));
  }

  private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");
  private static final Pattern IMAGE_ID = Pattern.compile("(?:sha256:)?[a-f0-9]{64}");

  /** A reference's repository, without tag or digest: a tag is what follows the last {@code :} after the last {@code /}. */
  private static String repository(String image) {
    return image.replaceFirst("@.*$", "").replaceFirst(":[^:/]*$", "");
  }

  /** {@code value} as a message shows it: printable ASCII as is, anything else escaped; at most 80 characters. */
  private static String shown(String value) {
    StringBuilder sb = new StringBuilder();
    int i = 0;
    for (; i < value.length() && sb.length() < 80; i++) {
      char c = value.charAt(i);
      sb.append(c > 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    }
    return value.isEmpty() ? "\"\"" : i < value.length() ? sb + "... (" + value.length() + " characters)" : sb.toString();
  }

  /** A builder rendering {@code spec}; accept each loss by name before {@link Builder#build()}. */
  public static Builder builder(SecureContainerSpec spec) {
    return new Builder(Objects.requireNonNull(spec, "spec must not be null"));
  }

  /** Builds a {@link KubernetesRenderer}: the spec, the losses accepted by name, the replicas of a Deployment. */
  public static final class Builder {
    private final SecureContainerSpec spec;
    private final Set<SpecAttribute> accepted = EnumSet.noneOf(SpecAttribute.class);
    private int replicas = 1;
    private String digest;
    private ImageTrust trust;

    private Builder(SecureContainerSpec spec) {
      this.spec = spec;
    }

    /**
     * <b>Warning: lets the workload run without the spec's {@code attribute}</b>, which Kubernetes cannot
     * carry per pod ({@link SpecAttribute#PIDS_LIMIT}, {@link SpecAttribute#NETWORK},
     * {@link SpecAttribute#CPUSET_CPUS}...; see {@link KubernetesField}). One call per field; each accepted
     * loss is logged as a warning when a workload is rendered, listed by
     * {@link KubernetesWorkload#acceptedLosses()} and reported by the policy rule {@code accepted-loss}
     * through {@link KubernetesWorkload#policyView()}. If not called, a spec with that field is refused.
     */
    public Builder acceptLoss(SpecAttribute attribute) {
      Objects.requireNonNull(attribute, "accepted loss must not be null");
      accepted.add(attribute);
      return this;
    }

    /** The replicas of a {@link KubernetesRenderer#deployment()}, 0 or more. If unset, 1. */
    public Builder replicas(int replicas) {
      if (replicas < 0) {
        throw new IllegalArgumentException("replicas must be at least 0: " + replicas);
      }
      this.replicas = replicas;
      return this;
    }

    /**
     * Renders the spec's image pinned at {@code digest}, the manifest digest its tag was resolved to (by
     * the caller, e.g. {@code skopeo inspect --format '{{.Digest}}' docker://NAME:TAG}, or by Carapace's
     * registry client): the container's {@code image} becomes {@code NAME@sha256:...}, with the tag dropped
     * (containers/image, which podman and CRI-O use, refuses a reference holding both), so the kubelet
     * pulls exactly that content and the {@code image-pinned} rule passes. A spec whose image names a digest
     * already is rendered as written, and needs no call; given one, it must be the same digest. If unset,
     * the image as the spec writes it. To have Carapace resolve the tag and verify its signatures, give an
     * {@link #imageTrust(ImageTrust)} instead (with both, the trust verifies the image at this digest).
     *
     * @throws IllegalArgumentException when {@code digest} is not {@code sha256:} and 64 lower-case hex
     *     digits, when the spec's image is an image id (no registry serves it by name), or names another
     *     digest
     */
    public Builder imageDigest(String digest) {
      Objects.requireNonNull(digest, "image digest must not be null");
      if (!DIGEST.matcher(digest).matches()) {
        throw new IllegalArgumentException("image digest must be sha256: and 64 lower-case hex digits: "
            + shown(digest));
      }
      String image = spec.image();
      if (IMAGE_ID.matcher(image).matches()) {
        throw new IllegalArgumentException("image digest must pin a registry reference, not an image id: " + image
            + " (name the image by repository, e.g. registry.example/app:1)");
      }
      int at = image.indexOf('@');
      if (at >= 0 && !image.substring(at + 1).equals(digest)) {
        throw new IllegalArgumentException("image digest must be the digest the spec's image names: " + digest
            + " for " + image);
      }
      this.digest = digest;
      return this;
    }

    /**
     * Resolves and verifies the spec's image in {@link #build()} as {@code trust}'s rules say, with the same
     * code as {@code ContainerLauncher.Builder.imageTrust(..)}: an image a rule matches is resolved to its
     * manifest digest (the registry's answer at {@code build()}), its cosign signatures are verified, and the
     * workload is rendered with the image pinned, {@code registry/repository@sha256:...} (fully qualified, no
     * tag), so the kubelet pulls the content verified and the {@code image-pinned} and {@code image-signed}
     * rules pass. Refused ({@link ImageTrust.Rule#REQUIRE_SIGNATURE} without a verified signature, or a
     * digest that cannot be resolved): {@code build()} throws the {@link UntrustedImageException} a launch
     * would, naming the image, the digest and the reason. {@link ImageTrust.Rule#WARN_IF_UNSIGNED}: rendered
     * by its digest, with a WARN log. An image no rule matches is rendered as written. The registry is
     * reached with the trust's {@link dev.carapace.core.RegistryAccess}.
     */
    public Builder imageTrust(ImageTrust trust) {
      this.trust = Objects.requireNonNull(trust, "image trust must not be null");
      return this;
    }

    /**
     * The manifest; the spec is judged field by field when a workload is rendered.
     *
     * @throws UntrustedImageException when an {@linkplain #imageTrust image trust} refuses the image
     * @throws IllegalArgumentException when an image trust is given and the image is not a registry reference
     */
    public KubernetesRenderer build() {
      return new KubernetesRenderer(this);
    }
  }

  /**
   * The fields of the spec a workload of {@code kind} cannot carry, accepted or not, in the rows'
   * order.
   */
  public List<Loss> losses(KubernetesWorkload.Kind kind) {
    Objects.requireNonNull(kind, "kind must not be null");
    List<Loss> losses = new ArrayList<>();
    for (KubernetesField f : KubernetesField.values()) {
      f.loss(spec, kind).ifPresent(reason -> losses.add(new Loss(f.attribute(), target(kind), reason)));
    }
    return losses;
  }

  /**
   * The spec as a bare Pod.
   *
   * @throws UncarriableSpecException listing every field a Pod cannot carry whose loss was not accepted
   */
  public KubernetesWorkload<Pod> pod() {
    List<Loss> accepted = check(KubernetesWorkload.Kind.POD);
    PodTemplateSpec t = template(KubernetesWorkload.Kind.POD);
    Pod pod = new PodBuilder().withMetadata(t.getMetadata()).withSpec(t.getSpec()).build();
    return new KubernetesWorkload<>(KubernetesWorkload.Kind.POD, pod, Pod.class, spec, accepted);
  }

  /**
   * The spec as a Deployment of {@link Builder#replicas(int)} pods, selected by
   * {@value #NAME_LABEL}.
   *
   * @throws UncarriableSpecException listing every field a Deployment cannot carry whose loss was not accepted
   */
  public KubernetesWorkload<Deployment> deployment() {
    List<Loss> accepted = check(KubernetesWorkload.Kind.DEPLOYMENT);
    PodTemplateSpec t = template(KubernetesWorkload.Kind.DEPLOYMENT);
    Deployment d = new DeploymentBuilder()
        .withMetadata(new ObjectMetaBuilder().withName(name).withLabels(t.getMetadata().getLabels()).build())
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector().addToMatchLabels(NAME_LABEL, name).endSelector()
        .withTemplate(withoutName(t))
        .endSpec()
        .build();
    return new KubernetesWorkload<>(KubernetesWorkload.Kind.DEPLOYMENT, d, Deployment.class, spec, accepted);
  }

  /**
   * The spec as a Job that runs once: {@code restartPolicy: Never} and {@code backoffLimit: 0} unless the
   * spec restarts on failure, then {@code OnFailure} with its retry limit as {@code backoffLimit}.
   *
   * @throws UncarriableSpecException listing every field a Job cannot carry whose loss was not accepted
   */
  public KubernetesWorkload<Job> job() {
    List<Loss> accepted = check(KubernetesWorkload.Kind.JOB);
    PodTemplateSpec t = template(KubernetesWorkload.Kind.JOB);
    int backoff = spec.restartPolicy().filter(r -> r.kind() == RestartPolicy.Kind.ON_FAILURE)
        .map(RestartPolicy::maxRetries).orElse(0);
    Job j = new JobBuilder()
        .withMetadata(new ObjectMetaBuilder().withName(name).withLabels(t.getMetadata().getLabels()).build())
        .withNewSpec()
        .withBackoffLimit(backoff)
        .withTemplate(withoutName(t))
        .endSpec()
        .build();
    return new KubernetesWorkload<>(KubernetesWorkload.Kind.JOB, j, Job.class, spec, accepted);
  }

  @Override
  public String toString() {
    return "KubernetesRenderer{" + name + ", accepting losses " + accepted + "}";
  }

  private static String target(KubernetesWorkload.Kind kind) {
    return "kubernetes " + kind.kubernetesName();
  }

  private List<Loss> check(KubernetesWorkload.Kind kind) {
    List<Loss> refused = new ArrayList<>();
    List<Loss> acceptedHere = new ArrayList<>();
    for (Loss l : losses(kind)) {
      (accepted.contains(l.attribute()) ? acceptedHere : refused).add(l);
    }
    if (!refused.isEmpty()) {
      throw new UncarriableSpecException(target(kind), refused);
    }
    for (Loss l : acceptedHere) {
      LOG.warn("{} {}: {} is not carried, a loss accepted by acceptLoss(SpecAttribute.{}): {}", target(kind), name,
          l.attribute(), l.attribute().name(), l.reason());
    }
    return acceptedHere;
  }

  private static PodTemplateSpec withoutName(PodTemplateSpec t) {
    return new PodTemplateSpec(new ObjectMetaBuilder().withLabels(t.getMetadata().getLabels()).build(), t.getSpec());
  }

  private boolean lost(SpecAttribute attribute, KubernetesWorkload.Kind kind) {
    return KubernetesField.of(attribute).loss(spec, kind).isPresent();
  }

  private PodTemplateSpec template(KubernetesWorkload.Kind kind) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NAME_LABEL, name);
    labels.put(MANAGED_BY_LABEL, "carapace");
    if (!lost(SpecAttribute.LABELS, kind)) {
      spec.labels().forEach(labels::putIfAbsent);
    }
    if (spec.untrusted()) {
      labels.put(SecureContainerSpec.UNTRUSTED_LABEL, "true");
    }
    ObjectMeta meta = new ObjectMetaBuilder().withName(name).withLabels(labels).build();

    ContainerBuilder c = new ContainerBuilder().withName(name).withImage(spec.image());
    if (!spec.entrypoint().isEmpty()) {
      c.withCommand(spec.entrypoint());
    }
    if (!spec.command().isEmpty()) {
      c.withArgs(spec.command());
    }
    spec.env().forEach((k, v) -> c.addToEnv(new EnvVar(k, v, null)));
    spec.workingDir().ifPresent(w -> c.withWorkingDir(w.toString()));
    c.withSecurityContext(securityContext(kind));
    c.withResources(resources(kind));

    List<Volume> volumes = new ArrayList<>();
    List<VolumeMount> mounts = new ArrayList<>();
    {
      int i = 0;
      for (Mount m : spec.mounts()) {
        if (m.type() == Mount.Type.VOLUME && !m.source().isEmpty() && !KubernetesNames.isDnsSubdomain(m.source())) {
          continue; // refused by the mounts row unless its loss was accepted
        }
        String volume = m.type().dockerName() + "-" + i++;
        VolumeBuilder v = new VolumeBuilder().withName(volume);
        switch (m.type()) {
          case TMPFS:
            v.withNewEmptyDir().withMedium("Memory")
                .withSizeLimit(m.size().map(s -> new Quantity(Resources.memory(s.bytes()))).orElse(null))
                .endEmptyDir();
            break;
          case BIND:
            v.withNewHostPath().withPath(m.source()).endHostPath();
            break;
          default:
            if (m.source().isEmpty()) {
              v.withNewEmptyDir().endEmptyDir();
            } else {
              v.withNewPersistentVolumeClaim().withClaimName(m.source()).withReadOnly(m.readOnly() ? true : null)
                  .endPersistentVolumeClaim();
            }
        }
        volumes.add(v.build());
        mounts.add(new io.fabric8.kubernetes.api.model.VolumeMountBuilder().withName(volume)
            .withMountPath(m.target().toString()).withReadOnly(m.readOnly() ? true : null).build());
      }
    }
    spec.shmSize().ifPresent(shm -> {
      // a pod has no shm size: a memory-backed emptyDir at /dev/shm, as the kubelet sizes it by its sizeLimit
      volumes.add(new VolumeBuilder().withName("shm").withNewEmptyDir().withMedium("Memory")
          .withSizeLimit(new Quantity(Resources.memory(shm.bytes()))).endEmptyDir().build());
      mounts.add(new io.fabric8.kubernetes.api.model.VolumeMountBuilder().withName("shm").withMountPath("/dev/shm")
          .build());
    });
    c.withVolumeMounts(mounts);
    if (spec.tty()) {
      c.withTty(true);
    }
    if (spec.openStdin()) {
      c.withStdin(true);
    }

    if (!lost(SpecAttribute.PORTS, kind)) {
      for (PortBinding p : spec.ports()) {
        ContainerPortBuilder port = new ContainerPortBuilder().withContainerPort(p.containerPort())
            .withProtocol(p.protocol().dockerName().toUpperCase(java.util.Locale.ROOT));
        if (p.hostPort() != 0) {
          port.withHostPort(p.hostPort());
          if (!p.hostIp().isEmpty() && !p.hostIp().equals("0.0.0.0")) {
            port.withHostIP(p.hostIp());
          }
        }
        c.addToPorts(port.build());
      }
    }
    if (!lost(SpecAttribute.HEALTH_CHECK, kind)) {
      spec.healthCheck().flatMap(KubernetesRenderer::probe).ifPresent(c::withReadinessProbe);
    }

    PodSpecBuilder ps = new PodSpecBuilder().withContainers(c.build()).withVolumes(volumes);
    ps.withRestartPolicy(restartPolicy(kind));
    if (!lost(SpecAttribute.HOSTNAME, kind)) {
      spec.hostname().ifPresent(ps::withHostname);
    }
    if (spec.network().kind() == NetworkMode.Kind.HOST) {
      ps.withHostNetwork(true);
    }
    if (spec.init()) {
      ps.withShareProcessNamespace(true);
    }
    spec.stopTimeout().ifPresent(t -> ps.withTerminationGracePeriodSeconds(t.getSeconds()));
    spec.runtime().name().ifPresent(ps::withRuntimeClassName);
    podNetworkFields(ps, kind);
    return new PodTemplateSpec(meta, ps.build());
  }

  /** Host aliases, DNS, sysctls and the platform's node selector: the pod-level rows of issue 23. */
  private void podNetworkFields(PodSpecBuilder ps, KubernetesWorkload.Kind kind) {
    Map<String, List<String>> byIp = new LinkedHashMap<>();
    spec.extraHosts().forEach(h -> byIp.computeIfAbsent(h.ip(), ip -> new ArrayList<>()).add(h.host()));
    byIp.forEach((ip, hosts) -> ps.addNewHostAlias().withIp(ip).withHostnames(hosts).endHostAlias());
    if (!spec.dnsServers().isEmpty()) {
      ps.withDnsPolicy("None");
    }
    if (!spec.dnsServers().isEmpty() || !spec.dnsSearch().isEmpty()) {
      ps.withNewDnsConfig().withNameservers(spec.dnsServers().isEmpty() ? null : spec.dnsServers())
          .withSearches(spec.dnsSearch().isEmpty() ? null : spec.dnsSearch()).endDnsConfig();
    }
    if (!spec.sysctls().isEmpty()) {
      List<io.fabric8.kubernetes.api.model.Sysctl> sysctls = new ArrayList<>();
      spec.sysctls().forEach((k, v) -> sysctls.add(new io.fabric8.kubernetes.api.model.Sysctl(k, v)));
      ps.withNewSecurityContext().withSysctls(sysctls).endSecurityContext();
    }
    if (!lost(SpecAttribute.PLATFORM, kind)) {
      spec.platform().ifPresent(p -> {
        Map<String, String> selector = new LinkedHashMap<>();
        selector.put("kubernetes.io/os", p.split("/")[0]);
        selector.put("kubernetes.io/arch", p.split("/")[1]);
        ps.withNodeSelector(selector);
      });
    }
  }

  private SecurityContext securityContext(KubernetesWorkload.Kind kind) {
    SecurityContextBuilder sc = new SecurityContextBuilder();
    Set<String> drop = new LinkedHashSet<>();
    if (spec.dropAllCapabilities()) {
      drop.add("ALL");
    } else {
      spec.droppedCapabilities().forEach(cap -> drop.add(cap.name()));
    }
    List<String> add = spec.addedCapabilities().stream().map(Capability::name).toList();
    sc.withCapabilities(new Capabilities(add.isEmpty() ? null : add, drop.isEmpty() ? null : List.copyOf(drop)));
    sc.withAllowPrivilegeEscalation(!spec.noNewPrivileges());
    sc.withPrivileged(false);
    sc.withReadOnlyRootFilesystem(spec.readOnlyRootFilesystem());
    Optional<String> user = lost(SpecAttribute.USER, kind) ? Optional.empty() : spec.user();
    if (user.isPresent()) {
      String[] ug = user.get().split(":");
      long uid = Long.parseLong(ug[0]);
      sc.withRunAsUser(uid);
      if (ug.length > 1) {
        sc.withRunAsGroup(Long.parseLong(ug[1]));
      }
      sc.withRunAsNonRoot(uid != 0 ? true : null);
    } else {
      sc.withRunAsNonRoot(true);
    }
    Seccomp s = spec.seccomp();
    switch (s.kind()) {
      case UNCONFINED:
        sc.withNewSeccompProfile().withType("Unconfined").endSeccompProfile();
        break;
      case PROFILE:
        if (s.source().isPresent()) {
          sc.withNewSeccompProfile().withType("Localhost")
              .withLocalhostProfile(s.source().get().getFileName().toString()).endSeccompProfile();
        } else { // an inline profile, refused unless its loss was accepted: the runtime's default, never none
          sc.withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile();
        }
        break;
      default:
        sc.withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile();
    }
    if (!lost(SpecAttribute.SELINUX_LABEL, kind)) {
      spec.selinuxLabel().ifPresent(l -> sc.withSeLinuxOptions(seLinux(l)));
    }
    spec.apparmorProfile().ifPresent(p -> {
      switch (p) {
        case "unconfined":
          sc.withNewAppArmorProfile().withType("Unconfined").endAppArmorProfile();
          break;
        case "docker-default":
        case "runtime/default":
          sc.withNewAppArmorProfile().withType("RuntimeDefault").endAppArmorProfile();
          break;
        default:
          sc.withNewAppArmorProfile().withType("Localhost").withLocalhostProfile(p).endAppArmorProfile();
      }
    });
    return sc.build();
  }

  private static SELinuxOptions seLinux(SelinuxLabel l) {
    return new io.fabric8.kubernetes.api.model.SELinuxOptionsBuilder().withUser(l.user().orElse(null))
        .withRole(l.role().orElse(null)).withType(l.type().orElse(null)).withLevel(l.level().orElse(null)).build();
  }

  private ResourceRequirements resources(KubernetesWorkload.Kind kind) {
    Map<String, Quantity> limits = new LinkedHashMap<>();
    Map<String, Quantity> requests = new LinkedHashMap<>();
    { // a lost cpuPeriod keeps its quota's share of a CPU, under the kubelet's 100 ms period
      Resources.limitMilliCpu(spec).ifPresent(m -> limits.put("cpu", new Quantity(Resources.cpu(m))));
    }
    spec.memoryLimit().ifPresent(m -> limits.put("memory", new Quantity(Resources.memory(m.bytes()))));
    if (!lost(SpecAttribute.CPU_SHARES, kind)) {
      spec.cpuShares().ifPresent(s -> requests.put("cpu", new Quantity(Resources.cpu(Resources.requestMilliCpu(s)))));
    }
    if (limits.isEmpty() && requests.isEmpty()) {
      return null;
    }
    ResourceRequirements r = new ResourceRequirements();
    r.setLimits(limits.isEmpty() ? null : limits);
    r.setRequests(requests.isEmpty() ? null : requests);
    return r;
  }

  private String restartPolicy(KubernetesWorkload.Kind kind) {
    Optional<RestartPolicy.Kind> r = spec.restartPolicy().map(RestartPolicy::kind);
    switch (kind) {
      case DEPLOYMENT:
        return "Always";
      case JOB:
        return r.filter(k -> k == RestartPolicy.Kind.ON_FAILURE).isPresent() ? "OnFailure" : "Never";
      default:
        if (r.isEmpty() || r.get() == RestartPolicy.Kind.NO) {
          return "Never";
        }
        return r.get() == RestartPolicy.Kind.ON_FAILURE ? "OnFailure" : "Always";
    }
  }

  private static Optional<Probe> probe(HealthCheck h) {
    List<String> test = h.test();
    List<String> command;
    switch (test.get(0)) {
      case "CMD":
        command = test.subList(1, test.size());
        break;
      case "CMD-SHELL":
        command = List.of("/bin/sh", "-c", String.join(" ", test.subList(1, test.size())));
        break;
      default:
        return Optional.empty(); // NONE: Kubernetes never runs the image's HEALTHCHECK anyway
    }
    ProbeBuilder p = new ProbeBuilder().withNewExec().withCommand(command).endExec();
    seconds(h.interval()).ifPresent(p::withPeriodSeconds);
    seconds(h.timeout()).ifPresent(p::withTimeoutSeconds);
    seconds(h.startPeriod()).ifPresent(p::withInitialDelaySeconds);
    if (h.retries() > 0) {
      p.withFailureThreshold(h.retries());
    }
    return Optional.of(p.build());
  }

  /** Whole seconds rounded up, at least 1; empty for zero (Kubernetes' default). */
  private static Optional<Integer> seconds(Duration d) {
    if (d == null || d.isZero() || d.isNegative()) {
      return Optional.empty();
    }
    long s = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
    return Optional.of((int) Math.min(Integer.MAX_VALUE, Math.max(1, s)));
  }
}
