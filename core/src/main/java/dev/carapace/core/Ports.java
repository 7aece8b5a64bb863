package dev.carapace.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.carapace.core.PortBinding.Protocol;
import java.net.InetAddress;
import java.net.URI;
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
   * The host to connect to, from this process, for {@code port} of a container on the engine at
   * {@code engine} (null for a caller's docker-java client, whose address Carapace cannot read: taken
   * as local). A port on every interface: loopback ({@code 127.0.0.1}, {@code ::1} for {@code ::})
   * when the engine is reached through a unix socket, the engine's own host when through TCP. A port
   * on one address: that address, which is one of the engine host's.
   *
   * @throws IllegalStateException when the port is bound to the loopback of an engine reached through
   *     TCP at another host: nothing outside that host reaches it
   */
  static String connectHost(PublishedPort port, URI engine) {
    String tcpHost = engine != null && "tcp".equals(engine.getScheme()) && engine.getHost() != null
        ? unbracketed(engine.getHost()) : null;
    if (port.allInterfaces()) {
      return tcpHost != null ? tcpHost : port.hostAddress().contains(":") ? "::1" : "127.0.0.1";
    }
    if (tcpHost != null && isLoopback(port.hostAddress()) && !isLoopback(tcpHost)) {
      throw new IllegalStateException("published port " + port.containerPort() + "/" + port.protocol()
          + " must be reachable from here: bound to " + port.hostAddress() + ", the loopback of engine host "
          + tcpHost + " (publish it on every interface, new PortBinding(\"0.0.0.0\", 0, " + port.containerPort()
          + ", Protocol." + port.protocol().name() + "), or on an address of that host)");
    }
    return port.hostAddress();
  }

  private static String unbracketed(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  /** Whether {@code host} is {@code localhost} or a loopback IP literal; a name is never looked up. */
  static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!host.matches("[0-9.]+") && !(host.contains(":") && host.matches("[0-9a-fA-F:.]+"))) {
      return false; // a name: not looked up
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress(); // a literal: no lookup happens
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
