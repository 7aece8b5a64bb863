package dev.carapace.policy;

import java.util.Objects;
import com.fasterxml.jackson.databind.JsonNode;
import dev.carapace.core.CpuSet;
import dev.carapace.core.internal.values.JsonTrees;
import dev.carapace.core.MemorySize;
import dev.carapace.core.RestartPolicy;
import dev.carapace.core.Seccomp;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SecurityOptions;
import dev.carapace.policy.internal.ImagePins;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.immutables.value.Value;

/**
 * The facts about one container that rules judge, in Docker's own terms, read once into typed values
 * ({@link CapabilitiesView}, {@link SecurityOptions}, {@link MountView}, {@link PortView}), so a rule
 * judges them the same way whether they came from a {@link SecureContainerSpec} before launch or from a
 * running container's {@code docker inspect}. What an engine may record and Carapace does not model
 * (a capability name it does not know, a security option it does not send) stays in the view, so a
 * rule still sees it.
 *
 * <pre>{@code
 * ContainerView before = ContainerView.of(spec);                       // before launch
 * ContainerView before2 = ContainerView.of(spec, audit.imageFacts(spec.image()));   // an EngineAudit's
 * ContainerView running = ContainerView.parseInspectJson(json);          // GET /containers/{id}/json
 * }</pre>
 *
 * <p>Empty strings and zeros mean what they mean in inspect output: unset, engine default, no limit.
 */
@Value.Immutable
public abstract class ContainerView {
  ContainerView() {}

  /** Where the facts came from. */
  public enum Origin {
    /** A spec not yet launched: runtime-only settings (privileged, devices) cannot occur. */
    SPEC,
    /** A container's inspect data on an engine. */
    ENGINE,
    /**
     * A container of a Kubernetes manifest (Pod YAML, or a workload's pod template), in the terms the
     * kubelet would give the runtime: {@code hostNetwork} as {@code --network host}, a {@code hostPath}
     * volume as a bind mount, no {@code seccompProfile} as {@code seccomp=unconfined} (the kubelet's
     * default). The cluster module's {@code ManifestAudit} builds them.
     */
    MANIFEST
  }

  /** A new, empty builder: the facts of {@code docker run IMAGE} with no flags. */
  static Builder builder() {
    return new Builder();
  }

  /** The facts of {@code spec}, without the image's configuration (user and health check unknown). */
  public static ContainerView of(SecureContainerSpec spec) {
    Objects.requireNonNull(spec, "spec must not be null");
    return SpecFacts.view(spec, Optional.empty());
  }

  /**
   * The facts of {@code spec}, with the image's {@code USER} and {@code HEALTHCHECK} standing in
   * where the spec sets none, as the engine does at create.
   */
  public static ContainerView of(SecureContainerSpec spec, ImageFacts image) {
    Objects.requireNonNull(spec, "spec must not be null");
    Objects.requireNonNull(image, "image facts must not be null");
    return SpecFacts.view(spec, Optional.of(image));
  }

  /**
   * The facts in a container's inspect JSON (the body of {@code GET /containers/{id}/json}, or one
   * element of {@code docker inspect}'s array).
   *
   * @throws IllegalArgumentException when the text is not a container's inspect object
   */
  public static ContainerView parseInspectJson(String json) {
    Objects.requireNonNull(json, "inspect json must not be null");
    return InspectParser.parse(json);
  }

  /**
   * The facts in inspect-shaped JSON, as {@link #parseInspectJson(String)} reads them, recorded as coming
   * from {@code origin}: {@link Origin#MANIFEST} for a Kubernetes container translated into Docker's
   * terms (the cluster module's {@code ManifestAudit} does), so rules judge what the manifest asks
   * rather than what an engine recorded.
   *
   * @throws IllegalArgumentException when the text is not a container's inspect object
   */
  public static ContainerView parseInspectJson(String json, Origin origin) {
    Objects.requireNonNull(json, "inspect json must not be null");
    Objects.requireNonNull(origin, "origin must not be null");
    ContainerView view = InspectParser.parse(json);
    return origin == view.origin() ? view : builder().from(view).origin(origin).build();
  }

  /**
   * Builds a {@link ContainerView}; every attribute but {@link #image()} has Docker's default. Not
   * API: views come from a spec or from inspect JSON.
   */
  static final class Builder extends ImmutableContainerView.Builder {
    Builder() {}
  }

  /** How reports name the container: its name, id or image. */
  @Value.Default
  public String name() {
    return image();
  }

  /** The image reference or id. */
  public abstract String image();

  /**
   * The manifest digest {@link #image()} pins, when it names one: the {@code sha256:<64 hex>} (or
   * {@code sha384}, {@code sha512}) after the {@code @} of {@code name@sha256:...} or
   * {@code name:tag@sha256:...} (the engine then ignores the tag); empty for a tag, a bare name or an
   * image id. The rule {@code image-pinned} judges it.
   */
  @Value.Derived
  public Optional<String> imageDigest() {
    return ImagePins.digest(image());
  }

  /**
   * The id of the image the container runs, as the engine recorded it when it created the container
   * (inspect's {@code Image}, {@code sha256:<64 hex>}, the digest of the image's configuration); empty
   * for a spec or a manifest, which have run nothing yet.
   */
  public abstract Optional<String> imageId();

  @Value.Default
  public Origin origin() {
    return Origin.SPEC;
  }

  /**
   * The user as given ({@code -u}, {@code Config.User}): {@code 1000:1000}, {@code root}, {@code 0};
   * empty when unset, so the image's user (see {@link #imageFacts()}) or root applies.
   */
  public abstract Optional<String> user();

  /** The image's configuration, when known. */
  public abstract Optional<ImageFacts> imageFacts();

  /** {@code --privileged}. */
  @Value.Default
  public boolean privileged() {
    return false;
  }

  /** {@code --cap-add}: {@code ALL}, the capabilities named, and names Carapace does not know. */
  @Value.Default
  public CapabilitiesView addedCapabilities() {
    return CapabilitiesView.none();
  }

  /** {@code --cap-drop}: {@code ALL}, the capabilities named, and names Carapace does not know. */
  @Value.Default
  public CapabilitiesView droppedCapabilities() {
    return CapabilitiesView.none();
  }

  /**
   * {@code --security-opt} ({@code HostConfig.SecurityOpt}): no-new-privileges, seccomp, the SELinux
   * label parts, AppArmor, and any other option as recorded ({@code systempaths=unconfined}).
   */
  @Value.Default
  public SecurityOptions securityOptions() {
    return SecurityOptions.none();
  }

  /** How the container's seccomp filter stands, as {@link #seccompState()} reads it. */
  public enum SeccompState {
    /** No seccomp option: the engine's default profile. */
    DEFAULT,
    /** {@code seccomp=unconfined}: no filter. */
    UNCONFINED,
    /**
     * An inline profile whose {@code defaultAction} allows (or only logs) every call and that has no
     * rule with a restricting action: it filters nothing.
     */
    ALLOW_ALL_PROFILE,
    /** A profile that filters: inline JSON, {@code builtin} or the name of a profile on the engine's host. */
    PROFILE
  }

  /** The seccomp filter of {@link #securityOptions()}, judged once when the view is built. */
  @Value.Derived
  public SeccompState seccompState() {
    return seccompState(securityOptions());
  }

  private static SeccompState seccompState(SecurityOptions options) {
    if (options.value("seccomp").isEmpty()) {
      return SeccompState.DEFAULT;
    }
    Seccomp seccomp = options.seccomp();
    switch (seccomp.kind()) {
      case UNCONFINED:
        return SeccompState.UNCONFINED;
      case DEFAULT:
        return SeccompState.PROFILE; // seccomp=builtin: the engine filters
      default:
        return filtersNothing(seccomp.json().orElse("")) ? SeccompState.ALLOW_ALL_PROFILE : SeccompState.PROFILE;
    }
  }

  private static boolean filtersNothing(String json) {
    String v = json.trim();
    if (!v.startsWith("{")) {
      return false; // a daemon-side profile name: the engine filters
    }
    JsonNode profile;
    try {
      profile = JsonTrees.read(v);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return false;
    }
    if (profile == null || !profile.isObject() || !allows(profile.path("defaultAction").asText(""))) {
      return false;
    }
    for (JsonNode syscall : profile.path("syscalls")) {
      if (!allows(syscall.path("action").asText("SCMP_ACT_ALLOW"))) {
        return false;
      }
    }
    return true;
  }

  private static boolean allows(String action) {
    return action.equals("SCMP_ACT_ALLOW") || action.equals("SCMP_ACT_LOG");
  }

  /** {@code --network}: {@code none}, {@code bridge}, {@code default}, {@code host}, a name... */
  @Value.Default
  public String networkMode() {
    return "default";
  }

  /** {@code --pid}: empty, {@code host} or {@code container:ID}. */
  @Value.Default
  public String pidMode() {
    return "";
  }

  /** {@code --ipc}: empty, {@code private}, {@code shareable}, {@code host}... */
  @Value.Default
  public String ipcMode() {
    return "";
  }

  /** {@code --uts}: empty or {@code host}. */
  @Value.Default
  public String utsMode() {
    return "";
  }

  /** {@code --userns}: empty or {@code host}. */
  @Value.Default
  public String usernsMode() {
    return "";
  }

  /** {@code --cgroupns}: empty, {@code private} or {@code host}. */
  @Value.Default
  public String cgroupnsMode() {
    return "";
  }

  /** Bind mounts, volumes and tmpfs. */
  public abstract List<MountView> mounts();

  /** Published ports. */
  public abstract List<PortView> ports();

  /** {@code --memory}; empty for no limit (inspect's {@code 0}). */
  public abstract Optional<MemorySize> memory();

  /** {@code --cpu-shares}; 0 for the default weight (1024). */
  @Value.Default
  public long cpuShares() {
    return 0;
  }

  /** {@code --cpu-quota} in microseconds; 0 for none. */
  @Value.Default
  public long cpuQuota() {
    return 0;
  }

  /** {@code --cpu-period} in microseconds; 0 for the default. */
  @Value.Default
  public long cpuPeriod() {
    return 0;
  }

  /** {@code --cpus} in billionths; 0 for none. */
  @Value.Default
  public long nanoCpus() {
    return 0;
  }

  /** {@code --cpuset-cpus}; empty for every CPU. */
  public abstract Optional<CpuSet> cpusetCpus();

  /** {@code --pids-limit}; 0 or -1 for no limit. */
  @Value.Default
  public long pidsLimit() {
    return 0;
  }

  /** {@code --read-only}. */
  @Value.Default
  public boolean readOnlyRootfs() {
    return false;
  }

  /** {@code --restart}: {@code no} (inspect's empty name), {@code always}, {@code unless-stopped}, {@code on-failure:N}. */
  @Value.Default
  public RestartPolicy restartPolicy() {
    return RestartPolicy.no();
  }

  /**
   * The container's own health check test ({@code ["CMD-SHELL", "..."]}, {@code ["NONE"]} for
   * {@code --no-healthcheck}); empty when unset, so the image's applies.
   */
  public abstract Optional<List<String>> healthcheck();

  /** {@code --log-driver}; empty for the engine's default. */
  @Value.Default
  public String logDriver() {
    return "";
  }

  /** {@code --log-opt}. */
  public abstract Map<String, String> logOptions();

  /** Host devices exposed ({@code --device}), by host path. */
  public abstract List<String> devices();

  /**
   * The AppArmor profile: from a spec, the one asked for (empty: the engine's default); from
   * inspect, {@code AppArmorProfile} (empty when the host runs no AppArmor).
   */
  public abstract Optional<String> apparmorProfile();

  /**
   * Paths the engine masks ({@code MaskedPaths}, {@code /proc/kcore}...); empty when not known (a
   * spec before launch gets the engine's default list).
   */
  public abstract Optional<List<String>> maskedPaths();

  /** Paths the engine makes read-only ({@code ReadonlyPaths}); empty when not known. */
  public abstract Optional<List<String>> readonlyPaths();

  /** {@code --sysctl}. */
  public abstract Map<String, String> sysctls();

  /** {@code --ulimit} as {@code name=soft:hard}. */
  public abstract List<String> ulimits();

  /** {@code --cgroup-parent}; empty for the engine's default. */
  @Value.Default
  public String cgroupParent() {
    return "";
  }

  /**
   * The OCI runtime ({@code --runtime}, {@code HostConfig.Runtime}): {@code runsc} for gVisor,
   * {@code runc}...; empty for a spec that leaves it to the engine's default (the engine records its
   * default by name).
   */
  @Value.Default
  public String runtime() {
    return "";
  }

  /**
   * Whether the workload is marked untrusted: the spec's {@code untrusted()}, or the label
   * {@code dev.carapace.untrusted=true} on a container.
   */
  @Value.Default
  public boolean untrusted() {
    return false;
  }

  /** What the engine's host enforces (AppArmor, SELinux, seccomp), when known. */
  public abstract Optional<EngineSecurity> engineSecurity();

  /**
   * The fields of the spec that the target it runs on cannot carry and that the caller accepted to
   * lose, each {@code <attribute> on <target>: <reason>}, for example {@code noNewPrivileges on swarm on
   * API 1.41 (engine 20.10.24): swarm services have no no-new-privileges before API 1.44}; empty for a
   * container run as asked. The rule {@code accepted-loss} reports each.
   */
  public abstract List<String> acceptedLosses();

  /**
   * A copy that records one accepted loss: {@code attribute} of the spec (its builder name, such as
   * {@code cpusetCpus}) is not carried by {@code target} (such as {@code swarm on API 1.41}), for
   * {@code reason}. The cluster module records each loss its caller accepted by name.
   */
  public ContainerView acceptingLoss(String attribute, String target, String reason) {
    Objects.requireNonNull(attribute, "attribute must not be null");
    Objects.requireNonNull(target, "target must not be null");
    Objects.requireNonNull(reason, "reason must not be null");
    if (attribute.isBlank() || target.isBlank() || reason.isBlank()) {
      throw new IllegalArgumentException("accepted loss must name an attribute, a target and a reason: "
          + attribute + ", " + target + ", " + reason);
    }
    return builder().from(this).addAcceptedLosses(attribute + " on " + target + ": " + reason).build();
  }

  /** A copy that knows what the engine's host enforces. */
  public ContainerView knowingEngine(EngineSecurity security) {
    return builder().from(this).engineSecurity(security).build();
  }

  /** A copy that knows the image's configuration. */
  public ContainerView knowingImage(ImageFacts facts) {
    return builder().from(this).imageFacts(facts).build();
  }
}
