package dev.carapace.core;

import dev.carapace.core.PortBinding.Protocol;
import java.util.Objects;

/**
 * Where the engine published a container port, as {@code docker port} shows it: the host address and
 * the host port it bound, the one it chose for {@code PortBinding.localhost(0, 80)} included.
 *
 * <pre>{@code
 * int port = container.hostPort(80);                           // 127.0.0.1:<port> reaches port 80
 * PublishedPort p = container.publishedPort(53, Protocol.UDP);
 * }</pre>
 */
public final class PublishedPort {
  private final int containerPort;
  private final Protocol protocol;
  private final String hostAddress;
  private final int hostPort;

  PublishedPort(int containerPort, Protocol protocol, String hostAddress, int hostPort) {
    Objects.requireNonNull(protocol, "published port protocol");
    Objects.requireNonNull(hostAddress, "published port host address");
    if (containerPort < 1 || containerPort > 65535) {
      throw new IllegalArgumentException("published container port must be between 1 and 65535: " + containerPort);
    }
    if (hostPort < 1 || hostPort > 65535) {
      throw new IllegalArgumentException("published host port must be between 1 and 65535: " + hostPort);
    }
    this.containerPort = containerPort;
    this.protocol = protocol;
    this.hostAddress = hostAddress;
    this.hostPort = hostPort;
  }

  /** The port inside the container, 1-65535. */
  public int containerPort() {
    return containerPort;
  }

  /** Its protocol. */
  public Protocol protocol() {
    return protocol;
  }

  /** The host address the engine bound, an IP literal ({@code 0.0.0.0} for every interface). */
  public String hostAddress() {
    return hostAddress;
  }

  /** The host port the engine bound, 1-65535. */
  public int hostPort() {
    return hostPort;
  }

  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (!(o instanceof PublishedPort)) {
      return false;
    }
    PublishedPort that = (PublishedPort) o;
    return containerPort == that.containerPort && Objects.equals(protocol, that.protocol)
        && Objects.equals(hostAddress, that.hostAddress) && hostPort == that.hostPort;
  }

  @Override
  public int hashCode() {
    return Objects.hash(containerPort, protocol, hostAddress, hostPort);
  }

  /** Whether the engine bound every interface ({@code 0.0.0.0} or {@code ::}). */
  public boolean allInterfaces() {
    return hostAddress.equals("0.0.0.0") || hostAddress.contains(":") && hostAddress.replaceAll("[:.0]", "").isEmpty();
  }

  /** The {@code docker port} form: {@code 80/tcp -> 127.0.0.1:49153}, IPv6 in brackets. */
  @Override
  public String toString() {
    String ip = hostAddress.contains(":") ? "[" + hostAddress + "]" : hostAddress;
    return containerPort + "/" + protocol + " -> " + ip + ":" + hostPort;
  }
}
