package dev.carapace.cluster;

import dev.carapace.core.Mount;
import dev.carapace.core.NetworkMode;
import dev.carapace.core.RestartPolicy;
import dev.carapace.core.Seccomp;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SpecAttribute;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One row per attribute of a {@code SecureContainerSpec}: how a Kubernetes workload carries it, or why
 * it cannot. Keyed by {@link SpecAttribute}; a unit test fails when a spec attribute has no row, so a
 * new field cannot be forgotten by the renderer. {@link KubernetesRenderer} refuses a spec before rendering when a row finds a loss the
 * caller did not accept, and the README's field table takes its Kubernetes column from
 * {@link #describe()}.
 */
public enum KubernetesField {
  IMAGE(SpecAttribute.IMAGE, "`image` as written (`NAME@sha256:...` kept intact); a tag at the digest it resolved to"
      + " with `imageDigest(..)`: `NAME@sha256:...`"),
  COMMAND(SpecAttribute.COMMAND, "`args` (Docker's CMD)"),
  ENTRYPOINT(SpecAttribute.ENTRYPOINT, "`command` (Docker's ENTRYPOINT)"),
  ENV(SpecAttribute.ENV, "`env` (the values are written into the manifest: keep secrets in a Secret)"),
  WORKING_DIR(SpecAttribute.WORKING_DIR, "`workingDir`"),
  USER(SpecAttribute.USER, "numeric `runAsUser`/`runAsGroup`, `runAsNonRoot` unless uid 0; unset: `runAsNonRoot: true`;"
      + " a user name is refused") {
    @Override
    Optional<String> loss(SecureContainerSpec spec, KubernetesWorkload.Kind kind) {
      return spec.user().filter(u -> !NUMERIC_USER.matcher(u).matches())
          .map(u -> "kubernetes needs a numeric runAsUser and runAsGroup: " + u + " (use user(\"1000:1000\"))");
    }
  },
  LABELS(SpecAttribute.LABELS, "pod `metadata.labels`; a key or value Kubernetes does not allow is refused") {
    @Override
    Optional<String> loss(SecureContainerSpec spec, KubernetesWorkload.Kind kind) {
      for (Map.Entry<String, String> e : spec.labels().entrySet()) {
        if (!KubernetesNames.isLabelKey(e.getKey())) {
          return Optional.of("kubernetes label keys are [prefix/]name with a name of at most 63 characters"
              + " [A-Za-z0-9_.-]: " + e.getKey());
        }
        if (!KubernetesNames.isLabelValue(e.getValue())) {
          return Optional.of("kubernetes label values are at most 63 characters [A-Za-z0-9_.-]: the value of "
              + e.getKey());
        }
      }
      return Optional.empty();
    }
  },
  NAME(SpecAttribute.NAME, "`metadata.name` and the container's name; unset: from the image; refused unless a DNS-1123 label") {
    @Override
    Optional<String> loss(SecureContainerSpec spec, KubernetesWorkload.Kind kind) {
      return spec.name().filter(n -> !KubernetesNames.isDnsLabel(n))
          .map(n -> "kubernetes names are DNS-1123 labels (lower case letters, digits and '-', at most 63): " + n);
    }
  },
  HOSTNAME(SpecAttribute.HOSTNAME, "pod `hostname`; refused unless a DNS-1123 label (no dots)") {
    @Override
    Optional<String> loss(SecureContainerSpec spec, KubernetesWorkload.Kind kind) {
      return spec.hostname().filter(h -> !KubernetesNames.isDnsLabel(h))
          .map(h -> "a pod's hostname is a DNS-1123 label (lower case, no dots): " + h);
    }
  },
  EXTRA_HOSTS(SpecAttribute.EXTRA_HOSTS, "pod `hostAliases`, one entry per address with its host names"),
  DNS_SERVERS(SpecAttribute.DNS_SERVERS, "`dnsPolicy: None` and `dnsConfig.nameservers` (the cluster's DNS is replaced, as"
      + " Docker replaces the host's)"),
  DNS_SEARCH(SpecAttribute.DNS_SEARCH, "`dnsConfig.searches`: after the cluster's own search domains unless dnsServers"
      + " is set too (then `dnsPolicy: None` makes them the only ones, as in Docker)"),
  DROP_ALL_CAPABILITIES(SpecAttribute.DROP_ALL_CAPABILITIES, "`capabilities.drop: [ALL]`; kept defaults are the runtime's"
      + " (containerd's and CRI-O's sets differ from Docker's)"),
  ADDED_CAPABILITIES(SpecAttribute.ADDED_CAPABILITIES, "`capabilities.add`"),
  DROPPED_CAPABILITIES(SpecAttribute.DROPPED_CAPABILITIES, "`capabilities.drop`"),
  NO_NEW_PRIVILEGES(SpecAttribute.NO_NEW_PRIVILEGES, "`allowPrivilegeEscalation: false`"),
  SECCOMP(SpecAttribute.SECCOMP, "`seccompProfile`: `RuntimeDefault` written explicitly, `Unconfined`, or `Localhost` with the"
      + " file's name (it must exist in the kubelet's seccomp directory on every node); inline JSON is refused") {
    @Override
    Optional<String> loss(SecureContainerSpec spec, KubernetesWorkload.Kind kind) {
      Seccomp s = spec.seccomp();
      if (s.kind() == Seccomp.Kind.PROFILE && s.source().isEmpty()) {
        return Optional.of("kubernetes loads a Localhost seccomp profile from a file on the node: an inline profile"
            + " has no file (write it under the kubelet's seccomp directory and use Seccomp.profile(file))");
      }
      return Optional.empty();
    }
  },
  SELINUX_LABEL(SpecAttribute.SELINUX_LABEL, "`seLinuxOptions`; `label=disable` is refused") {
    @Override
    Optional<String> loss(SecureContainerSpec spec, KubernetesWorkload.Kind kind) {
      return spec.selinuxLabel().filter(l -> l.disabled())
          .map(l -> "kubernetes has no per-pod label=disable: seLinuxOptions can only name a user, role, type and level");
    }
  },
  APPARMOR_PROFILE(SpecAttribute.APPARMOR_PROFILE, "`appArmorProfile` (Kubernetes 1.30+; older clusters read the"
      + " `container.apparmor.security.beta.kubernetes.io` annotation, which is not written)"),
  CPUSET_CPUS(SpecAttribute.CPUSET_CPUS, "refused: no per-pod cpuset (the kubelet's static CPU manager pins whole CPUs of"
      + " Guaranteed pods)") {
    @Override
    Optional<String> loss(SecureContainerSpec spec, KubernetesWorkload.Kind kind) {
      return spec.cpusetCpus().map(c -> "kubernetes has no per-pod cpuset: the kubelet's static CPU manager pins"
          + " whole CPUs of Guaranteed pods");
    }
  },
  CPU_SHARES(SpecAttribute.CPU_SHARES, "`requests.cpu`, shares × 1000 / 1024 millicores rounded up (the kubelet maps them"
      + " back to shares × 1024 / 1000)") {
    @Override
    Optional<String> loss(SecureContainerSpec spec, KubernetesWorkload.Kind kind) {
      if (spec.cpuShares().isEmpty()) {
        return Optional.empty();
      }
      long request = Resources.requestMilliCpu(spec.cpuShares().getAsInt());
      return Resources.limitMilliCpu(spec).filter(limit -> request > limit)
          .map(limit -> "kubernetes needs the cpu request at most the cpu limit: " + request + "m > " + limit
              + "m (cpuShares " + spec.cpuShares().getAsInt() + " against the quota)");
    }
  },
  CPU_QUOTA(SpecAttribute.CPU_QUOTA, "`limits.cpu`, quota / period in whole millicores"),
  CPU_PERIOD(SpecAttribute.CPU_PERIOD, "only 100000 µs, the kubelet's fixed CFS period; other periods are refused") {
    @Override
    Optional<String> loss(SecureContainerSpec spec, KubernetesWorkload.Kind kind) {
      return spec.cpuPeriod().stream().filter(p -> p != Resources.KUBELET_CFS_PERIOD).boxed().findFirst()
          .map(p -> "the kubelet uses a fixed 100000 microsecond cfs period (another needs its"
              + " CustomCPUCFSQuotaPeriod feature gate): " + p);
    }
  },
  NANO_CPUS(SpecAttribute.NANO_CPUS, "`limits.cpu` in whole millicores"),
  MEMORY_LIMIT(SpecAttribute.MEMORY_LIMIT, "`limits.memory`"),
  MEMORY_SWAP(SpecAttribute.MEMORY_SWAP, "refused: swap is the node's `memorySwap.swapBehavior`, not per pod") {
    @Override
    Optional<String> loss(SecureContainerSpec spec, KubernetesWorkload.Kind kind) {
      return spec.memorySwap().map(s -> "kubernetes has no per-pod swap limit: swap is the node's"
          + " memorySwap.swapBehavior");
    }
  },
  PIDS_LIMIT(SpecAttribute.PIDS_LIMIT, "refused: the kubelet's `podPidsLimit` is per node") {
    @Override
    Optional<String> loss(SecureContainerSpec spec, KubernetesWorkload.Kind kind) {
      return spec.pidsLimit().stream().boxed().findFirst().map(p -> "kubernetes has no per-pod pids limit: the"
          + " kubelet's podPidsLimit applies to every pod of a node");
    }
  },
  SHM_SIZE(SpecAttribute.SHM_SIZE, "an `emptyDir` of medium `Memory` with that `sizeLimit` mounted at `/dev/shm` (a pod"
      + " has no shm size; the kubelet sizes a memory-backed emptyDir's tmpfs by its sizeLimit)"),
  SYSCTLS(SpecAttribute.SYSCTLS, "pod `securityContext.sysctls`; one outside Kubernetes' safe set needs the kubelet's"
      + " `--allowed-unsafe-sysctls` (and Pod Security baseline refuses it)"),
  ULIMITS(SpecAttribute.ULIMITS, "refused: pods take the container runtime's rlimits") {
    @Override
    Optional<String> loss(SecureContainerSpec spec, KubernetesWorkload.Kind kind) {
      return spec.ulimits().isEmpty() ? Optional.empty()
          : Optional.of("kubernetes has no per-pod ulimits: pods take the container runtime's rlimits");
    }
  },
  LOG_CONFIG(SpecAttribute.LOG_CONFIG, "refused: the kubelet writes container logs to files on the node") {
    @Override
    Optional<String> loss(SecureContainerSpec spec, KubernetesWorkload.Kind kind) {
      return spec.logConfig().map(l -> "kubernetes has no per-pod log driver: the kubelet writes container logs"
          + " to files on the node (ship them with a node agent)");
    }
  },
  READ_ONLY_ROOT_FILESYSTEM(SpecAttribute.READ_ONLY_ROOT_FILESYSTEM, "`readOnlyRootFilesystem`"),
  MOUNTS(SpecAttribute.MOUNTS, "tmpfs: `emptyDir` of medium `Memory` with its `sizeLimit`; volume: `persistentVolumeClaim`"
      + " of that name; bind: `hostPath` (Pod Security baseline refuses it)") {
    @Override
    Optional<String> loss(SecureContainerSpec spec, KubernetesWorkload.Kind kind) {
      for (Mount m : spec.mounts()) {
        if (m.type() == Mount.Type.VOLUME && !m.source().isEmpty() && !KubernetesNames.isDnsSubdomain(m.source())) {
          return Optional.of("a persistentVolumeClaim name is a DNS-1123 subdomain (lower case): " + m.source());
        }
      }
      return Optional.empty();
    }
  },
  NETWORK(SpecAttribute.NETWORK, "bridge: the pod network; host: `hostNetwork: true`; none, another container's and named"
      + " networks are refused (a pod always joins the cluster network: a deny-all NetworkPolicy comes closest"
      + " to none)") {
    @Override
    Optional<String> loss(SecureContainerSpec spec, KubernetesWorkload.Kind kind) {
      NetworkMode n = spec.network();
      switch (n.kind()) {
        case BRIDGE:
        case HOST:
          return Optional.empty();
        case NONE:
          return Optional.of("a pod always joins the cluster network: --network none has no per-pod counterpart"
              + " (a NetworkPolicy denying all ingress and egress comes closest)");
        default:
          return Optional.of("a pod joins the cluster network, not another container's or a named network: " + n);
      }
    }
  },
  NETWORK_ALIASES(SpecAttribute.NETWORK_ALIASES, "refused: a pod has one network and no aliases on it (a Service"
      + " names its pods)") {
    @Override
    Optional<String> loss(SecureContainerSpec spec, KubernetesWorkload.Kind kind) {
      return spec.networkAliases().isEmpty() ? Optional.empty()
          : Optional.of("a pod has no network aliases: " + spec.networkAliases() + " (a Service names its pods)");
    }
  },
  ADDITIONAL_NETWORKS(SpecAttribute.ADDITIONAL_NETWORKS, "refused: a pod joins one network, the cluster's (more need a"
      + " CNI meta-plugin such as Multus)") {
    @Override
    Optional<String> loss(SecureContainerSpec spec, KubernetesWorkload.Kind kind) {
      return spec.additionalNetworks().isEmpty() ? Optional.empty()
          : Optional.of("a pod joins the cluster network only, not more networks: " + spec.additionalNetworks());
    }
  },
  PORTS(SpecAttribute.PORTS, "`containerPort` and protocol; a fixed host port also `hostPort` and `hostIP` (Pod Security"
      + " baseline refuses host ports)"),
  RESTART_POLICY(SpecAttribute.RESTART_POLICY, "Pod: `restartPolicy` (no: Never, on-failure: OnFailure, always and"
      + " unless-stopped: Always; a retry limit is refused); Job: `restartPolicy` Never or OnFailure with"
      + " `backoffLimit`; Deployment: Always only") {
    @Override
    Optional<String> loss(SecureContainerSpec spec, KubernetesWorkload.Kind kind) {
      if (spec.restartPolicy().isEmpty()) {
        return Optional.empty();
      }
      RestartPolicy r = spec.restartPolicy().get();
      switch (kind) {
        case POD:
          return r.kind() == RestartPolicy.Kind.ON_FAILURE && r.maxRetries() > 0
              ? Optional.of("a pod restarts without a retry limit: " + r + " (render a job, whose backoffLimit"
                  + " counts retries)")
              : Optional.empty();
        case DEPLOYMENT:
          return r.kind() == RestartPolicy.Kind.ALWAYS || r.kind() == RestartPolicy.Kind.UNLESS_STOPPED
              ? Optional.empty()
              : Optional.of("a deployment's pods always restart: " + r);
        case JOB:
          if (r.kind() == RestartPolicy.Kind.ALWAYS || r.kind() == RestartPolicy.Kind.UNLESS_STOPPED) {
            return Optional.of("a job's pods restart never or on failure: " + r);
          }
          return r.kind() == RestartPolicy.Kind.ON_FAILURE && r.maxRetries() == 0
              ? Optional.of("a job retries at most backoffLimit times: " + r + " (give onFailure(n) a maximum)")
              : Optional.empty();
        default:
          throw new IllegalStateException("unknown kind: " + kind);
      }
    }
  },
  HEALTH_CHECK(SpecAttribute.HEALTH_CHECK, "exec `readinessProbe` (like Docker, it reports health and restarts nothing;"
      + " durations rounded up to seconds)"),
  INIT(SpecAttribute.INIT, "`shareProcessNamespace: true`: the pod's pause process is PID 1 and reaps zombies"),
  STOP_SIGNAL(SpecAttribute.STOP_SIGNAL, "refused: the image's STOPSIGNAL applies (a per-pod stop signal needs Kubernetes"
      + " 1.33's alpha ContainerStopSignals)") {
    @Override
    Optional<String> loss(SecureContainerSpec spec, KubernetesWorkload.Kind kind) {
      return spec.stopSignal().map(s -> "kubernetes sends the image's STOPSIGNAL or SIGTERM: a per-pod stop signal"
          + " needs the alpha ContainerStopSignals of 1.33");
    }
  },
  STOP_TIMEOUT(SpecAttribute.STOP_TIMEOUT, "`terminationGracePeriodSeconds`"),
  RUNTIME(SpecAttribute.RUNTIME, "`runtimeClassName` (a RuntimeClass of that name, such as runsc, must exist)"),
  PLATFORM(SpecAttribute.PLATFORM, "`nodeSelector` `kubernetes.io/os` and `kubernetes.io/arch`; a variant is refused"
      + " (no well-known node label carries it)") {
    @Override
    Optional<String> loss(SecureContainerSpec spec, KubernetesWorkload.Kind kind) {
      return spec.platform().filter(p -> p.split("/").length > 2)
          .map(p -> "kubernetes selects nodes by os and arch only, not a variant: " + p);
    }
  },
  TTY(SpecAttribute.TTY, "container `tty`"),
  OPEN_STDIN(SpecAttribute.OPEN_STDIN, "container `stdin`"),
  UNTRUSTED(SpecAttribute.UNTRUSTED, "label `dev.carapace.untrusted: \"true\"`");

  private static final Pattern NUMERIC_USER = Pattern.compile("[0-9]+(:[0-9]+)?");

  private final SpecAttribute attribute;
  private final String description;

  KubernetesField(SpecAttribute attribute, String description) {
    this.attribute = attribute;
    this.description = description;
  }

  /** The spec attribute this row decides. */
  public SpecAttribute attribute() {
    return attribute;
  }

  /**
   * How a Kubernetes workload carries the attribute, or why it cannot, in one line of Markdown: the
   * README's field table shows it in its Kubernetes column.
   */
  public String describe() {
    return description;
  }

  private static final Map<SpecAttribute, KubernetesField> BY_ATTRIBUTE = new EnumMap<>(SpecAttribute.class);

  static {
    for (KubernetesField f : values()) {
      if (BY_ATTRIBUTE.put(f.attribute, f) != null) {
        throw new IllegalStateException("spec attribute has two kubernetes rows: " + f.attribute);
      }
    }
  }

  /**
   * The row of {@code attribute}: every spec attribute has one.
   *
   * @throws IllegalStateException when no row decides it (a unit test keeps that from happening)
   */
  public static KubernetesField of(SpecAttribute attribute) {
    KubernetesField f = BY_ATTRIBUTE.get(java.util.Objects.requireNonNull(attribute, "attribute must not be null"));
    if (f == null) {
      throw new IllegalStateException("spec attribute has no kubernetes row: " + attribute);
    }
    return f;
  }

  /**
   * Why a workload of {@code kind} cannot carry this attribute of {@code spec}; empty when it can (or the
   * spec leaves it unset).
   */
  Optional<String> loss(SecureContainerSpec spec, KubernetesWorkload.Kind kind) {
    return Optional.empty();
  }
}
