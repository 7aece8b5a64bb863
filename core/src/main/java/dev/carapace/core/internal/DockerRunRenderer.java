package dev.carapace.core.internal;

import dev.carapace.core.Capability;
import dev.carapace.core.HealthCheck;
import dev.carapace.core.Mount;
import dev.carapace.core.PortBinding;
import dev.carapace.core.Seccomp;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.Ulimit;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a {@link SecureContainerSpec} as the {@code docker run} argument list that means the same.
 * See {@code dev.carapace.core.DockerRunCommand} for the contract.
 */
public final class DockerRunRenderer {
  private final List<String> out = new ArrayList<>();

  private DockerRunRenderer() {}

  /** The argument list, starting {@code docker run}; env values only when {@code withSecrets}. */
  public static List<String> render(SecureContainerSpec spec, boolean withSecrets) {
    return new DockerRunRenderer().write(spec, withSecrets);
  }

  private void flag(String flag, String value) {
    out.add(flag);
    out.add(value);
  }

  private List<String> write(SecureContainerSpec s, boolean withSecrets) {
    out.add("docker");
    out.add("run");
    s.name().ifPresent(v -> flag("--name", v));
    s.hostname().ifPresent(v -> flag("--hostname", v));
    s.user().ifPresent(v -> flag("--user", v));
    s.workingDir().ifPresent(v -> flag("--workdir", v.toString()));
    for (Map.Entry<String, String> e : s.env().entrySet()) {
      flag("-e", withSecrets ? e.getKey() + "=" + e.getValue() : e.getKey());
    }
    for (Map.Entry<String, String> e : s.labels().entrySet()) {
      flag("--label", e.getKey() + "=" + e.getValue());
    }
    if (s.dropAllCapabilities()) {
      flag("--cap-drop", "ALL");
    } else {
      for (Capability c : sorted(s.droppedCapabilities())) {
        flag("--cap-drop", c.name());
      }
    }
    for (Capability c : sorted(s.addedCapabilities())) {
      flag("--cap-add", c.name());
    }
    if (s.noNewPrivileges()) {
      flag("--security-opt", "no-new-privileges");
    }
    seccomp(s.seccomp());
    s.selinuxLabel().ifPresent(l -> l.securityOpts().forEach(o -> flag("--security-opt", o)));
    s.apparmorProfile().ifPresent(p -> flag("--security-opt", "apparmor=" + p));
    if (s.readOnlyRootFilesystem()) {
      out.add("--read-only");
    }
    flag("--network", s.network().toString());
    for (PortBinding p : s.ports()) {
      flag("-p", p.toString());
    }
    for (Mount m : s.mounts()) {
      mount(m);
    }
    s.cpusetCpus().ifPresent(v -> flag("--cpuset-cpus", v.toString()));
    s.cpuShares().ifPresent(v -> flag("--cpu-shares", Integer.toString(v)));
    s.nanoCpus().ifPresent(v -> flag("--cpus", BigDecimal.valueOf(v, 9).stripTrailingZeros().toPlainString()));
    s.cpuQuota().ifPresent(v -> flag("--cpu-quota", Long.toString(v)));
    s.cpuPeriod().ifPresent(v -> flag("--cpu-period", Long.toString(v)));
    s.memoryLimit().ifPresent(v -> flag("--memory", v.toDockerString()));
    s.memorySwap().ifPresent(v -> flag("--memory-swap", v.toDockerString()));
    flag("--pids-limit", Long.toString(s.pidsLimit().orElse(-1)));
    for (Ulimit u : s.ulimits()) {
      flag("--ulimit", u.toString());
    }
    s.logConfig().ifPresent(l -> {
      flag("--log-driver", l.driver());
      l.options().forEach((k, v) -> flag("--log-opt", k + "=" + v));
    });
    s.restartPolicy().ifPresent(r -> flag("--restart", r.toString()));
    s.healthCheck().ifPresent(this::health);
    if (s.init()) {
      out.add("--init");
    }
    s.stopSignal().ifPresent(v -> flag("--stop-signal", v));
    s.stopTimeout().ifPresent(t -> flag("--stop-timeout",
        Long.toString(t.getSeconds() + (t.getNano() > 0 ? 1 : 0))));
    List<String> entrypoint = s.entrypoint();
    if (!entrypoint.isEmpty()) {
      // the CLI takes one word; the rest lead the command, which runs the same argv
      flag("--entrypoint", entrypoint.get(0));
    }
    if (s.image().startsWith("-")) {
      out.add("--");
    }
    out.add(s.image());
    if (entrypoint.size() > 1) {
      out.addAll(entrypoint.subList(1, entrypoint.size()));
    }
    out.addAll(s.command());
    return out;
  }

  private static EnumSet<Capability> sorted(Set<Capability> caps) {
    EnumSet<Capability> set = EnumSet.noneOf(Capability.class);
    set.addAll(caps);
    return set;
  }

  private void seccomp(Seccomp seccomp) {
    switch (seccomp.kind()) {
      case UNCONFINED:
        flag("--security-opt", "seccomp=unconfined");
        break;
      case PROFILE:
        // The CLI takes a file and sends its JSON inline; a profile read from a file names that
        // file, one given as JSON text gets a placeholder the parser refuses with a remedy.
        flag("--security-opt", "seccomp=" + seccomp.source().map(Object::toString)
            .orElseGet(() -> placeholder(seccomp)));
        break;
      default:
        break;
    }
  }

  private static String placeholder(Seccomp seccomp) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(seccomp.json().orElse("").getBytes(StandardCharsets.UTF_8));
      return "<inline-seccomp-profile-sha256-" + HexFormat.of().formatHex(digest, 0, 6) + ".json>";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private void mount(Mount m) {
    switch (m.type()) {
      case BIND:
        // --mount, not -v: the engine refuses a missing host path instead of creating it, as Carapace does
        flag("--mount", "type=bind," + csvField("source=" + m.source()) + ","
            + csvField("target=" + m.target()) + (m.readOnly() ? ",readonly" : ""));
        break;
      case VOLUME:
        flag("-v", m.source() + ":" + m.target() + (m.readOnly() ? ":ro" : ""));
        break;
      default:
        String opts = (m.readOnly() ? "ro" : "")
            + m.size().map(s -> (m.readOnly() ? "," : "") + "size=" + s.toDockerString()).orElse("");
        flag("--tmpfs", m.target() + (opts.isEmpty() ? "" : ":" + opts));
        break;
    }
  }

  private static String csvField(String field) {
    if (field.indexOf(',') < 0 && field.indexOf('"') < 0) {
      return field;
    }
    return "\"" + field.replace("\"", "\"\"") + "\"";
  }

  private void health(HealthCheck h) {
    List<String> test = h.test();
    // CMD-SHELL is the CLI's only form; an exec test becomes the shell command of its quoted words
    String cmd = test.get(0).equals("CMD-SHELL") ? test.get(1)
        : ShellWords.join(test.subList(1, test.size()));
    flag("--health-cmd", cmd);
    flag("--health-interval", goDuration(h.interval()));
    flag("--health-timeout", goDuration(h.timeout()));
    flag("--health-start-period", goDuration(h.startPeriod()));
    flag("--health-retries", Integer.toString(h.retries()));
  }

  /** Go's duration syntax, exact: {@code 1h2m3.5s}, {@code 0.25s}, {@code 0s}. */
  static String goDuration(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    if (d.isNegative()) {
      sb.append('-');
      d = d.negated();
    }
    long hours = d.toHours();
    int minutes = d.toMinutesPart();
    Duration rest = d.minusHours(hours).minusMinutes(minutes);
    if (hours > 0) {
      sb.append(hours).append('h');
    }
    if (minutes > 0) {
      sb.append(minutes).append('m');
    }
    if (!rest.isZero()) {
      sb.append(BigDecimal.valueOf(rest.getSeconds()).add(BigDecimal.valueOf(rest.getNano(), 9))
          .stripTrailingZeros().toPlainString()).append('s');
    }
    return sb.toString();
  }
}
