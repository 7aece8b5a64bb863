package dev.carapace.core.internal.fields;

import com.fasterxml.jackson.databind.JsonNode;
import dev.carapace.core.CpuSet;
import dev.carapace.core.Mount;
import dev.carapace.core.PortBinding;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SecurityOptions;
import dev.carapace.core.SpecAttribute;
import dev.carapace.core.Ulimit;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One row per field of the create request that {@link SpecTranslator} sends: the spec attributes it
 * carries, where it travels in the create request, and how {@link RecordedVerifier} reads it back from
 * the engine's inspect JSON and compares it. A unit test fails when a spec attribute has no row, or
 * when the translator sends a field no row claims: adding a field to the spec means adding a row here.
 *
 * <p>Every row compares what the spec asked and tolerates the engine's known normalisations: values
 * left to the image or the engine when the spec asks nothing (command, entrypoint, working dir,
 * hostname, health check, stop signal and timeout, log driver), the image's own env, labels and exposed
 * ports merged in, "no limit" recorded as {@code null} or {@code 0}, an unpicked host port recorded as
 * {@code ""}, tmpfs options in any order, capabilities with or without {@code CAP_}. Env values are
 * compared but never printed.
 */
public enum RecordedField {
  /** {@code ALL}, or the capabilities dropped from Docker's defaults; with or without {@code CAP_}. */
  CAP_DROP("HostConfig.CapDrop", "HostConfig.CapDrop",
      carries(SpecAttribute.DROP_ALL_CAPABILITIES, SpecAttribute.DROPPED_CAPABILITIES),
      (s, r, out) -> {
        Set<String> asked = new TreeSet<>();
        if (s.dropAllCapabilities()) {
          asked.add("ALL");
        } else {
          s.droppedCapabilities().forEach(c -> asked.add(c.name()));
        }
        out.compare("CapDrop", capNames(hc(r).path("CapDrop")), asked);
      }),
  /** The capabilities added back. */
  CAP_ADD("HostConfig.CapAdd", "HostConfig.CapAdd", carries(SpecAttribute.ADDED_CAPABILITIES), (s, r, out) -> {
    Set<String> asked = new TreeSet<>();
    s.addedCapabilities().forEach(c -> asked.add(c.name()));
    out.compare("CapAdd", capNames(hc(r).path("CapAdd")), asked);
  }),
  /** Never privileged: no spec attribute loosens it. */
  PRIVILEGED("HostConfig.Privileged", "HostConfig.Privileged", carries(), (s, r, out) -> {
    if (hc(r).path("Privileged").asBoolean(false)) {
      out.add("Privileged recorded true, asked false");
    }
  }),
  /**
   * Exactly the asked options, in the engine's spelling ({@code no-new-privileges:true},
   * {@code label:type:x}): a missing one and one nobody asked ({@code seccomp=unconfined}) both count.
   */
  SECURITY_OPT("HostConfig.SecurityOpt", "HostConfig.SecurityOpt",
      carries(SpecAttribute.NO_NEW_PRIVILEGES, SpecAttribute.SECCOMP, SpecAttribute.SELINUX_LABEL,
          SpecAttribute.APPARMOR_PROFILE), (s, r, out) -> {
        SecurityOptions recorded = SecurityOptions.parse(strings(hc(r).path("SecurityOpt")));
        Set<String> recordedNormal = new TreeSet<>();
        recorded.parsed().forEach(o -> recordedNormal.add(o.canonical()));
        Set<String> askedNormal = new TreeSet<>();
        SecurityOptions sent = SecurityOptions.of(s);
        for (SecurityOptions.Option asked : sent.parsed()) {
          askedNormal.add(asked.canonical());
          if (!recordedNormal.contains(asked.canonical())) {
            out.add("SecurityOpt recorded " + recorded + ", asked to include "
                + SecurityOptions.parse(List.of(asked.text())));
          }
        }
        if (!askedNormal.containsAll(recordedNormal)) {
          out.add("SecurityOpt recorded " + recorded + ", asked " + sent);
        }
      }),
  /** The CPUs, in any spelling ({@code 0-1} is {@code 0,1}); none when unset. */
  CPUSET_CPUS("HostConfig.CpusetCpus", "HostConfig.CpusetCpus", carries(SpecAttribute.CPUSET_CPUS), (s, r, out) -> {
    String cpuset = hc(r).path("CpusetCpus").asText("");
    out.compare("CpusetCpus", cpuset.isEmpty() ? null : CpuSet.parse(cpuset).toString(),
        s.cpusetCpus().map(CpuSet::toString).orElse(null));
  }),
  CPU_SHARES("HostConfig.CpuShares", "HostConfig.CpuShares", carries(SpecAttribute.CPU_SHARES), (s, r, out) ->
      s.cpuShares().ifPresent(v -> out.compare("CpuShares", number(hc(r), "CpuShares"), (long) v))),
  CPU_QUOTA("HostConfig.CpuQuota", "HostConfig.CpuQuota", carries(SpecAttribute.CPU_QUOTA), (s, r, out) ->
      s.cpuQuota().ifPresent(v -> out.compare("CpuQuota", number(hc(r), "CpuQuota"), v))),
  CPU_PERIOD("HostConfig.CpuPeriod", "HostConfig.CpuPeriod", carries(SpecAttribute.CPU_PERIOD), (s, r, out) ->
      s.cpuPeriod().ifPresent(v -> out.compare("CpuPeriod", number(hc(r), "CpuPeriod"), v))),
  NANO_CPUS("HostConfig.NanoCpus", "HostConfig.NanoCpus", carries(SpecAttribute.NANO_CPUS), (s, r, out) ->
      s.nanoCpus().ifPresent(v -> out.compare("NanoCpus", number(hc(r), "NanoCpus"), v))),
  MEMORY("HostConfig.Memory", "HostConfig.Memory", carries(SpecAttribute.MEMORY_LIMIT), (s, r, out) ->
      s.memoryLimit().ifPresent(m -> out.compare("Memory", number(hc(r), "Memory"), m.bytes()))),
  MEMORY_SWAP("HostConfig.MemorySwap", "HostConfig.MemorySwap", carries(SpecAttribute.MEMORY_SWAP), (s, r, out) ->
      s.memorySwap().ifPresent(m -> out.compare("MemorySwap", number(hc(r), "MemorySwap"), m.bytes()))),
  /** The limit; "no limit" (-1 asked) is recorded as {@code null} or {@code 0}. */
  PIDS_LIMIT("HostConfig.PidsLimit", "HostConfig.PidsLimit", carries(SpecAttribute.PIDS_LIMIT), (s, r, out) -> {
    Long pids = number(hc(r), "PidsLimit");
    out.compare("PidsLimit", pids == null || pids <= 0 ? Long.valueOf(-1) : pids, s.pidsLimit().orElse(-1));
  }),
  READONLY_ROOTFS("HostConfig.ReadonlyRootfs", "HostConfig.ReadonlyRootfs",
      carries(SpecAttribute.READ_ONLY_ROOT_FILESYSTEM),
      (s, r, out) -> out.compare("ReadonlyRootfs", hc(r).path("ReadonlyRootfs").asBoolean(false),
          s.readOnlyRootFilesystem())),
  NETWORK_MODE("HostConfig.NetworkMode", "HostConfig.NetworkMode", carries(SpecAttribute.NETWORK), (s, r, out) ->
      out.compare("NetworkMode", text(hc(r), "NetworkMode"), s.network().toString())),
  /** The driver and each asked option; when unset, the engine's default (it may add its own options). */
  LOG_CONFIG("HostConfig.LogConfig", "HostConfig.LogConfig", carries(SpecAttribute.LOG_CONFIG), (s, r, out) ->
      s.logConfig().ifPresent(l -> {
        JsonNode recorded = hc(r).path("LogConfig");
        out.compare("LogConfig.Type", text(recorded, "Type"), l.driver());
        l.options().forEach((k, v) -> out.compare("LogConfig.Config[" + k + "]", text(recorded.path("Config"), k), v));
      })),
  /** The user; when unset, the image's. */
  USER("Config.User", "User", carries(SpecAttribute.USER), (s, r, out) ->
      s.user().ifPresent(u -> out.compare("Config.User", text(r.path("Config"), "User"), u))),
  /** Exactly the asked limits, by name, {@code soft:hard}. */
  ULIMITS("HostConfig.Ulimits", "HostConfig.Ulimits", carries(SpecAttribute.ULIMITS), (s, r, out) -> {
    Map<String, String> recorded = new TreeMap<>();
    for (JsonNode u : iterable(hc(r).path("Ulimits"))) {
      recorded.put(u.path("Name").asText(), u.path("Soft").asLong() + ":" + u.path("Hard").asLong());
    }
    Map<String, String> asked = new TreeMap<>();
    for (Ulimit u : s.ulimits()) {
      asked.put(u.name(), u.soft() + ":" + u.hard());
    }
    compareMaps(out, "Ulimits", recorded, asked);
  }),
  /** Bind mounts and volumes, by target: exactly the asked ones, each with its type, source and read-only flag. */
  MOUNTS("HostConfig.Mounts", "HostConfig.Mounts", carries(SpecAttribute.MOUNTS), (s, r, out) -> {
    Map<String, JsonNode> recorded = new TreeMap<>();
    for (JsonNode m : iterable(hc(r).path("Mounts"))) {
      recorded.put(m.path("Target").asText(), m);
    }
    Map<String, Mount> asked = new TreeMap<>();
    for (Mount m : s.mounts()) {
      if (m.type() != Mount.Type.TMPFS) {
        asked.put(m.target().toString(), m);
      }
    }
    Set<String> targets = new TreeSet<>(recorded.keySet());
    targets.addAll(asked.keySet());
    for (String t : targets) {
      JsonNode rec = recorded.get(t);
      Mount ask = asked.get(t);
      String field = "Mounts[" + t + "]";
      if (rec == null || ask == null) {
        out.add(field + " recorded " + (rec == null ? null : text(rec, "Type") + " " + text(rec, "Source"))
            + ", asked " + (ask == null ? null : ask.type().dockerName() + " " + ask.source()));
        continue;
      }
      out.compare(field + ".Type", text(rec, "Type"), ask.type().dockerName());
      out.compare(field + ".Source", text(rec, "Source"), ask.source());
      out.compare(field + ".ReadOnly", rec.path("ReadOnly").asBoolean(false), ask.readOnly());
    }
  }),
  /** Never sent: the translator mounts through {@code Mounts}, so any bind here was added on the way. */
  BINDS("HostConfig.Binds", "HostConfig.Binds", carries(), (s, r, out) ->
      out.compare("Binds", strings(hc(r).path("Binds")), List.of())),
  /** tmpfs mounts, by target: exactly the asked ones, their options in any order. */
  TMPFS("HostConfig.Tmpfs", "HostConfig.Tmpfs", carries(SpecAttribute.MOUNTS), (s, r, out) -> {
    Map<String, String> recorded = new TreeMap<>();
    hc(r).path("Tmpfs").fields().forEachRemaining(e -> recorded.put(e.getKey(), e.getValue().asText()));
    Map<String, String> asked = new TreeMap<>();
    for (Mount m : s.mounts()) {
      if (m.type() == Mount.Type.TMPFS) {
        asked.put(m.target().toString(), SpecTranslator.tmpfsOptions(m));
      }
    }
    Set<String> targets = new TreeSet<>(recorded.keySet());
    targets.addAll(asked.keySet());
    for (String t : targets) {
      String rec = recorded.get(t);
      String ask = asked.get(t);
      if (!Objects.equals(optionSet(rec), optionSet(ask))) {
        out.add("Tmpfs[" + t + "] recorded " + rec + ", asked " + ask);
      }
    }
  }),
  /**
   * Published ports, by container port: exactly the asked host IPs and ports (an unpicked host port
   * recorded as {@code ""}, IPv6 in any spelling).
   */
  PORT_BINDINGS("HostConfig.PortBindings", "HostConfig.PortBindings", carries(SpecAttribute.PORTS), (s, r, out) -> {
    Map<String, List<String>> recorded = new TreeMap<>();
    hc(r).path("PortBindings").fields().forEachRemaining(e -> {
      List<String> hosts = new ArrayList<>();
      for (JsonNode b : iterable(e.getValue())) {
        hosts.add(hostPort(text(b, "HostIp"), text(b, "HostPort")));
      }
      Collections.sort(hosts);
      recorded.put(e.getKey(), hosts);
    });
    Map<String, List<String>> asked = new TreeMap<>();
    for (PortBinding p : s.ports()) {
      asked.computeIfAbsent(p.containerPort() + "/" + p.protocol().dockerName(), k -> new ArrayList<>())
          .add(hostPort(p.hostIp(), p.hostPort() == 0 ? null : Integer.toString(p.hostPort())));
    }
    asked.values().forEach(Collections::sort);
    compareMaps(out, "PortBindings", recorded, asked);
  }),
  /** The published container ports among the exposed ones; the image's own are tolerated. */
  EXPOSED_PORTS("Config.ExposedPorts", "ExposedPorts", carries(SpecAttribute.PORTS), (s, r, out) -> {
    Set<String> recorded = new TreeSet<>();
    r.path("Config").path("ExposedPorts").fieldNames().forEachRemaining(recorded::add);
    Set<String> missing = new TreeSet<>();
    for (PortBinding p : s.ports()) {
      String key = p.containerPort() + "/" + p.protocol().dockerName();
      if (!recorded.contains(key)) {
        missing.add(key);
      }
    }
    if (!missing.isEmpty()) {
      out.add("Config.ExposedPorts recorded " + recorded + ", asked to include " + missing);
    }
  }),
  /** The policy, {@code no} when unset (recorded as {@code ""} or {@code no}). */
  RESTART_POLICY("HostConfig.RestartPolicy", "HostConfig.RestartPolicy", carries(SpecAttribute.RESTART_POLICY),
      (s, r, out) -> {
      JsonNode rec = hc(r).path("RestartPolicy");
      String name = rec.path("Name").asText("");
      long count = rec.path("MaximumRetryCount").asLong(0);
      String recorded = (name.isEmpty() ? "no" : name) + (count != 0 ? ":" + count : "");
      out.compare("RestartPolicy", recorded, s.restartPolicy().map(Object::toString).orElse("no"));
    }),
  /** The size of {@code /dev/shm} in bytes; when unset, the engine's 64 MiB. */
  SHM_SIZE("HostConfig.ShmSize", "HostConfig.ShmSize", carries(SpecAttribute.SHM_SIZE), (s, r, out) ->
      s.shmSize().ifPresent(m -> out.compare("ShmSize", number(hc(r), "ShmSize"), m.bytes()))),
  /** Exactly the asked sysctls ({@code null} recorded as none). */
  SYSCTLS("HostConfig.Sysctls", "HostConfig.Sysctls", carries(SpecAttribute.SYSCTLS), (s, r, out) -> {
    Map<String, String> recorded = new TreeMap<>();
    hc(r).path("Sysctls").fields().forEachRemaining(e -> recorded.put(e.getKey(), e.getValue().asText()));
    compareMaps(out, "Sysctls", recorded, new TreeMap<>(s.sysctls()));
  }),
  /** Exactly the asked {@code HOST:IP} lines, in order ({@code null} recorded as none). */
  EXTRA_HOSTS("HostConfig.ExtraHosts", "HostConfig.ExtraHosts", carries(SpecAttribute.EXTRA_HOSTS), (s, r, out) ->
      out.compare("ExtraHosts", strings(hc(r).path("ExtraHosts")),
          s.extraHosts().stream().map(Object::toString).toList())),
  /** Exactly the asked servers, in order. */
  DNS("HostConfig.Dns", "HostConfig.Dns", carries(SpecAttribute.DNS_SERVERS), (s, r, out) ->
      out.compare("Dns", strings(hc(r).path("Dns")), s.dnsServers())),
  /** Exactly the asked search domains, in order. */
  DNS_SEARCH("HostConfig.DnsSearch", "HostConfig.DnsSearch", carries(SpecAttribute.DNS_SEARCH), (s, r, out) ->
      out.compare("DnsSearch", strings(hc(r).path("DnsSearch")), s.dnsSearch())),
  /**
   * The OS of the asked platform: a container records only {@code Platform: linux}; the engine itself
   * refuses at create an image whose architecture differs from the one asked.
   */
  PLATFORM("Platform", "?platform", carries(SpecAttribute.PLATFORM), (s, r, out) ->
      s.platform().ifPresent(p -> out.compare("Platform", text(r, "Platform"), p.split("/")[0]))),
  TTY("Config.Tty", "Tty", carries(SpecAttribute.TTY), (s, r, out) ->
      out.compare("Config.Tty", r.path("Config").path("Tty").asBoolean(false), s.tty())),
  OPEN_STDIN("Config.OpenStdin", "OpenStdin", carries(SpecAttribute.OPEN_STDIN), (s, r, out) ->
      out.compare("Config.OpenStdin", r.path("Config").path("OpenStdin").asBoolean(false), s.openStdin())),
  /**
   * When the spec names aliases or more networks: exactly its networks, each with at least its aliases (the
   * engine adds the container's short id on a user-defined network). The additional networks are connected
   * after create, before this check.
   */
  NETWORKS("NetworkSettings.Networks", "NetworkingConfig",
      carries(SpecAttribute.NETWORK_ALIASES, SpecAttribute.ADDITIONAL_NETWORKS), (s, r, out) -> {
        if (s.networkAliases().isEmpty() && s.additionalNetworks().isEmpty()) {
          return;
        }
        JsonNode recorded = r.path("NetworkSettings").path("Networks");
        Map<String, List<String>> asked = new TreeMap<>();
        asked.put(s.network().toString(), s.networkAliases());
        s.additionalNetworks().forEach(a -> asked.put(a.network().name(), a.aliases()));
        Set<String> names = new TreeSet<>();
        recorded.fieldNames().forEachRemaining(names::add);
        out.compare("NetworkSettings.Networks", names, asked.keySet());
        asked.forEach((net, aliases) -> {
          List<String> has = strings(recorded.path(net).path("Aliases"));
          List<String> missing = aliases.stream().filter(a -> !has.contains(a)).toList();
          if (recorded.has(net) && !missing.isEmpty()) {
            out.add("NetworkSettings.Networks[" + net + "].Aliases recorded " + has + ", asked to include " + aliases);
          }
        });
      }),
  INIT("HostConfig.Init", "HostConfig.Init", carries(SpecAttribute.INIT), (s, r, out) ->
      out.compare("Init", hc(r).path("Init").asBoolean(false), s.init())),
  /** The test and its timings in nanoseconds (0 recorded as absent); when unset, the image's. */
  HEALTHCHECK("Config.Healthcheck", "Healthcheck", carries(SpecAttribute.HEALTH_CHECK), (s, r, out) ->
      s.healthCheck().ifPresent(h -> {
        JsonNode rec = r.path("Config").path("Healthcheck");
        out.compare("Config.Healthcheck.Test", strings(rec.path("Test")), h.test());
        out.compare("Config.Healthcheck.Interval", rec.path("Interval").asLong(0), h.interval().toNanos());
        out.compare("Config.Healthcheck.Timeout", rec.path("Timeout").asLong(0), h.timeout().toNanos());
        out.compare("Config.Healthcheck.StartPeriod", rec.path("StartPeriod").asLong(0), h.startPeriod().toNanos());
        out.compare("Config.Healthcheck.Retries", rec.path("Retries").asLong(0), (long) h.retries());
      })),
  /** The signal; when unset, the image's or the engine's SIGTERM. */
  STOP_SIGNAL("Config.StopSignal", "StopSignal", carries(SpecAttribute.STOP_SIGNAL), (s, r, out) ->
      s.stopSignal().ifPresent(v -> out.compare("Config.StopSignal", text(r.path("Config"), "StopSignal"), v))),
  /** Whole seconds; when unset, recorded as {@code null} (the engine's 10 s). */
  STOP_TIMEOUT("Config.StopTimeout", "StopTimeout", carries(SpecAttribute.STOP_TIMEOUT), (s, r, out) ->
      s.stopTimeout().ifPresent(t -> out.compare("Config.StopTimeout", number(r.path("Config"), "StopTimeout"),
          t.getSeconds()))),
  /** The image reference, as asked ({@code Config.Image}; the top-level {@code Image} is its id). */
  IMAGE("Config.Image", "Image", carries(SpecAttribute.IMAGE), (s, r, out) ->
      out.compare("Config.Image", text(r.path("Config"), "Image"), s.image())),
  /**
   * The command. When unset, the image's {@code CMD}; unless an entrypoint is set, which makes the
   * engine take no {@code CMD} from the image.
   */
  CMD("Config.Cmd", "Cmd", carries(SpecAttribute.COMMAND), (s, r, out) -> {
    if (!s.command().isEmpty() || !s.entrypoint().isEmpty()) {
      out.compare("Config.Cmd", strings(r.path("Config").path("Cmd")), s.command());
    }
  }),
  /** The entrypoint; when unset, the image's. */
  ENTRYPOINT("Config.Entrypoint", "Entrypoint", carries(SpecAttribute.ENTRYPOINT), (s, r, out) -> {
    if (!s.entrypoint().isEmpty()) {
      out.compare("Config.Entrypoint", strings(r.path("Config").path("Entrypoint")), s.entrypoint());
    }
  }),
  /** Each asked variable, by value; the image's own are tolerated. Values are never printed. */
  ENV("Config.Env", "Env", carries(SpecAttribute.ENV), (s, r, out) -> {
    Map<String, String> recorded = new LinkedHashMap<>();
    for (String e : strings(r.path("Config").path("Env"))) {
      int eq = e.indexOf('=');
      recorded.put(eq < 0 ? e : e.substring(0, eq), eq < 0 ? null : e.substring(eq + 1));
    }
    s.env().forEach((k, v) -> {
      if (!recorded.containsKey(k)) {
        out.add("Config.Env[" + k + "] recorded nothing, asked a value");
      } else if (!v.equals(recorded.get(k))) {
        out.add("Config.Env[" + k + "] recorded a different value");
      }
    });
  }),
  /** The working directory; when unset, the image's. */
  WORKING_DIR("Config.WorkingDir", "WorkingDir", carries(SpecAttribute.WORKING_DIR), (s, r, out) ->
      s.workingDir().ifPresent(w -> out.compare("Config.WorkingDir", text(r.path("Config"), "WorkingDir"),
          w.toString()))),
  /** Each asked label; the image's and Carapace's own are tolerated. */
  LABELS("Config.Labels", "Labels", carries(SpecAttribute.LABELS), (s, r, out) -> {
    JsonNode recorded = r.path("Config").path("Labels");
    s.labels().forEach((k, v) -> out.compare("Config.Labels[" + k + "]", text(recorded, k), v));
  }),
  /** The name, recorded with a leading {@code /}; when unset, the engine picks one. */
  NAME("Name", "?name", carries(SpecAttribute.NAME), (s, r, out) -> s.name().ifPresent(n -> {
    String recorded = text(r, "Name");
    out.compare("Name", recorded != null && recorded.startsWith("/") ? recorded.substring(1) : recorded, n);
  })),
  /** The hostname; when unset, the engine uses the container id. */
  HOSTNAME("Config.Hostname", "Hostname", carries(SpecAttribute.HOSTNAME), (s, r, out) ->
      s.hostname().ifPresent(h -> out.compare("Config.Hostname", text(r.path("Config"), "Hostname"), h))),
  /** The runtime asked by name; the engine records its default by name (runc), so that is not compared. */
  RUNTIME("HostConfig.Runtime", "HostConfig.Runtime", carries(SpecAttribute.RUNTIME), (s, r, out) ->
      s.runtime().name().ifPresent(n -> out.compare("Runtime", text(r.path("HostConfig"), "Runtime"), n))),
  /** The untrusted mark, carried as Carapace's label {@code dev.carapace.untrusted=true}. */
  UNTRUSTED("Config.Labels[" + SecureContainerSpec.UNTRUSTED_LABEL + "]", "Labels", carries(SpecAttribute.UNTRUSTED),
      (s, r, out) -> {
        if (s.untrusted()) {
          out.compare("Config.Labels[" + SecureContainerSpec.UNTRUSTED_LABEL + "]",
              text(r.path("Config").path("Labels"), SecureContainerSpec.UNTRUSTED_LABEL), "true");
        }
      });

  /** How a row reads its field back from the inspect JSON and reports each difference. */
  @FunctionalInterface
  interface Check {
    void check(SecureContainerSpec spec, JsonNode inspect, Report out);
  }

  /** Collects one row's differences, each {@code <field> recorded <x>, asked <y>}. */
  interface Report {
    void add(String mismatch);

    default void compare(String field, Object recorded, Object asked) {
      if (!Objects.equals(recorded, asked)) {
        add(field + " recorded " + recorded + ", asked " + asked);
      }
    }
  }

  private final String recordedAt;
  private final String sentAs;
  private final List<SpecAttribute> attributes;
  private final Check check;

  RecordedField(String recordedAt, String sentAs, List<SpecAttribute> attributes, Check check) {
    this.recordedAt = recordedAt;
    this.sentAs = sentAs;
    this.attributes = attributes;
    this.check = check;
  }

  /** Where the engine's inspect JSON holds it, e.g. {@code HostConfig.Mounts}. */
  public String recordedAt() {
    return recordedAt;
  }

  /**
   * Where the create request carries it: a path in its JSON body ({@code HostConfig.Mounts},
   * {@code Cmd}), or {@code ?name} for a query parameter.
   */
  public String sentAs() {
    return sentAs;
  }

  /** The {@link SecureContainerSpec} attributes it carries; none for a fixed value (never privileged). */
  public List<SpecAttribute> attributes() {
    return attributes;
  }

  /**
   * How the create request carries {@code attribute} and the verifier reads it back: the fields of the
   * rows that carry it ({@code HostConfig.PortBindings, Config.ExposedPorts}); empty when no row does.
   */
  public static Optional<String> decision(SpecAttribute attribute) {
    List<String> fields = new ArrayList<>();
    for (RecordedField f : values()) {
      if (f.attributes.contains(attribute)) {
        fields.add(f.sentAs);
      }
    }
    return fields.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", fields));
  }

  void check(SecureContainerSpec spec, JsonNode inspect, Report out) {
    check.check(spec, inspect, out);
  }

  private static List<SpecAttribute> carries(SpecAttribute... attributes) {
    return List.of(attributes);
  }

  private static JsonNode hc(JsonNode inspect) {
    return inspect.path("HostConfig");
  }

  private static Long number(JsonNode node, String field) {
    JsonNode n = node.get(field);
    return n == null || n.isNull() ? null : n.asLong();
  }

  private static String text(JsonNode node, String field) {
    JsonNode n = node.get(field);
    return n == null || n.isNull() ? null : n.asText();
  }

  private static Iterable<JsonNode> iterable(JsonNode array) {
    return array.isArray() ? array : List.of();
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    iterable(array).forEach(n -> out.add(n.asText()));
    return out;
  }

  private static <V> void compareMaps(Report out, String field, Map<String, V> recorded, Map<String, V> asked) {
    Set<String> keys = new TreeSet<>(recorded.keySet());
    keys.addAll(asked.keySet());
    for (String k : keys) {
      out.compare(field + "[" + k + "]", recorded.get(k), asked.get(k));
    }
  }

  private static Set<String> optionSet(String options) {
    return options == null ? null : new TreeSet<>(Arrays.asList(options.split(",", -1)));
  }

  private static final Pattern IP_LITERAL = Pattern.compile("[0-9a-fA-F:.]+");

  /** {@code ip:port}, the IP in one spelling ({@code ::0001} is {@code ::1}), no port as {@code ""}. */
  private static String hostPort(String ip, String port) {
    String host = ip == null ? "" : ip;
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (IP_LITERAL.matcher(host).matches() && host.indexOf(':') >= 0) {
      try {
        host = "[" + InetAddress.getByName(host).getHostAddress() + "]";   // a literal: never a lookup
      } catch (UnknownHostException e) {
        host = "[" + host + "]";
      }
    }
    return host + ":" + (port == null || port.equals("0") ? "" : port);
  }

  private static Set<String> capNames(JsonNode array) {
    Set<String> names = new TreeSet<>();
    strings(array).forEach(c -> names.add(normalizeCap(c)));
    return names;
  }

  /** Capability names as the daemon may spell them: {@code CAP_CHOWN}, {@code chown}. */
  static String normalizeCap(String name) {
    String n = name.toUpperCase(Locale.ROOT);
    return n.startsWith("CAP_") ? n.substring(4) : n;
  }
}
