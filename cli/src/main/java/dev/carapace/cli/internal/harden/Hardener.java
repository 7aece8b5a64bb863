package dev.carapace.cli.internal.harden;

import dev.carapace.core.Capability;
import dev.carapace.core.ContainerPath;
import dev.carapace.core.MemorySize;
import dev.carapace.core.Mount;
import dev.carapace.core.NetworkMode;
import dev.carapace.core.PortBinding;
import dev.carapace.core.RestartPolicy;
import dev.carapace.core.Seccomp;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.policy.Profiles;
import dev.carapace.policy.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A hardened equivalent of a spec read from a {@code docker run} line or a Compose service (which means what
 * Docker would run): the same workload (image, command, environment, mounts, ports, names, health check,
 * resources as given) on Carapace's secure defaults, each change listed.
 *
 * <ul>
 *   <li>every capability dropped, {@code NET_BIND_SERVICE} kept when it was added, any other added one left out;
 *   <li>no-new-privileges; the engine's default seccomp filter and AppArmor profile where they were turned off;
 *   <li>a read-only root filesystem, with a tmpfs on {@code /tmp} unless something is mounted there;
 *   <li>a non-root user ({@code 65534:65534}) unless a non-root one was given;
 *   <li>limits where none were set: 512 MiB of memory, one CPU, 1024 processes;
 *   <li>ports published on 127.0.0.1 instead of every interface; no network ({@code none}) unless ports are
 *       published or a network is named; the host's network replaced;
 *   <li>restart {@code always} and {@code unless-stopped} become {@code on-failure:5} (CIS 5.14);
 *   <li>bind mounts of sensitive host paths and the engine's socket, and sysctls outside Kubernetes' safe set,
 *       are left out.
 * </ul>
 */
final class Hardener {
  /** The user a hardened container runs as when none (or root) was given: nobody. */
  static final String NOBODY = "65534:65534";
  static final MemorySize MEMORY = MemorySize.ofMebibytes(512);
  static final long ONE_CPU = 1_000_000_000L;

  /** The result: the spec, what was tightened, and what could not be carried. */
  record Hardened(SecureContainerSpec spec, List<String> tightened, List<String> notCarried) {}

  private Hardener() {}

  static Hardened harden(SecureContainerSpec in, List<String> notCarriedBefore) {
    List<String> tightened = new ArrayList<>();
    List<String> notCarried = new ArrayList<>(notCarriedBefore);
    SecureContainerSpec.Builder b = SecureContainerSpec.builder().image(in.image());
    b.command(in.command());
    b.entrypoint(in.entrypoint());
    b.env(in.env());
    in.workingDir().ifPresent(b::workingDir);
    b.labels(in.labels());
    in.name().ifPresent(b::name);
    in.hostname().ifPresent(b::hostname);
    b.extraHosts(in.extraHosts());
    b.dnsServers(in.dnsServers());
    b.dnsSearch(in.dnsSearch());
    in.healthCheck().ifPresent(b::healthCheck);
    b.init(in.init());
    in.stopSignal().ifPresent(b::stopSignal);
    in.stopTimeout().ifPresent(b::stopTimeout);
    in.platform().ifPresent(b::platform);
    b.tty(in.tty());
    b.openStdin(in.openStdin());
    in.logConfig().ifPresent(b::logConfig);
    b.ulimits(in.ulimits());
    in.shmSize().ifPresent(b::shmSize);
    in.selinuxLabel().ifPresent(b::selinuxLabel);
    b.runtime(in.runtime());
    if (in.untrusted()) {
      b.untrusted();
    }

    // user
    String user = in.user().orElse("");
    String uid = user.split(":", 2)[0];
    if (user.isEmpty() || uid.equals("0") || uid.equals("root")) {
      b.user(NOBODY);
      tightened.add("user: " + NOBODY + " (nobody) instead of " + (user.isEmpty() ? "the image's USER" : user)
          + "; give --user a non-root uid the image works with");
    } else {
      b.user(user);
    }
    // capabilities
    if (!in.dropAllCapabilities()) {
      tightened.add("capabilities: all dropped (--cap-drop ALL) instead of Docker's 14 defaults");
    }
    for (Capability c : in.addedCapabilities()) {
      if (c == Capability.NET_BIND_SERVICE) {
        b.addCapability(c);
      } else {
        notCarried.add("--cap-add " + c + ": left out (add it back only if the workload fails without it)");
      }
    }
    // privilege escalation, seccomp, apparmor
    if (!in.noNewPrivileges()) {
      tightened.add("no-new-privileges: set (setuid binaries cannot gain privileges)");
    }
    if (in.seccomp().kind() == Seccomp.Kind.UNCONFINED) {
      tightened.add("seccomp: the engine's default filter instead of unconfined");
    } else {
      b.seccomp(in.seccomp());
    }
    if (in.apparmorProfile().isPresent()) {
      if (in.apparmorProfile().get().equals("unconfined")) {
        tightened.add("apparmor: the engine's default profile instead of unconfined");
      } else {
        b.apparmorProfile(in.apparmorProfile().get());
      }
    }
    // mounts
    boolean tmp = false;
    List<Mount> mounts = new ArrayList<>();
    for (Mount m : in.mounts()) {
      tmp |= m.target().toString().equals("/tmp");
      mounts.add(m);
    }
    List<Mount> kept = new ArrayList<>();
    for (int i = 0; i < mounts.size(); i++) {
      Mount m = mounts.get(i);
      List<Violation> bad = Profiles.carapaceDefault().evaluate(SecureContainerSpec.builder().image(in.image())
          .addMount(m).build()).violations().stream()
          .filter(v -> v.ruleId().equals("sensitive-mounts") || v.ruleId().equals("docker-socket")).toList();
      if (bad.isEmpty()) {
        kept.add(m);
      } else {
        notCarried.add("mount " + m.source() + ":" + m.target() + ": left out (" + bad.get(0).message() + ")");
      }
    }
    b.mounts(kept);
    b.readOnlyRootFilesystem(true);
    if (!in.readOnlyRootFilesystem()) {
      tightened.add("root filesystem: read-only (--read-only)" + (tmp ? "" : ", with a tmpfs on /tmp for scratch"));
      if (!tmp) {
        b.addMount(Mount.tmpfs(ContainerPath.of("/tmp"), MemorySize.ofMebibytes(64)));
      }
    }
    // resources
    if (in.memoryLimit().isPresent()) {
      b.memoryLimit(in.memoryLimit().get());
      in.memorySwap().ifPresent(b::memorySwap);
    } else {
      b.memoryLimit(MEMORY);
      tightened.add("memory: limited to 512m (none was set; adjust to the workload)");
    }
    boolean cpu = in.nanoCpus().isPresent() || in.cpuQuota().isPresent() || in.cpuShares().isPresent()
        || in.cpusetCpus().isPresent();
    in.nanoCpus().ifPresent(b::nanoCpus);
    in.cpuQuota().ifPresent(b::cpuQuota);
    in.cpuPeriod().ifPresent(b::cpuPeriod);
    in.cpuShares().ifPresent(b::cpuShares);
    in.cpusetCpus().ifPresent(b::cpusetCpus);
    if (!cpu) {
      b.nanoCpus(ONE_CPU);
      tightened.add("cpu: limited to 1 cpu (none was set; adjust to the workload)");
    }
    if (in.pidsLimit().isPresent() && in.pidsLimit().getAsLong() > 0) {
      b.pidsLimit(in.pidsLimit().getAsLong());
    } else {
      tightened.add("pids: limited to 1024 processes (was unlimited)");
    }
    for (Map.Entry<String, String> s : in.sysctls().entrySet()) {
      if (SecureContainerSpec.KUBERNETES_SAFE_SYSCTLS.contains(s.getKey())) {
        b.putSysctl(s.getKey(), s.getValue());
      } else {
        notCarried.add("sysctl " + s.getKey() + "=" + s.getValue() + ": left out (not in Kubernetes' safe set)");
      }
    }
    // ports and network
    for (PortBinding p : in.ports()) {
      if (p.allInterfaces()) {
        b.addPort(new PortBinding("127.0.0.1", p.hostPort(), p.containerPort(), p.protocol()));
        tightened.add("port " + p.hostPort() + ": published on 127.0.0.1 instead of every interface (name the"
            + " interface to reach it from elsewhere)");
      } else {
        b.addPort(p);
      }
    }
    NetworkMode network = in.network();
    switch (network.kind()) {
      case HOST:
      case BRIDGE:
        if (in.ports().isEmpty()) {
          tightened.add("network: none instead of " + network.kind().name().toLowerCase(java.util.Locale.ROOT)
              + " (no port is published; attach a user-defined network if it talks to others)");
        } else {
          b.network(NetworkMode.bridge());
          if (network.kind() == NetworkMode.Kind.HOST) {
            tightened.add("network: the default bridge instead of the host's network");
          } else {
            notCarried.add("network: the default bridge kept, since ports are published (a user-defined network,"
                + " docker network create, would be better)");
          }
        }
        break;
      case NONE:
        break;
      default:
        b.network(network);
        b.additionalNetworks(in.additionalNetworks());
        in.networkAliases().forEach(b::addNetworkAlias);
    }
    // restart
    if (in.restartPolicy().isPresent()) {
      RestartPolicy r = in.restartPolicy().get();
      if (r.kind() == RestartPolicy.Kind.ALWAYS || r.kind() == RestartPolicy.Kind.UNLESS_STOPPED) {
        b.restartPolicy(RestartPolicy.onFailure(5));
        tightened.add("restart: on-failure:5 instead of " + r.kind().name().toLowerCase(java.util.Locale.ROOT)
            .replace('_', '-') + " (CIS 5.14)");
      } else {
        b.restartPolicy(r);
      }
    }
    if (in.healthCheck().isEmpty()) {
      notCarried.add("health check: none given, none invented (add --health-cmd, or rely on the image's"
          + " HEALTHCHECK)");
    }
    return new Hardened(b.build(), tightened, notCarried);
  }
}
