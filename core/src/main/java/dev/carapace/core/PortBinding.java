package dev.carapace.core;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A published port, as {@code docker run -p 127.0.0.1:8080:80/tcp}. The host IP is always explicit:
 * Carapace never publishes on every interface by accident ({@code -p 8080:80} does).
 *
 * <pre>{@code
 * PortBinding.localhost(8080, 80);                    // -p 127.0.0.1:8080:80
 * new PortBinding("0.0.0.0", 8080, 80, Protocol.TCP);        // every interface, on purpose
 * }</pre>
 *
 * @param hostIp an IPv4 or IPv6 literal; {@code 0.0.0.0} or {@code ::} for every interface
 * @param hostPort 1-65535, or 0 for a port the engine picks
 * @param containerPort 1-65535
 * @param protocol TCP, UDP or SCTP
 */
public record PortBinding(String hostIp, int hostPort, int containerPort, Protocol protocol) {
  /** The transport protocol of a published port. */
  public enum Protocol {
    TCP, UDP, SCTP;

    /** The lower-case name Docker uses: {@code tcp}, {@code udp}, {@code sctp}. */
    public String dockerName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The protocol named {@code name} as Docker writes it ({@code tcp}, {@code udp}, {@code sctp}).
     *
     * @throws IllegalArgumentException naming the value when it is none of these
     */
    public static Protocol parse(String name) {
      Objects.requireNonNull(name, "port protocol");
      switch (name) {
        case "tcp":
          return TCP;
        case "udp":
          return UDP;
        case "sctp":
          return SCTP;
        default:
          throw new IllegalArgumentException("port protocol must be tcp, udp or sctp: " + name);
      }
    }

    @Override
    public String toString() {
      return dockerName();
    }
  }

  private static final Pattern IPV4 =
      Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern HEX_GROUP = Pattern.compile("0*[0-9a-fA-F]{1,4}");

  public PortBinding {
    Objects.requireNonNull(hostIp, "port host ip");
    Objects.requireNonNull(protocol, "port protocol");
    if (hostIp.isEmpty()) {
      throw new IllegalArgumentException("port host ip must be explicit: \"\" (use 127.0.0.1, "
          + "or 0.0.0.0 to publish on every interface)");
    }
    if (!IPV4.matcher(hostIp).matches() && !isIpv6(hostIp)) {
      throw new IllegalArgumentException("port host ip must be an IP address literal: " + hostIp);
    }
    if (hostPort < 0 || hostPort > 65535) {
      throw new IllegalArgumentException("port host port must be between 0 and 65535: " + hostPort);
    }
    if (containerPort < 1 || containerPort > 65535) {
      throw new IllegalArgumentException("port container port must be between 1 and 65535: " + containerPort);
    }
  }

  /**
   * Whether {@code s} is an IPv6 literal as Go's {@code net.ParseIP} reads it (Docker's check): eight
   * groups of hex digits up to ffff (leading zeros allowed), the last two possibly written as IPv4, or fewer around one {@code ::}
   * standing for at least one zero group. No zone, no brackets.
   */
  private static boolean isIpv6(String s) {
    int ellipsis = s.indexOf("::");
    if (ellipsis >= 0 && s.indexOf("::", ellipsis + 1) >= 0) {
      return false;
    }
    String head = ellipsis < 0 ? s : s.substring(0, ellipsis);
    String tail = ellipsis < 0 ? "" : s.substring(ellipsis + 2);
    int groups = 0;
    String[][] sides = {head.isEmpty() ? new String[0] : head.split(":", -1),
        tail.isEmpty() ? new String[0] : tail.split(":", -1)};
    for (int side = 0; side < 2; side++) {
      String[] parts = sides[side];
      for (int i = 0; i < parts.length; i++) {
        boolean last = side == (ellipsis < 0 ? 0 : 1) && i == parts.length - 1;
        if (last && parts[i].indexOf('.') >= 0 && IPV4.matcher(parts[i]).matches()) {
          groups += 2;
        } else if (HEX_GROUP.matcher(parts[i]).matches()) {
          groups++;
        } else {
          return false;
        }
      }
    }
    return ellipsis < 0 ? groups == 8 : groups < 8;
  }

  /** TCP on 127.0.0.1: reachable from this host only. */
  public static PortBinding localhost(int hostPort, int containerPort) {
    return new PortBinding("127.0.0.1", hostPort, containerPort, Protocol.TCP);
  }

  /** Whether the port is published on every interface ({@code 0.0.0.0} or {@code ::}). */
  public boolean allInterfaces() {
    return hostIp.equals("0.0.0.0") || hostIp.contains(":") && hostIp.replaceAll("[:.0]", "").isEmpty(); // ::, ::0, 0:0:...
  }

  /** The {@code -p} form: {@code 127.0.0.1:8080:80/tcp}, IPv6 in brackets. */
  @Override
  public String toString() {
    String ip = hostIp.contains(":") && !hostIp.startsWith("[") ? "[" + hostIp + "]" : hostIp;
    return ip + ":" + (hostPort == 0 ? "" : hostPort) + ":" + containerPort + "/" + protocol;
  }
}
