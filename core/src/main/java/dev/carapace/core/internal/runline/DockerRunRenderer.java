package dev.carapace.core.internal.runline;

import dev.carapace.core.Capability;
import dev.carapace.core.ExtraHost;
import dev.carapace.core.NetworkAttachment;
import dev.carapace.core.HealthCheck;
import dev.carapace.core.Mount;
import dev.carapace.core.PortBinding;
import dev.carapace.core.Seccomp;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SecurityOptions;
import dev.carapace.core.Ulimit;
import dev.carapace.core.internal.fields.SpecTranslator;
import dev.carapace.core.internal.values.GoDurations;
import dev.carapace.core.internal.runline.DockerRunParser.Flag;
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
 * See {@code dev.carapace.core.DockerRunCommand} for the contract. Every flag it writes is a row of
 * {@link DockerRunParser.Flag}, the table the parser reads.
 */
public final class DockerRunRenderer {
  private final List<String> out = new ArrayList<>();

  private DockerRunRenderer() {}

  /** The argument list, starting {@code docker run}; env values only when {@code withSecrets}. */
  public static List<String> render(SecureContainerSpec spec, boolean withSecrets) {
    return new DockerRunRenderer().write(spec, withSecrets);
  }

  private void flag(Flag flag, String value) {
    out.add(flag.longName());
    out.add(value);
  }

  private void shortFlag(Flag flag, String value) {
    out.add(flag.shortSpelling());
    out.add(value);
  }

  private void toggle(Flag flag) {
    out.add(flag.longName());
  }

  private List<String> write(SecureContainerSpec s, boolean withSecrets) {
    out.add("docker");
    out.add("run");
    s.name().ifPresent(v -> flag(Flag.NAME, v));
    s.hostname().ifPresent(v -> flag(Flag.HOSTNAME, v));
    s.user().ifPresent(v -> flag(Flag.USER, v));
    s.workingDir().ifPresent(v -> flag(Flag.WORKDIR, v.toString()));
    for (Map.Entry<String, String> e : s.env().entrySet()) {
      shortFlag(Flag.ENV, withSecrets ? e.getKey() + "=" + e.getValue() : e.getKey());
    }
    for (Map.Entry<String, String> e : SpecTranslator.labels(s).entrySet()) {
      flag(Flag.LABEL, e.getKey() + "=" + e.getValue());
    }
    if (s.dropAllCapabilities()) {
      flag(Flag.CAP_DROP, "ALL");
    } else {
      for (Capability c : sorted(s.droppedCapabilities())) {
        flag(Flag.CAP_DROP, c.name());
      }
    }
    for (Capability c : sorted(s.addedCapabilities())) {
      flag(Flag.CAP_ADD, c.name());
    }
    for (SecurityOptions.Option o : SecurityOptions.of(s).parsed()) {
      // The CLI takes a seccomp profile as a file and sends its JSON inline; a profile read from a
      // file names that file, one given as JSON text gets a placeholder the parser refuses with a remedy.
      boolean profile = o.key().equals("seccomp") && s.seccomp().kind() == Seccomp.Kind.PROFILE;
      flag(Flag.SECURITY_OPT, profile ? "seccomp=" + s.seccomp().source().map(Object::toString)
          .orElseGet(() -> placeholder(s.seccomp())) : o.text());
    }
    s.runtime().name().ifPresent(v -> flag(Flag.RUNTIME, v));
    s.platform().ifPresent(v -> flag(Flag.PLATFORM, v));
    if (s.tty()) {
      toggle(Flag.TTY);
    }
    if (s.openStdin()) {
      toggle(Flag.INTERACTIVE);
    }
    if (s.readOnlyRootFilesystem()) {
      toggle(Flag.READ_ONLY);
    }
    flag(Flag.NETWORK, s.network().toString());
    for (String a : s.networkAliases()) {
      flag(Flag.NETWORK_ALIAS, a);
    }
    for (NetworkAttachment n : s.additionalNetworks()) {
      flag(Flag.NETWORK, n.toString()); // Docker CLI 25+: a second --network, name=NET,alias=A
    }
    for (ExtraHost h : s.extraHosts()) {
      flag(Flag.ADD_HOST, h.toString());
    }
    for (String d : s.dnsServers()) {
      flag(Flag.DNS, d);
    }
    for (String d : s.dnsSearch()) {
      flag(Flag.DNS_SEARCH, d);
    }
    for (PortBinding p : s.ports()) {
      shortFlag(Flag.PUBLISH, p.toString());
    }
    for (Mount m : s.mounts()) {
      mount(m);
    }
    s.cpusetCpus().ifPresent(v -> flag(Flag.CPUSET_CPUS, v.toString()));
    s.cpuShares().ifPresent(v -> flag(Flag.CPU_SHARES, Integer.toString(v)));
    s.nanoCpus().ifPresent(v -> flag(Flag.CPUS, BigDecimal.valueOf(v, 9).stripTrailingZeros().toPlainString()));
    s.cpuQuota().ifPresent(v -> flag(Flag.CPU_QUOTA, Long.toString(v)));
    s.cpuPeriod().ifPresent(v -> flag(Flag.CPU_PERIOD, Long.toString(v)));
    s.memoryLimit().ifPresent(v -> flag(Flag.MEMORY, v.toDockerString()));
    s.memorySwap().ifPresent(v -> flag(Flag.MEMORY_SWAP, v.toDockerString()));
    flag(Flag.PIDS_LIMIT, Long.toString(s.pidsLimit().orElse(-1)));
    s.shmSize().ifPresent(v -> flag(Flag.SHM_SIZE, v.toDockerString()));
    s.sysctls().forEach((k, v) -> flag(Flag.SYSCTL, k + "=" + v));
    for (Ulimit u : s.ulimits()) {
      flag(Flag.ULIMIT, u.toString());
    }
    s.logConfig().ifPresent(l -> {
      flag(Flag.LOG_DRIVER, l.driver());
      l.options().forEach((k, v) -> flag(Flag.LOG_OPT, k + "=" + v));
    });
    s.restartPolicy().ifPresent(r -> flag(Flag.RESTART, r.toString()));
    s.healthCheck().ifPresent(this::health);
    if (s.init()) {
      toggle(Flag.INIT);
    }
    s.stopSignal().ifPresent(v -> flag(Flag.STOP_SIGNAL, v));
    s.stopTimeout().ifPresent(t -> flag(Flag.STOP_TIMEOUT,
        Long.toString(t.getSeconds() + (t.getNano() > 0 ? 1 : 0))));
    List<String> entrypoint = s.entrypoint();
    if (!entrypoint.isEmpty()) {
      // the CLI takes one word; the rest lead the command, which runs the same argv
      flag(Flag.ENTRYPOINT, entrypoint.get(0));
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
        flag(Flag.MOUNT, "type=bind," + csvField("source=" + m.source()) + ","
            + csvField("target=" + m.target()) + (m.readOnly() ? ",readonly" : ""));
        break;
      case VOLUME:
        shortFlag(Flag.VOLUME, m.source() + ":" + m.target() + (m.readOnly() ? ":ro" : ""));
        break;
      default:
        String opts = (m.readOnly() ? "ro" : "")
            + m.size().map(s -> (m.readOnly() ? "," : "") + "size=" + s.toDockerString()).orElse("");
        flag(Flag.TMPFS, m.target() + (opts.isEmpty() ? "" : ":" + opts));
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
    flag(Flag.HEALTH_CMD, cmd);
    flag(Flag.HEALTH_INTERVAL, goDuration(h.interval()));
    flag(Flag.HEALTH_TIMEOUT, goDuration(h.timeout()));
    flag(Flag.HEALTH_START_PERIOD, goDuration(h.startPeriod()));
    flag(Flag.HEALTH_RETRIES, Integer.toString(h.retries()));
  }

  /** Go's duration syntax, exact: {@code 1h2m3.5s}, {@code 0.25s}, {@code 0s}. */
  static String goDuration(Duration d) {
    return GoDurations.format(d);
  }
}
