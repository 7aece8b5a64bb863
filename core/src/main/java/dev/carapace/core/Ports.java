package dev.carapace.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.carapace.core.PortBinding.Protocol;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Reads the ports the engine published from a container's inspect JSON ({@code NetworkSettings.Ports}). */
final class Ports {
  private Ports() {}

  /** Every binding the engine reports, sorted by container port, protocol, then IPv4 first. */
  static List<PublishedPort> published(JsonNode inspect) {
    List<PublishedPort> ports = new ArrayList<>();
    JsonNode map = inspect.path("NetworkSettings").path("Ports");
    Iterator<Map.Entry<String, JsonNode>> fields = map.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> e = fields.next();
      String[] key = e.getKey().split("/", 2);
      if (!e.getValue().isArray() || key.length != 2) {
        continue; // exposed, not published
      }
      int containerPort = Integer.parseInt(key[0]);
      Protocol protocol = Protocol.parse(key[1]);
      for (JsonNode b : e.getValue()) {
        String ip = b.path("HostIp").asText("");
        int hostPort = Integer.parseInt(b.path("HostPort").asText("0"));
        if (hostPort > 0) {
          ports.add(new PublishedPort(containerPort, protocol, ip.isEmpty() ? "0.0.0.0" : ip, hostPort));
        }
      }
    }
    ports.sort(Comparator.comparingInt(PublishedPort::containerPort).thenComparing(PublishedPort::protocol)
        .thenComparing(p -> p.hostAddress().contains(":")));
    return List.copyOf(ports);
  }

  /**
   * The binding of {@code containerPort}/{@code protocol} among {@code ports} (IPv4 first).
   *
   * @throws IllegalArgumentException when the spec does not publish that port
   * @throws IllegalStateException when the spec publishes it but the engine reports no binding (the
   *     container is not running)
   */
  static PublishedPort find(SecureContainerSpec spec, List<PublishedPort> ports, String state, int containerPort,
      Protocol protocol) {
    for (PublishedPort p : ports) {
      if (p.containerPort() == containerPort && p.protocol() == protocol) {
        return p;
      }
    }
    String wanted = containerPort + "/" + protocol;
    boolean inSpec = spec.ports().stream().anyMatch(b -> b.containerPort() == containerPort && b.protocol() == protocol);
    if (!inSpec) {
      String listed = spec.ports().isEmpty() ? "none"
          : spec.ports().stream().map(b -> b.containerPort() + "/" + b.protocol()).distinct()
              .collect(Collectors.joining(", "));
      throw new IllegalArgumentException("container port must be published: " + wanted + " (published: " + listed
          + "; add " + (protocol == Protocol.TCP ? "PortBinding.localhost(0, " + containerPort + ")"
              : "a PortBinding for " + wanted) + " to the spec)");
    }
    throw new IllegalStateException("published port " + wanted + " needs a running container: " + state);
  }

  /**
   * The loopback address to connect to for {@code port}: its own when loopback, {@code 127.0.0.1}
   * (or {@code ::1}) when published on every interface, else null (never connected to).
   */
  static InetSocketAddress loopback(PublishedPort port) {
    InetAddress address;
    try {
      if (port.allInterfaces()) {
        address = InetAddress.getByName(port.hostAddress().contains(":") ? "::1" : "127.0.0.1");
      } else {
        // an IP literal: no name lookup happens
        address = InetAddress.getByName(port.hostAddress());
      }
    } catch (UnknownHostException e) {
      return null;
    }
    return address.isLoopbackAddress() ? new InetSocketAddress(address, port.hostPort()) : null;
  }
}
