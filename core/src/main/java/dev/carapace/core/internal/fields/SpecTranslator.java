package dev.carapace.core.internal.fields;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.Ulimit;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SecurityOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one place where a {@link SecureContainerSpec} becomes docker-java's create request. Uses only
 * non-deprecated docker-java API.
 */
public final class SpecTranslator {
  private SpecTranslator() {}

  /** Fills {@code cmd} (image, command, env, labels... and its HostConfig) from {@code spec}. */
  public static CreateContainerCmd apply(SecureContainerSpec spec, CreateContainerCmd cmd,
      Map<String, String> extraLabels) {
    cmd.withImage(spec.image());
    if (!spec.command().isEmpty()) {
      cmd.withCmd(spec.command());
    }
    if (!spec.entrypoint().isEmpty()) {
      cmd.withEntrypoint(spec.entrypoint());
    }
    if (!spec.env().isEmpty()) {
      List<String> env = new ArrayList<>(spec.env().size());
      spec.env().forEach((k, v) -> env.add(k + "=" + v));
      cmd.withEnv(env);
    }
    spec.workingDir().ifPresent(w -> cmd.withWorkingDir(w.toString()));
    spec.user().ifPresent(cmd::withUser);
    Map<String, String> labels = labels(spec);
    labels.putAll(extraLabels);
    cmd.withLabels(labels);
    spec.name().ifPresent(cmd::withName);
    spec.hostname().ifPresent(cmd::withHostName);
    spec.healthCheck().ifPresent(h -> cmd.withHealthcheck(healthCheck(h)));
    spec.stopSignal().ifPresent(cmd::withStopSignal);
    spec.platform().ifPresent(cmd::withPlatform);
    if (spec.tty()) {
      cmd.withTty(true);
    }
    if (spec.openStdin()) {
      cmd.withStdinOpen(true);
    }
    if (!spec.networkAliases().isEmpty()) {
      withAliases(cmd, spec.networkAliases());
    }
    spec.stopTimeout().ifPresent(t -> cmd.withStopTimeout((int) t.getSeconds()));
    if (!spec.ports().isEmpty()) {
      Set<ExposedPort> exposed = new LinkedHashSet<>();
      for (dev.carapace.core.PortBinding p : spec.ports()) {
        exposed.add(exposedPort(p));
      }
      cmd.withExposedPorts(new ArrayList<>(exposed));
    }
    cmd.withHostConfig(applyTo(spec, HostConfig.newHostConfig()));
    return cmd;
  }

  /**
   * The aliases on the container's network ({@code NetworkingConfig.EndpointsConfig[network].Aliases}):
   * docker-java's only way to send {@code NetworkingConfig} at create is this deprecated setter (its
   * replacement, {@code ContainerNetwork}, serves {@code docker network connect}, which cannot add aliases
   * to the network a container was created on).
   */
  @SuppressWarnings("deprecation")
  private static void withAliases(CreateContainerCmd cmd, List<String> aliases) {
    cmd.withAliases(aliases);
  }

  /**
   * Writes the spec's hardening and resources onto {@code hc}, keeping whatever else it holds
   * (Testcontainers' binds, port bindings and the like are merged, not replaced).
   */
  public static HostConfig applyTo(SecureContainerSpec spec, HostConfig hc) {
    hc.withPrivileged(false);
    spec.runtime().name().ifPresent(hc::withRuntime);
    if (spec.dropAllCapabilities()) {
      hc.withCapDrop(Capability.ALL);
    } else if (!spec.droppedCapabilities().isEmpty()) {
      hc.withCapDrop(capabilities(spec.droppedCapabilities()));
    }
    if (!spec.addedCapabilities().isEmpty()) {
      hc.withCapAdd(capabilities(spec.addedCapabilities()));
    }
    List<String> securityOpts = new ArrayList<>();
    if (hc.getSecurityOpts() != null) {
      for (String existing : hc.getSecurityOpts()) {
        if (!existing.startsWith("no-new-privileges") && !existing.startsWith("seccomp")) {
          securityOpts.add(existing);
        }
      }
    }
    securityOpts.addAll(SecurityOptions.of(spec).options());
    if (!securityOpts.isEmpty()) {
      hc.withSecurityOpts(securityOpts);
    }
    spec.cpusetCpus().ifPresent(c -> hc.withCpusetCpus(c.toString()));
    spec.cpuShares().ifPresent(hc::withCpuShares);
    spec.cpuQuota().ifPresent(hc::withCpuQuota);
    spec.cpuPeriod().ifPresent(hc::withCpuPeriod);
    spec.nanoCpus().ifPresent(hc::withNanoCPUs);
    spec.memoryLimit().ifPresent(m -> hc.withMemory(m.bytes()));
    spec.memorySwap().ifPresent(m -> hc.withMemorySwap(m.bytes()));
    hc.withPidsLimit(spec.pidsLimit().orElse(-1));
    spec.shmSize().ifPresent(m -> hc.withShmSize(m.bytes()));
    // merged into what hc holds (Testcontainers' own extra hosts stay)
    if (!spec.sysctls().isEmpty()) {
      Map<String, String> sysctls = hc.getSysctls() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(hc.getSysctls());
      sysctls.putAll(spec.sysctls());
      hc.withSysctls(sysctls);
    }
    if (!spec.extraHosts().isEmpty()) {
      hc.withExtraHosts(merged(hc.getExtraHosts(), spec.extraHosts().stream().map(Object::toString).toList()));
    }
    if (!spec.dnsServers().isEmpty()) {
      hc.withDns(merged(hc.getDns(), spec.dnsServers()));
    }
    if (!spec.dnsSearch().isEmpty()) {
      hc.withDnsSearch(merged(hc.getDnsSearch(), spec.dnsSearch()));
    }
    if (!spec.ulimits().isEmpty()) {
      List<Ulimit> ulimits = new ArrayList<>();
      for (dev.carapace.core.Ulimit u : spec.ulimits()) {
        ulimits.add(new Ulimit(u.name(), u.soft(), u.hard()));
      }
      hc.withUlimits(ulimits);
    }
    spec.logConfig().ifPresent(l -> hc.withLogConfig(logConfig(l)));
    hc.withReadonlyRootfs(spec.readOnlyRootFilesystem());
    List<Mount> mounts = hc.getMounts() == null ? new ArrayList<>() : new ArrayList<>(hc.getMounts());
    Map<String, String> tmpfs = hc.getTmpFs() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(hc.getTmpFs());
    for (dev.carapace.core.Mount m : spec.mounts()) {
      switch (m.type()) {
        case TMPFS:
          tmpfs.put(m.target().toString(), tmpfsOptions(m));
          break;
        case BIND:
          mounts.add(new Mount().withType(MountType.BIND).withSource(m.source())
              .withTarget(m.target().toString()).withReadOnly(m.readOnly()));
          break;
        case VOLUME:
          mounts.add(new Mount().withType(MountType.VOLUME).withSource(m.source())
              .withTarget(m.target().toString()).withReadOnly(m.readOnly()));
          break;
        default:
          throw new AssertionError(m.type());
      }
    }
    if (!mounts.isEmpty()) {
      hc.withMounts(mounts);
    }
    if (!tmpfs.isEmpty()) {
      hc.withTmpFs(tmpfs);
    }
    hc.withNetworkMode(spec.network().toString());
    if (!spec.ports().isEmpty()) {
      Ports ports = hc.getPortBindings() == null ? new Ports() : hc.getPortBindings();
      for (dev.carapace.core.PortBinding p : spec.ports()) {
        ports.bind(exposedPort(p), binding(p));
      }
      hc.withPortBindings(ports);
    }
    spec.restartPolicy().ifPresent(r -> hc.withRestartPolicy(restartPolicy(r)));
    if (spec.init()) {
      hc.withInit(true);
    }
    return hc;
  }

  private static String[] merged(String[] existing, List<String> added) {
    Set<String> all = new LinkedHashSet<>(existing == null ? List.of() : List.of(existing));
    all.addAll(added);
    return all.toArray(new String[0]);
  }

  /** The spec's labels, with Carapace's own the spec implies ({@code dev.carapace.untrusted=true}). */
  public static Map<String, String> labels(SecureContainerSpec spec) {
    Map<String, String> labels = new LinkedHashMap<>(spec.labels());
    if (spec.untrusted()) {
      labels.put(SecureContainerSpec.UNTRUSTED_LABEL, "true");
    }
    return labels;
  }

  /** tmpfs options as {@code --tmpfs} sends them: never exec, suid or devices. */
  static String tmpfsOptions(dev.carapace.core.Mount m) {
    StringBuilder sb = new StringBuilder(m.readOnly() ? "ro" : "rw").append(",noexec,nosuid,nodev");
    m.size().ifPresent(s -> sb.append(",size=").append(s.bytes()));
    return sb.toString();
  }

  static Capability[] capabilities(Set<dev.carapace.core.Capability> caps) {
    Capability[] out = new Capability[caps.size()];
    int i = 0;
    for (dev.carapace.core.Capability c : java.util.EnumSet.copyOf(caps)) {
      out[i++] = Capability.valueOf(c.name());
    }
    return out;
  }

  /**
   * Known drivers go through docker-java's own type (so any docker-java client can send them),
   * others by name (see {@link RawLogConfig}, which needs Carapace's own ObjectMapper).
   */
  static LogConfig logConfig(dev.carapace.core.LogConfig l) {
    Map<String, String> options = l.options().isEmpty() ? null : new LinkedHashMap<>(l.options());
    for (LogConfig.LoggingType type : LogConfig.LoggingType.values()) {
      if (type != LogConfig.LoggingType.DEFAULT && type.getType().equals(l.driver())) {
        return new LogConfig(type, options);
      }
    }
    return new RawLogConfig(l.driver(), options);
  }

  /** The host side of a published port; port 0 lets the engine pick one. */
  static Ports.Binding binding(dev.carapace.core.PortBinding p) {
    return new Ports.Binding(p.hostIp(), p.hostPort() == 0 ? null : Integer.toString(p.hostPort()));
  }

  static ExposedPort exposedPort(dev.carapace.core.PortBinding p) {
    return new ExposedPort(p.containerPort(), InternetProtocol.parse(p.protocol().dockerName()));
  }

  static RestartPolicy restartPolicy(dev.carapace.core.RestartPolicy r) {
    switch (r.kind()) {
      case ALWAYS:
        return RestartPolicy.alwaysRestart();
      case UNLESS_STOPPED:
        return RestartPolicy.unlessStoppedRestart();
      case ON_FAILURE:
        return RestartPolicy.onFailureRestart(r.maxRetries());
      default:
        return RestartPolicy.noRestart();
    }
  }

  static HealthCheck healthCheck(dev.carapace.core.HealthCheck h) {
    return new HealthCheck().withTest(h.test())
        .withInterval(nanos(h.interval()))
        .withTimeout(nanos(h.timeout()))
        .withStartPeriod(nanos(h.startPeriod()))
        .withRetries(h.retries());
  }

  private static long nanos(Duration d) {
    return d.toNanos();
  }
}
