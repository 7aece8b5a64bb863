package dev.carapace.cluster;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.carapace.core.Capability;
import dev.carapace.core.HealthCheck;
import dev.carapace.core.Mount;
import dev.carapace.core.NetworkAttachment;
import dev.carapace.core.NetworkMode;
import dev.carapace.core.PortBinding;
import dev.carapace.core.Seccomp;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SecurityOptions;
import dev.carapace.core.SpecAttribute;
import dev.carapace.core.Ulimit;
import dev.carapace.core.internal.fields.SpecTranslator;
import java.math.BigDecimal;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One row per {@link SpecAttribute}: the Compose service field that carries it (as {@link ComposeRenderer} writes
 * it and {@link ComposeReader} reads it), or why Compose cannot. A unit test fails when an attribute has no row;
 * the field table of {@code docs/compose.md} is these rows ({@link #describe()}), checked by a test.
 *
 * <p>Every string value is written with {@code $} as {@code $$}, so that Compose's interpolation gives it back.
 */
enum ComposeField {
  IMAGE(SpecAttribute.IMAGE, "`image`", (s, w) -> w.service.put("image", ComposeValues.escape(s.image()))),
  COMMAND(SpecAttribute.COMMAND, "`command` (a list; a string is split as docker-compose splits it)", (s, w) -> {
    if (!s.command().isEmpty()) {
      strings(w.service.putArray("command"), s.command());
    }
  }),
  ENTRYPOINT(SpecAttribute.ENTRYPOINT, "`entrypoint` (a list, or a string split the same way)", (s, w) -> {
    if (!s.entrypoint().isEmpty()) {
      strings(w.service.putArray("entrypoint"), s.entrypoint());
    }
  }),
  ENV(SpecAttribute.ENV, "`environment` (a mapping or `KEY=VALUE` list; `KEY` alone from the reader's environment;"
      + " the values are written into the file), over `env_file` (read from the Compose file's folder, never outside"
      + " it; its syntax below)", (s, w) -> {
        if (!s.env().isEmpty()) {
          ObjectNode env = w.service.putObject("environment");
          s.env().forEach((k, v) -> env.put(k, ComposeValues.escape(v)));
        }
      }),
  WORKING_DIR(SpecAttribute.WORKING_DIR, "`working_dir`", (s, w) ->
      s.workingDir().ifPresent(d -> w.service.put("working_dir", ComposeValues.escape(d.toString())))),
  USER(SpecAttribute.USER, "`user`", (s, w) -> s.user().ifPresent(u -> w.service.put("user", ComposeValues.escape(u)))),
  LABELS(SpecAttribute.LABELS, "`labels` (a mapping or `KEY=VALUE` list)", (s, w) -> {
    Map<String, String> labels = SpecTranslator.labels(s);
    if (!labels.isEmpty()) {
      ObjectNode l = w.service.putObject("labels");
      labels.forEach((k, v) -> l.put(k, ComposeValues.escape(v)));
    }
  }),
  NAME(SpecAttribute.NAME, "`container_name`", (s, w) ->
      s.name().ifPresent(n -> w.service.put("container_name", ComposeValues.escape(n)))),
  HOSTNAME(SpecAttribute.HOSTNAME, "`hostname`; `domainname` refused", (s, w) ->
      s.hostname().ifPresent(h -> w.service.put("hostname", ComposeValues.escape(h)))),
  EXTRA_HOSTS(SpecAttribute.EXTRA_HOSTS, "`extra_hosts` (`HOST:IP` list or a mapping)", (s, w) -> {
    if (!s.extraHosts().isEmpty()) {
      ArrayNode a = w.service.putArray("extra_hosts");
      s.extraHosts().forEach(h -> a.add(h.toString()));
    }
  }),
  DNS_SERVERS(SpecAttribute.DNS_SERVERS, "`dns`", (s, w) -> {
    if (!s.dnsServers().isEmpty()) {
      strings(w.service.putArray("dns"), s.dnsServers());
    }
  }),
  DNS_SEARCH(SpecAttribute.DNS_SEARCH, "`dns_search`", (s, w) -> {
    if (!s.dnsSearch().isEmpty()) {
      strings(w.service.putArray("dns_search"), s.dnsSearch());
    }
  }),
  DROP_ALL_CAPABILITIES(SpecAttribute.DROP_ALL_CAPABILITIES, "`cap_drop: [ALL]`", (s, w) -> {
    if (s.dropAllCapabilities()) {
      w.service.putArray("cap_drop").add("ALL");
    }
  }),
  ADDED_CAPABILITIES(SpecAttribute.ADDED_CAPABILITIES, "`cap_add`", (s, w) -> {
    if (!s.addedCapabilities().isEmpty()) {
      ArrayNode a = w.service.putArray("cap_add");
      sorted(s.addedCapabilities()).forEach(c -> a.add(c.name()));
    }
  }),
  DROPPED_CAPABILITIES(SpecAttribute.DROPPED_CAPABILITIES, "`cap_drop`", (s, w) -> {
    if (!s.dropAllCapabilities() && !s.droppedCapabilities().isEmpty()) {
      ArrayNode a = w.service.putArray("cap_drop");
      sorted(s.droppedCapabilities()).forEach(c -> a.add(c.name()));
    }
  }),
  NO_NEW_PRIVILEGES(SpecAttribute.NO_NEW_PRIVILEGES, "`security_opt: [no-new-privileges]`", (s, w) -> securityOpts(s, w)),
  SECCOMP(SpecAttribute.SECCOMP, "`security_opt: [seccomp=unconfined]` or `seccomp=FILE` (docker-compose reads"
      + " the file; a relative one from the Compose file's directory); refused: a profile given as JSON text (no"
      + " file to name)", (s, w) -> { /* with NO_NEW_PRIVILEGES: one security_opt list */ }) {
    @Override
    String loss(SecureContainerSpec s) {
      return s.seccomp().kind() == Seccomp.Kind.PROFILE && s.seccomp().source().isEmpty()
          ? "compose names a seccomp profile by its file: this one was given as JSON text (use Seccomp.profile(path))"
          : null;
    }
  },
  SELINUX_LABEL(SpecAttribute.SELINUX_LABEL, "`security_opt: [label=...]`", (s, w) -> { }),
  APPARMOR_PROFILE(SpecAttribute.APPARMOR_PROFILE, "`security_opt: [apparmor=...]`", (s, w) -> { }),
  CPUSET_CPUS(SpecAttribute.CPUSET_CPUS, "`cpuset`", (s, w) ->
      s.cpusetCpus().ifPresent(c -> w.service.put("cpuset", c.toString()))),
  CPU_SHARES(SpecAttribute.CPU_SHARES, "`cpu_shares`", (s, w) ->
      s.cpuShares().ifPresent(c -> w.service.put("cpu_shares", c))),
  CPU_QUOTA(SpecAttribute.CPU_QUOTA, "`cpu_quota`", (s, w) -> s.cpuQuota().ifPresent(c -> w.service.put("cpu_quota", c))),
  CPU_PERIOD(SpecAttribute.CPU_PERIOD, "`cpu_period`", (s, w) ->
      s.cpuPeriod().ifPresent(c -> w.service.put("cpu_period", c))),
  NANO_CPUS(SpecAttribute.NANO_CPUS, "`cpus`, or `deploy.resources.limits.cpus`; refused: a value docker-compose"
      + " 1.29 cannot multiply by 10^9 exactly in floating point (it refuses `17.15363745`)", (s, w) ->
      s.nanoCpus().ifPresent(n -> w.service.put("cpus", BigDecimal.valueOf(n, 9).stripTrailingZeros()))) {
    @Override
    String loss(SecureContainerSpec s) {
      if (s.nanoCpus().isEmpty()) {
        return null;
      }
      long n = s.nanoCpus().getAsLong();
      double product = Double.parseDouble(BigDecimal.valueOf(n, 9).toPlainString()) * 1e9; // as Python computes it
      return product == n ? null : "docker-compose 1.29 reads cpus as a float and refuses one whose value times 10^9"
          + " is not the whole number " + n + ": " + BigDecimal.valueOf(n, 9).stripTrailingZeros().toPlainString()
          + " (use fewer decimal digits)";
    }
  },
  MEMORY_LIMIT(SpecAttribute.MEMORY_LIMIT, "`mem_limit` (bytes), or `deploy.resources.limits.memory`;"
      + " `deploy.resources.reservations` refused", (s, w) ->
      s.memoryLimit().ifPresent(m -> w.service.put("mem_limit", m.bytes()))),
  MEMORY_SWAP(SpecAttribute.MEMORY_SWAP, "`memswap_limit` (bytes)", (s, w) ->
      s.memorySwap().ifPresent(m -> w.service.put("memswap_limit", m.bytes()))),
  PIDS_LIMIT(SpecAttribute.PIDS_LIMIT, "`pids_limit` (always written; `-1` unlimited), or"
      + " `deploy.resources.limits.pids`", (s, w) -> w.service.put("pids_limit", s.pidsLimit().orElse(-1))),
  SHM_SIZE(SpecAttribute.SHM_SIZE, "`shm_size` (bytes)", (s, w) ->
      s.shmSize().ifPresent(m -> w.service.put("shm_size", m.bytes()))),
  SYSCTLS(SpecAttribute.SYSCTLS, "`sysctls` (a mapping or `NAME=VALUE` list)", (s, w) -> {
    if (!s.sysctls().isEmpty()) {
      ObjectNode o = w.service.putObject("sysctls");
      s.sysctls().forEach((k, v) -> o.put(k, ComposeValues.escape(v)));
    }
  }),
  ULIMITS(SpecAttribute.ULIMITS, "`ulimits` (`NAME: {soft:, hard:}` or one number for both); refused: an unlimited"
      + " (`-1`) hard limit over a finite soft one, which docker-compose 1.29 reads as soft above hard", (s, w) -> {
        if (!s.ulimits().isEmpty()) {
          ObjectNode o = w.service.putObject("ulimits");
          for (Ulimit u : s.ulimits()) {
            o.putObject(u.name()).put("soft", u.soft()).put("hard", u.hard());
          }
        }
      }) {
    @Override
    String loss(SecureContainerSpec s) {
      List<String> lost = s.ulimits().stream().filter(ComposeField::unlimitedHardOnly).map(Ulimit::toString).toList();
      return lost.isEmpty() ? null : "docker-compose 1.29 refuses a soft limit above the hard one and reads unlimited"
          + " (-1) as below any number: " + String.join(", ", lost);
    }
  },
  LOG_CONFIG(SpecAttribute.LOG_CONFIG, "`logging: {driver:, options:}`; format 2's `log_driver`/`log_opt` refused",
      (s, w) -> s.logConfig().ifPresent(l -> {
        ObjectNode o = w.service.putObject("logging").put("driver", ComposeValues.escape(l.driver()));
        if (!l.options().isEmpty()) {
          ObjectNode opts = o.putObject("options");
          l.options().forEach((k, v) -> opts.put(k, ComposeValues.escape(v)));
        }
      })),
  READ_ONLY_ROOT_FILESYSTEM(SpecAttribute.READ_ONLY_ROOT_FILESYSTEM, "`read_only` (always written)", (s, w) ->
      w.service.put("read_only", s.readOnlyRootFilesystem())),
  MOUNTS(SpecAttribute.MOUNTS, "`volumes` (long syntax written: `type` bind, volume or tmpfs, `source`, `target`,"
      + " `read_only`, `tmpfs.size`; short `SRC:DST[:ro]` read, a relative source from the file's directory, an"
      + " anonymous volume refused; a volume is declared at the top level with its `name`) and `tmpfs`"
      + " (`PATH[:size=N,ro]`); bind propagation and volume options refused", (s, w) -> {
        if (s.mounts().isEmpty()) {
          return;
        }
        ArrayNode volumes = w.service.putArray("volumes");
        for (Mount m : s.mounts()) {
          ObjectNode v = volumes.addObject().put("type", m.type().dockerName());
          if (m.type() == Mount.Type.BIND) {
            v.put("source", ComposeValues.escape(m.source()));
          } else if (m.type() == Mount.Type.VOLUME) {
            v.put("source", m.source());
            w.volumes.putObject(m.source()).put("name", m.source());
          }
          v.put("target", ComposeValues.escape(m.target().toString()));
          if (m.readOnly()) {
            v.put("read_only", true);
          }
          m.size().ifPresent(z -> v.putObject("tmpfs").put("size", z.bytes()));
        }
      }),
  NETWORK(SpecAttribute.NETWORK, "`network_mode` (none, bridge, host, `container:NAME`; `service:` refused) or the"
      + " first of `networks` (declared at the top level; written `external` with its `name`); neither:"
      + " the project's network `PROJECT_default`", (s, w) -> {
        if (s.network().kind() != NetworkMode.Kind.NAMED) {
          w.service.put("network_mode", s.network().toString());
          return;
        }
        ObjectNode nets = w.service.putObject("networks");
        network(w, nets, s.network().name(), s.networkAliases());
        for (NetworkAttachment n : s.additionalNetworks()) {
          network(w, nets, n.network().name(), n.aliases());
        }
      }),
  NETWORK_ALIASES(SpecAttribute.NETWORK_ALIASES, "`networks.NET.aliases` of the first network", (s, w) -> { }),
  ADDITIONAL_NETWORKS(SpecAttribute.ADDITIONAL_NETWORKS, "the second and further `networks`, with their `aliases`;"
      + " other per-network keys (`ipv4_address`...) refused; refused on the default bridge (`network_mode` and"
      + " `networks` exclude each other)", (s, w) -> { }) {
    @Override
    String loss(SecureContainerSpec s) {
      return s.network().kind() != NetworkMode.Kind.NAMED && !s.additionalNetworks().isEmpty()
          ? "compose attaches further networks only under networks:, which excludes network_mode " + s.network()
              + ": " + s.additionalNetworks()
          : null;
    }
  },
  PORTS(SpecAttribute.PORTS, "`ports` (written `IP:HOST:CONTAINER/PROTO`, IPv6 in brackets; read: that, a"
      + " number, `[IP:][HOST:]CONTAINER[/PROTO]` and the long syntax with `host_ip`; no host IP is every interface,"
      + " `0.0.0.0`, as Docker publishes it; a range refused)", (s, w) -> {
        if (s.ports().isEmpty()) {
          return;
        }
        ArrayNode ports = w.service.putArray("ports");
        for (PortBinding p : s.ports()) {
          ports.add(p.toString()); // IP:HOST:CONTAINER/PROTO: docker-compose 1.29 has no host_ip in the long syntax
        }
      }),
  RESTART_POLICY(SpecAttribute.RESTART_POLICY, "`restart`; `deploy.restart_policy` is Swarm's, not read", (s, w) ->
      s.restartPolicy().ifPresent(r -> w.service.put("restart", r.toString()))),
  HEALTH_CHECK(SpecAttribute.HEALTH_CHECK, "`healthcheck` (`test` as `CMD`/`CMD-SHELL` list or a shell string,"
      + " `interval`, `timeout`, `start_period`, `retries`); `NONE` and `disable` refused (the spec cannot turn"
      + " the image's check off)", (s, w) -> s.healthCheck().ifPresent(h -> health(h, w))),
  INIT(SpecAttribute.INIT, "`init`", (s, w) -> {
    if (s.init()) {
      w.service.put("init", true);
    }
  }),
  STOP_SIGNAL(SpecAttribute.STOP_SIGNAL, "`stop_signal`", (s, w) ->
      s.stopSignal().ifPresent(v -> w.service.put("stop_signal", ComposeValues.escape(v)))),
  STOP_TIMEOUT(SpecAttribute.STOP_TIMEOUT, "`stop_grace_period` (a duration such as `1m30s`)", (s, w) ->
      s.stopTimeout().ifPresent(t -> w.service.put("stop_grace_period", ComposeValues.duration(t)))),
  RUNTIME(SpecAttribute.RUNTIME, "`runtime`", (s, w) -> s.runtime().name().ifPresent(n -> w.service.put("runtime", n))),
  PLATFORM(SpecAttribute.PLATFORM, "`platform`", (s, w) -> s.platform().ifPresent(p -> w.service.put("platform", p))),
  TTY(SpecAttribute.TTY, "`tty`", (s, w) -> {
    if (s.tty()) {
      w.service.put("tty", true);
    }
  }),
  OPEN_STDIN(SpecAttribute.OPEN_STDIN, "`stdin_open`", (s, w) -> {
    if (s.openStdin()) {
      w.service.put("stdin_open", true);
    }
  }),
  UNTRUSTED(SpecAttribute.UNTRUSTED, "`labels: {" + SecureContainerSpec.UNTRUSTED_LABEL + ": \"true\"}`",
      (s, w) -> { /* a label: LABELS */ });

  /** Where one service is written: its mapping, and the file's top-level networks and volumes. */
  static final class Writer {
    final ObjectNode service;
    final ObjectNode networks;
    final ObjectNode volumes;

    Writer(ObjectNode service, ObjectNode networks, ObjectNode volumes) {
      this.service = service;
      this.networks = networks;
      this.volumes = volumes;
    }
  }

  /** Writes the spec's value into the service. */
  @FunctionalInterface
  interface Write {
    void write(SecureContainerSpec spec, Writer writer);
  }

  private final SpecAttribute attribute;
  private final String describe;
  private final Write write;

  ComposeField(SpecAttribute attribute, String describe, Write write) {
    this.attribute = attribute;
    this.describe = describe;
    this.write = write;
  }

  /** The spec attribute this row decides. */
  SpecAttribute attribute() {
    return attribute;
  }

  /** How a Compose service carries it, or why not: the Compose column of {@code docs/compose.md}. */
  String describe() {
    return describe;
  }

  /** Why {@code spec}'s value cannot be written to a Compose file; null when it can. */
  String loss(SecureContainerSpec spec) {
    return null;
  }

  void write(SecureContainerSpec spec, Writer writer) {
    write.write(spec, writer);
  }

  private static final Map<SpecAttribute, ComposeField> BY_ATTRIBUTE = new EnumMap<>(SpecAttribute.class);

  static {
    for (ComposeField f : values()) {
      if (BY_ATTRIBUTE.put(f.attribute, f) != null) {
        throw new IllegalStateException("spec attribute has two compose rows: " + f.attribute);
      }
    }
  }

  /**
   * The row of {@code attribute}.
   *
   * @throws IllegalStateException when no row decides it (a unit test keeps that from happening)
   */
  static ComposeField of(SpecAttribute attribute) {
    ComposeField f = BY_ATTRIBUTE.get(attribute);
    if (f == null) {
      throw new IllegalStateException("spec attribute has no compose row: " + attribute);
    }
    return f;
  }

  // ------------------------------------------------------------------ row helpers

  /** A finite soft limit under an unlimited hard one, which docker-compose 1.29 compares as numbers. */
  static boolean unlimitedHardOnly(Ulimit u) {
    return u.hard() == -1 && u.soft() != -1;
  }

  private static void strings(ArrayNode out, List<String> values) {
    values.forEach(v -> out.add(ComposeValues.escape(v)));
  }

  private static Set<Capability> sorted(Set<Capability> caps) {
    EnumSet<Capability> set = EnumSet.noneOf(Capability.class);
    set.addAll(caps);
    return set;
  }

  private static void securityOpts(SecureContainerSpec s, Writer w) {
    List<SecurityOptions.Option> options = SecurityOptions.of(s).parsed();
    if (options.isEmpty()) {
      return;
    }
    ArrayNode a = w.service.putArray("security_opt");
    for (SecurityOptions.Option o : options) {
      boolean profile = o.key().equals("seccomp") && s.seccomp().kind() == Seccomp.Kind.PROFILE;
      if (profile) {
        s.seccomp().source().ifPresent(p -> a.add("seccomp=" + ComposeValues.escape(p.toAbsolutePath().toString())));
      } else {
        a.add(ComposeValues.escape(o.text()));
      }
    }
  }

  private static void network(Writer w, ObjectNode nets, String name, List<String> aliases) {
    ObjectNode n = nets.putObject(name);
    if (!aliases.isEmpty()) {
      ArrayNode a = n.putArray("aliases");
      aliases.forEach(a::add);
    }
    w.networks.putObject(name).put("name", name).put("external", true);
  }

  private static void health(HealthCheck h, Writer w) {
    ObjectNode o = w.service.putObject("healthcheck");
    strings(o.putArray("test"), h.test());
    o.put("interval", ComposeValues.duration(h.interval()));
    o.put("timeout", ComposeValues.duration(h.timeout()));
    o.put("start_period", ComposeValues.duration(h.startPeriod()));
    o.put("retries", h.retries());
  }
}
