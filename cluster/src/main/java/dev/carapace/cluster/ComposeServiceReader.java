package dev.carapace.cluster;

import static dev.carapace.core.SpecAttribute.ADDED_CAPABILITIES;
import static dev.carapace.core.SpecAttribute.ADDITIONAL_NETWORKS;
import static dev.carapace.core.SpecAttribute.APPARMOR_PROFILE;
import static dev.carapace.core.SpecAttribute.COMMAND;
import static dev.carapace.core.SpecAttribute.CPUSET_CPUS;
import static dev.carapace.core.SpecAttribute.CPU_PERIOD;
import static dev.carapace.core.SpecAttribute.CPU_QUOTA;
import static dev.carapace.core.SpecAttribute.CPU_SHARES;
import static dev.carapace.core.SpecAttribute.DNS_SEARCH;
import static dev.carapace.core.SpecAttribute.DNS_SERVERS;
import static dev.carapace.core.SpecAttribute.DROPPED_CAPABILITIES;
import static dev.carapace.core.SpecAttribute.DROP_ALL_CAPABILITIES;
import static dev.carapace.core.SpecAttribute.ENTRYPOINT;
import static dev.carapace.core.SpecAttribute.ENV;
import static dev.carapace.core.SpecAttribute.EXTRA_HOSTS;
import static dev.carapace.core.SpecAttribute.HEALTH_CHECK;
import static dev.carapace.core.SpecAttribute.HOSTNAME;
import static dev.carapace.core.SpecAttribute.IMAGE;
import static dev.carapace.core.SpecAttribute.INIT;
import static dev.carapace.core.SpecAttribute.LABELS;
import static dev.carapace.core.SpecAttribute.LOG_CONFIG;
import static dev.carapace.core.SpecAttribute.MEMORY_LIMIT;
import static dev.carapace.core.SpecAttribute.MEMORY_SWAP;
import static dev.carapace.core.SpecAttribute.MOUNTS;
import static dev.carapace.core.SpecAttribute.NAME;
import static dev.carapace.core.SpecAttribute.NANO_CPUS;
import static dev.carapace.core.SpecAttribute.NETWORK;
import static dev.carapace.core.SpecAttribute.NETWORK_ALIASES;
import static dev.carapace.core.SpecAttribute.NO_NEW_PRIVILEGES;
import static dev.carapace.core.SpecAttribute.OPEN_STDIN;
import static dev.carapace.core.SpecAttribute.PIDS_LIMIT;
import static dev.carapace.core.SpecAttribute.PLATFORM;
import static dev.carapace.core.SpecAttribute.PORTS;
import static dev.carapace.core.SpecAttribute.READ_ONLY_ROOT_FILESYSTEM;
import static dev.carapace.core.SpecAttribute.RESTART_POLICY;
import static dev.carapace.core.SpecAttribute.RUNTIME;
import static dev.carapace.core.SpecAttribute.SECCOMP;
import static dev.carapace.core.SpecAttribute.SELINUX_LABEL;
import static dev.carapace.core.SpecAttribute.SHM_SIZE;
import static dev.carapace.core.SpecAttribute.STOP_SIGNAL;
import static dev.carapace.core.SpecAttribute.STOP_TIMEOUT;
import static dev.carapace.core.SpecAttribute.SYSCTLS;
import static dev.carapace.core.SpecAttribute.TTY;
import static dev.carapace.core.SpecAttribute.ULIMITS;
import static dev.carapace.core.SpecAttribute.UNTRUSTED;
import static dev.carapace.core.SpecAttribute.USER;
import static dev.carapace.core.SpecAttribute.WORKING_DIR;

import dev.carapace.cluster.ComposeYaml.Entry;
import dev.carapace.cluster.ComposeYaml.MapValue;
import dev.carapace.cluster.ComposeYaml.Scalar;
import dev.carapace.cluster.ComposeYaml.SeqValue;
import dev.carapace.cluster.ComposeYaml.Value;
import dev.carapace.core.internal.runline.DockerRunParser;
import dev.carapace.core.internal.runline.DockerRunParser.PortReading;
import dev.carapace.core.HealthCheck;
import dev.carapace.core.InvalidSpecException;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SpecAttribute;
import dev.carapace.policy.SourceLocation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One service of a Compose file into a spec. Each service key becomes the {@code docker run} flags that mean
 * the same ({@code pids_limit: 100} is {@code --pids-limit 100}), which the run-line parser reads with Docker's
 * defaults, {@code -p} as Docker reads it ({@link PortReading#AS_DOCKER}), so a Compose file and a {@code docker run} line mean one thing; the keys whose
 * values the command line cannot hold exactly (a multi-word {@code entrypoint}, an exec {@code healthcheck},
 * a {@code stop_grace_period} under a second) are set on the parsed spec afterwards. Each key's flags are first
 * parsed alone, so a bad value is refused at its key's line.
 */
final class ComposeServiceReader {
  private static final String PROBE_IMAGE = "busybox:1";
  private static final String OWN_NAMESPACES = "refused: Carapace gives every container its own namespaces";
  private static final String NO_DEVICES = "refused: Carapace does not pass host devices into containers";

  /** What every service of one file shares: names, the directory, the environment, the declared networks and volumes. */
  static final class Context {
    final String fileName;
    final Path baseDirectory;
    /** What values are interpolated with: {@code .env} (when read) overlaid by the process environment. */
    final Map<String, String> environment;
    /** The process environment alone (docker-compose 1.29 reads env files' variables from it). */
    final Map<String, String> process;
    final String project;
    /** Declared network keys to the engine's names. */
    final Map<String, String> networks = new LinkedHashMap<>();
    /** Declared volume keys to the engine's names. */
    final Map<String, String> volumes = new LinkedHashMap<>();

    Context(String fileName, Path baseDirectory, Map<String, String> environment, Map<String, String> process,
        String project) {
      this.fileName = fileName;
      this.baseDirectory = baseDirectory;
      this.environment = environment;
      this.process = process;
      this.project = project;
    }

    SourceLocation location(int line, int column, String field) {
      return SourceLocation.of(line, column, field);
    }

    ComposeRefusal refusal(int line, int column, String field, String service, String reason) {
      return refusal(line, column, field, service, reason, null);
    }

    ComposeRefusal refusal(int line, int column, String field, String service, String reason, String value) {
      return new ComposeRefusal(fileName, location(line, column, field), service, reason, value);
    }

    /** Top-level {@code networks:} or {@code volumes:}: each key's name on the engine. */
    void declare(Entry section, Map<String, String> names, List<ComposeRefusal> refusals) {
      if (section == null || section.value instanceof Scalar && ((Scalar) section.value).isNull()) {
        return;
      }
      if (!(section.value instanceof MapValue)) {
        refusals.add(refusal(section.line, section.column, section.key, null, "must be a mapping: "
            + section.value.kind()));
        return;
      }
      for (Entry e : ((MapValue) section.value).entries.values()) {
        String name = project + "_" + e.key;
        if (e.value instanceof MapValue) {
          MapValue m = (MapValue) e.value;
          Entry given = m.entries.get("name");
          Entry external = m.entries.get("external");
          if (given != null && given.value instanceof Scalar) {
            name = ComposeValues.interpolate(((Scalar) given.value).text, environment);
          } else if (external != null && external.value instanceof Scalar && ((Scalar) external.value).boolValue()) {
            name = e.key;
          } else if (external != null && external.value instanceof MapValue
              && ((MapValue) external.value).entries.get("name") != null) {
            name = ((Scalar) ((MapValue) external.value).entries.get("name").value).text;
          }
        }
        names.put(e.key, name);
      }
    }
  }

  /** A refused value a rule can still judge ({@code pid: host}): the refusal, and the value as written. */
  private static final class RefusedValue extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    final String value;

    RefusedValue(String message, String value) {
      super(message);
      this.value = value;
    }
  }

  /** A service read: the service (null when its spec could not be built) and what was refused. */
  static final class Result {
    final ComposeService service;
    final List<ComposeRefusal> refusals;

    Result(ComposeService service, List<ComposeRefusal> refusals) {
      this.service = service;
      this.refusals = refusals;
    }
  }

  /** One service key as flags: where it is, the words, what it carries, and where each item is. */
  private static final class Field {
    final Entry entry;
    final String path;
    final List<String> words = new ArrayList<>();
    final List<SpecAttribute> carries = new ArrayList<>();
    final List<SourceLocation> items = new ArrayList<>();
    /** Attributes set deeper than the key ({@code deploy.resources.limits.memory}): where. */
    final Map<SpecAttribute, SourceLocation> nested = new EnumMap<>(SpecAttribute.class);

    Field(Entry entry, String path) {
      this.entry = entry;
      this.path = path;
    }

    void flag(String flag, String value) {
      words.add(flag + "=" + value);
    }
  }

  private final Context cx;
  private final Entry service;
  private final boolean lenient;
  private final String prefix;
  private final List<ComposeRefusal> refusals = new ArrayList<>();
  private final List<Field> fields = new ArrayList<>();
  private String image;
  private List<String> command;
  private List<String> entrypoint;
  private HealthCheck health;
  private Duration stopTimeout;
  /** {@code environment}: each name's value, null when named alone and unset. */
  private Map<String, String> environment;
  private Field environmentField;
  /** {@code env_file}: each file as written, and whether it is required. */
  private List<Map.Entry<String, Boolean>> envFiles;
  private Field envFileField;
  private final Map<String, String> origin;
  private final Map<SpecAttribute, Field> direct = new EnumMap<>(SpecAttribute.class);

  ComposeServiceReader(Context cx, Entry service, boolean lenient) {
    this(cx, service, lenient, List.of(), Map.of());
  }

  /**
   * A reader of {@code service}, its {@code extends} followed: it starts with the refusals made then, and names
   * each key taken from another service ({@code origin}: key to service) in that service's terms.
   */
  ComposeServiceReader(Context cx, Entry service, boolean lenient, List<ComposeRefusal> before,
      Map<String, String> origin) {
    this.cx = cx;
    this.service = service;
    this.lenient = lenient;
    this.prefix = "services." + service.key;
    this.refusals.addAll(before);
    this.origin = origin;
  }

  /** A key of the service as the file names it: under the service it was written in. */
  private String path(String key) {
    return "services." + origin.getOrDefault(key, service.key) + "." + key;
  }

  Result read() {
    if (!(service.value instanceof MapValue)) {
      refuse(service.line, service.column, prefix, "service must be a mapping: " + service.value.kind());
      return new Result(null, refusals);
    }
    MapValue m = (MapValue) service.value;
    if (m.entries.containsKey("network_mode") && m.entries.containsKey("networks")) {
      Entry e = m.entries.get("networks");
      refuse(e.line, e.column, path("networks"), "refused: network_mode and networks must not both be set"
          + " (Compose refuses it too)");
    }
    for (Entry e : m.entries.values()) {
      Field f = new Field(e, path(e.key));
      try {
        key(f, e.value);
      } catch (RefusedValue ex) {
        refusals.add(cx.refusal(e.line, e.column, f.path, service.key, ex.getMessage(), ex.value));
        continue;
      } catch (IllegalArgumentException ex) {
        refuse(e.line, e.column, f.path, ex.getMessage());
        continue;
      }
      if (!f.words.isEmpty()) {
        try {
          DockerRunParser.parse(probe(f.words), Map.of(), PortReading.AS_DOCKER);
        } catch (InvalidSpecException ex) {
          // a rule between fields (memswap_limit needs mem_limit): checked on the whole service below
        } catch (IllegalArgumentException ex) {
          refuse(e.line, e.column, f.path, ex.getMessage());
          continue;
        }
      }
      if (!f.words.isEmpty() || !f.carries.isEmpty()) {
        fields.add(f);
      }
    }
    environment();
    if (image == null && !m.entries.containsKey("image")) {
      refuse(service.line, service.column, prefix, "service must name an image: " + (m.entries.containsKey("build")
          ? "build only (build it, then name the image)" : "none"));
      return new Result(null, refusals);
    }
    if (image == null) { // refused above, at its key
      return new Result(null, refusals);
    }
    if (!lenient && !refusals.isEmpty()) {
      return new Result(null, refusals);
    }
    List<String> words = new ArrayList<>(List.of("docker", "run"));
    for (Field f : fields) {
      words.addAll(f.words);
    }
    if (!m.entries.containsKey("network_mode") && !m.entries.containsKey("networks")) {
      words.add("--network=" + cx.project + "_default"); // Compose's own: the project's network
    }
    words.add("--");
    words.add(image);
    SecureContainerSpec spec;
    try {
      SecureContainerSpec parsed = DockerRunParser.parse(words, Map.of(), PortReading.AS_DOCKER);
      SecureContainerSpec.Builder b = parsed.toBuilder();
      if (command != null) {
        b.command(command);
      }
      if (entrypoint != null) {
        b.entrypoint(entrypoint);
      }
      if (health != null) {
        b.healthCheck(health);
      }
      if (stopTimeout != null) {
        b.stopTimeout(stopTimeout);
      }
      spec = b.build();
    } catch (InvalidSpecException ex) {
      for (String problem : ex.problems()) {
        Field at = null;
        for (SpecAttribute a : SpecAttribute.values()) {
          if (problem.startsWith(a.builderName() + " ")) {
            at = fields.stream().filter(f -> f.carries.contains(a)).findFirst().orElse(null);
            break;
          }
        }
        if (at == null) {
          refuse(service.line, service.column, prefix, problem);
        } else {
          refuse(at.entry.line, at.entry.column, at.path, problem);
        }
      }
      return new Result(null, refusals);
    } catch (IllegalArgumentException ex) {
      refuse(service.line, service.column, prefix, ex.getMessage());
      return new Result(null, refusals);
    }
    Map<SpecAttribute, SourceLocation> locations = new EnumMap<>(SpecAttribute.class);
    Map<SpecAttribute, List<SourceLocation>> items = new EnumMap<>(SpecAttribute.class);
    Map<String, SourceLocation> keys = new LinkedHashMap<>();
    for (Entry e : m.entries.values()) {
      keys.put(e.key, cx.location(e.line, e.column, path(e.key)));
    }
    for (Field f : fields) {
      for (SpecAttribute a : f.carries) {
        locations.putIfAbsent(a, f.nested.getOrDefault(a, cx.location(f.entry.line, f.entry.column, f.path)));
        items.computeIfAbsent(a, x -> new ArrayList<>()).addAll(f.items);
      }
    }
    ComposeService s = new ComposeService(service.key, cx.location(service.line, service.column, prefix), spec,
        locations, items, keys, refusals);
    return new Result(s, refusals);
  }

  private static List<String> probe(List<String> words) {
    List<String> argv = new ArrayList<>(List.of("docker", "run"));
    argv.addAll(words);
    argv.add("--");
    argv.add(PROBE_IMAGE);
    return argv;
  }

  private void refuse(int line, int column, String field, String reason) {
    refusals.add(cx.refusal(line, column, field, service.key, reason));
  }

  // ------------------------------------------------------------------ the keys

  private void key(Field f, Value v) {
    switch (f.entry.key) {
      case "image":
        image = text(f, v);
        f.carries.add(IMAGE);
        break;
      case "command":
        command = words(f, v);
        f.carries.add(COMMAND);
        break;
      case "entrypoint":
        entrypoint = words(f, v);
        f.carries.add(ENTRYPOINT);
        break;
      case "environment":
        environment = new LinkedHashMap<>();
        for (String[] kv : keyValues(f, v, "=")) {
          // Compose passes an unset variable named alone as unset (null), which also unsets an env_file's
          environment.put(kv[0], kv[1] != null ? kv[1] : cx.environment.get(kv[0]));
        }
        environmentField = f;
        f.carries.add(ENV);
        break;
      case "env_file":
        envFiles = envFileList(f, v);
        envFileField = f;
        f.carries.add(ENV);
        break;
      case "working_dir":
        f.flag("--workdir", text(f, v));
        f.carries.add(WORKING_DIR);
        break;
      case "user":
        f.flag("--user", text(f, v));
        f.carries.add(USER);
        break;
      case "labels":
        for (String[] kv : keyValues(f, v, "=")) {
          f.flag("--label", kv[0] + "=" + (kv[1] == null ? "" : kv[1]));
        }
        f.carries.add(LABELS);
        f.carries.add(UNTRUSTED);
        break;
      case "container_name":
        f.flag("--name", text(f, v));
        f.carries.add(NAME);
        break;
      case "hostname":
        f.flag("--hostname", text(f, v));
        f.carries.add(HOSTNAME);
        break;
      case "extra_hosts":
        for (String[] kv : keyValues(f, v, ":")) {
          if (kv[1] == null) {
            throw new IllegalArgumentException("extra_hosts must be HOST:IP: " + ComposeValues.quote(kv[0]));
          }
          f.flag("--add-host", kv[0] + ":" + kv[1]);
        }
        f.carries.add(EXTRA_HOSTS);
        break;
      case "dns":
        textOrList(f, v).forEach(d -> f.flag("--dns", d));
        f.carries.add(DNS_SERVERS);
        break;
      case "dns_search":
        textOrList(f, v).forEach(d -> f.flag("--dns-search", d));
        f.carries.add(DNS_SEARCH);
        break;
      case "cap_add":
        list(f, v).forEach(c -> f.flag("--cap-add", c));
        f.carries.add(ADDED_CAPABILITIES);
        break;
      case "cap_drop":
        list(f, v).forEach(c -> f.flag("--cap-drop", c));
        f.carries.add(DROP_ALL_CAPABILITIES);
        f.carries.add(DROPPED_CAPABILITIES);
        break;
      case "security_opt":
        for (String o : list(f, v)) {
          f.flag("--security-opt", securityOpt(o));
        }
        f.carries.addAll(List.of(NO_NEW_PRIVILEGES, SECCOMP, SELINUX_LABEL, APPARMOR_PROFILE));
        break;
      case "read_only":
        f.flag("--read-only", Boolean.toString(bool(f, v)));
        f.carries.add(READ_ONLY_ROOT_FILESYSTEM);
        break;
      case "privileged":
        if (bool(f, v)) {
          throw new RefusedValue("refused: Carapace never runs privileged containers", "true");
        }
        break;
      case "pid": case "ipc": case "userns_mode": case "cgroup": case "cgroupns_mode": case "uts":
        String mode = text(f, v);
        throw new RefusedValue(OWN_NAMESPACES + ": " + f.entry.key + " " + ComposeValues.quote(mode), mode);
      case "devices": case "device_cgroup_rules": case "gpus":
        throw new IllegalArgumentException(NO_DEVICES);
      case "network_mode":
        network(f, text(f, v));
        break;
      case "networks":
        networks(f, v);
        break;
      case "ports":
        for (Value item : items(f, v)) {
          f.flag("--publish", port(f, item));
          f.items.add(cx.location(item.line, item.column, f.path + "[" + (f.items.size()) + "]"));
        }
        f.carries.add(PORTS);
        break;
      case "expose":
        break; // metadata: publishes nothing
      case "volumes":
        for (Value item : items(f, v)) {
          f.words.add(volume(f, item));
          f.items.add(cx.location(item.line, item.column, f.path + "[" + f.items.size() + "]"));
        }
        f.carries.add(MOUNTS);
        break;
      case "tmpfs":
        for (Value item : textOrListValues(f, v)) {
          f.flag("--tmpfs", text(f, item));
          f.items.add(cx.location(item.line, item.column, f.path + (v instanceof SeqValue ? "[" + f.items.size()
              + "]" : "")));
        }
        f.carries.add(MOUNTS);
        break;
      case "cpuset":
        f.flag("--cpuset-cpus", text(f, v));
        f.carries.add(CPUSET_CPUS);
        break;
      case "cpu_shares":
        f.flag("--cpu-shares", number(f, v));
        f.carries.add(CPU_SHARES);
        break;
      case "cpu_quota":
        f.flag("--cpu-quota", number(f, v));
        f.carries.add(CPU_QUOTA);
        break;
      case "cpu_period":
        f.flag("--cpu-period", number(f, v));
        f.carries.add(CPU_PERIOD);
        break;
      case "cpus":
        f.flag("--cpus", number(f, v));
        f.carries.add(NANO_CPUS);
        break;
      case "mem_limit":
        f.flag("--memory", size(f, v));
        f.carries.add(MEMORY_LIMIT);
        break;
      case "memswap_limit":
        f.flag("--memory-swap", size(f, v));
        f.carries.add(MEMORY_SWAP);
        break;
      case "pids_limit":
        f.flag("--pids-limit", number(f, v));
        f.carries.add(PIDS_LIMIT);
        break;
      case "shm_size":
        f.flag("--shm-size", size(f, v));
        f.carries.add(SHM_SIZE);
        break;
      case "deploy":
        deploy(f, v);
        break;
      case "sysctls":
        for (String[] kv : keyValues(f, v, "=")) {
          f.flag("--sysctl", kv[0] + "=" + (kv[1] == null ? "" : kv[1]));
        }
        f.carries.add(SYSCTLS);
        break;
      case "ulimits":
        for (Entry u : map(f, v).entries.values()) {
          if (u.value instanceof MapValue) {
            MapValue lim = (MapValue) u.value;
            Entry soft = lim.entries.get("soft");
            Entry hard = lim.entries.get("hard");
            if (soft == null || hard == null || lim.entries.size() != 2) {
              throw new IllegalArgumentException("ulimits." + u.key + " must be a number or soft: and hard:");
            }
            f.flag("--ulimit", u.key + "=" + number(f, soft.value) + ":" + number(f, hard.value));
          } else {
            f.flag("--ulimit", u.key + "=" + number(f, u.value));
          }
        }
        f.carries.add(ULIMITS);
        break;
      case "logging":
        logging(f, v);
        break;
      case "restart":
        f.flag("--restart", text(f, v));
        f.carries.add(RESTART_POLICY);
        break;
      case "healthcheck":
        health = healthCheck(f, v);
        f.carries.add(HEALTH_CHECK);
        break;
      case "init":
        f.flag("--init", Boolean.toString(bool(f, v)));
        f.carries.add(INIT);
        break;
      case "stop_signal":
        f.flag("--stop-signal", text(f, v));
        f.carries.add(STOP_SIGNAL);
        break;
      case "stop_grace_period":
        stopTimeout = ComposeValues.duration("stop_grace_period", text(f, v));
        f.carries.add(STOP_TIMEOUT);
        break;
      case "runtime":
        f.flag("--runtime", text(f, v));
        f.carries.add(RUNTIME);
        break;
      case "platform":
        f.flag("--platform", text(f, v));
        f.carries.add(PLATFORM);
        break;
      case "tty":
        f.flag("--tty", Boolean.toString(bool(f, v)));
        f.carries.add(TTY);
        break;
      case "stdin_open":
        f.flag("--interactive", Boolean.toString(bool(f, v)));
        f.carries.add(OPEN_STDIN);
        break;
      case "build": case "depends_on": case "profiles": case "pull_policy": case "scale":
        break; // how Compose builds and orders services: not a container setting
      case "links": case "external_links":
        throw new IllegalArgumentException("refused: legacy links are not modelled; use a user-defined network");
      case "volumes_from":
        throw new IllegalArgumentException("refused: name each mount under volumes");
      case "secrets": case "configs":
        throw new IllegalArgumentException("refused: the spec has no Compose secrets or configs (mount a file"
            + " read-only under volumes)");
      case "log_driver": case "log_opt":
        throw new IllegalArgumentException("refused: write logging: {driver:, options:} (format 2's log_driver"
            + " is not read)");
      default:
        throw new IllegalArgumentException("refused: " + (KNOWN_UNCARRIED.contains(f.entry.key)
            ? "the spec has no such setting" : "not a Compose service field Carapace knows"));
    }
  }

  /** Compose service keys the spec has no setting for (refused by name). */
  private static final java.util.Set<String> KNOWN_UNCARRIED = java.util.Set.of("cgroup_parent", "isolation",
      "mac_address", "storage_opt", "group_add", "domainname", "blkio_config", "cpu_count", "cpu_percent",
      "cpu_rt_runtime", "cpu_rt_period", "mem_reservation", "mem_swappiness", "oom_kill_disable", "oom_score_adj",
      "credential_spec", "annotations", "attach", "develop", "post_start", "pre_stop");

  // ------------------------------------------------------------------ compose syntaxes

  private void network(Field f, String mode) {
    if (mode.startsWith("service:")) {
      throw new IllegalArgumentException("refused: network_mode service: names a Compose service, not a container"
          + " (use container:NAME with the service's container_name)");
    }
    f.flag("--network", mode);
    f.carries.add(NETWORK);
  }

  private void networks(Field f, Value v) {
    List<String[]> attachments = new ArrayList<>(); // engine name, aliases (comma-separated) or null
    if (v instanceof SeqValue) {
      for (Value item : ((SeqValue) v).items) {
        attachments.add(new String[] {networkName(text(f, item)), null});
      }
    } else {
      for (Entry e : map(f, v).entries.values()) {
        List<String> aliases = new ArrayList<>();
        if (e.value instanceof MapValue) {
          for (Entry k : ((MapValue) e.value).entries.values()) {
            if (k.key.equals("aliases")) {
              aliases.addAll(list(f, k.value));
            } else {
              throw new IllegalArgumentException("networks." + e.key + "." + k.key + " refused: Carapace reads"
                  + " only aliases (no fixed addresses, priorities or link-local IPs)");
            }
          }
        } else if (!(e.value instanceof Scalar && ((Scalar) e.value).isNull())) {
          throw new IllegalArgumentException("networks." + e.key + " must be a mapping or empty: " + e.value.kind());
        }
        attachments.add(new String[] {networkName(e.key), String.join(",", aliases)});
      }
    }
    for (int i = 0; i < attachments.size(); i++) {
      String[] a = attachments.get(i);
      if (i == 0) {
        f.flag("--network", a[0]);
        if (a[1] != null && !a[1].isEmpty()) {
          for (String alias : a[1].split(",")) {
            f.flag("--network-alias", alias);
          }
        }
      } else {
        StringBuilder w = new StringBuilder("name=" + a[0]);
        if (a[1] != null && !a[1].isEmpty()) {
          for (String alias : a[1].split(",")) {
            w.append(",alias=").append(alias);
          }
        }
        f.flag("--network", w.toString());
      }
    }
    f.carries.addAll(List.of(NETWORK, NETWORK_ALIASES, ADDITIONAL_NETWORKS));
  }

  private String networkName(String key) {
    if (key.equals("default") && !cx.networks.containsKey("default")) {
      return cx.project + "_default";
    }
    String name = cx.networks.get(key);
    if (name == null) {
      throw new IllegalArgumentException("network " + ComposeValues.quote(key) + " must be declared under the"
          + " top-level networks: it is not (Compose refuses it too)");
    }
    return name;
  }

  /**
   * Short syntax {@code [IP:][HOST:]CONTAINER[/PROTO]} or a number, or the long syntax, as a {@code -p} value that
   * {@link DockerRunParser.PortReading#AS_DOCKER} reads: no host IP is every interface.
   */
  private String port(Field f, Value item) {
    if (item instanceof MapValue) {
      MapValue m = (MapValue) item;
      String target = null;
      String published = "";
      String hostIp = ""; // none: every interface, as Docker reads -p
      String protocol = "tcp";
      for (Entry e : m.entries.values()) {
        switch (e.key) {
          case "target" -> target = number(f, e.value);
          case "published" -> published = text(f, e.value);
          case "host_ip" -> hostIp = text(f, e.value);
          case "protocol" -> protocol = text(f, e.value);
          case "mode" -> {
            if (!text(f, e.value).equals("host") && !text(f, e.value).equals("ingress")) {
              throw new IllegalArgumentException("ports mode must be host or ingress: " + text(f, e.value));
            }
          }
          case "name", "app_protocol" -> { }
          default -> throw new IllegalArgumentException("ports." + e.key + " is not a port field (target,"
              + " published, host_ip, protocol, mode)");
        }
      }
      if (target == null) {
        throw new IllegalArgumentException("ports must name a target port");
      }
      String ip = hostIp.contains(":") && !hostIp.startsWith("[") ? "[" + hostIp + "]" : hostIp;
      return ip + ":" + published + ":" + target + "/" + protocol;
    }
    Scalar s = scalar(f, item);
    if (Scalar.class.isInstance(s) && s.isNumber() && s.text.contains(":")) {
      throw new IllegalArgumentException("ports " + s.text + " reads as a number in YAML 1.1 (base 60: docker-compose"
          + " reads it as " + ComposeValues.sexagesimal(s.text) + "): quote it");
    }
    return ComposeValues.interpolate(s.text, cx.environment); // read as Docker reads -p: no host IP is every interface
  }

  /** A volume as a {@code --mount} word, or {@code -v} for a named volume in short syntax. */
  private String volume(Field f, Value item) {
    if (item instanceof MapValue) {
      MapValue m = (MapValue) item;
      String type = null;
      String source = null;
      String target = null;
      boolean readOnly = false;
      String tmpfsSize = null;
      for (Entry e : m.entries.values()) {
        switch (e.key) {
          case "type" -> type = text(f, e.value);
          case "source" -> source = text(f, e.value);
          case "target" -> target = text(f, e.value);
          case "read_only" -> readOnly = bool(f, e.value);
          case "tmpfs" -> {
            for (Entry t : map(f, e.value).entries.values()) {
              if (!t.key.equals("size")) {
                throw new IllegalArgumentException("volumes tmpfs." + t.key + " refused: Carapace reads only size");
              }
              tmpfsSize = size(f, t.value);
            }
          }
          case "bind" -> {
            for (Entry t : map(f, e.value).entries.values()) {
              if (!t.key.equals("create_host_path")) {
                throw new IllegalArgumentException("volumes bind." + t.key + " refused: Carapace mounts with the"
                    + " engine's defaults (no propagation or SELinux relabelling)");
              }
            }
          }
          case "volume" -> {
            for (Entry t : map(f, e.value).entries.values()) {
              throw new IllegalArgumentException("volumes volume." + t.key + " refused: Carapace reads no volume"
                  + " options");
            }
          }
          case "consistency" -> { }
          default -> throw new IllegalArgumentException("volumes." + e.key + " is not a volume field (type, source,"
              + " target, read_only, tmpfs, bind)");
        }
      }
      if (type == null || target == null) {
        throw new IllegalArgumentException("volumes must give type and target");
      }
      StringBuilder w = new StringBuilder("--mount=type=" + type);
      switch (type) {
        case "bind" -> w.append(",").append(csv("source=" + hostPath(source)));
        case "volume" -> {
          if (source == null || source.isEmpty()) {
            throw new IllegalArgumentException("anonymous volumes are not supported: " + ComposeValues.quote(target)
                + " (name the volume)");
          }
          w.append(",").append(csv("source=" + volumeName(source)));
        }
        case "tmpfs" -> {
          if (source != null) {
            throw new IllegalArgumentException("a tmpfs volume has no source: " + ComposeValues.quote(source));
          }
        }
        default -> throw new IllegalArgumentException("volumes type must be bind, volume or tmpfs: "
            + ComposeValues.quote(type) + " (npipe and cluster volumes are refused)");
      }
      w.append(",").append(csv("target=" + target));
      if (readOnly) {
        w.append(",readonly");
      }
      if (tmpfsSize != null) {
        w.append(",tmpfs-size=").append(tmpfsSize);
      }
      return w.toString();
    }
    String text = text(f, item);
    String[] parts = text.split(":", -1);
    if (parts.length == 1) {
      throw new IllegalArgumentException("anonymous volumes are not supported: " + ComposeValues.quote(text)
          + " (name the volume, as in data:" + text + ")");
    }
    if (parts.length > 3) {
      throw new IllegalArgumentException("volumes must look like SOURCE:TARGET[:MODE]: " + ComposeValues.quote(text));
    }
    boolean readOnly = false;
    if (parts.length == 3) {
      for (String o : parts[2].split(",", -1)) {
        if (o.equals("ro")) {
          readOnly = true;
        } else if (!o.equals("rw")) {
          throw new IllegalArgumentException("volumes mode is not supported: " + ComposeValues.quote(o)
              + " (Carapace takes ro or rw)");
        }
      }
    }
    String src = parts[0];
    boolean path = src.startsWith("/") || src.startsWith(".") || src.startsWith("~");
    if (path) {
      return "--mount=type=bind," + csv("source=" + hostPath(src)) + "," + csv("target=" + parts[1])
          + (readOnly ? ",readonly" : "");
    }
    return "--volume=" + volumeName(src) + ":" + parts[1] + (readOnly ? ":ro" : "");
  }

  private String hostPath(String source) {
    if (source == null || source.isEmpty()) {
      throw new IllegalArgumentException("a bind volume must give its source");
    }
    if (source.startsWith("~")) {
      throw new IllegalArgumentException("bind source must not start with ~ (write the absolute path): "
          + ComposeValues.quote(source));
    }
    if (source.startsWith("/")) {
      return source;
    }
    if (cx.baseDirectory == null) {
      throw new IllegalArgumentException("bind source is relative and the file's directory is unknown: "
          + ComposeValues.quote(source));
    }
    return cx.baseDirectory.resolve(source).normalize().toString();
  }

  private String volumeName(String key) {
    String name = cx.volumes.get(key);
    if (name == null) {
      throw new IllegalArgumentException("volume " + ComposeValues.quote(key) + " must be declared under the"
          + " top-level volumes: it is not (Compose refuses it too)");
    }
    return name;
  }

  private static String csv(String field) {
    return field.indexOf(',') < 0 && field.indexOf('"') < 0 ? field : "\"" + field.replace("\"", "\"\"") + "\"";
  }

  /** seccomp profile paths are relative to the file's directory; the rest as written ({@code :} or {@code =}). */
  private String securityOpt(String o) {
    String normal = o.startsWith("seccomp:") ? "seccomp=" + o.substring(8) : o;
    if (normal.startsWith("seccomp=")) {
      String p = normal.substring(8);
      if (!p.equals("unconfined") && !p.startsWith("/") && cx.baseDirectory != null) {
        return "seccomp=" + cx.baseDirectory.resolve(p).normalize();
      }
    }
    return o;
  }

  private void deploy(Field f, Value v) {
    for (Entry e : map(f, v).entries.values()) {
      if (!e.key.equals("resources")) {
        continue; // replicas, placement, update_config...: how an orchestrator schedules, not a container setting
      }
      for (Entry r : map(f, e.value).entries.values()) {
        String at = "deploy.resources." + r.key;
        if (!r.key.equals("limits")) {
          throw new IllegalArgumentException(at + " refused: the spec has no reservations (set limits)");
        }
        for (Entry l : map(f, r.value).entries.values()) {
          SourceLocation where = cx.location(l.line, l.column, f.path + ".resources.limits." + l.key);
          switch (l.key) {
            case "cpus" -> {
              f.flag("--cpus", number(f, l.value));
              f.carries.add(NANO_CPUS);
              f.nested.put(NANO_CPUS, where);
            }
            case "memory" -> {
              f.flag("--memory", size(f, l.value));
              f.carries.add(MEMORY_LIMIT);
              f.nested.put(MEMORY_LIMIT, where);
            }
            case "pids" -> {
              f.flag("--pids-limit", number(f, l.value));
              f.carries.add(PIDS_LIMIT);
              f.nested.put(PIDS_LIMIT, where);
            }
            default -> throw new IllegalArgumentException(at + "." + l.key + " refused: Carapace reads cpus, memory"
                + " and pids");
          }
        }
      }
    }
  }

  private void logging(Field f, Value v) {
    String driver = null;
    List<String> options = new ArrayList<>();
    for (Entry e : map(f, v).entries.values()) {
      switch (e.key) {
        case "driver" -> driver = text(f, e.value);
        case "options" -> {
          for (String[] kv : keyValues(f, e.value, "=")) {
            options.add(kv[0] + "=" + (kv[1] == null ? "" : kv[1]));
          }
        }
        default -> throw new IllegalArgumentException("logging." + e.key + " is not a logging field (driver,"
            + " options)");
      }
    }
    if (driver == null) {
      throw new IllegalArgumentException("logging must name its driver (Carapace does not guess the engine's)");
    }
    f.flag("--log-driver", driver);
    options.forEach(o -> f.flag("--log-opt", o));
    f.carries.add(LOG_CONFIG);
  }

  private HealthCheck healthCheck(Field f, Value v) {
    List<String> test = null;
    Duration interval = Duration.ofSeconds(30);
    Duration timeout = Duration.ofSeconds(30);
    Duration startPeriod = Duration.ZERO;
    int retries = 3;
    for (Entry e : map(f, v).entries.values()) {
      switch (e.key) {
        case "test" -> {
          if (e.value instanceof SeqValue) {
            test = list(f, e.value);
          } else {
            test = List.of("CMD-SHELL", text(f, e.value));
          }
          if (!test.isEmpty() && test.get(0).equals("NONE")) {
            throw new IllegalArgumentException("healthcheck test NONE refused: the spec cannot turn off the image's"
                + " HEALTHCHECK (leave healthcheck out)");
          }
        }
        case "interval" -> interval = ComposeValues.duration("healthcheck interval", text(f, e.value));
        case "timeout" -> timeout = ComposeValues.duration("healthcheck timeout", text(f, e.value));
        case "start_period" -> startPeriod = ComposeValues.duration("healthcheck start_period", text(f, e.value));
        case "retries" -> retries = Integer.parseInt(number(f, e.value));
        case "disable" -> {
          if (bool(f, e.value)) {
            throw new IllegalArgumentException("healthcheck disable refused: the spec cannot turn off the image's"
                + " HEALTHCHECK (leave healthcheck out)");
          }
        }
        default -> throw new IllegalArgumentException("healthcheck." + e.key + " refused: Carapace reads test,"
            + " interval, timeout, start_period and retries");
      }
    }
    if (test == null) {
      throw new IllegalArgumentException("healthcheck must give its test (the spec cannot change only the timings"
          + " of the image's HEALTHCHECK)");
    }
    return new HealthCheck(test, interval, timeout, startPeriod, retries);
  }

  // ------------------------------------------------------------------ environment and env_file

  /**
   * The service's variables as Compose merges them: each env file in order (a later one overriding), then
   * {@code environment} overriding them all (a name alone and unset there unsets it), each set by the flags of the
   * key that gave it.
   */
  private void environment() {
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, Field> from = new LinkedHashMap<>();
    if (envFileField != null) {
      try {
        envFileVariables().forEach((k, v) -> {
          values.put(k, v);
          from.put(k, envFileField);
        });
      } catch (EnvFileProblem p) {
        refusals.add(new ComposeRefusal(p.file, cx.location(p.problem.line, p.problem.column, envFileField.path),
            service.key, p.problem.getMessage()));
        fields.remove(envFileField);
      } catch (IllegalArgumentException ex) {
        refuse(envFileField.entry.line, envFileField.entry.column, envFileField.path, ex.getMessage());
        fields.remove(envFileField);
      }
    }
    if (environment != null) {
      environment.forEach((k, v) -> {
        values.remove(k);
        values.put(k, v);
        from.put(k, environmentField);
      });
    }
    values.forEach((k, v) -> {
      if (v != null) {
        from.get(k).flag("--env", k + "=" + v);
      }
    });
    for (Field f : new Field[] {envFileField, environmentField}) {
      if (f != null && !f.words.isEmpty() && fields.contains(f)) {
        try {
          DockerRunParser.parse(probe(f.words), Map.of(), PortReading.AS_DOCKER);
        } catch (InvalidSpecException ex) {
          // checked on the whole service
        } catch (IllegalArgumentException ex) {
          refuse(f.entry.line, f.entry.column, f.path, ex.getMessage());
          fields.remove(f);
        }
      }
    }
  }

  /** An env file's problem: the file as messages name it, and where in it. */
  private static final class EnvFileProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String file;
    final ComposeYaml.Problem problem;

    EnvFileProblem(String file, ComposeYaml.Problem problem) {
      super(problem.getMessage(), problem);
      this.file = file;
      this.problem = problem;
    }
  }

  /** {@code env_file}: a path, or a list of paths and {@code {path, required}} mappings. */
  private List<Map.Entry<String, Boolean>> envFileList(Field f, Value v) {
    List<Map.Entry<String, Boolean>> out = new ArrayList<>();
    for (Value item : textOrListValues(f, v)) {
      if (!(item instanceof MapValue)) {
        out.add(Map.entry(text(f, item), true));
        continue;
      }
      String path = null;
      boolean required = true;
      for (Entry e : ((MapValue) item).entries.values()) {
        switch (e.key) {
          case "path" -> path = text(f, e.value);
          case "required" -> required = bool(f, e.value);
          case "format" -> throw new IllegalArgumentException("env_file format refused: Carapace reads env files"
              + " in Compose's own syntax only (leave format out)");
          default -> throw new IllegalArgumentException("env_file." + e.key + " is not an env_file field (path,"
              + " required)");
        }
      }
      if (path == null) {
        throw new IllegalArgumentException("env_file item must give its path");
      }
      out.add(Map.entry(path, required));
    }
    return out;
  }

  /** The variables of the service's env files, later files overriding earlier ones. */
  private Map<String, String> envFileVariables() {
    if (cx.baseDirectory == null) {
      throw new IllegalArgumentException("env_file must be read from the Compose file's folder: the reader was"
          + " given none (read the file by its path)");
    }
    Path base = cx.baseDirectory.toAbsolutePath().normalize();
    Map<String, String> serviceV2 = new LinkedHashMap<>();
    if (environment != null) {
      environment.forEach((k, v) -> {
        if (v != null) {
          serviceV2.put(k, v);
        }
      });
    }
    ComposeEnvFile.Sources sources = new ComposeEnvFile.Sources(cx.process, cx.environment, serviceV2);
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, Boolean> file : envFiles) {
      String shown = ComposeEnvFile.shownName(cx.fileName, file.getKey());
      try {
        Path real = ComposeEnvFile.locate(base, file.getKey());
        if (real == null) {
          if (file.getValue()) {
            throw new IllegalArgumentException("env_file must name a file that exists: " + ComposeValues.quote(
                file.getKey()) + " does not (Compose stops there too; required: false skips a missing one)");
          }
          continue;
        }
        Map<String, String> read = ComposeEnvFile.resolve(ComposeEnvFile.parse(ComposeEnvFile.read(real)), sources,
            out);
        read.forEach((k, v) -> {
          out.remove(k);
          out.put(k, v);
        });
      } catch (ComposeYaml.Problem p) {
        throw new EnvFileProblem(shown, p);
      } catch (java.nio.file.NoSuchFileException e) {
        throw new IllegalArgumentException("env_file must name a file that exists: " + ComposeValues.quote(
            file.getKey()) + " went away while read");
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException("env_file cannot be read: " + ComposeValues.quote(file.getKey()) + " ("
            + e.getClass().getSimpleName() + ")");
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ value shapes

  private Scalar scalar(Field f, Value v) {
    if (!(v instanceof Scalar) || ((Scalar) v).isNull()) {
      throw new IllegalArgumentException("must be a string or a number: " + v.kind());
    }
    return (Scalar) v;
  }

  /**
   * A string, or a number as docker-compose (PyYAML, YAML 1.1) reads it and passes it on: {@code 012} is 10,
   * {@code 0x1F} 31, {@code 1_000} 1000; interpolated. A number Python would write back otherwise than it is
   * written (a sexagesimal {@code 33:33}, a float such as {@code 1.50}) and a boolean are refused: quote them.
   */
  private String text(Field f, Value v) {
    Scalar s = scalar(f, v);
    if (s.isBool()) {
      throw new IllegalArgumentException("must be a string: the boolean " + s.text + " (quote it: docker-compose"
          + " 1.29 passes True, Compose v2 true)");
    }
    if (org.yaml.snakeyaml.nodes.Tag.INT.equals(s.tag)) {
      return ComposeValues.yaml11Integer(s.text);
    }
    if (org.yaml.snakeyaml.nodes.Tag.FLOAT.equals(s.tag) && !s.text.matches("(0|[1-9][0-9]*)\\.[0-9]*[1-9]")) {
      throw new IllegalArgumentException("must be written as docker-compose passes it on: the float " + s.text
          + " (quote it)");
    }
    return ComposeValues.interpolate(s.text, cx.environment);
  }

  /** A number as written (an int, a float, or a string holding one): the flag reads and checks it. */
  private String number(Field f, Value v) {
    Scalar s = scalar(f, v);
    String t = org.yaml.snakeyaml.nodes.Tag.FLOAT.equals(s.tag) ? s.text : text(f, v);
    if (!t.matches("[-+]?[0-9]+(\\.[0-9]+)?")) {
      throw new IllegalArgumentException("must be a number: " + ComposeValues.quote(t));
    }
    return t.startsWith("+") ? t.substring(1) : t;
  }

  /** A byte size: a number of bytes, or a string such as {@code 512m}. */
  private String size(Field f, Value v) {
    String t = text(f, v);
    return t.toLowerCase(java.util.Locale.ROOT).endsWith("b") && t.length() > 1
        && Character.isLetter(t.charAt(t.length() - 2)) ? t.substring(0, t.length() - 1) : t;
  }

  private boolean bool(Field f, Value v) {
    if (v instanceof Scalar && ((Scalar) v).isBool()) {
      return ((Scalar) v).boolValue();
    }
    if (v instanceof Scalar && !((Scalar) v).isNull()) {
      String t = ComposeValues.interpolate(((Scalar) v).text, cx.environment);
      if (t.equals("true") || t.equals("false")) {
        return Boolean.parseBoolean(t);
      }
    }
    throw new IllegalArgumentException("must be true or false: " + v.kind());
  }

  private MapValue map(Field f, Value v) {
    if (!(v instanceof MapValue)) {
      throw new IllegalArgumentException("must be a mapping: " + v.kind());
    }
    return (MapValue) v;
  }

  private List<Value> items(Field f, Value v) {
    if (!(v instanceof SeqValue)) {
      throw new IllegalArgumentException("must be a list: " + v.kind());
    }
    return ((SeqValue) v).items;
  }

  private List<String> list(Field f, Value v) {
    List<String> out = new ArrayList<>();
    for (Value item : items(f, v)) {
      out.add(text(f, item));
    }
    return out;
  }

  private List<Value> textOrListValues(Field f, Value v) {
    return v instanceof SeqValue ? ((SeqValue) v).items : List.of(v);
  }

  private List<String> textOrList(Field f, Value v) {
    return v instanceof SeqValue ? list(f, v) : List.of(text(f, v));
  }

  /** A command: a list of words, or a string split as docker-compose splits it. */
  private List<String> words(Field f, Value v) {
    if (v instanceof SeqValue) {
      return list(f, v);
    }
    return ComposeValues.split(text(f, v));
  }

  /** A mapping of keys to values, or a list of {@code KEY<sep>VALUE} (or {@code KEY} alone: value null). */
  private List<String[]> keyValues(Field f, Value v, String sep) {
    List<String[]> out = new ArrayList<>();
    if (v instanceof MapValue) {
      for (Entry e : ((MapValue) v).entries.values()) {
        String value = e.value instanceof Scalar && ((Scalar) e.value).isNull() ? null : text(f, e.value);
        out.add(new String[] {e.key, value});
      }
      return out;
    }
    for (String item : list(f, v)) {
      int at = item.indexOf(sep);
      out.add(at < 0 ? new String[] {item, null} : new String[] {item.substring(0, at), item.substring(at + 1)});
    }
    return out;
  }
}
