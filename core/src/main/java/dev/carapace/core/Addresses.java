package dev.carapace.core;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * The syntax checks the new name-and-address fields share: host and domain names, IP literals (never a
 * lookup), platforms and sysctl names.
 */
final class Addresses {
  private static final Pattern HOST_NAME =
      Pattern.compile("[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*");
  private static final Pattern IPV4 =
      Pattern.compile("((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]{2,45}");
  /** {@code os/arch[/variant]}, lower case, as the engine's platform parser and the OCI image index write them. */
  private static final Pattern PLATFORM = Pattern.compile("[a-z0-9_]+/[a-z0-9_]+(/[a-z0-9]+)?");
  /** Operating systems an engine can run containers of. */
  static final Set<String> PLATFORM_OS = Set.of("linux", "windows");
  /** Architectures of the OCI image spec's {@code platform.architecture} (Go's GOARCH names). */
  static final Set<String> PLATFORM_ARCH = Set.of("386", "amd64", "arm", "arm64", "ppc64le", "s390x", "riscv64",
      "mips64le", "loong64");
  /** Sysctl names that are namespaced (Docker's {@code ValidateSysctl}): per container, never the host's. */
  private static final Set<String> NAMESPACED_IPC = Set.of("kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
      "kernel.sem", "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced");
  private static final Pattern SYSCTL_NAME = Pattern.compile("[a-z0-9_]+(\\.[a-zA-Z0-9_-]+)+");

  private Addresses() {}

  /** An RFC 1123 host name of at most 253 characters. */
  static boolean isHostName(String s) {
    return s.length() <= 253 && HOST_NAME.matcher(s).matches();
  }

  /** An IPv4 dotted quad or an IPv6 literal (no zone, no brackets); never a lookup. */
  static boolean isIpLiteral(String s) {
    if (IPV4.matcher(s).matches()) {
      return true;
    }
    if (s.indexOf(':') < 0 || !IPV6_CHARS.matcher(s).matches()) {
      return false;
    }
    try {
      // a literal of hex digits, colons and dots: InetAddress parses it, never looks it up
      return java.net.InetAddress.getByName(s) instanceof java.net.Inet6Address
          || s.startsWith("::ffff:"); // an IPv4-mapped literal comes back as Inet4Address
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  /** Whether {@code p} is {@code os/arch[/variant]} with a known OS and architecture. */
  static String platformProblem(String p) {
    if (!PLATFORM.matcher(p).matches()) {
      return "must be os/arch or os/arch/variant in lower case, like linux/amd64 or linux/arm64/v8";
    }
    String[] parts = p.split("/");
    if (!PLATFORM_OS.contains(parts[0])) {
      return "os must be one of " + new java.util.TreeSet<>(PLATFORM_OS);
    }
    if (!PLATFORM_ARCH.contains(parts[1])) {
      return "architecture must be one of " + new java.util.TreeSet<>(PLATFORM_ARCH);
    }
    if (parts.length == 3 && !parts[2].matches("v[0-9]+")) {
      return "variant must be v and a number, like v7 or v8";
    }
    return null;
  }

  /** A sysctl name: dotted words ({@code net.ipv4.ip_local_port_range}); slashes are not taken. */
  static boolean isSysctlName(String s) {
    return s.length() <= 256 && SYSCTL_NAME.matcher(s).matches();
  }

  /**
   * Whether the kernel keeps {@code name} per container (an IPC or network namespace of its own), as
   * Docker's {@code ValidateSysctl} decides: {@code kernel.msg*}, {@code kernel.sem}, {@code kernel.shm*},
   * {@code fs.mqueue.*} and {@code net.*}.
   */
  static boolean isNamespaced(String name) {
    return NAMESPACED_IPC.contains(name) || name.startsWith("fs.mqueue.") || name.startsWith("net.");
  }
}
