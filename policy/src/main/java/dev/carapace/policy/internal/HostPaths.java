package dev.carapace.policy.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/** Canonical host paths and the sensitive ones. Not API. */
public final class HostPaths {
  /**
   * Host paths a container must not mount: CIS Docker 5.5's list (/, /boot, /dev, /etc, /lib,
   * /proc, /sys, /usr), the seed's (/bin, /sbin, the sockets' folders), and the engine's state.
   */
  public static final List<String> SENSITIVE = List.of("/", "/boot", "/dev", "/etc", "/lib", "/lib32",
      "/lib64", "/proc", "/sys", "/usr", "/bin", "/sbin", "/root", "/run", "/var/run", "/var/lib/docker",
      "/var/lib/containerd");

  /** The engine's and containerd's API sockets. */
  public static final List<String> SOCKETS = List.of("/var/run/docker.sock", "/run/docker.sock",
      "/run/containerd/containerd.sock", "/var/run/containerd/containerd.sock");

  private HostPaths() {}

  /**
   * The canonical form of an absolute path: {@code //} collapsed, {@code .} dropped, {@code ..}
   * resolved (never above the root), no trailing slash. Symbolic links are not followed: the lists
   * name both /run and /var/run.
   */
  public static String canonical(String path) {
    Deque<String> parts = new ArrayDeque<>();
    for (String p : path.split("/")) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        parts.pollLast();
      } else {
        parts.addLast(p);
      }
    }
    return "/" + String.join("/", parts);
  }

  /** Whether {@code path} is {@code base} or lies below it; both canonical. */
  public static boolean within(String path, String base) {
    return base.equals("/") || path.equals(base) || path.startsWith(base + "/");
  }

  /**
   * The sensitive path that canonical {@code path} exposes: the entry it is or lies under (the root
   * only when it is the root itself), or else an entry it contains ({@code /var} holds
   * {@code /var/run}).
   */
  public static Optional<String> exposes(String path, List<String> sensitive) {
    for (String s : sensitive) {
      if (s.equals("/") ? path.equals("/") : within(path, s)) {
        return Optional.of(s);
      }
    }
    for (String s : sensitive) {
      if (!path.equals(s) && within(s, path)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
