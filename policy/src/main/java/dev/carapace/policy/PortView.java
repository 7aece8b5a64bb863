package dev.carapace.policy;

import java.util.Objects;

/**
 * One published port as a rule sees it, as inspect's {@code HostConfig.PortBindings} holds it.
 *
 * @param hostIp as written: {@code 127.0.0.1}, {@code 0.0.0.0}, {@code ::}, or empty (which means
 *     every interface)
 * @param hostPort the host port, or 0 when the engine picks one
 * @param containerPort the container's port
 * @param protocol {@code tcp}, {@code udp} or {@code sctp}
 */
public record PortView(String hostIp, int hostPort, int containerPort, String protocol) {
  public PortView {
    Objects.requireNonNull(hostIp, "port host ip");
    Objects.requireNonNull(protocol, "port protocol");
  }

  /** The {@code -p} form: {@code 0.0.0.0:8080:80/tcp}, {@code :8080:80/tcp} for an empty host IP. */
  @Override
  public String toString() {
    String ip = hostIp.contains(":") && !hostIp.startsWith("[") ? "[" + hostIp + "]" : hostIp;
    return ip + ":" + (hostPort == 0 ? "" : Integer.toString(hostPort)) + ":" + containerPort + "/" + protocol;
  }
}
