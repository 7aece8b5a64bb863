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
 *
 * @param containerPort the port inside the container, 1-65535
 * @param protocol its protocol
 * @param hostAddress the host address the engine bound, an IP literal ({@code 0.0.0.0} for every
 *     interface)
 * @param hostPort the host port the engine bound, 1-65535
 */
public record PublishedPort(int containerPort, Protocol protocol, String hostAddress, int hostPort) {
  public PublishedPort {
    Objects.requireNonNull(protocol, "published port protocol");
    Objects.requireNonNull(hostAddress, "published port host address");
    if (containerPort < 1 || containerPort > 65535) {
      throw new IllegalArgumentException("published container port must be between 1 and 65535: " + containerPort);
    }
    if (hostPort < 1 || hostPort > 65535) {
      throw new IllegalArgumentException("published host port must be between 1 and 65535: " + hostPort);
    }
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
