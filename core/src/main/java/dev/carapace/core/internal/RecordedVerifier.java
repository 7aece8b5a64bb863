package dev.carapace.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.carapace.core.CpuSet;
import dev.carapace.core.SecureContainerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares what the daemon recorded for a created container (its inspect JSON, read as a tree:
 * docker-java's full model costs over 100 ms to load in a fresh JVM) with what the spec asked: the
 * hardening and the limits. An engine, a proxy or a client library that silently drops a field must
 * not give a container weaker than asked.
 */
public final class RecordedVerifier {
  private RecordedVerifier() {}

  /** Each difference as {@code <field> recorded <x>, asked <y>}; empty when all match. */
  public static List<String> mismatches(SecureContainerSpec spec, JsonNode inspect) {
    List<String> out = new ArrayList<>();
    JsonNode hc = inspect.path("HostConfig");
    if (!hc.isObject()) {
      out.add("HostConfig recorded nothing, asked the spec's");
      return out;
    }
    Set<String> askedDrop = new TreeSet<>();
    if (spec.dropAllCapabilities()) {
      askedDrop.add("ALL");
    } else {
      spec.droppedCapabilities().forEach(c -> askedDrop.add(c.name()));
    }
    compare(out, "CapDrop", capNames(hc.path("CapDrop")), askedDrop);
    Set<String> askedAdd = new TreeSet<>();
    spec.addedCapabilities().forEach(c -> askedAdd.add(c.name()));
    compare(out, "CapAdd", capNames(hc.path("CapAdd")), askedAdd);
    if (hc.path("Privileged").asBoolean(false)) {
      out.add("Privileged recorded true, asked false");
    }
    List<String> recordedOpts = strings(hc.path("SecurityOpt"));
    Set<String> recordedNormal = new TreeSet<>();
    recordedOpts.forEach(o -> recordedNormal.add(normalizeOpt(o)));
    for (String asked : spec.securityOpts()) {
      if (!recordedNormal.contains(normalizeOpt(asked))) {
        out.add("SecurityOpt recorded " + abbreviate(recordedOpts) + ", asked to include "
            + abbreviate(List.of(asked)));
      }
    }
    String cpuset = hc.path("CpusetCpus").asText("");
    compare(out, "CpusetCpus", cpuset.isEmpty() ? null : CpuSet.parse(cpuset).toString(),
        spec.cpusetCpus().map(CpuSet::toString).orElse(null));
    if (spec.cpuShares().isPresent()) {
      compare(out, "CpuShares", number(hc, "CpuShares"), (long) spec.cpuShares().getAsInt());
    }
    if (spec.cpuQuota().isPresent()) {
      compare(out, "CpuQuota", number(hc, "CpuQuota"), spec.cpuQuota().getAsLong());
    }
    if (spec.cpuPeriod().isPresent()) {
      compare(out, "CpuPeriod", number(hc, "CpuPeriod"), spec.cpuPeriod().getAsLong());
    }
    if (spec.nanoCpus().isPresent()) {
      compare(out, "NanoCpus", number(hc, "NanoCpus"), spec.nanoCpus().getAsLong());
    }
    spec.memoryLimit().ifPresent(m -> compare(out, "Memory", number(hc, "Memory"), m.bytes()));
    spec.memorySwap().ifPresent(m -> compare(out, "MemorySwap", number(hc, "MemorySwap"), m.bytes()));
    // the engine records "no limit" (-1) as null or 0
    Long pids = number(hc, "PidsLimit");
    compare(out, "PidsLimit", pids == null || pids <= 0 ? Long.valueOf(-1) : pids, spec.pidsLimit().orElse(-1));
    compare(out, "ReadonlyRootfs", hc.path("ReadonlyRootfs").asBoolean(false), spec.readOnlyRootFilesystem());
    compare(out, "NetworkMode", text(hc, "NetworkMode"), spec.network().toString());
    spec.logConfig().ifPresent(l -> {
      JsonNode recorded = hc.path("LogConfig");
      compare(out, "LogConfig.Type", text(recorded, "Type"), l.driver());
      l.options().forEach((k, v) -> compare(out, "LogConfig.Config[" + k + "]",
          text(recorded.path("Config"), k), v));
    });
    spec.user().ifPresent(u -> compare(out, "Config.User", text(inspect.path("Config"), "User"), u));
    // the engine records its default runtime by name (runc): only a runtime asked by name is compared
    spec.runtime().name().ifPresent(r -> compare(out, "Runtime", text(hc, "Runtime"), r));
    if (spec.untrusted()) {
      compare(out, "Config.Labels[" + SecureContainerSpec.UNTRUSTED_LABEL + "]",
          text(inspect.path("Config").path("Labels"), SecureContainerSpec.UNTRUSTED_LABEL), "true");
    }
    return out;
  }

  private static Long number(JsonNode node, String field) {
    JsonNode n = node.get(field);
    return n == null || n.isNull() ? null : n.asLong();
  }

  private static String text(JsonNode node, String field) {
    JsonNode n = node.get(field);
    return n == null || n.isNull() ? null : n.asText();
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array.isArray()) {
      array.forEach(n -> out.add(n.asText()));
    }
    return out;
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

  /** {@code label:type:x} and {@code label=type:x}, {@code no-new-privileges[:=]true} are the same. */
  static String normalizeOpt(String opt) {
    String o = opt;
    int sep = o.indexOf(':');
    int eq = o.indexOf('=');
    if (sep >= 0 && (eq < 0 || sep < eq)) {
      o = o.substring(0, sep) + "=" + o.substring(sep + 1);
    }
    if (o.equals("no-new-privileges=true")) {
      o = "no-new-privileges";
    }
    return o;
  }

  private static String abbreviate(List<String> opts) {
    List<String> out = new ArrayList<>();
    for (String o : opts) {
      out.add(o.length() > 60 ? o.substring(0, 57) + "..." : o);
    }
    return out.toString();
  }

  private static void compare(List<String> out, String field, Object recorded, Object asked) {
    if (!Objects.equals(recorded, asked)) {
      out.add(field + " recorded " + recorded + ", asked " + asked);
    }
  }
}
