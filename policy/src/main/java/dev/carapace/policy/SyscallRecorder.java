package dev.carapace.policy;

import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.ContainerRuntime;
import dev.carapace.core.Endpoint;
import dev.carapace.core.RunningContainer;
import dev.carapace.core.Seccomp;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.policy.SyscallRecordingRefusedException.Reason;
import dev.carapace.policy.internal.KernelLogWindow;
import dev.carapace.policy.internal.PrintkRateLimit;
import dev.carapace.policy.internal.SyscallTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.function.IntFunction;
import org.immutables.value.Value;

/**
 * Records the system calls a workload makes, by running it on a local engine under a seccomp
 * profile that allows everything and logs every call ({@code defaultAction: SCMP_ACT_LOG}), and
 * reading the kernel's {@code type=1326} records of the container's own processes from
 * {@code /dev/kmsg}. The set makes a profile ({@link SyscallRecording#profile()}) that allows only
 * those calls; {@link #check} runs the workload again under it.
 *
 * <pre>{@code
 * SyscallRecorder recorder = SyscallRecorder.builder().build();        // the local engine's socket
 * SyscallRecording rec = recorder.recordUntilStable(spec, null, 2, 5);  // runs to exit; 2 quiet runs
 * RecordedSeccompProfile profile = rec.profile();                       // 41 calls, not Docker's 373
 * recorder.check(spec, profile, null, 0).passed();                      // exits 0 under it, as recorded
 * }</pre>
 *
 * <p>How, and what it costs the host:
 * <ul>
 *   <li>The records are the kernel's, by host pid. A reader thread reads each process's
 *       {@code /proc/PID/cgroup} when its first record arrives and keeps only the processes whose
 *       cgroup names the container: other containers' records in the same window (another recorder,
 *       another tool) are left out and counted ({@link SyscallRecording.Run#foreignRecords()}); a
 *       process gone before it could be read is counted as unattributed and makes the run
 *       incomplete, never guessed.
 *   <li>The runtime's own calls between installing the filter and starting the workload
 *       ({@code runc:[2:INIT]}) are recorded too: the profile must allow them or the container
 *       cannot start.
 *   <li><b>Global effect</b>: the kernel prints at most about 10 records per 5 s by default
 *       ({@code kernel.printk_ratelimit}); the recorder sets it to 0 while it records, for the whole
 *       host, and puts the old value back when the last recording of the JVM ends (also on failure,
 *       and at the JVM's exit). It also writes three marker lines per run into the kernel log
 *       ({@code carapace-seccomp-recorder <uuid> start|end|stop}).
 *   <li>Losses are detected, not assumed away: gaps in the audit serial numbers, the kernel's own loss
 *       lines, ring-buffer overruns, and the rate limit found switched back on (by another process)
 *       at the end of a run make the run incomplete ({@link SyscallRecording.Run#lostRecords()}).
 * </ul>
 *
 * <p>It refuses ({@link SyscallRecordingRefusedException}) where it cannot see the calls: an engine
 * over TCP, a JVM not running as root, gVisor or another sandboxed runtime, a kernel without the
 * {@code log} action; and after a run that left no record of the container (an audit daemon takes
 * them, or the engine runs elsewhere).
 */
@Value.Enclosing
public final class SyscallRecorder {
  /** The profile runs are recorded under: allow and log every call. */
  static final String LOGGING_PROFILE = "{\"defaultAction\":\"SCMP_ACT_LOG\"}";
  static final Path ACTIONS_AVAIL = Path.of("/proc/sys/kernel/seccomp/actions_avail");
  static final Path ACTIONS_LOGGED = Path.of("/proc/sys/kernel/seccomp/actions_logged");
  static final Path KMSG = Path.of("/dev/kmsg");

  private final Endpoint endpoint;
  private final Duration timeout;
  private final Duration stopTimeout;
  private final Host host;

  private SyscallRecorder(Builder b) {
    this.endpoint = b.endpoint;
    this.timeout = b.timeout;
    this.stopTimeout = b.stopTimeout;
    this.host = b.host;
  }

  /** A builder: the local engine's socket, a 60 s run timeout, a 5 s stop timeout unless set. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * What the recorder does with the running container before it stops it: fetch a page, send a
   * request. Without one ({@code null}), the workload runs until it exits by itself.
   */
  @FunctionalInterface
  public interface Exercise {
    /** Drives the workload; an exception fails the run (for {@link #check}, the check). */
    void exercise(RunningContainer container) throws Exception;
  }

  /** The host facts the recorder checks; replaced in tests. */
  interface Host {
    /** The effective uid of this process. */
    int euid() throws IOException;

    /** A file's text; empty when it does not exist. */
    Optional<String> read(Path file) throws IOException;

    /** The architecture as {@code uname -m} spells it. */
    String architecture();

    /** {@code /proc/PID/cgroup}, empty when the process is gone. */
    Optional<String> cgroupOf(int pid);
  }

  static final Host REAL_HOST = new Host() {
    @Override
    public int euid() throws IOException {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("Uid:")) {
          return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
        }
      }
      throw new IOException("no Uid line in /proc/self/status");
    }

    @Override
    public Optional<String> read(Path file) throws IOException {
      return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.US_ASCII)) : Optional.empty();
    }

    @Override
    public String architecture() {
      String a = System.getProperty("os.arch", "");
      return a.equals("amd64") ? "x86_64" : a;
    }

    @Override
    public Optional<String> cgroupOf(int pid) {
      return KernelLogWindow.procCgroup(pid);
    }
  };

  /**
   * Checks, before any container exists, that a recording can work here.
   *
   * @throws SyscallRecordingRefusedException with the reason when it cannot
   */
  void preflight(SecureContainerSpec spec) {
    String scheme = String.valueOf(endpoint.uri().getScheme());
    if (!scheme.equals("unix")) {
      throw new SyscallRecordingRefusedException(Reason.REMOTE_ENGINE, "the engine is reached over " + scheme
          + " (" + endpoint.uri() + "): the records are written by the kernel that runs the container, which"
          + " may be another host's; record against a local engine's unix socket", null);
    }
    try {
      int euid = host.euid();
      if (euid != 0) {
        throw new SyscallRecordingRefusedException(Reason.NOT_ROOT, "this process runs as uid " + euid
            + ", not root: reading /dev/kmsg and setting kernel.printk_ratelimit need root", null);
      }
      if (spec.runtime().isSandboxed()) {
        throw sandboxed(spec.runtime().name().orElse("?"));
      }
      if (!SyscallTable.knows(host.architecture())) {
        throw new SyscallRecordingRefusedException(Reason.UNSUPPORTED_ARCHITECTURE, "no system call table for "
            + host.architecture() + " (x86_64 and aarch64 have one)", null);
      }
      Optional<String> avail = host.read(ACTIONS_AVAIL);
      if (avail.isEmpty() || !words(avail.get()).contains("log")) {
        throw new SyscallRecordingRefusedException(Reason.NO_LOG_ACTION, "the kernel has no seccomp log action: "
            + ACTIONS_AVAIL + " is " + avail.map(s -> "\"" + s.strip() + "\"").orElse("missing")
            + " (needs Linux 4.14+ with seccomp)", null);
      }
      Optional<String> logged = host.read(ACTIONS_LOGGED);
      if (logged.isEmpty() || !words(logged.get()).contains("log")) {
        throw new SyscallRecordingRefusedException(Reason.NO_LOG_ACTION, "the kernel does not log the seccomp"
            + " log action: " + ACTIONS_LOGGED + " is " + logged.map(s -> "\"" + s.strip() + "\"").orElse("missing")
            + " (add log to it as root)", null);
      }
    } catch (IOException e) {
      throw new SyscallRecordingRefusedException(Reason.KERNEL_LOG_UNREADABLE, "cannot read the host's settings: "
          + e.getMessage(), e);
    }
  }

  /** Whether the engine's runtime name (its inspect record) is a sandbox such as gVisor. */
  static boolean sandboxedName(String runtime) {
    try {
      return runtime != null && !runtime.isBlank() && ContainerRuntime.named(runtime).isSandboxed();
    } catch (IllegalArgumentException e) {
      return false; // not a name the engine could run; the records tell whether the host saw the calls
    }
  }

  private static List<String> words(String s) {
    return List.of(s.strip().split("\\s+"));
  }

  private static SyscallRecordingRefusedException sandboxed(String runtime) {
    return new SyscallRecordingRefusedException(Reason.SANDBOXED_RUNTIME, "the container runs under " + runtime
        + ", whose own kernel takes the workload's calls: the host's seccomp never sees them; record under runc"
        + " (the profile then applies under runc)", null);
  }

  /** Runs {@code spec}'s workload once until it exits by itself, and records it. */
  public SyscallRecording record(SecureContainerSpec spec) {
    return record(spec, null);
  }

  /**
   * Runs {@code spec}'s workload once (its seccomp setting replaced by the logging profile), drives it
   * with {@code exercise} if given and stops it, or waits until it exits, and records it.
   *
   * @throws SyscallRecordingRefusedException when it cannot record here (see the class)
   * @throws IllegalStateException when {@code exercise} fails
   */
  public SyscallRecording record(SecureContainerSpec spec, Exercise exercise) {
    Objects.requireNonNull(spec, "spec must not be null");
    preflight(spec);
    String arch = host.architecture();
    SecureContainerSpec logging = spec.toBuilder().seccomp(Seccomp.profileJson(LOGGING_PROFILE)).build();
    long t0 = System.nanoTime();
    try {
      PrintkRateLimit.acquire();
    } catch (IOException e) {
      throw new SyscallRecordingRefusedException(Reason.KERNEL_LOG_UNREADABLE, "cannot set kernel.printk_ratelimit"
          + " to 0: " + e.getMessage(), e);
    }
    try {
      KernelLogWindow window;
      IntFunction<Optional<String>> cgroups = host::cgroupOf;
      try {
        window = KernelLogWindow.open(KMSG, cgroups, Duration.ofSeconds(10));
      } catch (IOException e) {
        throw new SyscallRecordingRefusedException(Reason.KERNEL_LOG_UNREADABLE, "cannot read " + KMSG + ": "
            + e.getMessage(), e);
      }
      try (window) {
        String id;
        int initPid;
        OptionalInt exit;
        try (ContainerLauncher launcher = ContainerLauncher.connect(endpoint);
             RunningContainer c = launcher.launch(logging)) {
          id = c.id();
          InspectContainerResponse inspect = launcher.dockerClient().inspectContainerCmd(id).exec();
          String runtime = inspect.getHostConfig() == null ? null : inspect.getHostConfig().getRuntime();
          Long pid = inspect.getState() == null ? null : inspect.getState().getPidLong();
          initPid = pid == null || pid <= 0 ? -1 : pid.intValue();
          if (sandboxedName(runtime)) {
            throw sandboxed(runtime + " (the engine's default runtime)");
          }
          exit = drive(c, exercise, "recording");
        }
        boolean rateOff;
        try {
          window.finish(Duration.ofSeconds(15), Duration.ofMillis(300));
          rateOff = PrintkRateLimit.isOff();
        } catch (IOException e) {
          throw new SyscallRecordingRefusedException(Reason.KERNEL_LOG_UNREADABLE, "reading " + KMSG + ": "
              + e.getMessage(), e);
        }
        return new SyscallRecording(arch, List.of(run(window, id, initPid, arch, exit, rateOff,
            Duration.ofNanos(System.nanoTime() - t0))));
      }
    } finally {
      try {
        PrintkRateLimit.release();
      } catch (IOException e) {
        throw new IllegalStateException("could not restore kernel.printk_ratelimit to " + PrintkRateLimit.saved()
            + ": " + e.getMessage() + " (restore it by hand: sysctl kernel.printk_ratelimit=5)", e);
      }
    }
  }

  /** Runs the exercise, or waits for the exit; stops the container if it still runs; its exit code. */
  private OptionalInt drive(RunningContainer c, Exercise exercise, String what) {
    if (exercise != null) {
      try {
        exercise.exercise(c);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("exercise interrupted during " + what, e);
      } catch (Exception e) {
        throw new IllegalStateException("exercise failed during " + what + ": " + e, e);
      }
      if (c.isRunning()) {
        c.stop(stopTimeout);
      }
      return c.awaitExit(stopTimeout);
    }
    OptionalInt exit = c.awaitExit(timeout);
    if (exit.isEmpty()) {
      c.stop(stopTimeout);
    }
    return exit;
  }

  /**
   * The run's result from the window: the container's processes only.
   *
   * <p>A process whose cgroup names the container is the container's; another cgroup, not. A process
   * gone before its cgroup could be read (a short {@code cat} in a pipeline: the kernel's audit
   * thread prints the records after the calls) is the container's <em>by descent</em> only when all
   * of these hold, else it stays unattributed and the run is incomplete:
   * <ol>
   *   <li>its first record follows a {@code clone}, {@code clone3}, {@code fork} or {@code vfork} of a
   *       process already the container's;
   *   <li>its first record is not a runtime's start ({@code runc:[2:INIT]}): not a new container;
   *   <li>no process of the window was read to be in another cgroup, and no other new container
   *       started in the window (an unread {@code runc:[2:INIT]} other than the container's own).
   * </ol>
   */
  static SyscallRecording.Run run(KernelLogWindow window, String containerId, int initPid, String arch,
      OptionalInt exit, boolean rateLimitStayedOff, Duration elapsed) {
    String auditArch = auditArch(arch);
    List<KernelLogWindow.Process> all = window.processes();
    boolean foreignSeen = false;
    for (KernelLogWindow.Process p : all) {
      boolean init = !p.comms.isEmpty() && p.comms.get(0).equals(RUNTIME_INIT);
      if (p.cgroup.isPresent() ? !p.cgroup.get().contains(containerId) : init && p.pid != initPid) {
        foreignSeen = true;
      }
    }
    java.util.Set<Integer> ours = new java.util.HashSet<>();
    long firstOurFork = Long.MAX_VALUE;
    int byDescent = 0;
    long unattributed = 0;
    long foreign = 0;
    for (KernelLogWindow.Process p : all) {
      boolean mine = p.cgroup.map(c -> c.contains(containerId)).orElse(p.pid == initPid);
      if (!mine && p.cgroup.isEmpty() && !foreignSeen && firstOurFork < p.firstSeq
          && !(p.comms.isEmpty() || p.comms.get(0).equals(RUNTIME_INIT))) {
        mine = true;
        byDescent++;
      }
      if (mine) {
        ours.add(p.pid);
        firstOurFork = Math.min(firstOurFork, firstFork(p, arch, auditArch));
      } else if (p.cgroup.isEmpty()) {
        unattributed += p.records;
      } else {
        foreign += p.records;
      }
    }
    TreeSet<String> names = new TreeSet<>();
    TreeSet<String> comms = new TreeSet<>();
    TreeSet<Integer> unknown = new TreeSet<>();
    long records = 0;
    for (KernelLogWindow.Process p : all) {
      if (!ours.contains(p.pid)) {
        continue;
      }
      records += p.records;
      comms.addAll(p.comms);
      for (Map.Entry<String, Map<Integer, Long>> byArch : p.calls.entrySet()) {
        for (int nr : byArch.getValue().keySet()) {
          Optional<String> name = byArch.getKey().equals(auditArch) ? SyscallTable.name(arch, nr) : Optional.empty();
          if (name.isPresent()) {
            names.add(name.get());
          } else {
            unknown.add(nr);
          }
        }
      }
    }
    if (ours.isEmpty()) {
      throw new SyscallRecordingRefusedException(Reason.NO_RECORDS, "the run left no record of container "
          + containerId.substring(0, Math.min(12, containerId.length())) + " in this host's kernel log ("
          + all.size() + " other processes logged): the engine runs on another kernel, or an audit"
          + " daemon takes the records", null);
    }
    long lost = window.lost();
    List<String> evidence = new ArrayList<>(window.lossEvidence());
    if (!rateLimitStayedOff) {
      lost = Math.max(1, lost);
      evidence.add("kernel.printk_ratelimit was switched back on during the run (by another process)");
    }
    return new SyscallRecording.Run(names, names, records, ours.size(), byDescent, comms, exit, elapsed, lost,
        evidence, unattributed, unknown, foreign);
  }

  /** The comm runc gives a container's first process until it starts the workload. */
  static final String RUNTIME_INIT = "runc:[2:INIT]";
  private static final java.util.Set<String> FORKS = java.util.Set.of("clone", "clone3", "fork", "vfork");

  private static long firstFork(KernelLogWindow.Process p, String arch, String auditArch) {
    long first = Long.MAX_VALUE;
    for (Map.Entry<Integer, Long> call : p.calls.getOrDefault(auditArch, Map.of()).entrySet()) {
      if (SyscallTable.name(arch, call.getKey()).filter(FORKS::contains).isPresent()) {
        first = Math.min(first, call.getValue());
      }
    }
    return first;
  }

  /** The audit architecture a record prints for {@code arch}. */
  static String auditArch(String arch) {
    return arch.equals("x86_64") ? "c000003e" : arch.equals("aarch64") ? "c00000b7" : "?";
  }

  /**
   * Records {@code spec} again and again, merging, until {@code quietRuns} complete runs in a row
   * add nothing, or {@code maxRuns} runs.
   */
  public SyscallRecording recordUntilStable(SecureContainerSpec spec, Exercise exercise, int quietRuns,
      int maxRuns) {
    if (quietRuns < 1 || maxRuns < quietRuns + 1) {
      throw new IllegalArgumentException("runs must be quietRuns >= 1 and maxRuns > quietRuns: " + quietRuns + ", "
          + maxRuns);
    }
    SyscallRecording all = null;
    int quiet = 0;
    for (int i = 0; i < maxRuns && quiet < quietRuns; i++) {
      SyscallRecording one = record(spec, exercise);
      all = all == null ? one : all.merge(one);
      SyscallRecording.Run last = all.runs().get(all.runs().size() - 1);
      quiet = i > 0 && last.complete() && last.added().isEmpty() ? quiet + 1 : 0;
    }
    return all;
  }

  /**
   * The workload run under a recorded profile: how it ended, against how it ended when recorded. A value: equal
   * when every part is.
   */
  @Value.Immutable
  public abstract static class Check {
    Check() {}

    /** The exit code under the profile; empty when it did not exit in time. */
    public abstract OptionalInt exitCode();

    /** The exit code it should have. */
    public abstract int expected();

    /** The exercise's failure, when it failed. */
    public abstract Optional<String> failure();

    /** The run's wall time. */
    public abstract Duration elapsed();

    /** It exited with the expected code and its exercise passed. */
    public boolean passed() {
      return failure().isEmpty() && exitCode().isPresent() && exitCode().getAsInt() == expected();
    }

    /** {@code passed: exit 0 as recorded, 812 ms}. */
    @Override
    public String toString() {
      return (passed() ? "passed" : "FAILED") + ": exit " + (exitCode().isPresent() ? exitCode().getAsInt() : "none")
          + (passed() ? " as recorded" : " (expected " + expected() + ")") + failure().map(f -> ", " + f).orElse("")
          + ", " + elapsed().toMillis() + " ms";
    }
  }

  /**
   * Runs {@code spec} under {@code profile} (its seccomp setting replaced), with {@code exercise} as
   * when recording, and says whether it ended as it did then ({@code expectedExitCode}, usually the
   * one of {@link SyscallRecording#exitCodes()}). Needs no root: any engine will do.
   */
  public Check check(SecureContainerSpec spec, RecordedSeccompProfile profile, Exercise exercise,
      int expectedExitCode) {
    Objects.requireNonNull(spec, "spec must not be null");
    Objects.requireNonNull(profile, "profile must not be null");
    long t0 = System.nanoTime();
    try (ContainerLauncher launcher = ContainerLauncher.connect(endpoint);
         RunningContainer c = launcher.launch(spec.toBuilder().seccomp(profile.seccomp()).build())) {
      OptionalInt exit;
      Optional<String> failure = Optional.empty();
      try {
        exit = drive(c, exercise, "the check");
      } catch (IllegalStateException e) {
        failure = Optional.of(String.valueOf(e.getCause()));
        if (c.isRunning()) {
          c.stop(stopTimeout);
        }
        exit = c.awaitExit(stopTimeout);
      }
      return ImmutableSyscallRecorder.Check.builder().exitCode(exit).expected(expectedExitCode).failure(failure)
          .elapsed(Duration.ofNanos(System.nanoTime() - t0)).build();
    }
  }

  /** Configures a {@link SyscallRecorder}. */
  public static final class Builder {
    private Endpoint endpoint = Endpoint.unixSocket(Path.of(Endpoint.DEFAULT_UNIX_SOCKET.getPath()));
    private Duration timeout = Duration.ofSeconds(60);
    private Duration stopTimeout = Duration.ofSeconds(5);
    private Host host = REAL_HOST;

    private Builder() {}

    /**
     * The engine; it must be local, reached over its unix socket. If unset,
     * {@code unix:///var/run/docker.sock}.
     */
    public Builder endpoint(Endpoint value) {
      this.endpoint = Objects.requireNonNull(value, "endpoint must not be null");
      return this;
    }

    /** How long a workload without an exercise may run before it is stopped. If unset, 60 s. */
    public Builder timeout(Duration value) {
      this.timeout = positive(value, "timeout");
      return this;
    }

    /** How long {@code docker stop} waits before it kills, after an exercise. If unset, 5 s. */
    public Builder stopTimeout(Duration value) {
      this.stopTimeout = positive(value, "stopTimeout");
      return this;
    }

    Builder host(Host value) {
      this.host = value;
      return this;
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name + " must not be null");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }

    /** The recorder; nothing is checked or started until a recording. */
    public SyscallRecorder build() {
      return new SyscallRecorder(this);
    }
  }
}
