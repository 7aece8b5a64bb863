package dev.carapace.policy;

import dev.carapace.core.PortBinding;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.Optional;

/**
 * One published port as a rule sees it, as inspect's {@code HostConfig.PortBindings} holds it.
 *
 * @param hostIp as written: {@code 127.0.0.1}, {@code 0.0.0.0}, {@code ::}, or empty (which means
 *     every interface)
 * @param hostPort the host port, or 0 when the engine picks one
 * @param containerPort the container's port
 * @param protocol TCP, UDP or SCTP
 */
public record PortView(String hostIp, int hostPort, int containerPort, PortBinding.Protocol protocol) {
  public PortView {
    Objects.requireNonNull(hostIp, "port host ip");
    Objects.requireNonNull(protocol, "port protocol");
  }

  /** The port a spec publishes. */
  public static PortView of(PortBinding port) {
    Objects.requireNonNull(port, "port must not be null");
    return new PortView(port.hostIp(), port.hostPort(), port.containerPort(), port.protocol());
  }

  /**
   * Whether the host IP means every interface: empty (Docker's default for {@code -p 8080:80}),
   * {@code 0.0.0.0}, {@code ::} or any other spelling of the unspecified address.
   */
  public boolean allInterfaces() {
    String ip = stripBrackets(hostIp.trim());
    return ip.isEmpty() || literal(ip).map(InetAddress::isAnyLocalAddress).orElse(false);
  }

  /** Whether the host IP is a loopback address ({@code 127.0.0.0/8}, {@code ::1}). */
  public boolean loopback() {
    return literal(stripBrackets(hostIp.trim())).map(InetAddress::isLoopbackAddress).orElse(false);
  }

  private static String stripBrackets(String ip) {
    return ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip;
  }

  /** An IP literal as an address, never looking up a name. */
  private static Optional<InetAddress> literal(String ip) {
    if (ip.isEmpty() || !(ip.contains(":") || ip.matches("[0-9.]+"))) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(ip));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  /** The {@code -p} form: {@code 0.0.0.0:8080:80/tcp}, {@code :8080:80/tcp} for an empty host IP. */
  @Override
  public String toString() {
    String ip = hostIp.contains(":") && !hostIp.startsWith("[") ? "[" + hostIp + "]" : hostIp;
    return ip + ":" + (hostPort == 0 ? "" : Integer.toString(hostPort)) + ":" + containerPort + "/" + protocol;
  }
}
