package dev.carapace.policy;

import dev.carapace.CarapaceException;

/**
 * A {@link SyscallRecorder} cannot record here, and says why ({@link #reason()}) before it would
 * return a wrong or empty set. Thrown before any container exists, except for
 * {@link Reason#SANDBOXED_RUNTIME} found on the engine's record and {@link Reason#NO_RECORDS}, which
 * need a run to be seen (the container is removed first).
 *
 * <pre>
 * cannot record system calls: the engine is remote (tcp://10.0.0.5:2376): the records are written
 *   by the kernel that runs the container; record against a local engine's unix socket
 * </pre>
 */
public final class SyscallRecordingRefusedException extends CarapaceException {
  private static final long serialVersionUID = 1L;

  /** Why the recorder refused. */
  public enum Reason {
    /** The engine is reached over TCP: its containers may run on another kernel, whose log we cannot read. */
    REMOTE_ENGINE,
    /** Not root: {@code /dev/kmsg} and {@code kernel.printk_ratelimit} need root. */
    NOT_ROOT,
    /** gVisor ({@code runsc}) or another sandbox: the host's seccomp never sees the workload's calls. */
    SANDBOXED_RUNTIME,
    /** The kernel has no {@code log} seccomp action (in {@code actions_avail}), or does not log it ({@code actions_logged}). */
    NO_LOG_ACTION,
    /**
     * The run left no record of the container in this host's kernel log: the engine runs on another
     * kernel, or an audit daemon takes the records (they then go to its log, not the kernel's).
     */
    NO_RECORDS,
    /** No system call table for this architecture (x86_64 and aarch64 have one). */
    UNSUPPORTED_ARCHITECTURE,
    /** The kernel log could not be opened, read or written, or the rate limit could not be set. */
    KERNEL_LOG_UNREADABLE
  }

  private final Reason reason;

  SyscallRecordingRefusedException(Reason reason, String detail, Throwable cause) {
    super("cannot record system calls: " + detail, cause);
    this.reason = reason;
  }

  /** Why. */
  public Reason reason() {
    return reason;
  }
}
