package dev.carapace.policy;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The built-in profiles. Each rule cites the standards it implements; a rule two standards share
 * (host PID: CIS 5.15 and the Pod Security Standards' host namespaces) is one rule in both.
 *
 * <ul>
 *   <li>{@link #cisDocker()}: CIS Docker Benchmark 1.6 section 5 (and 4.1, 4.5, 4.6) as far as a
 *       container's configuration shows it. 4.5 (content trust) as the rule {@code image-pinned}: under
 *       content trust the client resolves a tag to its signed digest before create, so the container's
 *       image is {@code name@sha256:...}; a tag shows it was not created so. Not mapped, because a configuration cannot show them:
 *       5.6 (sshd inside), 5.8 (only needed ports open), 5.18 (ulimits, manual), 5.22 and 5.23
 *       ({@code docker exec} options), 5.24 (cgroup usage, manual), 5.27 (latest image).
 *   <li>{@link #podSecurityBaseline()} and {@link #podSecurityRestricted()}: Kubernetes Pod
 *       Security Standards mapped onto Docker's fields: hostNetwork/hostPID/hostIPC onto
 *       {@code --network/--pid/--ipc host}; hostPath volumes onto bind mounts; host ports onto
 *       ports published beyond loopback; {@code procMount} onto {@code MaskedPaths} and
 *       {@code systempaths=unconfined}; {@code allowPrivilegeEscalation} onto
 *       {@code no-new-privileges}; {@code runAsNonRoot} onto the user. HostProcess (Windows) has no
 *       Docker counterpart.
 *   <li>{@link #carapaceDefault()}: restricted plus CIS, what Carapace's hardened defaults aim at, plus
 *       {@code untrusted-sandboxed}: a workload marked untrusted ({@code SecureContainerSpec.Builder#untrusted()},
 *       label {@code dev.carapace.untrusted=true}) must run in a sandboxed runtime such as gVisor; and
 *       {@code accepted-loss}: a field of the spec that the cluster target it runs on cannot carry, lost
 *       by the caller's explicit choice ({@link ContainerView#acceptingLoss}).
 * </ul>
 */
public final class Profiles {
  private static final Policy CIS = Policy.builder("cis-docker-1.6")
      .addRule(BuiltinRules.NON_ROOT_USER)
      .addRule(BuiltinRules.HEALTHCHECK)
      .addRule(BuiltinRules.APPARMOR)
      .addRule(BuiltinRules.SELINUX_ENABLED)
      .addRule(BuiltinRules.CAPABILITIES)
      .addRule(BuiltinRules.PRIVILEGED)
      .addRule(BuiltinRules.SENSITIVE_MOUNTS)
      .addRule(BuiltinRules.PRIVILEGED_PORTS)
      .addRule(BuiltinRules.HOST_NETWORK)
      .addRule(BuiltinRules.MEMORY_LIMIT)
      .addRule(BuiltinRules.CPU_LIMIT)
      .addRule(BuiltinRules.READ_ONLY_ROOTFS)
      .addRule(BuiltinRules.PORTS_ALL_INTERFACES)
      .addRule(BuiltinRules.RESTART_POLICY)
      .addRule(BuiltinRules.HOST_PID)
      .addRule(BuiltinRules.HOST_IPC)
      .addRule(BuiltinRules.HOST_DEVICES)
      .addRule(BuiltinRules.MOUNT_PROPAGATION)
      .addRule(BuiltinRules.HOST_UTS)
      .addRule(BuiltinRules.SECCOMP)
      .addRule(BuiltinRules.NO_NEW_PRIVILEGES)
      .addRule(BuiltinRules.PIDS_LIMIT)
      .addRule(BuiltinRules.DEFAULT_BRIDGE)
      .addRule(BuiltinRules.HOST_USERNS)
      .addRule(BuiltinRules.DOCKER_SOCKET)
      .addRule(BuiltinRules.IMAGE_PINNED)
      .build();

  private static final Policy BASELINE = Policy.builder("pss-baseline")
      .addRule(BuiltinRules.HOST_NETWORK)
      .addRule(BuiltinRules.HOST_PID)
      .addRule(BuiltinRules.HOST_IPC)
      .addRule(BuiltinRules.PRIVILEGED)
      .addRule(BuiltinRules.BASELINE_CAPS)
      .addRule(BuiltinRules.HOST_PATH_VOLUMES)
      .addRule(BuiltinRules.HOST_PORTS)
      .addRule(BuiltinRules.APPARMOR)
      .addRule(BuiltinRules.SELINUX_TYPE)
      .addRule(BuiltinRules.PROC_MOUNT)
      .addRule(BuiltinRules.SECCOMP)
      .addRule(BuiltinRules.SYSCTLS)
      .build();

  private static final Policy RESTRICTED = Policy.builder("pss-restricted")
      .addProfile(BASELINE)
      .addRule(BuiltinRules.NO_NEW_PRIVILEGES)
      .addRule(BuiltinRules.NON_ROOT_USER)
      .addRule(BuiltinRules.RESTRICTED_CAPS)
      .build();

  private static final Policy DEFAULT = Policy.builder("carapace-default")
      .addProfile(RESTRICTED)
      .addProfile(CIS)
      .addRule(BuiltinRules.UNTRUSTED_SANDBOXED)
      .addRule(BuiltinRules.ACCEPTED_LOSS)
      .build();

  private Profiles() {}

  /** CIS Docker Benchmark 1.6, section 5 and 4.1/4.5/4.6, as far as configuration shows them. */
  public static Policy cisDocker() {
    return CIS;
  }

  /** Kubernetes Pod Security Standards, baseline, mapped onto Docker. */
  public static Policy podSecurityBaseline() {
    return BASELINE;
  }

  /** Kubernetes Pod Security Standards, restricted (baseline and more), mapped onto Docker. */
  public static Policy podSecurityRestricted() {
    return RESTRICTED;
  }

  /** Carapace's default: restricted plus CIS, plus {@code untrusted-sandboxed}. */
  public static Policy carapaceDefault() {
    return DEFAULT;
  }

  /** The four built-in profiles. */
  public static List<Policy> all() {
    return List.of(CIS, BASELINE, RESTRICTED, DEFAULT);
  }

  /**
   * The {@code untrusted-sandboxed} rule allowing the runtimes {@code names} besides those
   * {@code ContainerRuntime.isSandboxed()} knows by name (gVisor's {@code runsc}, Kata Containers' {@code kata*}),
   * for a sandbox the engine registers under its own name: {@code Policy.builder("mine")
   * .addProfile(carapaceDefault()).removeRule("untrusted-sandboxed")
   * .addRule(Profiles.sandboxedRuntimesAllowing("gvisor-kvm")).build()}.
   *
   * @throws IllegalArgumentException naming a name that is not a runtime name
   */
  public static Rule sandboxedRuntimesAllowing(String... names) {
    Objects.requireNonNull(names, "sandboxed runtime names must not be null");
    for (String n : names) {
      Objects.requireNonNull(n, "sandboxed runtime name must not be null");
    }
    return BuiltinRules.untrustedSandboxed(Set.of(names));
  }

  /**
   * The rule {@code image-signed} (HIGH; CIS Docker 1.6 4.5): the digest a container runs carries a cosign
   * signature by one of {@code trust}'s keys, where {@code trust}'s rule for the image requires one
   * ({@code requireSignature(pattern)}); where it only warns ({@code warnIfUnsigned}) an unsigned image is a
   * note, and images it has no signature rule for pass. Add it to a policy to have an enforcing
   * {@link PolicyCheck} refuse an unsigned image before any create, {@link EngineAudit} report the running
   * containers whose digest is unsigned, and the cluster module's {@code ManifestAudit} the manifests:
   * {@code Policy.builder("signed").addProfile(carapaceDefault()).addRule(Profiles.imageSignedBy(trust)).build()}.
   *
   * <p>A spec's or a manifest's image is judged as named (a tag is resolved to its digest now, as a launch
   * would); a running container's is the digest it runs: its {@code Config.Image} digest, or, when it was
   * created by tag, its image's {@code RepoDigests} entry for that repository (an image built or loaded on
   * the engine has none, and cannot be verified). Every judgement asks the registry through the trust's
   * {@code RegistryAccess}; the trust remembers verified digests.
   */
  public static Rule imageSignedBy(dev.carapace.core.ImageTrust trust) {
    Objects.requireNonNull(trust, "image trust must not be null");
    return BuiltinRules.imageSigned(trust, Map.of());
  }

  /**
   * The rule {@code image-signed} as {@link #imageSignedBy(dev.carapace.core.ImageTrust)}, judging an image
   * that one of {@code verifications} names (its {@linkplain dev.carapace.core.ImageVerification#image() image
   * as given} to {@code trust.verify}) by that verification instead of asking the registry again; any other
   * image is verified through {@code trust}. For a caller that verified the images already and reports both
   * what it verified and the policy's findings, as {@code carapace image verify} does: each image's signatures
   * are then read once (a refusal is not remembered by the trust). A verification is the answer of its moment:
   * the rule does not see a signature pushed, or a tag moved, after it was made.
   *
   * @throws IllegalArgumentException when a verification's rule is not {@code trust}'s for its image (it was
   *     made by another trust), or two verifications name the same image
   */
  public static Rule imageSignedBy(dev.carapace.core.ImageTrust trust,
      Collection<dev.carapace.core.ImageVerification> verifications) {
    Objects.requireNonNull(trust, "image trust must not be null");
    Objects.requireNonNull(verifications, "image verifications must not be null");
    Map<String, dev.carapace.core.ImageVerification> byImage = new LinkedHashMap<>();
    for (dev.carapace.core.ImageVerification v : verifications) {
      Objects.requireNonNull(v, "image verification must not be null");
      if (trust.ruleFor(v.image()) != v.rule()) {
        throw new IllegalArgumentException("image verification must be made by the rule's trust: " + v.image()
            + " was verified under " + v.rule() + ", the trust's rule for it is " + trust.ruleFor(v.image()));
      }
      if (byImage.putIfAbsent(v.image(), v) != null) {
        throw new IllegalArgumentException("image verifications must name each image once: " + v.image());
      }
    }
    return BuiltinRules.imageSigned(trust, Map.copyOf(byImage));
  }

  /**
   * The PSS baseline SELinux rule ({@code selinux-type}) allowing {@code types} besides the
   * container types, for a reviewed custom domain such as one {@link SelinuxModule} generates:
   * {@code Policy.builder("mine").addProfile(carapaceDefault()).removeRule("selinux-type")
   * .addRule(Profiles.selinuxTypeAllowing("web_t")).build()}.
   */
  public static Rule selinuxTypeAllowing(String... types) {
    Objects.requireNonNull(types, "selinux types must not be null");
    return BuiltinRules.selinuxType(Set.of(types));
  }

  /**
   * The {@code seccomp-recorded-profile-unused} rule: a note (not a violation: the engine's default
   * profile passes the {@code seccomp} rule) for each container of an image in {@code byImage}
   * (the image reference exactly as the spec names it) that runs with the engine's default seccomp
   * profile though a profile was recorded for it ({@link SyscallRecorder}):
   * {@code Policy.builder("mine").addProfile(carapaceDefault())
   * .addRule(Profiles.recordedSeccompProfiles(Map.of("web:1", profile))).build()}.
   */
  public static Rule recordedSeccompProfiles(java.util.Map<String, RecordedSeccompProfile> byImage) {
    Objects.requireNonNull(byImage, "recorded seccomp profiles must not be null");
    return BuiltinRules.recordedSeccompProfiles(byImage);
  }
}
