package dev.carapace.core.internal.values;

import java.time.Instant;
import java.util.Optional;

/**
 * The values of the owner label ({@code dev.carapace.owner}, {@code <pid>@<host>@<process start millis>})
 * as this host judges them: one place for {@code OwnerLabels} and {@code ContainerLauncher.cleanupLeftovers()}
 * in core and for the cluster module's {@code SwarmDeployer.cleanupLeftovers()}.
 */
public final class LocalOwners {
  private static final String HOST = lookUpHostName();

  private LocalOwners() {}

  /** This host's name as owner values spell it: the kernel's host name. */
  public static String hostName() {
    return HOST;
  }

  /**
   * Whether {@code owner}, a value of the owner label, names a process of this host that is gone (its
   * pid is free, or now belongs to a process started at another time). Other hosts' owners and values
   * that do not parse are never dead: what they own is left alone.
   */
  public static boolean isDead(String owner) {
    String[] parts = owner.split("@");
    if (parts.length != 3 || !parts[1].equals(HOST)) {
      return false;
    }
    long pid;
    long start;
    try {
      pid = Long.parseLong(parts[0]);
      start = Long.parseLong(parts[2]);
    } catch (NumberFormatException e) {
      return false;
    }
    Optional<ProcessHandle> p = ProcessHandle.of(pid);
    if (p.isEmpty() || !p.get().isAlive()) {
      return true;
    }
    Optional<Instant> started = p.get().info().startInstant();
    return started.isPresent() && Math.abs(started.get().toEpochMilli() - start) > 2000;
  }

  /** The kernel's host name, without a DNS lookup (which can stall a cold start). */
  private static String lookUpHostName() {
    try {
      String name = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).trim();
      if (!name.isEmpty()) {
        return name;
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not Linux: ask the JDK
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      String env = System.getenv("HOSTNAME");
      return env == null ? "localhost" : env;
    }
  }
}
