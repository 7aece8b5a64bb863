package dev.carapace.core.internal.fields;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.core.command.CreateContainerCmdImpl;
import dev.carapace.core.Mount;
import dev.carapace.core.NetworkAttachment;
import dev.carapace.core.Seccomp;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.internal.engine.EngineClients;
import dev.carapace.core.testing.EveryAttribute;
import dev.carapace.core.testing.SpecGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One field, one row: every spec attribute and every field the translator sends has a
 * {@link RecordedField}; and, over generated specs, the verifier finds nothing in the translator's own
 * request read back as the engine's inspect answer, and finds each single-field change, naming only
 * that field. Plain JUnit with a seeded {@link Random}: a failure names its seed and case, and replays.
 */
class RecordedFieldsTest {
  private static final long SEED = 0xC0FFEE5EEDL;
  private static final int CASES = 3_000;
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final Map<String, String> OWNER_LABELS = Map.of("dev.carapace.managed", "true");

  @TempDir
  static Path dir;
  private static final List<Seccomp> PROFILES = new ArrayList<>();

  @BeforeAll
  static void writeProfiles() throws IOException {
    for (String[] p : new String[][] {{"errno.json", "SCMP_ACT_ERRNO"}, {"log.json", "SCMP_ACT_LOG"}}) {
      Path file = dir.resolve(p[0]);
      Files.writeString(file, "{\"defaultAction\":\"" + p[1] + "\",\"syscalls\":[]}");
      PROFILES.add(Seccomp.profile(file));
    }
  }

  @Test
  void everySpecAttributeHasARow() {
    EveryAttribute.assertDecided("the create request", RecordedField::decision);
  }

  @Test
  void everyRowHasAMutationInThisTest() {
    assertEquals(EnumSet.allOf(RecordedField.class), MUTATIONS.keySet());
  }

  private static final CreateContainerCmd.Exec NEVER_SENT = c -> {
    throw new AssertionError("a test request is never sent");
  };

  /** The create request the translator makes for {@code spec}, as the JSON body docker-java sends. */
  static ObjectNode createBody(SecureContainerSpec spec) {
    CreateContainerCmd cmd = SpecTranslator.apply(spec, new CreateContainerCmdImpl(NEVER_SENT, null, spec.image()),
        OWNER_LABELS);
    ObjectNode body = EngineClients.mapper().valueToTree(cmd);
    removeNulls(body);
    if (cmd.getName() != null) {
      body.put("?name", cmd.getName());
    }
    // query parameters and what docker-java turns into NetworkingConfig when it sends the request
    body.remove(List.of("platform", "aliases"));
    if (cmd.getPlatform() != null) {
      body.put("?platform", cmd.getPlatform());
    }
    if (!spec.networkAliases().isEmpty()) {
      ObjectNode endpoint = body.putObject("NetworkingConfig").putObject("EndpointsConfig")
          .putObject(spec.network().toString());
      spec.networkAliases().forEach(endpoint.putArray("Aliases")::add);
    }
    return body;
  }

  /** The create body shaped as the engine's inspect answer: {@code Name}, {@code Config}, {@code HostConfig}. */
  static ObjectNode asInspect(ObjectNode body) {
    ObjectNode config = body.deepCopy();
    ObjectNode inspect = JSON.objectNode();
    JsonNode name = config.remove("?name");
    if (name != null) {
      inspect.put("Name", "/" + name.asText());
    }
    JsonNode platform = config.remove("?platform");
    inspect.put("Platform", platform == null ? "linux" : platform.asText().split("/")[0]);
    JsonNode endpoints = config.remove("NetworkingConfig");
    ObjectNode networks = inspect.putObject("NetworkSettings").putObject("Networks");
    String mode = config.path("HostConfig").path("NetworkMode").asText();
    if (!mode.startsWith("container:")) {
      networks.putObject(mode);
    }
    if (endpoints != null) {
      endpoints.path("EndpointsConfig").fields().forEachRemaining(e -> networks.set(e.getKey(), e.getValue()));
    }
    inspect.set("HostConfig", config.remove("HostConfig"));
    inspect.set("Config", config);
    return inspect;
  }

  private static void removeNulls(JsonNode node) {
    for (Iterator<JsonNode> it = node.iterator(); it.hasNext();) {
      JsonNode child = it.next();
      if (child.isNull()) {
        it.remove();
      } else {
        removeNulls(child);
      }
    }
  }

  /** What the launcher's {@code docker network connect} calls add to the record after create. */
  static ObjectNode connected(SecureContainerSpec spec, ObjectNode inspect) {
    ObjectNode networks = (ObjectNode) inspect.path("NetworkSettings").path("Networks");
    for (NetworkAttachment a : spec.additionalNetworks()) {
      ObjectNode endpoint = networks.putObject(a.network().name());
      ArrayNode aliases = endpoint.putArray("Aliases");
      a.aliases().forEach(aliases::add);
      aliases.add("0123456789ab"); // the engine adds the container's short id
    }
    return inspect;
  }

  @Test
  void everyFieldTheTranslatorSendsHasARow() {
    Set<String> claimed = new HashSet<>();
    for (RecordedField f : RecordedField.values()) {
      claimed.add(f.sentAs());
    }
    Set<String> sent = new TreeSet<>();
    Random seeds = new Random(SEED);
    for (int n = 0; n < CASES; n++) {
      ObjectNode body = createBody(SpecGenerator.generate(new Random(seeds.nextLong()), PROFILES));
      body.fields().forEachRemaining(e -> {
        if (!e.getKey().equals("HostConfig") && !isEmptyObject(e.getValue())) {
          sent.add(e.getKey());
        }
      });
      body.path("HostConfig").fields().forEachRemaining(e -> {
        if (!isEmptyObject(e.getValue())) {
          sent.add("HostConfig." + e.getKey());
        }
      });
    }
    sent.removeAll(claimed);
    assertEquals(Set.of(), sent, "fields the translator sends that no RecordedField row claims");
  }

  /** docker-java's own empty defaults ({@code "Volumes":{}}) carry nothing. */
  private static boolean isEmptyObject(JsonNode value) {
    return value.isObject() && value.size() == 0;
  }

  @Test
  void findsNothingInTheTranslatorsOwnRequestAndEachSingleFieldChange() {
    Random seeds = new Random(SEED);
    Map<RecordedField, Integer> mutated = new EnumMap<>(RecordedField.class);
    for (int n = 0; n < CASES; n++) {
      long caseSeed = seeds.nextLong();
      Random r = new Random(caseSeed);
      SecureContainerSpec spec = SpecGenerator.generate(r, PROFILES);
      ObjectNode record = connected(spec, asInspect(createBody(spec)));
      List<RecordedVerifier.Mismatch> clean = RecordedVerifier.find(spec, record);
      if (!clean.isEmpty()) {
        fail("case " + n + " seed " + caseSeed + ": the translator's own request: " + clean);
      }
      for (RecordedField field : RecordedField.values()) {
        ObjectNode changed = record.deepCopy();
        if (!MUTATIONS.get(field).mutate(spec, changed, r)) {
          continue;   // the spec leaves this field to the image or the engine
        }
        mutated.merge(field, 1, Integer::sum);
        List<RecordedVerifier.Mismatch> found = RecordedVerifier.find(spec, changed);
        Set<RecordedField> fields = EnumSet.noneOf(RecordedField.class);
        found.forEach(m -> fields.add(m.field()));
        if (!fields.equals(EnumSet.of(field))) {
          fail("case " + n + " seed " + caseSeed + ": changed " + field + ", found " + found);
        }
        for (RecordedVerifier.Mismatch m : found) {
          assertNoEnvValue(spec, m.message());
        }
      }
    }
    for (RecordedField field : RecordedField.values()) {
      int count = mutated.getOrDefault(field, 0);
      if (count < CASES / 10) {
        fail(field + " changed in only " + count + " of " + CASES + " cases");
      }
    }
  }

  private static void assertNoEnvValue(SecureContainerSpec spec, String message) {
    for (Map.Entry<String, String> e : spec.env().entrySet()) {
      if (e.getValue().length() >= 4 && message.contains(e.getValue())) {
        fail("message shows the value of env " + e.getKey() + ": " + message);
      }
    }
  }

  @Test
  void neverPrintsAnEnvValue() throws Exception {
    SecureContainerSpec spec = SecureContainerSpec.builder().image("busybox").putEnv("TOKEN", "s3cr3t-value")
        .putEnv("GONE", "other-s3cr3t").build();
    ObjectNode record = connected(spec, asInspect(createBody(spec)));
    ((ObjectNode) record.get("Config")).set("Env", JSON.arrayNode().add("TOKEN=s3cr3t-valuX").add("PATH=/bin"));
    assertEquals(List.of("Config.Env[TOKEN] recorded a different value", "Config.Env[GONE] recorded nothing, asked a value"),
        RecordedVerifier.mismatches(spec, record));
  }

  /** Changes one recorded field so that it no longer says what {@code spec} asked; false if the spec asked nothing. */
  @FunctionalInterface
  interface Mutation {
    boolean mutate(SecureContainerSpec spec, ObjectNode inspect, Random r);
  }

  private static ObjectNode config(ObjectNode inspect) {
    return (ObjectNode) inspect.get("Config");
  }

  private static ObjectNode hostConfig(ObjectNode inspect) {
    return (ObjectNode) inspect.get("HostConfig");
  }

  private static ArrayNode strings(String... values) {
    ArrayNode a = JSON.arrayNode();
    for (String v : values) {
      a.add(v);
    }
    return a;
  }

  /** Empties a non-empty array, or gives an empty one {@code value}. */
  private static void toggle(ObjectNode node, String field, String value) {
    JsonNode a = node.get(field);
    node.set(field, a != null && a.size() > 0 ? JSON.arrayNode() : strings(value));
  }

  private static boolean bumpNumber(ObjectNode node, String field, boolean asked, Random r) {
    if (!asked) {
      return false;
    }
    if (r.nextBoolean()) {
      node.remove(field);
    } else {
      node.put(field, node.path(field).asLong() + 1);
    }
    return true;
  }

  private static final Map<RecordedField, Mutation> MUTATIONS = new EnumMap<>(RecordedField.class);

  static {
    MUTATIONS.put(RecordedField.SHM_SIZE, (s, i, r) -> {
      if (s.shmSize().isEmpty()) {
        return false;
      }
      hostConfig(i).put("ShmSize", r.nextBoolean() ? 67108864L : s.shmSize().get().bytes() + 4096);
      return true;
    });
    MUTATIONS.put(RecordedField.SYSCTLS, (s, i, r) -> {
      if (s.sysctls().isEmpty() || r.nextBoolean()) {
        hostConfig(i).putObject("Sysctls").put("net.core.somaxconn", "4096"); // a value nobody asked
      } else {
        ObjectNode sysctls = (ObjectNode) hostConfig(i).get("Sysctls");
        String key = new ArrayList<>(s.sysctls().keySet()).get(r.nextInt(s.sysctls().size()));
        sysctls.put(key, sysctls.get(key).asText() + "0");
      }
      return true;
    });
    MUTATIONS.put(RecordedField.EXTRA_HOSTS, (s, i, r) -> {
      if (s.extraHosts().isEmpty() || r.nextBoolean()) {
        hostConfig(i).set("ExtraHosts", strings("evil:10.6.6.6"));
      } else {
        hostConfig(i).remove("ExtraHosts");
      }
      return true;
    });
    MUTATIONS.put(RecordedField.DNS, (s, i, r) -> {
      hostConfig(i).set("Dns", s.dnsServers().isEmpty() ? strings("10.6.6.6") : JSON.arrayNode());
      return true;
    });
    MUTATIONS.put(RecordedField.DNS_SEARCH, (s, i, r) -> {
      hostConfig(i).set("DnsSearch", s.dnsSearch().isEmpty() ? strings("evil.example") : JSON.arrayNode());
      return true;
    });
    MUTATIONS.put(RecordedField.PLATFORM, (s, i, r) -> {
      if (s.platform().isEmpty()) {
        return false;
      }
      i.put("Platform", "windows");
      return true;
    });
    MUTATIONS.put(RecordedField.TTY, (s, i, r) -> {
      config(i).put("Tty", !s.tty());
      return true;
    });
    MUTATIONS.put(RecordedField.OPEN_STDIN, (s, i, r) -> {
      config(i).put("OpenStdin", !s.openStdin());
      return true;
    });
    MUTATIONS.put(RecordedField.NETWORKS, (s, i, r) -> {
      if (s.networkAliases().isEmpty() && s.additionalNetworks().isEmpty()) {
        return false;
      }
      ObjectNode networks = (ObjectNode) i.path("NetworkSettings").path("Networks");
      if (!s.additionalNetworks().isEmpty() && r.nextBoolean()) {
        networks.remove(s.additionalNetworks().get(0).network().name()); // a connect that did not happen
      } else if (!s.networkAliases().isEmpty() && r.nextBoolean()) {
        ((ObjectNode) networks.get(s.network().toString())).putArray("Aliases");
      } else {
        networks.putObject("other_net");
      }
      return true;
    });
    MUTATIONS.put(RecordedField.IMAGE, (s, i, r) -> {
      config(i).put("Image", s.image() + "-other");
      return true;
    });
    MUTATIONS.put(RecordedField.CMD, (s, i, r) -> {
      if (s.command().isEmpty() && s.entrypoint().isEmpty()) {
        return false;
      }
      ArrayNode cmd = config(i).has("Cmd") ? (ArrayNode) config(i).get("Cmd") : config(i).putArray("Cmd");
      cmd.add("--other");
      return true;
    });
    MUTATIONS.put(RecordedField.ENTRYPOINT, (s, i, r) -> {
      if (s.entrypoint().isEmpty()) {
        return false;
      }
      config(i).set("Entrypoint", r.nextBoolean() ? JSON.nullNode() : strings("/other"));
      return true;
    });
    MUTATIONS.put(RecordedField.ENV, (s, i, r) -> {
      if (s.env().isEmpty()) {
        return false;
      }
      ArrayNode env = (ArrayNode) config(i).get("Env");
      int at = r.nextInt(env.size());
      if (r.nextBoolean()) {
        env.remove(at);
      } else {
        env.set(at, JSON.textNode(env.get(at).asText() + "x"));
      }
      return true;
    });
    MUTATIONS.put(RecordedField.WORKING_DIR, (s, i, r) -> {
      if (s.workingDir().isEmpty()) {
        return false;
      }
      config(i).put("WorkingDir", s.workingDir().get() + "/other");
      return true;
    });
    MUTATIONS.put(RecordedField.USER, (s, i, r) -> {
      if (s.user().isEmpty()) {
        return false;
      }
      config(i).put("User", r.nextBoolean() ? "" : "0");
      return true;
    });
    MUTATIONS.put(RecordedField.LABELS, (s, i, r) -> {
      if (s.labels().isEmpty()) {
        return false;
      }
      ObjectNode labels = (ObjectNode) config(i).get("Labels");
      String key = new ArrayList<>(s.labels().keySet()).get(r.nextInt(s.labels().size()));
      if (r.nextBoolean()) {
        labels.remove(key);
      } else {
        labels.put(key, labels.get(key).asText() + "x");
      }
      return true;
    });
    MUTATIONS.put(RecordedField.NAME, (s, i, r) -> {
      if (s.name().isEmpty()) {
        return false;
      }
      i.put("Name", "/other-" + s.name().get());
      return true;
    });
    MUTATIONS.put(RecordedField.RUNTIME, (s, i, r) -> {
      if (s.runtime().name().isEmpty()) {
        return false;
      }
      hostConfig(i).put("Runtime", r.nextBoolean() ? "" : s.runtime().name().get() + "-other");
      return true;
    });
    MUTATIONS.put(RecordedField.UNTRUSTED, (s, i, r) -> {
      if (!s.untrusted()) {
        return false;
      }
      ObjectNode labels = (ObjectNode) config(i).get("Labels");
      if (r.nextBoolean()) {
        labels.remove(SecureContainerSpec.UNTRUSTED_LABEL);
      } else {
        labels.put(SecureContainerSpec.UNTRUSTED_LABEL, "false");
      }
      return true;
    });
    MUTATIONS.put(RecordedField.HOSTNAME, (s, i, r) -> {
      if (s.hostname().isEmpty()) {
        return false;
      }
      config(i).put("Hostname", "other-" + s.hostname().get());
      return true;
    });
    MUTATIONS.put(RecordedField.CAP_DROP, (s, i, r) -> {
      toggle(hostConfig(i), "CapDrop", "ALL");
      return true;
    });
    MUTATIONS.put(RecordedField.CAP_ADD, (s, i, r) -> {
      toggle(hostConfig(i), "CapAdd", "SYS_ADMIN");
      return true;
    });
    MUTATIONS.put(RecordedField.PRIVILEGED, (s, i, r) -> {
      hostConfig(i).put("Privileged", true);
      return true;
    });
    MUTATIONS.put(RecordedField.SECURITY_OPT, (s, i, r) -> {
      ArrayNode opts = hostConfig(i).has("SecurityOpt") ? (ArrayNode) hostConfig(i).get("SecurityOpt")
          : hostConfig(i).putArray("SecurityOpt");
      if (opts.size() > 0 && r.nextBoolean()) {
        opts.remove(r.nextInt(opts.size()));
      } else {
        String weaker = s.seccomp().kind() == Seccomp.Kind.UNCONFINED ? "apparmor=unconfined:x" : "seccomp=unconfined";
        opts.add(weaker);
      }
      return true;
    });
    MUTATIONS.put(RecordedField.CPUSET_CPUS, (s, i, r) -> {
      hostConfig(i).put("CpusetCpus", s.cpusetCpus().isPresent() ? "" : "0");
      return true;
    });
    MUTATIONS.put(RecordedField.CPU_SHARES, (s, i, r) ->
        bumpNumber(hostConfig(i), "CpuShares", s.cpuShares().isPresent(), r));
    MUTATIONS.put(RecordedField.CPU_QUOTA, (s, i, r) ->
        bumpNumber(hostConfig(i), "CpuQuota", s.cpuQuota().isPresent(), r));
    MUTATIONS.put(RecordedField.CPU_PERIOD, (s, i, r) ->
        bumpNumber(hostConfig(i), "CpuPeriod", s.cpuPeriod().isPresent(), r));
    MUTATIONS.put(RecordedField.NANO_CPUS, (s, i, r) ->
        bumpNumber(hostConfig(i), "NanoCpus", s.nanoCpus().isPresent(), r));
    MUTATIONS.put(RecordedField.MEMORY, (s, i, r) ->
        bumpNumber(hostConfig(i), "Memory", s.memoryLimit().isPresent(), r));
    MUTATIONS.put(RecordedField.MEMORY_SWAP, (s, i, r) ->
        bumpNumber(hostConfig(i), "MemorySwap", s.memorySwap().isPresent(), r));
    MUTATIONS.put(RecordedField.PIDS_LIMIT, (s, i, r) -> {
      if (s.pidsLimit().isEmpty()) {
        hostConfig(i).put("PidsLimit", 64);
      } else if (r.nextBoolean()) {
        hostConfig(i).putNull("PidsLimit");
      } else {
        hostConfig(i).put("PidsLimit", s.pidsLimit().getAsLong() + 1);
      }
      return true;
    });
    MUTATIONS.put(RecordedField.ULIMITS, (s, i, r) -> {
      if (s.ulimits().isEmpty()) {
        hostConfig(i).putArray("Ulimits").addObject().put("Name", "nofile").put("Soft", 1).put("Hard", 1);
      } else {
        ArrayNode ulimits = (ArrayNode) hostConfig(i).get("Ulimits");
        int at = r.nextInt(ulimits.size());
        if (r.nextBoolean()) {
          ulimits.remove(at);
        } else {
          ObjectNode u = (ObjectNode) ulimits.get(at);
          u.put("Hard", u.get("Hard").asLong() + 1);
        }
      }
      return true;
    });
    MUTATIONS.put(RecordedField.LOG_CONFIG, (s, i, r) -> {
      if (s.logConfig().isEmpty()) {
        return false;
      }
      ObjectNode log = (ObjectNode) hostConfig(i).get("LogConfig");
      if (!s.logConfig().get().options().isEmpty() && r.nextBoolean()) {
        ((ObjectNode) log.get("Config")).remove(s.logConfig().get().options().keySet().iterator().next());
      } else {
        log.put("Type", s.logConfig().get().driver() + "-other");
      }
      return true;
    });
    MUTATIONS.put(RecordedField.READONLY_ROOTFS, (s, i, r) -> {
      hostConfig(i).put("ReadonlyRootfs", !s.readOnlyRootFilesystem());
      return true;
    });
    MUTATIONS.put(RecordedField.MOUNTS, (s, i, r) -> {
      ArrayNode mounts = hostConfig(i).has("Mounts") ? (ArrayNode) hostConfig(i).get("Mounts")
          : hostConfig(i).putArray("Mounts");
      if (mounts.size() == 0) {
        mounts.addObject().put("Type", "bind").put("Source", "/").put("Target", "/host");
        return true;
      }
      ObjectNode m = (ObjectNode) mounts.get(r.nextInt(mounts.size()));
      switch (r.nextInt(4)) {
        case 0: m.put("ReadOnly", !m.path("ReadOnly").asBoolean(false)); break;
        case 1: m.put("Source", m.get("Source").asText() + "-other"); break;
        case 2: m.put("Type", m.get("Type").asText().equals("bind") ? "volume" : "bind"); break;
        default: mounts.removeAll(); break;
      }
      return true;
    });
    MUTATIONS.put(RecordedField.BINDS, (s, i, r) -> {
      hostConfig(i).set("Binds", strings("/:/host"));
      return true;
    });
    MUTATIONS.put(RecordedField.TMPFS, (s, i, r) -> {
      ObjectNode tmpfs = hostConfig(i).has("Tmpfs") ? (ObjectNode) hostConfig(i).get("Tmpfs")
          : hostConfig(i).putObject("Tmpfs");
      List<String> targets = new ArrayList<>();
      tmpfs.fieldNames().forEachRemaining(targets::add);
      if (targets.isEmpty() || r.nextInt(4) == 0) {
        String target = "/other-tmp";
        if (s.mounts().stream().anyMatch(m -> m.target().toString().equals(target))) {
          return false;
        }
        tmpfs.put(target, "rw");
      } else {
        String t = targets.get(r.nextInt(targets.size()));
        tmpfs.put(t, tmpfs.get(t).asText().replace(",noexec", r.nextBoolean() ? "" : ",exec"));
      }
      return true;
    });
    MUTATIONS.put(RecordedField.NETWORK_MODE, (s, i, r) -> {
      hostConfig(i).put("NetworkMode", s.network().toString().equals("host") ? "bridge" : "host");
      return true;
    });
    MUTATIONS.put(RecordedField.PORT_BINDINGS, (s, i, r) -> {
      ObjectNode ports = hostConfig(i).has("PortBindings") ? (ObjectNode) hostConfig(i).get("PortBindings")
          : hostConfig(i).putObject("PortBindings");
      List<String> keys = new ArrayList<>();
      ports.fieldNames().forEachRemaining(keys::add);
      if (keys.isEmpty()) {
        ports.putArray("22/tcp").addObject().put("HostIp", "0.0.0.0").put("HostPort", "2222");
        return true;
      }
      ArrayNode bindings = (ArrayNode) ports.get(keys.get(r.nextInt(keys.size())));
      ObjectNode b = (ObjectNode) bindings.get(r.nextInt(bindings.size()));
      switch (r.nextInt(3)) {
        case 0: b.put("HostIp", "127.0.0.9"); break;
        case 1: b.put("HostPort", b.path("HostPort").asInt(0) == 1 ? "2" : "1"); break;
        default: bindings.addObject().put("HostIp", "0.0.0.0").put("HostPort", "2222"); break;
      }
      return true;
    });
    MUTATIONS.put(RecordedField.EXPOSED_PORTS, (s, i, r) -> {
      if (s.ports().isEmpty()) {
        return false;
      }
      ObjectNode exposed = (ObjectNode) config(i).get("ExposedPorts");
      List<String> keys = new ArrayList<>();
      exposed.fieldNames().forEachRemaining(keys::add);
      exposed.remove(keys.get(r.nextInt(keys.size())));
      return true;
    });
    MUTATIONS.put(RecordedField.RESTART_POLICY, (s, i, r) -> {
      String asked = s.restartPolicy().map(p -> p.kind().dockerName()).orElse("no");
      hostConfig(i).putObject("RestartPolicy").put("Name", asked.equals("always") ? "unless-stopped" : "always")
          .put("MaximumRetryCount", 0);
      return true;
    });
    MUTATIONS.put(RecordedField.HEALTHCHECK, (s, i, r) -> {
      if (s.healthCheck().isEmpty()) {
        return false;
      }
      ObjectNode h = (ObjectNode) config(i).get("Healthcheck");
      String field = List.of("Interval", "Timeout", "StartPeriod", "Retries", "Test").get(r.nextInt(5));
      if (field.equals("Test")) {
        h.set("Test", strings("NONE"));
      } else {
        h.put(field, h.path(field).asLong(0) + 1);
      }
      return true;
    });
    MUTATIONS.put(RecordedField.INIT, (s, i, r) -> {
      hostConfig(i).put("Init", !s.init());
      return true;
    });
    MUTATIONS.put(RecordedField.STOP_SIGNAL, (s, i, r) -> {
      if (s.stopSignal().isEmpty()) {
        return false;
      }
      config(i).put("StopSignal", "SIGUSR1");
      return true;
    });
    MUTATIONS.put(RecordedField.STOP_TIMEOUT, (s, i, r) -> {
      if (s.stopTimeout().isEmpty()) {
        return false;
      }
      if (r.nextBoolean()) {
        config(i).remove("StopTimeout");
      } else {
        config(i).put("StopTimeout", s.stopTimeout().get().getSeconds() + 1);
      }
      return true;
    });
  }

  @Test
  void aMountsReadOnlyFlagDroppedIsNamed() {
    SecureContainerSpec spec = SecureContainerSpec.builder().image("busybox")
        .addMount(Mount.bind("/srv/data", dev.carapace.core.ContainerPath.of("/data")).asReadOnly()).build();
    ObjectNode record = connected(spec, asInspect(createBody(spec)));
    ((ObjectNode) hostConfig(record).get("Mounts").get(0)).remove("ReadOnly");
    assertEquals(List.of("Mounts[/data].ReadOnly recorded false, asked true"), RecordedVerifier.mismatches(spec, record));
    assertFalse(RecordedVerifier.mismatches(spec, record).isEmpty());
  }
}
