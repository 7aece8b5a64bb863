package dev.carapace.policy;

import static dev.carapace.policy.Severity.CRITICAL;
import static dev.carapace.policy.Severity.HIGH;
import static dev.carapace.policy.Severity.LOW;
import static dev.carapace.policy.Severity.MEDIUM;

import dev.carapace.core.Capability;
import dev.carapace.core.ContainerRuntime;
import dev.carapace.core.ImageTrust;
import dev.carapace.core.ImageVerification;
import dev.carapace.core.RestartPolicy;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SecurityOptions;
import dev.carapace.policy.internal.HostPaths;
import dev.carapace.policy.internal.ImagePins;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The built-in rules, each written once and shared by the profiles that cite it. */
final class BuiltinRules {
  private static final String CIS = "CIS Docker 1.6 ";
  private static final String BASELINE = "PSS baseline: ";
  private static final String RESTRICTED = "PSS restricted: ";

  /** Capabilities PSS baseline lets a container add (Docker's defaults without NET_RAW). */
  private static final Set<Capability> BASELINE_CAPABILITIES = EnumSet.of(Capability.AUDIT_WRITE,
      Capability.CHOWN, Capability.DAC_OVERRIDE, Capability.FOWNER, Capability.FSETID, Capability.KILL,
      Capability.MKNOD, Capability.NET_BIND_SERVICE, Capability.SETFCAP, Capability.SETGID,
      Capability.SETPCAP, Capability.SETUID, Capability.SYS_CHROOT);

  /** Sysctls PSS baseline allows: namespaced, isolated from other containers. */
  private static final Set<String> SAFE_SYSCTLS = SecureContainerSpec.KUBERNETES_SAFE_SYSCTLS;

  /** SELinux types PSS baseline allows. */
  private static final Set<String> BASELINE_SELINUX_TYPES =
      Set.of("container_t", "container_init_t", "container_kvm_t", "container_engine_t");

  private BuiltinRules() {}

  private static String sorted(Set<Capability> caps) {
    List<String> names = new ArrayList<>();
    caps.forEach(c -> names.add(c.name()));
    return names.toString();
  }

  /**
   * The capabilities {@code added} names beyond {@code allowed}, in kernel order, then the names no
   * {@link Capability} matches (an engine refused them at create, or knows more than Carapace): each
   * counts as beyond what is allowed. Empty when none.
   */
  private static List<String> beyond(CapabilitiesView added, Set<Capability> allowed) {
    List<String> names = new ArrayList<>();
    for (Capability c : added.named()) {
      if (!allowed.contains(c)) {
        names.add(c.name());
      }
    }
    names.addAll(added.unknown());
    return names;
  }

  /** The user part of {@code user[:group]}, trimmed. */
  private static String userPart(String user) {
    String u = user.trim();
    int colon = u.indexOf(':');
    return colon < 0 ? u : u.substring(0, colon).trim();
  }

  /**
   * Whether {@code user[:group]} runs as root: empty (Docker's default), {@code root}, or uid 0
   * in any spelling ({@code 0}, {@code 00}), whatever the group.
   */
  static boolean isRoot(String user) {
    String u = userPart(user);
    if (u.isEmpty() || u.equals("root")) {
      return true;
    }
    if (u.chars().allMatch(Character::isDigit)) {
      return u.chars().allMatch(c -> c == '0');
    }
    return false;
  }

  /**
   * Whether an engine's runtime name is a sandboxed runtime ({@link ContainerRuntime#isSandboxed()}); a
   * name that is no runtime name is not.
   */
  private static boolean sandboxed(String runtime) {
    try {
      return ContainerRuntime.named(runtime).isSandboxed();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String quoted(String s) {
    return s.isEmpty() ? "\"\"" : s;
  }

  // ---------------------------------------------------------------- user and image

  /**
   * For a spec that leaves {@code what} to an image nobody inspected: reports that it is unknown
   * and returns true.
   */
  private static boolean imageNotInspected(ContainerView c, Rule.Findings f, String attribute, String problem,
      String what, String setter) {
    if (c.imageFacts().isPresent()) {
      return false;
    }
    f.violation(attribute, problem, "unset (the image's " + what + ", not inspected)", "set " + setter
        + ", or judge with ContainerView.of(spec, engineAudit.imageFacts(image)) so the image's " + what
        + " counts");
    return true;
  }

  static final Rule NON_ROOT_USER = Rule.builder("non-root-user")
      .title("Containers run as a non-root user")
      .severity(HIGH)
      .addStandard(CIS + "4.1")
      .addStandard(RESTRICTED + "Running as Non-root")
      .remedy("run as an unprivileged user: user(\"1000:1000\") (docker run -u 1000:1000), or USER 1000:1000 in the Dockerfile")
      .check((c, f) -> {
        if (c.user().isPresent() && !c.user().get().isEmpty()) {
          if (isRoot(c.user().get())) {
            f.violation("user", "must not be root", c.user().get());
          }
          return;
        }
        if (c.origin() == ContainerView.Origin.ENGINE) {
          f.violation("user", "must not be root", "\"\" (root, the engine's default)");
          return;
        }
        if (imageNotInspected(c, f, "user", "must be known not to be root", "USER", "user(\"1000:1000\")")) {
          return;
        }
        String imageUser = c.imageFacts().get().user();
        if (isRoot(imageUser)) {
          f.violation("user", "must not be root", "unset, and image " + c.image()
              + (imageUser.isEmpty() ? " sets no USER (root)" : " sets USER " + imageUser));
        }
      })
      .build();

  static final Rule HEALTHCHECK = Rule.builder("healthcheck")
      .title("Container health is checked at runtime")
      .severity(LOW)
      .addStandard(CIS + "4.6")
      .addStandard(CIS + "5.26")
      .remedy("set healthCheck(HealthCheck.shell(\"...\")) (--health-cmd), or HEALTHCHECK in the Dockerfile")
      .check((c, f) -> {
        if (c.healthcheck().isPresent()) {
          List<String> test = c.healthcheck().get();
          if (test.isEmpty() || test.get(0).equals("NONE")) {
            f.violation("healthcheck", "must not be disabled", String.valueOf(test));
          }
          return;
        }
        if (c.origin() == ContainerView.Origin.ENGINE) {
          f.violation("healthcheck", "must be set", "none");
          return;
        }
        if (imageNotInspected(c, f, "healthcheck", "must be known to be set", "HEALTHCHECK",
            "healthCheck(HealthCheck.shell(\"...\"))")) {
          return;
        }
        Optional<List<String>> image = c.imageFacts().get().healthcheck();
        if (image.isEmpty()) {
          f.violation("healthcheck", "must be set", "unset, and image " + c.image() + " has no HEALTHCHECK");
        } else if (image.get().get(0).equals("NONE")) {
          f.violation("healthcheck", "must not be disabled", "unset, and image " + c.image()
              + " disables its HEALTHCHECK");
        }
      })
      .build();

  // ---------------------------------------------------------------- provenance

  /**
   * The image is named by content, not by a tag. Pinned: a digest after {@code @} ({@code name@sha256:...},
   * {@code name:tag@sha256:...}); on an engine or in a spec also an image id ({@code sha256:<64 hex>}, the
   * digest of the image's configuration, which names the content on that engine). Not pinned: a tag, or a
   * bare name (the engine reads {@code :latest}), <em>even when the image behind it has a
   * {@code RepoDigests} entry</em>: that entry says which registry manifest the local image matched when
   * it was pulled or pushed, not what the container's creator asked for, and the next create or pull by
   * that tag may get other content. Under Docker Content Trust the client resolves a tag to its signed
   * digest before create, so a container created under it records {@code name@sha256:...} as its
   * {@code Config.Image} (CIS 4.5). A Kubernetes manifest's image is pinned only by a digest.
   */
  static final Rule IMAGE_PINNED = Rule.builder("image-pinned")
      .title("The image is pinned by digest (name@sha256:...), so no tag can swap it between check and start")
      .severity(LOW)
      .addStandard(CIS + "4.5")
      .addStandard("NIST SP 800-190 4.2.2 (immutable image names)")
      .remedy("name the image by digest: image(\"registry.example/app@sha256:...\") (docker run"
          + " registry.example/app@sha256:...); a pulled image's digest is in docker image inspect --format"
          + " '{{.RepoDigests}}' IMAGE")
      .check((c, f) -> {
        if (c.imageDigest().isPresent()
            || (c.origin() != ContainerView.Origin.MANIFEST && ImagePins.isImageId(c.image()))) {
          return;
        }
        String image = c.image();
        StringBuilder value = new StringBuilder(image.isEmpty() ? "\"\"" : image);
        value.append(image.indexOf('@') >= 0 ? " (a digest the engine cannot pull by)"
            : ImagePins.isImageId(image) ? " (an image id, which the kubelet pulls as a name)"
            : ImagePins.hasTag(image) ? " (a tag)" : " (no tag: :latest)");
        List<String> repoDigests = c.imageFacts().map(ImageFacts::repoDigests).orElse(List.of());
        Optional<String> own = ImagePins.repoDigestOf(image, repoDigests);
        if (c.origin() == ContainerView.Origin.ENGINE) {
          c.imageId().ifPresent(id -> value.append(", runs image ").append(id, 0, Math.min(id.length(), 19)));
          if (c.imageFacts().isPresent()) {
            value.append(repoDigests.isEmpty() ? " (no repo digest: built or loaded here, never pulled or pushed)"
                : " (repo digests " + repoDigests + ")");
          }
        }
        if (own.isPresent()) {
          f.violation("image", "must be pinned by digest", value.toString(), "name the image by digest:"
              + " image(\"" + own.get() + "\") (docker run " + own.get() + "), the digest the engine recorded for it");
        } else {
          f.violation("image", "must be pinned by digest", value.toString());
        }
      })
      .build();

  /**
   * The rule {@code image-signed}: the digest a container runs carries a cosign signature by one of
   * {@code trust}'s keys, where the trust's rule for the image requires one
   * ({@link ImageTrust.Rule#REQUIRE_SIGNATURE}); where it only warns ({@link ImageTrust.Rule#WARN_IF_UNSIGNED}),
   * an unsigned image is a note; images it has no signature rule for pass. Which digest: a spec's or a
   * manifest's image as named (a tag is resolved now, as a launch would), a running container's the one it
   * runs (its {@code Config.Image} digest, or its image's {@code RepoDigests} entry for its repository: the
   * tag may have moved since). Each judgement asks the registry ({@link ImageTrust#verify}), but for an
   * image {@code made} names (by the image given to {@code verify}), judged by that verification; a
   * verified digest is remembered by the trust.
   */
  static Rule imageSigned(ImageTrust trust, Map<String, ImageVerification> made) {
    return Rule.builder("image-signed")
        .title("The image's digest is signed by a trusted key, where the image trust requires a signature")
        .severity(HIGH)
        .addStandard(CIS + "4.5")
        .addStandard("NIST SP 800-190 4.1.5 (use of untrusted images)")
        .remedy("sign the image's digest with a trusted key (ImageSigner, or cosign sign --key KEY NAME@sha256:DIGEST)"
            + " and launch it by that digest")
        .check((c, f) -> {
          String image = c.image();
          String asNamed = image;
          if (c.origin() == ContainerView.Origin.ENGINE && c.imageDigest().isEmpty() && !ImagePins.isImageId(image)) {
            List<String> repoDigests = c.imageFacts().map(ImageFacts::repoDigests).orElse(List.of());
            Optional<String> own = ImagePins.repoDigestOf(image, repoDigests);
            if (own.isEmpty()) {
              unverifiable(trust, c, f, image + (c.imageFacts().isEmpty() ? " (its image's digests unknown)"
                  : " (its image has no digest of " + ImagePins.repository(image) + ": built, loaded or tagged here,"
                  + " so no signature can name it)"));
              return;
            }
            asNamed = own.get();
          }
          String verified = asNamed;
          ImageVerification v = made.get(verified);
          try {
            v = v != null ? v : trust.verify(verified);
          } catch (IllegalArgumentException e) {
            f.note("image " + image + " is no registry reference (" + e.getMessage() + "): no signature can name it");
            return;
          }
          if (v.signatureVerified() || v.rule() == ImageTrust.Rule.NONE || v.rule() == ImageTrust.Rule.PIN_DIGEST) {
            return;
          }
          String value = image + (verified.equals(image) ? "" : " (runs " + verified + ")")
              + v.digest().map(d -> verified.endsWith(d) ? "" : " at " + d).orElse("") + ": "
              + v.problem().orElse("no signature by a trusted key");
          if (v.rule() == ImageTrust.Rule.REQUIRE_SIGNATURE) {
            f.violation("image", "must be signed by a trusted key", value);
          } else {
            f.note("image is not signed by a trusted key, which the image trust only warns about: " + value);
          }
        })
        .build();
  }

  /** A running image whose digest is unknown: a violation where the trust requires a signature, a note where it warns. */
  private static void unverifiable(ImageTrust trust, ContainerView c, Rule.Findings f, String value) {
    ImageTrust.Rule rule;
    try {
      rule = trust.ruleFor(c.image());
    } catch (IllegalArgumentException e) {
      return;
    }
    String shown = value + c.imageId().map(id -> ", image " + id.substring(0, Math.min(id.length(), 19))).orElse("");
    if (rule == ImageTrust.Rule.REQUIRE_SIGNATURE) {
      f.violation("image", "must be signed by a trusted key", shown, "recreate the container from a signed image"
          + " by digest (NAME@sha256:DIGEST, signed with ImageSigner or cosign sign --key)");
    } else if (rule == ImageTrust.Rule.WARN_IF_UNSIGNED) {
      f.note("image signature cannot be verified, which the image trust only warns about: " + shown);
    }
  }

  // ---------------------------------------------------------------- LSMs

  static final Rule APPARMOR = Rule.builder("apparmor")
      .title("An AppArmor profile confines the container, where the host runs AppArmor")
      .severity(MEDIUM)
      .addStandard(CIS + "5.1")
      .addStandard(BASELINE + "AppArmor")
      .remedy("leave apparmorProfile unset for docker-default, or name a loaded profile (--security-opt apparmor=NAME);"
          + " never unconfined")
      .check((c, f) -> {
        Optional<String> profile = c.apparmorProfile().filter(p -> !p.isEmpty())
            .or(() -> c.securityOptions().apparmorProfile());
        if (profile.isPresent() && profile.get().equals("unconfined")) {
          f.violation("apparmorProfile", "must not be unconfined", "unconfined");
          return;
        }
        if (c.engineSecurity().isPresent() && !c.engineSecurity().get().apparmor()) {
          f.note("AppArmor is not enabled on the engine's host (docker info SecurityOptions lists no"
              + " name=apparmor): no profile can confine the container, so this rule cannot be satisfied here"
              + profile.map(p -> "; apparmor=" + p + " is recorded but not enforced").orElse("")
              + "; capabilities, seccomp and namespaces still apply");
          return;
        }
        if (c.engineSecurity().isPresent() && c.origin() == ContainerView.Origin.ENGINE && profile.isEmpty()) {
          f.violation("apparmorProfile", "must be set", "\"\" (no profile applied)");
        }
      })
      .build();

  static final Rule SELINUX_ENABLED = Rule.builder("selinux")
      .title("SELinux separation is not disabled, where the engine runs SELinux")
      .severity(MEDIUM)
      .addStandard(CIS + "5.2")
      .remedy("remove label=disable; leave selinuxLabel unset for the engine's container_t, or set a type"
          + " (--security-opt label=type:NAME_t)")
      .check((c, f) -> {
        List<String> parts = c.securityOptions().selinuxLabelParts();
        if (parts.contains("disable")) {
          f.violation("selinuxLabel", "must not disable SELinux separation", "label=disable");
          return;
        }
        if (c.engineSecurity().isPresent() && !c.engineSecurity().get().selinux()) {
          f.note("SELinux is not enabled in the engine (docker info SecurityOptions lists no name=selinux):"
              + " label options are recorded in HostConfig.SecurityOpt but not enforced, so this rule cannot be"
              + " satisfied here");
        }
      })
      .build();

  /** The PSS baseline SELinux rule, allowing {@code extraTypes} as well as the container types. */
  static Rule selinuxType(Set<String> extraTypes) {
    Set<String> allowed = new TreeSet<>(BASELINE_SELINUX_TYPES);
    allowed.addAll(extraTypes);
    String list = String.join(", ", allowed);
    return Rule.builder("selinux-type")
        .title("The SELinux type is a container type; user and role are the engine's")
        .severity(MEDIUM)
        .addStandard(BASELINE + "SELinux")
        .remedy("leave selinuxLabel unset, or use one of " + list
            + "; to allow a reviewed custom domain use Profiles.selinuxTypeAllowing(\"NAME_t\")")
        .check((c, f) -> {
          for (String part : c.securityOptions().selinuxLabelParts()) {
            String[] kv = part.split(":", 2);
            if (kv.length < 2) {
              continue;
            }
            switch (kv[0]) {
              case "type":
                if (!allowed.contains(kv[1])) {
                  f.violation("selinuxLabel.type", "must be one of " + list, kv[1]);
                }
                break;
              case "user":
              case "role":
                f.violation("selinuxLabel." + kv[0], "must not be set", kv[1]);
                break;
              default:
                break;
            }
          }
        })
        .build();
  }

  static final Rule SELINUX_TYPE = selinuxType(Set.of());

  static final Rule SECCOMP = Rule.builder("seccomp")
      .title("A seccomp filter is applied: the engine's default or a restricting profile")
      .severity(HIGH)
      .addStandard(CIS + "5.21")
      .addStandard(BASELINE + "Seccomp")
      .addStandard(RESTRICTED + "Seccomp")
      .remedy("leave seccomp at Seccomp.engineDefault(), or use a profile that denies by default"
          + " (defaultAction SCMP_ACT_ERRNO); never --security-opt seccomp=unconfined")
      .check((c, f) -> {
        switch (c.seccompState()) {
          case UNCONFINED:
            f.violation("seccomp", "must not be disabled", "unconfined");
            return;
          case ALLOW_ALL_PROFILE:
            f.violation("seccomp", "must not be disabled",
                "profile allows every system call (defaultAction SCMP_ACT_ALLOW, no restricting rule)");
            return;
          default:
            break;
        }
        if (c.engineSecurity().isPresent() && !c.engineSecurity().get().seccomp()) {
          f.note("seccomp is not enabled in the engine (docker info SecurityOptions lists no name=seccomp):"
              + " no filter applies, so this rule cannot be satisfied here");
        }
        if (c.runtime().equals(ContainerRuntime.GVISOR_NAME)) {
          f.note("under gVisor (runsc) the filter is recorded but applied inside the sandbox only when runsc"
              + " runs with --oci-seccomp; gVisor's own filter confines the sandbox's calls to the host kernel");
        }
      })
      .build();

  /**
   * {@code seccomp-recorded-profile-unused}: a note (never a violation) when a container of an image
   * with a recorded profile runs with the engine's default profile. A note, because the engine's
   * default already satisfies {@link #SECCOMP}, and a recorded profile allows only the paths the
   * recording exercised: switching is the operator's call, after {@code SyscallRecorder.check}.
   */
  static Rule recordedSeccompProfiles(java.util.Map<String, RecordedSeccompProfile> byImage) {
    java.util.Map<String, RecordedSeccompProfile> copy = java.util.Map.copyOf(byImage);
    return Rule.builder("seccomp-recorded-profile-unused")
        .title("A container whose image has a recorded seccomp profile runs with it, not the engine's default")
        .severity(LOW)
        .remedy("launch it with the recorded profile: spec.toBuilder().seccomp(profile.writeTo(file)) (--security-opt"
            + " seccomp=<file>), after SyscallRecorder.check has run the workload under it")
        .check((c, f) -> {
          RecordedSeccompProfile p = copy.get(c.image());
          if (p != null && c.seccompState() == ContainerView.SeccompState.DEFAULT) {
            f.note("image " + c.image() + " has a recorded seccomp profile (" + p.syscalls().size() + " system calls"
                + " of Docker's " + p.dockerDefaultAllowed().size() + ") but runs with the engine's default profile");
          }
        })
        .build();
  }

  static final Rule NO_NEW_PRIVILEGES = Rule.builder("no-new-privileges")
      .title("Processes cannot gain privileges (no-new-privileges)")
      .severity(HIGH)
      .addStandard(CIS + "5.25")
      .addStandard(RESTRICTED + "Privilege Escalation")
      .remedy("keep no-new-privileges (the default; do not call allowPrivilegeEscalation())")
      .check((c, f) -> {
        SecurityOptions options = c.securityOptions();
        if (!options.noNewPrivileges()) {
          f.violation("securityOpts", "must set no-new-privileges",
              options.named("no-new-privileges").map(SecurityOptions.Option::text).orElse("not set"));
        }
      })
      .build();

  // ---------------------------------------------------------------- capabilities

  static final Rule CAPABILITIES = Rule.builder("capabilities")
      .title("Capabilities are restricted to what the workload needs")
      .severity(MEDIUM)
      .addStandard(CIS + "5.3")
      .remedy("drop all and add back what the workload needs: the default --cap-drop ALL with"
          + " addCapability(..) (--cap-add X); CapabilityMinimiser finds the set")
      .check((c, f) -> {
        if (c.privileged()) {
          return; // the privileged rule reports it
        }
        if (c.addedCapabilities().all()) {
          f.violation("capAdd", "must not add capabilities beyond Docker's defaults", "ALL");
        } else {
          List<String> extra = beyond(c.addedCapabilities(), Capability.dockerDefaults());
          if (!extra.isEmpty()) {
            f.violation("capAdd", "must not add capabilities beyond Docker's defaults", extra.toString());
          }
        }
        if (c.droppedCapabilities().isEmpty()) {
          f.violation("capDrop", "must drop the capabilities the workload does not need",
              "none dropped (Docker's 14 defaults kept)");
        }
      })
      .build();

  static final Rule BASELINE_CAPS = Rule.builder("baseline-capabilities")
      .title("Only the baseline's capabilities are added")
      .severity(HIGH)
      .addStandard(BASELINE + "Capabilities")
      .remedy("add only " + sorted(BASELINE_CAPABILITIES) + " (NET_RAW is not among them)")
      .check((c, f) -> {
        if (c.addedCapabilities().all()) {
          f.violation("capAdd", "must add only capabilities the baseline allows", "ALL");
          return;
        }
        List<String> extra = beyond(c.addedCapabilities(), BASELINE_CAPABILITIES);
        if (!extra.isEmpty()) {
          f.violation("capAdd", "must add only capabilities the baseline allows", extra.toString());
        }
      })
      .build();

  static final Rule RESTRICTED_CAPS = Rule.builder("restricted-capabilities")
      .title("All capabilities are dropped; only NET_BIND_SERVICE may be added")
      .severity(MEDIUM)
      .addStandard(RESTRICTED + "Capabilities")
      .remedy("keep --cap-drop ALL (the default; do not call keepDockerDefaultCapabilities()) and add at most NET_BIND_SERVICE")
      .check((c, f) -> {
        if (!c.droppedCapabilities().all()) {
          f.violation("capDrop", "must include ALL", c.droppedCapabilities().toString());
        }
        if (c.addedCapabilities().all()) {
          f.violation("capAdd", "must add only NET_BIND_SERVICE", "ALL");
          return;
        }
        List<String> extra = beyond(c.addedCapabilities(), EnumSet.of(Capability.NET_BIND_SERVICE));
        if (!extra.isEmpty()) {
          f.violation("capAdd", "must add only NET_BIND_SERVICE", extra.toString());
        }
      })
      .build();

  static final Rule PRIVILEGED = Rule.builder("privileged")
      .title("Containers are not privileged")
      .severity(CRITICAL)
      .addStandard(CIS + "5.4")
      .addStandard(BASELINE + "Privileged Containers")
      .remedy("never use --privileged: add the few capabilities and devices the workload needs instead")
      .check((c, f) -> {
        if (c.privileged()) {
          f.violation("privileged", "must be false", "true");
        }
      })
      .build();

  // ---------------------------------------------------------------- mounts

  private static String describe(MountView m, String canon) {
    StringBuilder sb = new StringBuilder(m.source());
    if (!canon.equals(m.source())) {
      sb.append(" (canonical ").append(canon).append(')');
    }
    if (m.readOnly()) {
      sb.append(" (read-only)");
    }
    return sb.toString();
  }

  /** Receives each bind mount of a host path, with its index and canonical source. */
  private interface BindMountCheck {
    void check(int index, MountView mount, String canonical);
  }

  private static void forEachHostBind(ContainerView c, BindMountCheck check) {
    for (int i = 0; i < c.mounts().size(); i++) {
      MountView m = c.mounts().get(i);
      if (m.type().equals("bind") && m.source().startsWith("/")) {
        check.check(i, m, HostPaths.canonical(m.source()));
      }
    }
  }

  static final Rule SENSITIVE_MOUNTS = Rule.builder("sensitive-mounts")
      .title("Sensitive host paths are not mounted, read-only or not")
      .severity(CRITICAL)
      .addStandard(CIS + "5.5")
      .addStandard("Docker in Practice: -v /sbin:/sbin, -v /etc/shadow:/etc/shadow")
      .remedy("mount only the application's own host folders, or use a named volume; read-only does not help"
          + " (a container that reads /etc/shadow has the password hashes)")
      .check((c, f) -> forEachHostBind(c, (i, m, canon) -> {
        Optional<String> hit = HostPaths.exposes(canon, HostPaths.SENSITIVE);
        if (hit.isEmpty()) {
          return;
        }
        String s = hit.get();
        boolean inside = s.equals("/") ? canon.equals("/") : HostPaths.within(canon, s);
        if (inside) {
          f.violation("mounts[" + i + "].source", "must not be a sensitive host path", describe(m, canon));
        } else {
          f.violation("mounts[" + i + "].source", "must not contain a sensitive host path",
              describe(m, canon) + " holds " + s);
        }
      }))
      .build();

  static final Rule DOCKER_SOCKET = Rule.builder("docker-socket")
      .title("The engine's API socket is not mounted")
      .severity(CRITICAL)
      .addStandard(CIS + "5.31")
      .remedy("never give a container the engine's socket, which is root on the host; if it must manage"
          + " containers, put an authorising proxy in front (Docker in Practice: nginx with auth_basic)")
      .check((c, f) -> forEachHostBind(c, (i, m, canon) -> {
        if (HostPaths.SOCKETS.contains(canon) || canon.endsWith("/docker.sock")
            || canon.endsWith("/containerd.sock")) {
          f.violation("mounts[" + i + "].source", "must not be the engine's API socket", describe(m, canon));
          return;
        }
        for (String socket : HostPaths.SOCKETS) {
          if (HostPaths.within(socket, canon)) {
            f.violation("mounts[" + i + "].source", "must not contain the engine's API socket",
                describe(m, canon) + " holds " + socket);
            return;
          }
        }
      }))
      .build();

  static final Rule MOUNT_PROPAGATION = Rule.builder("mount-propagation")
      .title("Mount propagation is not shared")
      .severity(MEDIUM)
      .addStandard(CIS + "5.19")
      .remedy("use the default rprivate propagation; never shared or rshared")
      .check((c, f) -> {
        for (int i = 0; i < c.mounts().size(); i++) {
          MountView m = c.mounts().get(i);
          String p = m.propagation();
          if (p.equals("shared") || p.equals("rshared")) {
            f.violation("mounts[" + i + "].propagation", "must not be shared", p + " (" + m.source() + ")");
          }
        }
      })
      .build();

  static final Rule HOST_PATH_VOLUMES = Rule.builder("host-path-volumes")
      .title("No host paths are mounted; only volumes and tmpfs")
      .severity(MEDIUM)
      .addStandard(BASELINE + "HostPath Volumes")
      .addStandard(RESTRICTED + "Volume Types")
      .remedy("use a named volume (Mount.volume) or a tmpfs (Mount.tmpfs) instead of a bind mount")
      .check((c, f) -> {
        for (int i = 0; i < c.mounts().size(); i++) {
          MountView m = c.mounts().get(i);
          if (!(m.type().equals("volume") || m.type().equals("tmpfs"))) {
            f.violation("mounts[" + i + "]", "must be a volume or tmpfs, not " + m.type(), m.toString());
          }
        }
      })
      .build();

  // ---------------------------------------------------------------- namespaces, network, devices

  private static Rule hostNamespace(String id, String what, String attribute, java.util.function.Function<ContainerView, String> mode,
      Severity severity, String cis, String pss, String flag) {
    Rule.Builder b = Rule.builder(id)
        .title("The host's " + what + " namespace is not shared")
        .severity(severity)
        .addStandard(CIS + cis);
    if (pss != null) {
      b.addStandard(BASELINE + pss);
    }
    return b.remedy("remove " + flag + "=host; give the container its own " + what + " namespace")
        .check((c, f) -> {
          if (mode.apply(c).equals("host")) {
            f.violation(attribute, "must not be host", "host");
          }
        })
        .build();
  }

  static final Rule HOST_NETWORK = Rule.builder("host-network")
      .title("The host's network namespace is not shared")
      .severity(HIGH)
      .addStandard(CIS + "5.9")
      .addStandard(BASELINE + "Host Namespaces")
      .remedy("keep NetworkMode.none() (the default) or use NetworkMode.named(..), never allowHostNetwork()")
      .check((c, f) -> {
        if (c.networkMode().equals("host")) {
          f.violation("networkMode", "must not be host", "host");
        }
      })
      .build();

  static final Rule HOST_PID = hostNamespace("host-pid", "process", "pidMode", ContainerView::pidMode,
      HIGH, "5.15", "Host Namespaces", "--pid");
  static final Rule HOST_IPC = hostNamespace("host-ipc", "IPC", "ipcMode", ContainerView::ipcMode,
      HIGH, "5.16", "Host Namespaces", "--ipc");
  static final Rule HOST_UTS = hostNamespace("host-uts", "UTS", "utsMode", ContainerView::utsMode,
      MEDIUM, "5.20", null, "--uts");
  static final Rule HOST_USERNS = hostNamespace("host-userns", "user", "usernsMode",
      ContainerView::usernsMode, HIGH, "5.30", null, "--userns");

  static final Rule DEFAULT_BRIDGE = Rule.builder("default-bridge")
      .title("The default bridge docker0 is not used")
      .severity(LOW)
      .addStandard(CIS + "5.29")
      .remedy("keep NetworkMode.none() (the default) or use NetworkMode.named(..) (docker network create)")
      .check((c, f) -> {
        if (c.networkMode().equals("bridge") || c.networkMode().equals("default")) {
          f.violation("networkMode", "must not be the default bridge docker0", c.networkMode());
        }
      })
      .build();

  static final Rule HOST_DEVICES = Rule.builder("host-devices")
      .title("Host devices are not exposed")
      .severity(HIGH)
      .addStandard(CIS + "5.17")
      .remedy("remove --device; if one is needed, expose it read-only with the fewest cgroup permissions")
      .check((c, f) -> {
        for (int i = 0; i < c.devices().size(); i++) {
          f.violation("devices[" + i + "]", "must not expose a host device", c.devices().get(i));
        }
      })
      .build();

  static final Rule PRIVILEGED_PORTS = Rule.builder("privileged-ports")
      .title("Privileged host ports (below 1024) are not mapped")
      .severity(LOW)
      .addStandard(CIS + "5.7")
      .remedy("publish on a host port of 1024 or above, e.g. PortBinding.localhost(8080, 80)")
      .check((c, f) -> {
        for (int i = 0; i < c.ports().size(); i++) {
          PortView p = c.ports().get(i);
          if (p.hostPort() > 0 && p.hostPort() < 1024) {
            f.violation("ports[" + i + "].hostPort", "must not be a privileged port (below 1024)", p.toString());
          }
        }
      })
      .build();

  static final Rule PORTS_ALL_INTERFACES = Rule.builder("ports-all-interfaces")
      .title("Published ports are bound to a specific host interface")
      .severity(MEDIUM)
      .addStandard(CIS + "5.13")
      .remedy("name the interface: PortBinding.localhost(8080, 80) (-p 127.0.0.1:8080:80)")
      .check((c, f) -> {
        for (int i = 0; i < c.ports().size(); i++) {
          PortView p = c.ports().get(i);
          if (p.allInterfaces()) {
            f.violation("ports[" + i + "].hostIp", "must name an interface, not every interface",
                quoted(p.hostIp()) + " (" + p + ")");
          }
        }
      })
      .build();

  static final Rule HOST_PORTS = Rule.builder("host-ports")
      .title("Ports are published on loopback only")
      .severity(MEDIUM)
      .addStandard(BASELINE + "Host Ports")
      .remedy("publish on loopback only: PortBinding.localhost(8080, 80), and reach other hosts through a proxy")
      .check((c, f) -> {
        for (int i = 0; i < c.ports().size(); i++) {
          PortView p = c.ports().get(i);
          if (!p.loopback()) {
            f.violation("ports[" + i + "].hostIp", "must be a loopback address", quoted(p.hostIp()) + " (" + p + ")");
          }
        }
      })
      .build();

  static final Rule PROC_MOUNT = Rule.builder("proc-mount")
      .title("The engine's masked and read-only /proc and /sys paths stay in place")
      .severity(HIGH)
      .addStandard(BASELINE + "/proc Mount Type")
      .remedy("remove --security-opt systempaths=unconfined and --privileged")
      .check((c, f) -> {
        Optional<String> sp = c.securityOptions().value("systempaths");
        if (sp.isPresent() && sp.get().equals("unconfined")) {
          f.violation("securityOpts", "must not unmask /proc and /sys", "systempaths=unconfined");
        } else if (c.maskedPaths().isPresent() && c.maskedPaths().get().isEmpty()) {
          f.violation("maskedPaths", "must not be empty", "[]");
        }
      })
      .build();

  static final Rule SYSCTLS = Rule.builder("sysctls")
      .title("Only namespaced, safe sysctls are set")
      .severity(MEDIUM)
      .addStandard(BASELINE + "Sysctls")
      .remedy("set only " + new TreeSet<>(SAFE_SYSCTLS))
      .check((c, f) -> {
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(c.sysctls()).entrySet()) {
          if (!SAFE_SYSCTLS.contains(e.getKey())) {
            f.violation("sysctls", "must be in the safe set", e.getKey() + "=" + e.getValue());
          }
        }
      })
      .build();

  // ---------------------------------------------------------------- untrusted code

  /**
   * Untrusted workloads (marked {@code untrusted()}, label {@code dev.carapace.untrusted=true}) run in
   * a sandboxed runtime: one {@link ContainerRuntime#isSandboxed()} knows by name, or one of
   * {@code extraRuntimes}.
   */
  static Rule untrustedSandboxed(Set<String> extraRuntimes) {
    Set<String> extra = new TreeSet<>(extraRuntimes);
    for (String name : extra) {
      ContainerRuntime.named(name); // checks the name
    }
    return Rule.builder("untrusted-sandboxed")
        .title("Untrusted workloads run in a sandboxed runtime (gVisor, Kata Containers), not on the host's kernel")
        .severity(HIGH)
        .addStandard("NIST SP 800-190 4.5.2 (shared kernel)")
        .remedy("run it under gVisor: runtime(ContainerRuntime.gvisor()) (--runtime runsc), or another sandboxed"
            + " runtime the engine lists" + (extra.isEmpty() ? "" : " (here also " + String.join(", ", extra) + ")")
            + "; to allow a reviewed one use Profiles.sandboxedRuntimesAllowing(\"NAME\")")
        .check((c, f) -> {
          if (!c.untrusted()) {
            return;
          }
          String runtime = c.runtime();
          if (runtime.isEmpty()) {
            f.violation("runtime", "must be sandboxed for untrusted code", "\"\" (the engine's default, runc unless"
                + " configured otherwise)");
          } else if (!sandboxed(runtime) && !extra.contains(runtime)) {
            f.violation("runtime", "must be sandboxed for untrusted code", runtime);
          }
        })
        .build();
  }

  static final Rule UNTRUSTED_SANDBOXED = untrustedSandboxed(Set.of());

  /**
   * A field of the spec that the target it runs on (a Swarm service, a Kubernetes pod) cannot carry,
   * and that the caller accepted to lose by name: the container runs without it.
   */
  static final Rule ACCEPTED_LOSS = Rule.builder("accepted-loss")
      .title("Every field of the spec is carried by the target it runs on")
      .severity(HIGH)
      .remedy("remove the field from the spec, or run it where it is carried (a newer engine, docker run)")
      .check((c, f) -> {
        for (String loss : c.acceptedLosses()) {
          int on = loss.indexOf(" on ");
          f.violation(loss.substring(0, on), "is not carried (loss accepted)", loss.substring(on + 4));
        }
      })
      .build();

  // ---------------------------------------------------------------- resources and lifecycle

  static final Rule MEMORY_LIMIT = Rule.builder("memory-limit")
      .title("Memory is limited")
      .severity(MEDIUM)
      .addStandard(CIS + "5.10")
      .remedy("set memoryLimit(MemorySize.ofMebibytes(256)) (--memory 256m)")
      .check((c, f) -> {
        if (c.memory().isEmpty()) {
          f.violation("memory", "must be limited", "unlimited");
        }
      })
      .build();

  static final Rule CPU_LIMIT = Rule.builder("cpu-limit")
      .title("CPU use is limited or weighted")
      .severity(LOW)
      .addStandard(CIS + "5.11")
      .remedy("set cpuShares(512) (--cpu-shares), cpuQuota (--cpu-quota), nanoCpus (--cpus) or cpusetCpus (--cpuset-cpus)")
      .check((c, f) -> {
        boolean shares = c.cpuShares() > 0 && c.cpuShares() != 1024;
        if (!(shares || c.cpuQuota() > 0 || c.nanoCpus() > 0 || c.cpusetCpus().isPresent())) {
          f.violation("cpu", "must be limited or weighted",
              c.cpuShares() == 1024 ? "cpu shares 1024 (the default), no quota, cpus or cpuset"
                  : "no cpu shares, quota, cpus or cpuset");
        }
      })
      .build();

  static final Rule PIDS_LIMIT = Rule.builder("pids-limit")
      .title("The number of processes is limited")
      .severity(MEDIUM)
      .addStandard(CIS + "5.28")
      .remedy("keep a pids limit (default 1024; do not call unlimitedPids())")
      .check((c, f) -> {
        if (c.pidsLimit() <= 0) {
          f.violation("pidsLimit", "must be set", c.pidsLimit() == -1 ? "-1 (unlimited)" : "unlimited");
        }
      })
      .build();

  static final Rule READ_ONLY_ROOTFS = Rule.builder("read-only-rootfs")
      .title("The root filesystem is read-only")
      .severity(MEDIUM)
      .addStandard(CIS + "5.12")
      .remedy("set readOnlyRootFilesystem(true) (--read-only) and add tmpfs mounts for scratch space")
      .check((c, f) -> {
        if (!c.readOnlyRootfs()) {
          f.violation("readOnlyRootfs", "must be true", "false");
        }
      })
      .build();

  static final Rule RESTART_POLICY = Rule.builder("restart-policy")
      .title("A restarting container restarts on failure, at most 5 times")
      .severity(LOW)
      .addStandard(CIS + "5.14")
      .remedy("use restartPolicy(RestartPolicy.onFailure(5)) (--restart on-failure:5), or none")
      .check((c, f) -> {
        RestartPolicy restart = c.restartPolicy();
        RestartPolicy.Kind kind = restart.kind();
        if (kind == RestartPolicy.Kind.ALWAYS || kind == RestartPolicy.Kind.UNLESS_STOPPED) {
          f.violation("restartPolicy", "must be on-failure with at most 5 retries", kind.dockerName());
        } else if (kind == RestartPolicy.Kind.ON_FAILURE && (restart.maxRetries() <= 0 || restart.maxRetries() > 5)) {
          f.violation("restartPolicy", "must be on-failure with at most 5 retries",
              restart.maxRetries() <= 0 ? "on-failure (unlimited retries)" : restart.toString());
        }
      })
      .build();
}
