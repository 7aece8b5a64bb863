package dev.carapace.policy;

import java.util.Objects;
import dev.carapace.core.SecureContainerSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.immutables.value.Value;

/**
 * The facts about one container that rules judge, in Docker's own terms and raw where Docker keeps
 * them raw ({@code --security-opt} strings, capability names, host IPs), so a rule parses them the
 * same way whether they came from a {@link SecureContainerSpec} before launch or from a running
 * container's {@code docker inspect}.
 *
 * <pre>{@code
 * ContainerView before = ContainerView.of(spec);                       // before launch
 * ContainerView before2 = ContainerView.of(spec, ImageFacts.inspect(docker, spec.image()));
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

  /** {@code --cap-add} as written ({@code NET_ADMIN}, {@code CAP_NET_ADMIN}, {@code ALL}). */
  public abstract List<String> addedCapabilities();

  /** {@code --cap-drop} as written ({@code ALL}, {@code NET_RAW}...). */
  public abstract List<String> droppedCapabilities();

  /** {@code --security-opt} values as sent ({@code no-new-privileges}, {@code seccomp=...}). */
  public abstract List<String> securityOpts();

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

  /** {@code --memory} in bytes; 0 for no limit. */
  @Value.Default
  public long memory() {
    return 0;
  }

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
  @Value.Default
  public String cpusetCpus() {
    return "";
  }

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

  /** {@code --restart} name: {@code no}, {@code always}, {@code unless-stopped}, {@code on-failure}; empty means no. */
  @Value.Default
  public String restartPolicy() {
    return "no";
  }

  /** {@code --restart on-failure:N}'s N; 0 for no limit. */
  @Value.Default
  public int restartMaxRetries() {
    return 0;
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
