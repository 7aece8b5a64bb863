package dev.carapace.testcontainers;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import dev.carapace.core.ImageTrust;
import dev.carapace.core.LaunchCheck;
import dev.carapace.core.LaunchException;
import dev.carapace.core.NetworkMode;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.internal.values.CoreAccess;
import dev.carapace.core.internal.fields.CreateRequestReader;
import dev.carapace.core.internal.fields.RawLogConfig;
import dev.carapace.core.internal.fields.SpecTranslator;
import dev.carapace.core.internal.values.TrustedImages;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.testcontainers.containers.GenericContainer;

/**
 * Hardens a container that Testcontainers starts: applies a {@link SecureContainerSpec}'s hardening to
 * the create request Testcontainers builds, then judges the final request with launch checks (the
 * policy module's {@code PolicyCheck}) before anything reaches the daemon.
 *
 * <pre>{@code
 * CarapaceHardening hardening = CarapaceHardening.builder()
 *     .profile(SecureContainerSpec.builder().image("busybox:1.36")
 *         .memoryLimit(MemorySize.ofMebibytes(64)).user("1000:1000").readOnlyRootFilesystem(true).build())
 *     .addCheck(PolicyCheck.enforce(Profiles.carapaceDefault()).atLeast(Severity.MEDIUM))  // LOW: reported only
 *     .build();
 * try (GenericContainer<?> c = hardening.applyTo(new GenericContainer<>(DockerImageName.parse("busybox:1.36"))
 *     .withCommand("sleep", "60"))) {
 *   c.start();      // cap-drop ALL, no-new-privileges, pids-limit 1024, 64 MiB, user 1000:1000, --read-only
 * }
 * }</pre>
 *
 * <p><b>The profile.</b> The container's image, command, entrypoint, environment, working directory,
 * name, hostname, exposed ports, health check, stop signal, stop timeout and restart policy belong to
 * Testcontainers: the profile's values for them are ignored. Applied from the profile, merged into the
 * HostConfig Testcontainers built (its binds, port bindings, extra hosts and links stay):
 * <ul>
 *   <li>capabilities ({@code --cap-drop ALL}, {@code --cap-add}, {@code --cap-drop}), never privileged;
 *   <li>security options: {@code no-new-privileges}, seccomp, SELinux label, AppArmor profile;
 *   <li>resources: cpuset, CPU shares, quota, period, {@code --cpus}, memory, memory+swap, pids limit,
 *       ulimits, shm size; sysctls, extra hosts and DNS, merged with Testcontainers' own;
 *   <li>log driver and options, read-only root filesystem, the profile's mounts (tmpfs, binds, volumes),
 *       {@code --init};
 *   <li>the user ({@code -u}) and labels, when the profile sets them;
 *   <li>the network, only when the profile names one other than {@code none}. A spec's default network
 *       is {@code none}, but Testcontainers needs one for its port mapping and wait strategies, so
 *       {@code none} keeps Testcontainers' network. To cut a container off, call
 *       {@code withNetworkMode("none")} on it: the checks then see {@code none}.
 * </ul>
 * The container is labelled {@value #HARDENED_LABEL}{@code =true}.
 *
 * <p><b>The checks.</b> After hardening, the whole create request (Testcontainers' part included) is read
 * back into the {@link SecureContainerSpec} it amounts to, and each {@link LaunchCheck} judges it. A check
 * refuses by throwing, and no container is created. {@link #applyTo} judges the container as configured
 * when it is called, so a refusal leaves {@code applyTo} as itself ({@code assertThrows(PolicyViolationException.class,
 * () -> hardening.applyTo(container))}); at create, the request is judged again, and there a refusal goes
 * on unchanged into Testcontainers, which wraps it in its {@code ContainerLaunchException} (after its
 * retry loop's {@code RetryCountExceededException}). Settings a spec cannot express and
 * that weaken isolation ({@code --privileged}, host pid/ipc/uts/user namespaces, devices, unknown
 * security options) are refused with a {@link LaunchException} at step {@code create}.
 *
 * <p>Testcontainers runs create-command modifiers in the order they were added: add this one last, so
 * that it sees, hardens and judges what the others did. It is a
 * {@code Consumer<CreateContainerCmd>}, so {@code container.withCreateContainerCmdModifier(hardening)}
 * works too. To harden every container of a test suite, see {@link SuiteHardening}.
 */
public final class CarapaceHardening implements Consumer<CreateContainerCmd> {
  /** The label set on every container this hardens. */
  public static final String HARDENED_LABEL = "dev.carapace.hardened";

  private static final CarapaceHardening DEFAULTS = builder().build();

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CarapaceHardening.class);

  private final SecureContainerSpec profile;
  private final List<LaunchCheck> checks;
  /** Null: the image is created as named. */
  private final ImageTrust imageTrust;

  private CarapaceHardening(Builder b) {
    this.profile = b.profile;
    this.checks = List.copyOf(b.checks);
    this.imageTrust = b.imageTrust;
  }

  /**
   * Carapace's defaults, with no check: {@code --cap-drop ALL}, {@code no-new-privileges}, the engine's
   * seccomp profile, {@code --pids-limit 1024}, never privileged, Testcontainers' network.
   */
  public static CarapaceHardening defaults() {
    return DEFAULTS;
  }

  /** The hardening of {@code profile}, with no check; see the class comment for what is applied. */
  public static CarapaceHardening of(SecureContainerSpec profile) {
    return builder().profile(profile).build();
  }

  /** A new builder; without a profile, Carapace's defaults apply. */
  public static Builder builder() {
    return new Builder();
  }

  /** The spec whose hardening is applied; its image, command and the like are ignored. */
  public SecureContainerSpec profile() {
    return profile;
  }

  /** The checks that judge every hardened request, in order. */
  public List<LaunchCheck> checks() {
    return checks;
  }

  /** The image trust that verifies and pins every hardened container's image, when one was given. */
  public Optional<ImageTrust> imageTrust() {
    return Optional.ofNullable(imageTrust);
  }

  /**
   * Judges {@code container} as configured so far, then adds this hardening as its last create-command
   * modifier and returns it.
   *
   * <p>The judgement happens here, outside {@code start()}: a check's refusal (a
   * {@code PolicyViolationException}, say) leaves this method as itself, not three exceptions deep in
   * Testcontainers' {@code ContainerLaunchException} and retry loop, so
   * {@code assertThrows(PolicyViolationException.class, () -> hardening.applyTo(container))} works. It
   * reads the container's image name, command, environment, labels, binds, privileged mode, network mode,
   * extra hosts, tmpfs mounts, shared memory size and working directory into a create request, without
   * calling the engine, runs the create-command modifiers already added (service ones such as
   * {@link SuiteHardening} included) and this hardening on it, and judges the result as {@link #accept}
   * does. What is set on the container after this call is judged again at create, where a refusal comes
   * wrapped by Testcontainers: call it last. With no check, nothing is judged here.
   *
   * @throws RuntimeException a check's own refusal, unchanged
   * @throws LaunchException at step {@code create} when the container is privileged or holds what a spec
   *     cannot express
   */
  public <C extends GenericContainer<?>> C applyTo(C container) {
    Objects.requireNonNull(container, "container");
    if (!checks.isEmpty() || imageTrust != null) {
      accept(requestAsConfigured(container));
    }
    container.withCreateContainerCmdModifier(this);
    return container;
  }

  /** The create request {@code c} amounts to so far, built without the engine, its modifiers applied. */
  private static CreateContainerCmd requestAsConfigured(GenericContainer<?> c) {
    CreateContainerCmd cmd = new com.github.dockerjava.core.command.CreateContainerCmdImpl(request -> {
      throw new IllegalStateException("a request built to be judged is never sent");
    }, null, imageName(c));
    HostConfig hc = HostConfig.newHostConfig();
    if (c.getCommandParts() != null && c.getCommandParts().length > 0) {
      cmd.withCmd(c.getCommandParts());
    }
    if (!c.getEnv().isEmpty()) {
      cmd.withEnv(c.getEnv());
    }
    if (!c.getLabels().isEmpty()) {
      cmd.withLabels(new LinkedHashMap<>(c.getLabels()));
    }
    if (!c.getBinds().isEmpty()) {
      hc.withBinds(c.getBinds());
    }
    hc.withPrivileged(c.isPrivilegedMode());
    if (c.getNetworkMode() != null) {
      hc.withNetworkMode(c.getNetworkMode());
    }
    if (!c.getExtraHosts().isEmpty()) {
      hc.withExtraHosts(c.getExtraHosts().toArray(new String[0]));
    }
    if (c.getTmpFsMapping() != null && !c.getTmpFsMapping().isEmpty()) {
      hc.withTmpFs(new LinkedHashMap<>(c.getTmpFsMapping()));
    }
    if (c.getShmSize() != null) {
      hc.withShmSize(c.getShmSize());
    }
    if (c.getWorkingDirectory() != null) {
      cmd.withWorkingDir(c.getWorkingDirectory());
    }
    cmd.withHostConfig(hc);
    for (org.testcontainers.core.CreateContainerCmdModifier m : c.getCreateContainerCmdModifiers()) {
      cmd = m.modify(cmd);
    }
    return cmd;
  }

  /**
   * The container's image name as given, read without resolving it: Testcontainers' {@code getDockerImageName()}
   * would pull or inspect the image first.
   */
  private static String imageName(GenericContainer<?> c) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^RemoteDockerImage\\(imageName=(.+?), imagePullPolicy=")
        .matcher(String.valueOf(c.getImage()));
    return m.find() && !m.group(1).startsWith("<") ? m.group(1) : PROFILE_IMAGE;
  }

  /**
   * Hardens {@code cmd} in place, then judges it with every check.
   *
   * @throws RuntimeException a check's own refusal, unchanged
   * @throws LaunchException at step {@code create} when the request holds what a spec cannot express
   */
  @Override
  public void accept(CreateContainerCmd cmd) {
    // hardening resets Privileged to false: refuse it first rather than turn it off silently
    if (cmd.getHostConfig() != null && Boolean.TRUE.equals(cmd.getHostConfig().getPrivileged())) {
      throw CoreAccess.get().engineFailure(LaunchException.Step.CREATE, cmd.getImage(), null,
          "privileged must not be set on a hardened container: true (remove withPrivilegedMode(true);"
              + " add only the capabilities the container needs to the profile)", null, null);
    }
    pinIfTrusted(cmd);
    harden(cmd);
    SecureContainerSpec effective = effectiveSpec(cmd);
    for (LaunchCheck check : checks) {
      check.check(effective);
    }
  }

  /**
   * The spec {@code cmd} amounts to, as the checks see it: Testcontainers' image, command, binds and
   * ports with whatever hardening {@code cmd} holds.
   *
   * @throws LaunchException at step {@code create} when {@code cmd} holds what a spec cannot express
   */
  public static SecureContainerSpec effectiveSpec(CreateContainerCmd cmd) {
    try {
      return CreateRequestReader.read(cmd);
    } catch (IllegalArgumentException e) {
      throw CoreAccess.get().engineFailure(LaunchException.Step.CREATE, cmd.getImage(), null,
          "the Testcontainers request cannot be judged: " + e.getMessage(), null, e);
    }
  }

  /**
   * Verifies the request's image with the image trust and names it by the verified digest; refuses an
   * image the trust does not allow. Testcontainers pulled the tag before: a tag moved since then makes
   * the create fail (the engine has no image of the new digest), never run another image.
   */
  private void pinIfTrusted(CreateContainerCmd cmd) {
    if (imageTrust == null || cmd.getImage() == null || cmd.getImage().equals(PROFILE_IMAGE)) {
      return;
    }
    cmd.withImage(TrustedImages.verify(imageTrust, cmd.getImage(), null, (image, digest, problem)
        -> LOG.warn("creating hardened {} at {} without a verified signature: {}", image, digest, problem))
        .imageToLaunch());
  }

  private void harden(CreateContainerCmd cmd) {
    HostConfig hc = cmd.getHostConfig() == null ? HostConfig.newHostConfig() : cmd.getHostConfig();
    // ports, restart policy and (unless the profile names one) the network are Testcontainers' own
    String network = hc.getNetworkMode();
    com.github.dockerjava.api.model.Ports ports = hc.getPortBindings();
    com.github.dockerjava.api.model.RestartPolicy restart = hc.getRestartPolicy();
    SpecTranslator.applyTo(profile, hc);
    hc.withPortBindings(ports);
    hc.withRestartPolicy(restart);
    if (profile.network().kind() == NetworkMode.Kind.NONE) {
      hc.withNetworkMode(network);
    }
    if (hc.getSecurityOpts() != null) {
      hc.withSecurityOpts(new ArrayList<>(new LinkedHashSet<>(hc.getSecurityOpts())));
    }
    if (hc.getMounts() != null) {
      Map<String, com.github.dockerjava.api.model.Mount> byTarget = new LinkedHashMap<>();
      hc.getMounts().forEach(m -> byTarget.put(m.getTarget(), m)); // applied twice: once
      hc.withMounts(new ArrayList<>(byTarget.values()));
    }
    hc.withLogConfig(portableLogConfig(hc.getLogConfig(), cmd.getImage()));
    cmd.withHostConfig(hc);
    profile.user().ifPresent(cmd::withUser);
    Map<String, String> labels = cmd.getLabels() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(cmd.getLabels());
    labels.putAll(SpecTranslator.labels(profile)); // with dev.carapace.untrusted when the profile is marked
    labels.put(HARDENED_LABEL, "true");
    cmd.withLabels(labels);
  }

  /**
   * Testcontainers' docker client serialises docker-java's LogConfig by its enum, not by Carapace's
   * driver name: convert, and refuse a driver docker-java does not know.
   */
  private static LogConfig portableLogConfig(LogConfig config, String image) {
    if (!(config instanceof RawLogConfig)) {
      return config;
    }
    String driver = RawLogConfig.driverOf(config);
    for (LogConfig.LoggingType type : LogConfig.LoggingType.values()) {
      if (type != LogConfig.LoggingType.DEFAULT && type.getType().equals(driver)) {
        return new LogConfig(type, config.getConfig());
      }
    }
    throw CoreAccess.get().engineFailure(LaunchException.Step.CREATE, image, null,
        "log driver must be one docker-java knows to go through Testcontainers: " + driver, null, null);
  }

  /** Builds a {@link CarapaceHardening}. */
  public static final class Builder {
    private SecureContainerSpec profile;
    private final List<LaunchCheck> checks = new ArrayList<>();
    private ImageTrust imageTrust;

    private Builder() {}

    /**
     * Verifies each hardened container's image as {@code trust}'s rules say, in {@link #applyTo} (a
     * refusal leaves it as an {@code UntrustedImageException}) and again at create, where the image is
     * replaced by the verified digest ({@code repo@sha256:...}); {@code warnIfUnsigned} logs at WARN.
     * The registry is reached with the trust's {@code RegistryAccess} (by default the docker CLI's
     * credentials and the engine's CAs). If unset, images are created as named.
     */
    public Builder imageTrust(ImageTrust trust) {
      this.imageTrust = Objects.requireNonNull(trust, "image trust");
      return this;
    }

    /**
     * The spec whose hardening to apply; its image, command, env, ports and the like are ignored (see
     * {@link CarapaceHardening}). If unset, a default spec: Carapace's defaults.
     */
    public Builder profile(SecureContainerSpec value) {
      this.profile = Objects.requireNonNull(value, "profile");
      return this;
    }

    /** Adds a check that judges the final request before create; it refuses by throwing. */
    public Builder addCheck(LaunchCheck check) {
      checks.add(Objects.requireNonNull(check, "check"));
      return this;
    }

    /** Adds checks, in order. */
    public Builder addAllChecks(Iterable<? extends LaunchCheck> values) {
      values.forEach(this::addCheck);
      return this;
    }

    public CarapaceHardening build() {
      if (profile == null) {
        profile = SecureContainerSpec.builder().image(PROFILE_IMAGE).build();
      }
      return new CarapaceHardening(this);
    }
  }

  /** The image name of the default profile, never run: the container's own image is. */
  static final String PROFILE_IMAGE = "carapace/testcontainers-profile";
}
