package dev.carapace.core;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The OCI runtime that runs a container's processes, as {@code docker run --runtime}.
 *
 * <pre>{@code
 * ContainerRuntime.engineDefault();   // no --runtime: the engine's default, runc unless configured
 * ContainerRuntime.gvisor();          // --runtime runsc: gVisor's kernel between the workload and the host
 * ContainerRuntime.named("kata");     // --runtime kata: any runtime the engine lists in docker info
 * }</pre>
 *
 * <p>A runtime other than the engine's default is a name the engine must know: it lists them in
 * {@code docker info} ({@code GET /info}, {@code Runtimes}), registered in its {@code daemon.json}.
 * {@link ContainerLauncher} asks once, the first time a spec names a runtime, and refuses a runtime
 * the engine does not list, naming those it does, before anything is created.
 *
 * <h2>gVisor</h2>
 *
 * <p>With {@link #gvisor()} ({@code runsc}), the workload's system calls reach gVisor's Sentry, a
 * kernel written in Go that runs as an ordinary, seccomp-confined process on the host: a kernel
 * exploit has to get through it first. Inside, {@code uname -r} says {@code 4.4.0} and {@code dmesg}
 * starts with {@code Starting gVisor...}. Carapace's gVisor is {@code runsc} registered with
 * {@code --network=none}, as {@code testbed/setup.sh} registers it (without it runsc refuses to
 * start in the host's network namespace), so what changes under it is:
 *
 * <ul>
 *   <li><b>network</b>: only loopback, whatever the engine attaches; a spec under gVisor with a
 *       network other than {@link NetworkMode#none()} is refused at build, with the reason;
 *   <li><b>what the container sees of itself</b>: gVisor's {@code /proc/self/status} has no
 *       {@code NoNewPrivs} line and says {@code Seccomp: 0}, and {@code /sys/fs/cgroup} is empty:
 *       read no-new-privileges and the limits from the engine's record (inspect) instead;
 *   <li><b>seccomp</b>: the spec's filter is recorded, but this runsc applies it inside the sandbox
 *       only when registered with {@code --oci-seccomp}; the Sentry's own calls to the host are
 *       confined by gVisor's filter;
 *   <li><b>the pids limit</b> applies to the sandbox's host threads, not to the workload's processes:
 *       gVisor's own threads count (about 40 for an idle workload on this testbed's 2 CPUs), and so
 *       do the threads each workload process costs, so the workload gets far fewer processes than
 *       the limit (13 background processes under {@code --pids-limit 128} here, where runc allows
 *       127), a limit of 40 kept the sandbox from starting, and a fork flood that reaches the limit
 *       ends the whole sandbox (exit code 2) instead of failing one {@code fork}. The flood is still
 *       contained.
 * </ul>
 *
 * <p>What still applies, as with runc: the capabilities ({@code CapEff} in gVisor's
 * {@code /proc/self/status}, enforced by the Sentry), the user, the read-only root, and the memory
 * limit ({@code /proc/meminfo}'s {@code MemTotal} is the limit; the host's cgroup OOM-kills the
 * sandbox at it).
 *
 * <p>A runsc registered with networking, or under another name, is {@link #named(String)}: only the
 * name {@code runsc} is gVisor here.
 */
public final class ContainerRuntime {
  /** The name gVisor's runtime is registered under, by its own documentation and by {@code testbed/setup.sh}. */
  public static final String GVISOR_NAME = "runsc";

  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.+-]*");
  private static final ContainerRuntime DEFAULT = new ContainerRuntime(null);
  private static final ContainerRuntime GVISOR = new ContainerRuntime(GVISOR_NAME);

  private final String name; // null for the engine's default

  private ContainerRuntime(String name) {
    this.name = name;
  }

  /**
   * No {@code --runtime}: the engine's {@code default-runtime}, {@code runc} unless its
   * {@code daemon.json} says otherwise. The default of every spec.
   */
  public static ContainerRuntime engineDefault() {
    return DEFAULT;
  }

  /**
   * {@code --runtime runsc}: gVisor. The engine must list {@code runsc}; see the class description for
   * what changes inside the sandbox and what still applies.
   */
  public static ContainerRuntime gvisor() {
    return GVISOR;
  }

  /**
   * {@code --runtime NAME}: a runtime the engine lists in {@code docker info}, such as {@code kata} or
   * {@code runc} by name. {@code named("runsc")} is {@link #gvisor()}.
   *
   * @throws IllegalArgumentException if {@code name} is not a runtime name
   */
  public static ContainerRuntime named(String name) {
    Objects.requireNonNull(name, "runtime name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("runtime name must match [a-zA-Z0-9][a-zA-Z0-9_.+-]*: \"" + name + "\"");
    }
    return name.equals(GVISOR_NAME) ? GVISOR : new ContainerRuntime(name);
  }

  /**
   * Reads a {@code --runtime} value, as {@link #named(String)} does.
   *
   * @throws IllegalArgumentException naming the value when it is not a runtime name
   */
  public static ContainerRuntime parse(String text) {
    return named(text);
  }

  /** Whether this is the engine's default: no {@code --runtime} is sent. */
  public boolean isEngineDefault() {
    return name == null;
  }

  /** Whether this is gVisor ({@code runsc}). */
  public boolean isGvisor() {
    return GVISOR_NAME.equals(name);
  }

  /**
   * Whether the runtime puts a kernel of its own between the workload and the host, by its name:
   * gVisor ({@code runsc}, {@code io.containerd.runsc.v1}) or Kata Containers (names starting with
   * {@code kata}, {@code io.containerd.kata}). A name is the engine's configuration: this trusts that
   * the engine registered those names for those runtimes.
   */
  public boolean isSandboxed() {
    return name != null && isSandboxedName(name);
  }

  private static boolean isSandboxedName(String runtime) {
    return runtime.equals(GVISOR_NAME) || runtime.equals("io.containerd.runsc.v1")
        || runtime.startsWith("kata") || runtime.startsWith("io.containerd.kata");
  }

  /** The {@code --runtime} value; empty for the engine's default. */
  public Optional<String> name() {
    return Optional.ofNullable(name);
  }

  /** The {@code --runtime} value, or {@code default} for the engine's default. */
  @Override
  public String toString() {
    return name == null ? "default" : name;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ContainerRuntime && Objects.equals(((ContainerRuntime) o).name, name);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(name);
  }
}
