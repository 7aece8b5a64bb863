package dev.carapace.core.internal;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import dev.carapace.core.CpuSet;
import dev.carapace.core.SecureContainerSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares what the daemon recorded for a created container with what the spec asked: the hardening
 * and the limits. An engine, a proxy or a client library that silently drops a field must not give a
 * container weaker than asked.
 */
public final class RecordedVerifier {
  private RecordedVerifier() {}

  /** Each difference as {@code <field> recorded <x>, asked <y>}; empty when all match. */
  public static List<String> mismatches(SecureContainerSpec spec, InspectContainerResponse inspect) {
    List<String> out = new ArrayList<>();
    HostConfig hc = inspect.getHostConfig();
    if (hc == null) {
      out.add("HostConfig recorded nothing, asked the spec's");
      return out;
    }
    Set<String> askedDrop = new TreeSet<>();
    if (spec.dropAllCapabilities()) {
      askedDrop.add("ALL");
    } else {
      spec.capDrop().forEach(c -> askedDrop.add(c.name()));
    }
    compare(out, "CapDrop", capNames(hc.getCapDrop()), askedDrop);
    Set<String> askedAdd = new TreeSet<>();
    spec.capAdd().forEach(c -> askedAdd.add(c.name()));
    compare(out, "CapAdd", capNames(hc.getCapAdd()), askedAdd);
    if (Boolean.TRUE.equals(hc.getPrivileged())) {
      out.add("Privileged recorded true, asked false");
    }
    List<String> recordedOpts = hc.getSecurityOpts() == null ? List.of() : hc.getSecurityOpts();
    Set<String> recordedNormal = new TreeSet<>();
    recordedOpts.forEach(o -> recordedNormal.add(normalizeOpt(o)));
    for (String asked : spec.securityOpts()) {
      if (!recordedNormal.contains(normalizeOpt(asked))) {
        out.add("SecurityOpt recorded " + abbreviate(recordedOpts) + ", asked to include "
            + abbreviate(List.of(asked)));
      }
    }
    compare(out, "CpusetCpus", emptyToNull(hc.getCpusetCpus()) == null ? null
        : CpuSet.parse(hc.getCpusetCpus()).toString(),
        spec.cpusetCpus().map(CpuSet::toString).orElse(null));
    if (spec.cpuShares().isPresent()) {
      compare(out, "CpuShares", hc.getCpuShares(), spec.cpuShares().getAsInt());
    }
    if (spec.cpuQuota().isPresent()) {
      compare(out, "CpuQuota", hc.getCpuQuota(), spec.cpuQuota().getAsLong());
    }
    if (spec.cpuPeriod().isPresent()) {
      compare(out, "CpuPeriod", hc.getCpuPeriod(), spec.cpuPeriod().getAsLong());
    }
    if (spec.nanoCpus().isPresent()) {
      compare(out, "NanoCpus", hc.getNanoCPUs(), spec.nanoCpus().getAsLong());
    }
    spec.memoryLimit().ifPresent(m -> compare(out, "Memory", hc.getMemory(), m.bytes()));
    spec.memorySwap().ifPresent(m -> compare(out, "MemorySwap", hc.getMemorySwap(), m.bytes()));
    // the engine records "no limit" (-1) as null or 0
    Long pids = hc.getPidsLimit() == null || hc.getPidsLimit() <= 0 ? Long.valueOf(-1) : hc.getPidsLimit();
    compare(out, "PidsLimit", pids, spec.pidsLimit());
    compare(out, "ReadonlyRootfs", Boolean.TRUE.equals(hc.getReadonlyRootfs()), spec.readOnlyRootFilesystem());
    compare(out, "NetworkMode", hc.getNetworkMode(), spec.network());
    spec.logConfig().ifPresent(l -> {
      LogConfig recorded = hc.getLogConfig();
      String driver = recorded == null ? null : RawLogConfig.driverOf(recorded);
      compare(out, "LogConfig.Type", driver, l.driver());
      Map<String, String> config = recorded == null || recorded.getConfig() == null ? Map.of()
          : recorded.getConfig();
      l.options().forEach((k, v) -> compare(out, "LogConfig.Config[" + k + "]", config.get(k), v));
    });
    spec.user().ifPresent(u -> compare(out, "Config.User",
        inspect.getConfig() == null ? null : inspect.getConfig().getUser(), u));
    return out;
  }

  private static Set<String> capNames(Capability[] caps) {
    Set<String> names = new TreeSet<>();
    if (caps != null) {
      Arrays.stream(caps).filter(Objects::nonNull).forEach(c -> names.add(c.name()));
    }
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

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static void compare(List<String> out, String field, Object recorded, Object asked) {
    if (!Objects.equals(recorded, asked)) {
      out.add(field + " recorded " + recorded + ", asked " + asked);
    }
  }
}
