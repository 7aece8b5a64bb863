package dev.carapace.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.carapace.core.Capability;
import dev.carapace.core.ContainerRuntime;
import dev.carapace.core.Mount;
import dev.carapace.core.NetworkMode;
import dev.carapace.core.PortBinding;
import dev.carapace.core.Seccomp;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SecurityOptions;
import dev.carapace.core.SpecAttribute;
import dev.carapace.core.Ulimit;
import dev.carapace.core.internal.fields.RecordedField;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One row per {@link SpecAttribute}: how a Swarm
 * service carries it on Engine API 1.41 and 1.44+, or why it cannot; how the request sends it; and how
 * the running task's container (or the service as the engine recorded it) is checked against it. A
 * unit test fails when a spec attribute has no row; the refusals, the request and the README's field
 * table all come from these rows.
 *
 * <p>Where a task's container records a field as {@code docker run} does, the row reuses core's
 * {@link RecordedField} check; where Swarm records it elsewhere (tmpfs in {@code HostConfig.Mounts},
 * the grace period on the service), the row checks it itself.
 */
enum SwarmField {
  IMAGE(SpecAttribute.IMAGE, "`IMAGE`", "`ContainerSpec.Image`", null, never(), (s, api, r) ->
      r.container().put("Image", s.image()), (s, api, c, svc, out) -> {
        String recorded = text(c.path("Config"), "Image");
        if (recorded == null || !(recorded.equals(s.image()) || recorded.startsWith(s.image() + "@sha256:"))) {
          out.add("Config.Image recorded " + recorded + ", asked " + s.image());
        }
      }),
  COMMAND(SpecAttribute.COMMAND, "`IMAGE CMD...`", "`ContainerSpec.Args`", null, never(), (s, api, r) -> {
    if (!s.command().isEmpty()) {
      r.container().set("Args", strings(r, s.command()));
    }
  }, core(RecordedField.CMD)),
  ENTRYPOINT(SpecAttribute.ENTRYPOINT, "`--entrypoint`", "`ContainerSpec.Command`", null, never(), (s, api, r) -> {
    if (!s.entrypoint().isEmpty()) {
      r.container().set("Command", strings(r, s.entrypoint()));
    }
  }, core(RecordedField.ENTRYPOINT)),
  ENV(SpecAttribute.ENV, "`-e`", "`ContainerSpec.Env`", null, never(), (s, api, r) -> {
    if (!s.env().isEmpty()) {
      ArrayNode env = r.container().putArray("Env");
      s.env().forEach((k, v) -> env.add(k + "=" + v));
    }
  }, core(RecordedField.ENV)),
  WORKING_DIR(SpecAttribute.WORKING_DIR, "`-w`", "`ContainerSpec.Dir`", null, never(), (s, api, r) ->
      s.workingDir().ifPresent(w -> r.container().put("Dir", w.toString())), core(RecordedField.WORKING_DIR)),
  USER(SpecAttribute.USER, "`-u`", "`ContainerSpec.User`", null, never(), (s, api, r) ->
      s.user().ifPresent(u -> r.container().put("User", u)), core(RecordedField.USER)),
  LABELS(SpecAttribute.LABELS, "`--label`", "`ContainerSpec.Labels`", null, never(),
      (s, api, r) -> { /* written with Carapace's own labels by SwarmRequest */ }, core(RecordedField.LABELS)),
  NAME(SpecAttribute.NAME, "`--name`", "the service's `Name` when the deployment names none (tasks are `NAME.SLOT.TASK`)", null,
      never(), (s, api, r) -> { /* the service's name: SwarmRequest */ }, (s, api, c, svc, out) -> { /* on the service */ }),
  HOSTNAME(SpecAttribute.HOSTNAME, "`--hostname`", "`ContainerSpec.Hostname`", null, never(), (s, api, r) ->
      s.hostname().ifPresent(h -> r.container().put("Hostname", h)), core(RecordedField.HOSTNAME)),
  EXTRA_HOSTS(SpecAttribute.EXTRA_HOSTS, "`--add-host`", "`ContainerSpec.Hosts` (`IP HOST`; the task's container records"
      + " `HOST:IP`)", null, never(), (s, api, r) -> {
        if (!s.extraHosts().isEmpty()) {
          ArrayNode hosts = r.container().putArray("Hosts");
          s.extraHosts().forEach(h -> hosts.add(h.ip() + " " + h.host()));
        }
      }, core(RecordedField.EXTRA_HOSTS)),
  DNS_SERVERS(SpecAttribute.DNS_SERVERS, "`--dns`", "`ContainerSpec.DNSConfig.Nameservers`", null, never(), (s, api, r) -> {
    if (!s.dnsServers().isEmpty()) {
      s.dnsServers().forEach(dnsConfig(r).putArray("Nameservers")::add);
    }
  }, core(RecordedField.DNS)),
  DNS_SEARCH(SpecAttribute.DNS_SEARCH, "`--dns-search`", "`ContainerSpec.DNSConfig.Search`", null, never(), (s, api, r) -> {
    if (!s.dnsSearch().isEmpty()) {
      s.dnsSearch().forEach(dnsConfig(r).putArray("Search")::add);
    }
  }, core(RecordedField.DNS_SEARCH)),
  DROP_ALL_CAPABILITIES(SpecAttribute.DROP_ALL_CAPABILITIES, "`--cap-drop ALL`", "`ContainerSpec.CapabilityDrop`", null, never(),
      (s, api, r) -> {
        if (s.dropAllCapabilities()) {
          r.container().putArray("CapabilityDrop").add("ALL");
        }
      }, core(RecordedField.CAP_DROP)),
  ADDED_CAPABILITIES(SpecAttribute.ADDED_CAPABILITIES, "`--cap-add`", "`ContainerSpec.CapabilityAdd`", null, never(),
      (s, api, r) -> {
        if (!s.addedCapabilities().isEmpty()) {
          r.container().set("CapabilityAdd", capabilities(r, s.addedCapabilities()));
        }
      }, core(RecordedField.CAP_ADD)),
  DROPPED_CAPABILITIES(SpecAttribute.DROPPED_CAPABILITIES, "`--cap-drop X`", "`ContainerSpec.CapabilityDrop`", null, never(),
      (s, api, r) -> {
        if (!s.dropAllCapabilities() && !s.droppedCapabilities().isEmpty()) {
          r.container().set("CapabilityDrop", capabilities(r, s.droppedCapabilities()));
        }
      }, core(RecordedField.CAP_DROP)),
  NO_NEW_PRIVILEGES(SpecAttribute.NO_NEW_PRIVILEGES, "`--security-opt no-new-privileges`",
      "refused when true: no per-service no-new-privileges before API 1.44", "`Privileges.NoNewPrivileges`",
      (s, api) -> s.noNewPrivileges() && api == SwarmApi.V1_41
          ? "swarm services have no no-new-privileges before API 1.44" : null,
      (s, api, r) -> {
        if (api == SwarmApi.V1_44) {
          r.privileges().put("NoNewPrivileges", s.noNewPrivileges());
        }
      }, securityOpts()),
  SECCOMP(SpecAttribute.SECCOMP, "`--security-opt seccomp=`", "engine default only; refused: unconfined, a profile (API 1.44+)",
      "`Privileges.Seccomp` (`Mode` default, unconfined or custom with `Profile`)",
      (s, api) -> s.seccomp().kind() != Seccomp.Kind.DEFAULT && api == SwarmApi.V1_41
          ? "swarm services have no seccomp choice before API 1.44: " + s.seccomp() : null,
      (s, api, r) -> {
        if (api == SwarmApi.V1_44) {
          ObjectNode seccomp = r.privileges().putObject("Seccomp");
          switch (s.seccomp().kind()) {
            case UNCONFINED:
              seccomp.put("Mode", "unconfined");
              break;
            case PROFILE:
              seccomp.put("Mode", "custom").put("Profile", s.seccomp().json().orElseThrow());
              break;
            default:
              seccomp.put("Mode", "default");
          }
        }
      }, securityOpts()),
  SELINUX_LABEL(SpecAttribute.SELINUX_LABEL, "`--security-opt label=`", "`Privileges.SELinuxContext`", null, never(),
      (s, api, r) -> s.selinuxLabel().ifPresent(l -> {
        ObjectNode ctx = r.privileges().putObject("SELinuxContext");
        if (l.disabled()) {
          ctx.put("Disable", true);
        }
        l.user().ifPresent(v -> ctx.put("User", v));
        l.role().ifPresent(v -> ctx.put("Role", v));
        l.type().ifPresent(v -> ctx.put("Type", v));
        l.level().ifPresent(v -> ctx.put("Level", v));
      }), securityOpts()),
  APPARMOR_PROFILE(SpecAttribute.APPARMOR_PROFILE, "`--security-opt apparmor=`", "refused when set: no AppArmor choice before API 1.44",
      "`unconfined` as `Privileges.AppArmor.Mode` disabled; a named profile refused (only default or disabled)",
      (s, api) -> s.apparmorProfile().map(p -> api == SwarmApi.V1_41
          ? "swarm services have no apparmor choice before API 1.44: " + p
          : p.equals("unconfined") ? null
          : "swarm services choose only the engine's default apparmor profile or none: " + p).orElse(null),
      (s, api, r) -> {
        if (api == SwarmApi.V1_44 && s.apparmorProfile().isPresent()) {
          r.privileges().putObject("AppArmor").put("Mode", "disabled");
        }
      }, securityOpts()),
  CPUSET_CPUS(SpecAttribute.CPUSET_CPUS, "`--cpuset-cpus`", "refused: no cpuset", "refused: no cpuset",
      (s, api) -> s.cpusetCpus().map(c -> "swarm services have no cpuset: " + c).orElse(null), none(), skip()),
  CPU_SHARES(SpecAttribute.CPU_SHARES, "`--cpu-shares`", "refused: no cpu shares", "refused: no cpu shares",
      (s, api) -> s.cpuShares().isPresent() ? "swarm services have no cpu shares: " + s.cpuShares().getAsInt()
          + " (limit with nanoCpus)" : null, none(), skip()),
  CPU_QUOTA(SpecAttribute.CPU_QUOTA, "`--cpu-quota`", "refused: use nanoCpus (`Resources.Limits.NanoCPUs`)", "refused: use nanoCpus",
      (s, api) -> s.cpuQuota().isPresent() ? "swarm services have no cpu quota: " + s.cpuQuota().getAsLong()
          + " (limit with nanoCpus)" : null, none(), skip()),
  CPU_PERIOD(SpecAttribute.CPU_PERIOD, "`--cpu-period`", "refused: use nanoCpus", "refused: use nanoCpus",
      (s, api) -> s.cpuPeriod().isPresent() ? "swarm services have no cpu period: " + s.cpuPeriod().getAsLong()
          + " (limit with nanoCpus)" : null, none(), skip()),
  NANO_CPUS(SpecAttribute.NANO_CPUS, "`--cpus`", "`Resources.Limits.NanoCPUs`", null, never(), (s, api, r) ->
      s.nanoCpus().ifPresent(n -> r.limits().put("NanoCPUs", n)), core(RecordedField.NANO_CPUS)),
  MEMORY_LIMIT(SpecAttribute.MEMORY_LIMIT, "`-m`", "`Resources.Limits.MemoryBytes`", null, never(), (s, api, r) ->
      s.memoryLimit().ifPresent(m -> r.limits().put("MemoryBytes", m.bytes())), core(RecordedField.MEMORY)),
  MEMORY_SWAP(SpecAttribute.MEMORY_SWAP, "`--memory-swap`", "refused: no swap limit (the engine allows as much swap as memory)",
      "refused: no swap limit",
      (s, api) -> s.memorySwap().map(m -> "swarm services have no swap limit: " + m).orElse(null), none(), skip()),
  PIDS_LIMIT(SpecAttribute.PIDS_LIMIT, "`--pids-limit`", "`Resources.Limits.Pids`", null, never(), (s, api, r) ->
      s.pidsLimit().ifPresent(p -> r.limits().put("Pids", p)), core(RecordedField.PIDS_LIMIT)),
  SHM_SIZE(SpecAttribute.SHM_SIZE, "`--shm-size`", "refused: no shm size on API 1.41 or 1.44 (ContainerSpec has none;"
      + " a tmpfs mount at /dev/shm is carried)", null,
      (s, api) -> s.shmSize().map(m -> "swarm services have no shm size: " + m + " (mount a tmpfs at /dev/shm instead:"
          + " Mount.tmpfs(ContainerPath.of(\"/dev/shm\"), size))").orElse(null), none(), skip()),
  SYSCTLS(SpecAttribute.SYSCTLS, "`--sysctl`", "`ContainerSpec.Sysctls` (API 1.40+)", null, never(), (s, api, r) -> {
    if (!s.sysctls().isEmpty()) {
      ObjectNode sysctls = r.container().putObject("Sysctls");
      s.sysctls().forEach(sysctls::put);
    }
  }, core(RecordedField.SYSCTLS)),
  ULIMITS(SpecAttribute.ULIMITS, "`--ulimit`", "`ContainerSpec.Ulimits`", null, never(), (s, api, r) -> {
    if (!s.ulimits().isEmpty()) {
      ArrayNode ulimits = r.container().putArray("Ulimits");
      for (Ulimit u : s.ulimits()) {
        ulimits.addObject().put("Name", u.name()).put("Soft", u.soft()).put("Hard", u.hard());
      }
    }
  }, core(RecordedField.ULIMITS)),
  LOG_CONFIG(SpecAttribute.LOG_CONFIG, "`--log-driver`, `--log-opt`", "`TaskTemplate.LogDriver`", null, never(), (s, api, r) ->
      s.logConfig().ifPresent(l -> {
        ObjectNode driver = r.task().putObject("LogDriver").put("Name", l.driver());
        if (!l.options().isEmpty()) {
          ObjectNode options = driver.putObject("Options");
          l.options().forEach(options::put);
        }
      }), core(RecordedField.LOG_CONFIG)),
  READ_ONLY_ROOT_FILESYSTEM(SpecAttribute.READ_ONLY_ROOT_FILESYSTEM, "`--read-only`", "`ContainerSpec.ReadOnly`", null, never(),
      (s, api, r) -> r.container().put("ReadOnly", s.readOnlyRootFilesystem()), core(RecordedField.READONLY_ROOTFS)),
  MOUNTS(SpecAttribute.MOUNTS, "`--mount`, `-v`, `--tmpfs`", "`ContainerSpec.Mounts` (tmpfs with `TmpfsOptions.SizeBytes`;"
      + " the engine mounts it noexec,nosuid,nodev)", null, never(), (s, api, r) -> {
        if (!s.mounts().isEmpty()) {
          ArrayNode mounts = r.container().putArray("Mounts");
          for (Mount m : s.mounts()) {
            ObjectNode mount = mounts.addObject().put("Type", m.type().dockerName())
                .put("Target", m.target().toString());
            if (m.type() != Mount.Type.TMPFS) {
              mount.put("Source", m.source());
            }
            if (m.readOnly()) {
              mount.put("ReadOnly", true);
            }
            m.size().ifPresent(size -> mount.putObject("TmpfsOptions").put("SizeBytes", size.bytes()));
          }
        }
      }, (s, api, c, svc, out) -> {
        Map<String, String> recorded = new TreeMap<>();
        for (JsonNode m : iterable(c.path("HostConfig").path("Mounts"))) {
          recorded.put(m.path("Target").asText(), describe(m.path("Type").asText(), m.path("Source").asText(""),
              m.path("ReadOnly").asBoolean(false), m.path("TmpfsOptions").path("SizeBytes").asLong(0)));
        }
        Map<String, String> asked = new TreeMap<>();
        for (Mount m : s.mounts()) {
          asked.put(m.target().toString(), describe(m.type().dockerName(), m.type() == Mount.Type.TMPFS ? ""
              : m.source(), m.readOnly(), m.size().map(z -> z.bytes()).orElse(0L)));
        }
        Set<String> targets = new TreeSet<>(recorded.keySet());
        targets.addAll(asked.keySet());
        for (String t : targets) {
          out.compare("HostConfig.Mounts[" + t + "]", recorded.get(t), asked.get(t));
        }
      }),
  NETWORK(SpecAttribute.NETWORK, "`--network`", "`bridge`: no `Networks` (the engine attaches the task to bridge); refused:"
      + " none, host, a named network, container:", null,
      (s, api) -> s.network().kind() == NetworkMode.Kind.BRIDGE ? null
          : s.network().kind() == NetworkMode.Kind.NONE ? "swarm services have no --network none"
          : "carapace attaches swarm services to the default bridge only: " + s.network(),
      none(), (s, api, c, svc, out) -> {
        out.compare("HostConfig.NetworkMode", text(c.path("HostConfig"), "NetworkMode"), "default");
        Set<String> networks = new TreeSet<>();
        c.path("NetworkSettings").path("Networks").fieldNames().forEachRemaining(networks::add);
        out.compare("NetworkSettings.Networks", networks, Set.of("bridge"));
      }),
  NETWORK_ALIASES(SpecAttribute.NETWORK_ALIASES, "`--network-alias`", "refused: services join the default bridge only,"
      + " which takes no aliases", null,
      (s, api) -> s.networkAliases().isEmpty() ? null
          : "carapace attaches swarm services to the default bridge only, which takes no aliases: " + s.networkAliases(),
      none(), skip()),
  ADDITIONAL_NETWORKS(SpecAttribute.ADDITIONAL_NETWORKS, "`--network` (a second one)", "refused: services join the"
      + " default bridge only", null,
      (s, api) -> s.additionalNetworks().isEmpty() ? null
          : "carapace attaches swarm services to the default bridge only: " + s.additionalNetworks(),
      none(), skip()),
  PORTS(SpecAttribute.PORTS, "`-p`", "`EndpointSpec.Ports` (ingress) for 0.0.0.0 or ::; refused: a host IP", null,
      (s, api) -> {
        List<String> bound = new ArrayList<>();
        for (PortBinding p : s.ports()) {
          if (!p.allInterfaces()) {
            bound.add(p.toString());
          }
        }
        return bound.isEmpty() ? null : "swarm services publish on every interface, no host ip: "
            + String.join(", ", bound);
      }, (s, api, r) -> {
        if (!s.ports().isEmpty()) {
          ArrayNode ports = r.service().putObject("EndpointSpec").putArray("Ports");
          for (PortBinding p : s.ports()) {
            ObjectNode port = ports.addObject().put("Protocol", p.protocol().dockerName())
                .put("TargetPort", p.containerPort()).put("PublishMode", "ingress");
            if (p.hostPort() != 0) {
              port.put("PublishedPort", p.hostPort());
            }
          }
        }
      }, (s, api, c, svc, out) -> { /* on the service: SwarmVerifier compares what was sent */ }),
  RESTART_POLICY(SpecAttribute.RESTART_POLICY, "`--restart`", "`TaskTemplate.RestartPolicy`: no as none, on-failure:N as"
      + " on-failure with `MaxAttempts` N, always and unless-stopped as any", null, never(),
      (s, api, r) -> { /* with the deployment's restart settings: SwarmRequest */ },
      (s, api, c, svc, out) -> { /* on the service */ }),
  HEALTH_CHECK(SpecAttribute.HEALTH_CHECK, "`--health-cmd`...", "`ContainerSpec.HealthCheck`", null, never(), (s, api, r) ->
      s.healthCheck().ifPresent(h -> {
        ObjectNode hc = r.container().putObject("HealthCheck");
        hc.set("Test", strings(r, h.test()));
        hc.put("Interval", h.interval().toNanos()).put("Timeout", h.timeout().toNanos())
            .put("StartPeriod", h.startPeriod().toNanos()).put("Retries", h.retries());
      }), core(RecordedField.HEALTHCHECK)),
  INIT(SpecAttribute.INIT, "`--init`", "`ContainerSpec.Init`", null, never(), (s, api, r) ->
      r.container().put("Init", s.init()), core(RecordedField.INIT)),
  STOP_SIGNAL(SpecAttribute.STOP_SIGNAL, "`--stop-signal`", "`ContainerSpec.StopSignal`", null, never(), (s, api, r) ->
      s.stopSignal().ifPresent(v -> r.container().put("StopSignal", v)), core(RecordedField.STOP_SIGNAL)),
  STOP_TIMEOUT(SpecAttribute.STOP_TIMEOUT, "`--stop-timeout`", "`ContainerSpec.StopGracePeriod`", null, never(), (s, api, r) ->
      s.stopTimeout().ifPresent(t -> r.container().put("StopGracePeriod", t.toNanos())),
      (s, api, c, svc, out) -> { /* on the service: the task's container records no StopTimeout */ }),
  RUNTIME(SpecAttribute.RUNTIME, "`--runtime`", "engine default only; refused: a named runtime", "engine default only",
      (s, api) -> s.runtime().name().map(n -> "swarm services run under the engine's default runtime: " + n)
          .orElse(null), none(), (s, api, c, svc, out) -> { /* the engine's default */ }),
  PLATFORM(SpecAttribute.PLATFORM, "`--platform`", "`TaskTemplate.Placement.Platforms` (`OS`, `Architecture`);"
      + " refused: a variant", null,
      (s, api) -> s.platform().filter(p -> p.split("/").length > 2)
          .map(p -> "swarm placement platforms have no variant: " + p).orElse(null),
      (s, api, r) -> s.platform().ifPresent(p -> r.task().putObject("Placement").putArray("Platforms").addObject()
          .put("Architecture", p.split("/")[1]).put("OS", p.split("/")[0])), core(RecordedField.PLATFORM)),
  TTY(SpecAttribute.TTY, "`--tty`", "`ContainerSpec.TTY`", null, never(), (s, api, r) -> {
    if (s.tty()) {
      r.container().put("TTY", true);
    }
  }, core(RecordedField.TTY)),
  OPEN_STDIN(SpecAttribute.OPEN_STDIN, "`--interactive`", "`ContainerSpec.OpenStdin`", null, never(), (s, api, r) -> {
    if (s.openStdin()) {
      r.container().put("OpenStdin", true);
    }
  }, core(RecordedField.OPEN_STDIN)),
  UNTRUSTED(SpecAttribute.UNTRUSTED, "`--label " + SecureContainerSpec.UNTRUSTED_LABEL + "=true`",
      "`ContainerSpec.Labels[" + SecureContainerSpec.UNTRUSTED_LABEL + "]`", null, never(),
      (s, api, r) -> { /* a label: SwarmRequest */ }, core(RecordedField.UNTRUSTED));

  /** Why the spec's value cannot be carried on {@code api}, or null when it is. */
  @FunctionalInterface
  interface Loss {
    String reason(SecureContainerSpec spec, SwarmApi api);
  }

  /** Writes the spec's value into the service create request. */
  @FunctionalInterface
  interface Write {
    void write(SecureContainerSpec spec, SwarmApi api, SwarmRequest request);
  }

  /** Compares a running task's container ({@code c}) and the recorded service with the spec. */
  @FunctionalInterface
  interface Verify {
    void verify(SecureContainerSpec spec, SwarmApi api, JsonNode container, JsonNode service, Report out);
  }

  /** Collects differences, each {@code <field> recorded <x>, asked <y>}. */
  interface Report {
    void add(String mismatch);

    default void compare(String field, Object recorded, Object asked) {
      if (!Objects.equals(recorded, asked)) {
        add(field + " recorded " + recorded + ", asked " + asked);
      }
    }
  }

  private final SpecAttribute attribute;
  private final String dockerRun;
  private final String swarm141;
  private final String swarm144;
  private final Loss loss;
  private final Write write;
  private final Verify verify;
  private final RecordedField reused;

  SwarmField(SpecAttribute attribute, String dockerRun, String swarm141, String swarm144, Loss loss, Write write,
      Verify verify) {
    this.attribute = attribute;
    this.dockerRun = dockerRun;
    this.swarm141 = swarm141;
    this.swarm144 = swarm144 == null ? swarm141 : swarm144;
    this.loss = loss;
    this.write = write;
    this.verify = verify;
    this.reused = verify instanceof CoreRow ? ((CoreRow) verify).row : null;
  }

  /** The spec attribute this row decides. */
  SpecAttribute attribute() {
    return attribute;
  }

  /** The {@code docker run} flag, for the README's table. */
  String dockerRun() {
    return dockerRun;
  }

  /** How API {@code api} carries it, or why not, for the README's table. */
  String carriage(SwarmApi api) {
    return api == SwarmApi.V1_41 ? swarm141 : swarm144;
  }

  /** Core's row that checks the task's container, when the container records it as docker run does. */
  RecordedField reused() {
    return reused;
  }

  /** Why {@code spec}'s value cannot be carried on {@code api}; null when it is. */
  String lossReason(SecureContainerSpec spec, SwarmApi api) {
    return loss.reason(spec, api);
  }

  void write(SecureContainerSpec spec, SwarmApi api, SwarmRequest request) {
    write.write(spec, api, request);
  }

  void verify(SecureContainerSpec spec, SwarmApi api, JsonNode container, JsonNode service, Report out) {
    verify.verify(spec, api, container, service, out);
  }

  private static final Map<SpecAttribute, SwarmField> BY_ATTRIBUTE = new EnumMap<>(SpecAttribute.class);

  static {
    for (SwarmField f : values()) {
      if (BY_ATTRIBUTE.put(f.attribute, f) != null) {
        throw new IllegalStateException("spec attribute has two swarm rows: " + f.attribute);
      }
    }
  }

  /**
   * The row of {@code attribute}.
   *
   * @throws IllegalStateException when no row decides it (a unit test keeps that from happening)
   */
  static SwarmField of(SpecAttribute attribute) {
    SwarmField f = BY_ATTRIBUTE.get(attribute);
    if (f == null) {
      throw new IllegalStateException("spec attribute has no swarm row: " + attribute);
    }
    return f;
  }

  /** The rows whose field {@code spec} asks for but {@code api} cannot carry, with the reason. */
  static Map<SwarmField, String> losses(SecureContainerSpec spec, SwarmApi api) {
    Map<SwarmField, String> out = new EnumMap<>(SwarmField.class);
    for (SwarmField f : values()) {
      String reason = f.lossReason(spec, api);
      if (reason != null) {
        out.put(f, reason);
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ row helpers

  private static Loss never() {
    return (s, api) -> null;
  }

  private static Write none() {
    return (s, api, r) -> { };
  }

  private static Verify skip() {
    return (s, api, c, svc, out) -> { };
  }

  /** A row checked by core's {@link RecordedField} row on the task's container. */
  private static Verify core(RecordedField row) {
    return new CoreRow(row);
  }

  private static final class CoreRow implements Verify {
    final RecordedField row;

    CoreRow(RecordedField row) {
      this.row = row;
    }

    @Override
    public void verify(SecureContainerSpec spec, SwarmApi api, JsonNode container, JsonNode service, Report out) {
      // SwarmVerifier runs core's rows once for every carried field
    }
  }

  /**
   * The security options the task's container must record, exactly: the SELinux label on 1.41; on
   * 1.44 also no-new-privileges, seccomp and AppArmor as the engine spells them.
   */
  private static Verify securityOpts() {
    return (s, api, c, svc, out) -> { /* one check for the four rows: SwarmVerifier.securityOpts */ };
  }

  static Set<String> askedSecurityOpts(SecureContainerSpec s, SwarmApi api) {
    Set<String> asked = new TreeSet<>();
    for (SecurityOptions.Option o : SecurityOptions.of(s).parsed()) {
      String key = o.key();
      boolean carried = key.equals("label") || api == SwarmApi.V1_44 && (key.equals("no-new-privileges")
          || key.equals("seccomp") || key.equals("apparmor") && o.value().orElse("").equals("unconfined"));
      if (carried) {
        asked.add(o.canonical());
      }
    }
    return asked;
  }

  private static ObjectNode dnsConfig(SwarmRequest r) {
    JsonNode dns = r.container().get("DNSConfig");
    return dns instanceof ObjectNode ? (ObjectNode) dns : r.container().putObject("DNSConfig");
  }

  private static String describe(String type, String source, boolean readOnly, long size) {
    return type + (source.isEmpty() ? "" : " " + source) + (readOnly ? " ro" : " rw") + (size > 0 ? " size=" + size : "");
  }

  private static ArrayNode strings(SwarmRequest r, List<String> values) {
    ArrayNode out = r.array();
    values.forEach(out::add);
    return out;
  }

  private static ArrayNode capabilities(SwarmRequest r, Set<Capability> caps) {
    ArrayNode out = r.array();
    for (Capability c : EnumSet.copyOf(caps)) {
      out.add("CAP_" + c.name());
    }
    return out;
  }

  static String text(JsonNode node, String field) {
    JsonNode n = node.get(field);
    return n == null || n.isNull() ? null : n.asText();
  }

  static Iterable<JsonNode> iterable(JsonNode array) {
    return array.isArray() ? array : List.of();
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  static boolean isDefaultRuntime(ContainerRuntime r) {
    return r.name().isEmpty();
  }
}
