package dev.carapace.core.internal.fields;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Device;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ports;
import dev.carapace.core.Capability;
import dev.carapace.core.ContainerPath;
import dev.carapace.core.ContainerRuntime;
import dev.carapace.core.CpuSet;
import dev.carapace.core.LogConfig;
import dev.carapace.core.MemorySize;
import dev.carapace.core.NetworkMode;
import dev.carapace.core.Mount;
import dev.carapace.core.PortBinding;
import dev.carapace.core.Seccomp;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.Ulimit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The reverse of {@link SpecTranslator}: reads a create request that someone else built (Testcontainers)
 * back into the {@link SecureContainerSpec} it amounts to, so that launch checks can judge it.
 *
 * <p>What a spec cannot express and that weakens isolation ({@code --privileged}, host pid/ipc/uts/user
 * namespaces, devices, unknown security options) is refused, not dropped: the reader throws an
 * {@link IllegalArgumentException} listing every such setting. Settings that do not weaken isolation
 * (extra hosts, links, shm size, DNS, tty, stdin) are ignored; sysctls are read, so that the checks judge
 * them, and one that is not namespaced fails the spec's own checks.
 */
public final class CreateRequestReader {
  private CreateRequestReader() {}

  /**
   * The spec {@code cmd} amounts to.
   *
   * @throws IllegalArgumentException listing every setting a spec cannot express, or the spec's own
   *     {@link dev.carapace.core.InvalidSpecException}
   */
  public static SecureContainerSpec read(CreateContainerCmd cmd) {
    HostConfig hc = cmd.getHostConfig() == null ? HostConfig.newHostConfig() : cmd.getHostConfig();
    List<String> problems = new ArrayList<>();
    if (Boolean.TRUE.equals(hc.getPrivileged())) {
      problems.add("privileged cannot be expressed by a SecureContainerSpec: true (remove withPrivilegedMode(true))");
    }
    hostNamespace(problems, "pid mode", hc.getPidMode());
    hostNamespace(problems, "ipc mode", hc.getIpcMode());
    hostNamespace(problems, "uts mode", hc.getUtSMode());
    hostNamespace(problems, "userns mode", hc.getUsernsMode());
    hostNamespace(problems, "cgroupns mode", hc.getCgroupnsMode());
    if (hc.getDevices() != null && hc.getDevices().length > 0) {
      List<String> devices = new ArrayList<>();
      for (Device d : hc.getDevices()) {
        devices.add(d.getPathOnHost());
      }
      problems.add("devices cannot be expressed by a SecureContainerSpec: " + devices);
    }

    SecureContainerSpec.Builder b = SecureContainerSpec.builder().image(cmd.getImage());
    if (cmd.getCmd() != null) {
      b.command(Arrays.asList(cmd.getCmd()));
    }
    // [""] clears the image's ENTRYPOINT, which a spec cannot say; the request keeps it, the checks do not judge it
    if (cmd.getEntrypoint() != null && !Arrays.equals(cmd.getEntrypoint(), new String[] {""})) {
      b.entrypoint(Arrays.asList(cmd.getEntrypoint()));
    }
    if (cmd.getEnv() != null) {
      for (String e : cmd.getEnv()) {
        int eq = e.indexOf('=');
        b.putEnv(eq < 0 ? e : e.substring(0, eq), eq < 0 ? "" : e.substring(eq + 1));
      }
    }
    if (notBlank(cmd.getWorkingDir())) {
      attempt(problems, () -> b.workingDir(ContainerPath.of(cmd.getWorkingDir())));
    }
    if (notBlank(cmd.getUser())) {
      b.user(cmd.getUser());
    }
    if (cmd.getLabels() != null) {
      cmd.getLabels().forEach((k, v) -> {
        if (k.equals(SecureContainerSpec.UNTRUSTED_LABEL) && "true".equals(v)) {
          b.untrusted();
        } else if (!k.startsWith(SecureContainerSpec.RESERVED_LABEL_PREFIX)) {
          b.putLabel(k, v == null ? "" : v);
        }
      });
    }
    if (notBlank(cmd.getName())) {
      b.name(cmd.getName().startsWith("/") ? cmd.getName().substring(1) : cmd.getName());
    }
    if (notBlank(cmd.getHostName())) {
      b.hostname(cmd.getHostName());
    }

    if (notBlank(hc.getRuntime())) {
      attempt(problems, () -> b.runtime(ContainerRuntime.parse(hc.getRuntime())));
    }
    capabilities(problems, b, hc);
    securityOpts(problems, b, hc.getSecurityOpts());

    if (notBlank(hc.getCpusetCpus())) {
      attempt(problems, () -> b.cpusetCpus(CpuSet.parse(hc.getCpusetCpus())));
    }
    if (positive(hc.getCpuShares())) {
      b.cpuShares(hc.getCpuShares());
    }
    if (positive(hc.getCpuQuota())) {
      b.cpuQuota(hc.getCpuQuota());
    }
    if (positive(hc.getCpuPeriod())) {
      b.cpuPeriod(hc.getCpuPeriod());
    }
    if (positive(hc.getNanoCPUs())) {
      b.nanoCpus(hc.getNanoCPUs());
    }
    if (positive(hc.getMemory())) {
      b.memoryLimit(MemorySize.ofBytes(hc.getMemory()));
      // -1 (unlimited swap) is left unset: a spec cannot say it, and the policy judges the limit
      if (positive(hc.getMemorySwap())) {
        b.memorySwap(MemorySize.ofBytes(hc.getMemorySwap()));
      }
    }
    if (positive(hc.getPidsLimit())) {
      b.pidsLimit(hc.getPidsLimit());
    } else {
      b.unlimitedPids();
    }
    if (hc.getUlimits() != null) {
      for (com.github.dockerjava.api.model.Ulimit u : hc.getUlimits()) {
        attempt(problems, () -> b.addUlimit(new Ulimit(u.getName(), u.getSoftLong(), u.getHardLong())));
      }
    }
    if (hc.getLogConfig() != null && RawLogConfig.driverOf(hc.getLogConfig()) != null) {
      String driver = RawLogConfig.driverOf(hc.getLogConfig());
      Map<String, String> options = hc.getLogConfig().getConfig() == null ? Map.of() : hc.getLogConfig().getConfig();
      attempt(problems, () -> b.logConfig(new LogConfig(driver, options)));
    }
    b.readOnlyRootFilesystem(Boolean.TRUE.equals(hc.getReadonlyRootfs()));
    mounts(problems, b, hc);
    if (hc.getSysctls() != null) {
      // read, so that the policy's sysctls rule judges them; one the host's kernel keeps fails the spec's build
      hc.getSysctls().forEach((k, v) -> b.putUnsafeSysctl(k, v == null ? "" : v));
    }

    String network = notBlank(hc.getNetworkMode()) ? hc.getNetworkMode() : "bridge";
    attempt(problems, () -> {
      NetworkMode mode = NetworkMode.parse(network);
      if (mode.kind() == NetworkMode.Kind.HOST) {
        b.allowHostNetwork(); // allowed here so that the checks, not the reader, judge it
      } else {
        b.network(mode);
      }
    });
    ports(problems, b, cmd, hc);
    if (Boolean.TRUE.equals(hc.getInit())) {
      b.init(true);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return b.build();
  }

  private static void capabilities(List<String> problems, SecureContainerSpec.Builder b, HostConfig hc) {
    Set<String> drop = names(hc.getCapDrop());
    Set<String> add = names(hc.getCapAdd());
    if (add.contains("ALL")) {
      problems.add("capAdd ALL cannot be expressed by a SecureContainerSpec: ALL (add the capabilities by name)");
      add.remove("ALL");
    }
    boolean dropAll = drop.remove("ALL");
    if (!dropAll) {
      b.keepDockerDefaultCapabilities();
    }
    for (String n : add) {
      attempt(problems, () -> b.addCapability(Capability.parse(n)));
    }
    if (!dropAll) {
      for (String n : drop) {
        attempt(problems, () -> b.dropCapability(Capability.parse(n)));
      }
    }
  }

  private static Set<String> names(com.github.dockerjava.api.model.Capability[] caps) {
    Set<String> out = new LinkedHashSet<>();
    if (caps != null) {
      for (com.github.dockerjava.api.model.Capability c : caps) {
        out.add(c.name());
      }
    }
    return out;
  }

  private static void securityOpts(List<String> problems, SecureContainerSpec.Builder b, List<String> opts) {
    attempt(problems, () -> {
      boolean noNewPrivileges = SecurityOptionsReader.apply("securityOpt", opts == null ? List.of() : opts, b, value -> {
        if (!value.startsWith("{")) {
          throw new IllegalArgumentException("securityOpt seccomp must be unconfined or an inline JSON profile: "
              + "seccomp=" + value);
        }
        return Seccomp.profileJson(value);
      });
      if (!noNewPrivileges) {
        b.allowPrivilegeEscalation(); // as the engine: only an explicit option sets it
      }
    });
  }

  private static void mounts(List<String> problems, SecureContainerSpec.Builder b, HostConfig hc) {
    if (hc.getBinds() != null) {
      for (Bind bind : hc.getBinds()) {
        boolean ro = bind.getAccessMode() == AccessMode.ro;
        String source = bind.getPath();
        String target = bind.getVolume().getPath();
        attempt(problems, () -> {
          Mount m = source.startsWith("/") ? Mount.bind(source, ContainerPath.of(target))
              : Mount.volume(source, ContainerPath.of(target));
          b.addMount(ro ? m.asReadOnly() : m);
        });
      }
    }
    if (hc.getMounts() != null) {
      for (com.github.dockerjava.api.model.Mount m : hc.getMounts()) {
        String type = m.getType() == null ? "volume" : m.getType().name().toLowerCase(Locale.ROOT);
        boolean ro = Boolean.TRUE.equals(m.getReadOnly());
        attempt(problems, () -> {
          Mount mount;
          switch (type) {
            case "bind":
              mount = Mount.bind(m.getSource(), ContainerPath.of(m.getTarget()));
              break;
            case "volume":
              mount = Mount.volume(m.getSource(), ContainerPath.of(m.getTarget()));
              break;
            case "tmpfs":
              mount = Mount.tmpfs(ContainerPath.of(m.getTarget()));
              break;
            default:
              throw new IllegalArgumentException("mount type cannot be expressed by a SecureContainerSpec: "
                  + type + " at " + m.getTarget());
          }
          b.addMount(ro ? mount.asReadOnly() : mount);
        });
      }
    }
    if (hc.getTmpFs() != null) {
      for (Map.Entry<String, String> t : hc.getTmpFs().entrySet()) {
        attempt(problems, () -> {
          Optional<MemorySize> size = Optional.empty();
          boolean ro = false;
          for (String o : (t.getValue() == null ? "" : t.getValue()).split(",")) {
            if (o.startsWith("size=")) {
              size = Optional.of(MemorySize.parse(o.substring(5)));
            } else if (o.equals("ro")) {
              ro = true;
            }
          }
          Mount m = new Mount(Mount.Type.TMPFS, "", ContainerPath.of(t.getKey()), ro, size);
          b.addMount(m);
        });
      }
    }
  }

  private static void ports(List<String> problems, SecureContainerSpec.Builder b, CreateContainerCmd cmd,
      HostConfig hc) {
    Map<String, PortBinding> out = new LinkedHashMap<>();
    Set<ExposedPort> bound = new LinkedHashSet<>();
    Ports ports = hc.getPortBindings();
    if (ports != null) {
      for (Map.Entry<ExposedPort, Ports.Binding[]> e : ports.getBindings().entrySet()) {
        bound.add(e.getKey());
        Ports.Binding[] bindings = e.getValue() == null || e.getValue().length == 0
            ? new Ports.Binding[] {Ports.Binding.empty()} : e.getValue();
        for (Ports.Binding binding : bindings) {
          attempt(problems, () -> {
            PortBinding p = portBinding(e.getKey(), binding);
            out.put(p.toString(), p);
          });
        }
      }
    }
    if (Boolean.TRUE.equals(hc.getPublishAllPorts()) && cmd.getExposedPorts() != null) {
      for (ExposedPort exposed : cmd.getExposedPorts()) {
        if (!bound.contains(exposed)) {
          attempt(problems, () -> {
            PortBinding p = portBinding(exposed, Ports.Binding.empty());
            out.put(p.toString(), p);
          });
        }
      }
    }
    b.addAllPorts(out.values());
  }

  private static PortBinding portBinding(ExposedPort exposed, Ports.Binding binding) {
    String ip = notBlank(binding.getHostIp()) ? binding.getHostIp() : "0.0.0.0";
    String spec = binding.getHostPortSpec();
    int hostPort;
    if (!notBlank(spec)) {
      hostPort = 0;
    } else if (spec.matches("[0-9]+")) {
      hostPort = Integer.parseInt(spec);
    } else {
      throw new IllegalArgumentException("port host port must be one number, not a range: " + spec);
    }
    return new PortBinding(ip, hostPort, exposed.getPort(),
        PortBinding.Protocol.parse(exposed.getProtocol().toString()));
  }

  private static void hostNamespace(List<String> problems, String what, String mode) {
    if (mode != null && mode.equals("host")) {
      problems.add(what + " host shares the host's namespace: host (a SecureContainerSpec never does)");
    }
  }

  private static void attempt(List<String> problems, Runnable r) {
    try {
      r.run();
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }

  private static boolean positive(Number n) {
    return n != null && n.longValue() > 0;
  }
}
