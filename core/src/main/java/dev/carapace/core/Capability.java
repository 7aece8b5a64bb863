package dev.carapace.core;

import java.util.Locale;

/**
 * The 41 Linux capabilities (capabilities(7)), in kernel bit order.
 *
 * <p>Docker names them without the {@code CAP_} prefix ({@code --cap-drop NET_RAW}); the kernel and
 * {@code /proc/self/status} use bit positions. {@link #parse(String)} accepts every spelling people
 * write: {@code NET_ADMIN}, {@code net_admin}, {@code CAP_NET_ADMIN}, {@code cap_net_admin}.
 *
 * <pre>{@code
 * Capability c = Capability.parse("cap_net_raw");   // NET_RAW
 * long mask = c.mask();                             // 1L << 13
 * }</pre>
 *
 * <p>Engines older than Linux 5.8's capabilities (Docker 20.10 among them) refuse {@link #PERFMON},
 * {@link #BPF} and {@link #CHECKPOINT_RESTORE}; the launcher reports the daemon's refusal.
 */
public enum Capability {
  CHOWN, DAC_OVERRIDE, DAC_READ_SEARCH, FOWNER, FSETID, KILL, SETGID, SETUID, SETPCAP,
  LINUX_IMMUTABLE, NET_BIND_SERVICE, NET_BROADCAST, NET_ADMIN, NET_RAW, IPC_LOCK, IPC_OWNER,
  SYS_MODULE, SYS_RAWIO, SYS_CHROOT, SYS_PTRACE, SYS_PACCT, SYS_ADMIN, SYS_BOOT, SYS_NICE,
  SYS_RESOURCE, SYS_TIME, SYS_TTY_CONFIG, MKNOD, LEASE, AUDIT_WRITE, AUDIT_CONTROL, SETFCAP,
  MAC_OVERRIDE, MAC_ADMIN, SYSLOG, WAKE_ALARM, BLOCK_SUSPEND, AUDIT_READ, PERFMON, BPF,
  CHECKPOINT_RESTORE;

  private static final Capability[] VALUES = values();

  /** The kernel's bit number of this capability (CHOWN is 0, CHECKPOINT_RESTORE is 40). */
  public int bit() {
    return ordinal();
  }

  /** This capability's bit in a {@code CapEff}/{@code CapBnd} mask. */
  public long mask() {
    return 1L << ordinal();
  }

  /** The kernel's name, {@code CAP_NET_ADMIN}. */
  public String kernelName() {
    return "CAP_" + name();
  }

  /**
   * Parses a capability name leniently: case-insensitive, with or without the {@code CAP_} prefix,
   * surrounding blanks ignored.
   *
   * @throws IllegalArgumentException naming the value when it is no Linux capability (and for
   *     {@code ALL}, which is not a capability: use {@code dropAllCapabilities})
   */
  public static Capability parse(String name) {
    if (name == null) {
      throw new NullPointerException("capability");
    }
    String n = name.trim().toUpperCase(Locale.ROOT);
    if (n.startsWith("CAP_")) {
      n = n.substring(4);
    }
    if (n.equals("ALL")) {
      throw new IllegalArgumentException(
          "capability ALL is not a single capability: " + name
              + " (every capability is dropped by default: addCapability each one the workload needs)");
    }
    for (Capability c : VALUES) {
      if (c.name().equals(n)) {
        return c;
      }
    }
    throw new IllegalArgumentException("capability is not a Linux capability: " + name);
  }

  /** The capabilities whose bits are set in {@code mask} (as printed in {@code CapEff}, hex). */
  public static java.util.EnumSet<Capability> fromMask(long mask) {
    java.util.EnumSet<Capability> set = java.util.EnumSet.noneOf(Capability.class);
    for (Capability c : VALUES) {
      if ((mask & c.mask()) != 0) {
        set.add(c);
      }
    }
    return set;
  }

  /**
   * The 14 capabilities Docker grants a container by default (moby's {@code DefaultCapabilities}):
   * what {@code --cap-drop} takes away from when ALL is not dropped.
   */
  public static java.util.Set<Capability> dockerDefaults() {
    return java.util.Collections.unmodifiableSet(java.util.EnumSet.of(
        CHOWN, DAC_OVERRIDE, FSETID, FOWNER, MKNOD, NET_RAW, SETGID, SETUID, SETFCAP, SETPCAP,
        NET_BIND_SERVICE, SYS_CHROOT, KILL, AUDIT_WRITE));
  }
}
