package dev.carapace.core;

import dev.carapace.core.internal.io.Strings;
import java.util.Objects;

/**
 * One line added to a container's {@code /etc/hosts}, as {@code docker run --add-host HOST:IP}: a host
 * name and the IP address it resolves to inside the container.
 *
 * <pre>{@code
 * ExtraHost.of("db.internal", "10.0.0.5");      // --add-host db.internal:10.0.0.5
 * ExtraHost.of("db6", "fd00::5");               // --add-host db6:fd00::5
 * ExtraHost.parse("db.internal:10.0.0.5");      // as the flag writes it
 * }</pre>
 *
 * <p>The host name is an RFC 1123 name (letters, digits, {@code -} and dots, at most 253 characters);
 * the address is an IPv4 or IPv6 literal, never looked up. The engine's {@code host-gateway} (the host's
 * own address on the bridge) is not offered: reaching the host from a container is a loosening the spec
 * does not have.
 */
public final class ExtraHost {
  private final String host;
  private final String ip;

  private ExtraHost(String host, String ip) {
    this.host = host;
    this.ip = ip;
  }

  /**
   * {@code --add-host host:ip}.
   *
   * @throws IllegalArgumentException naming the rule and the value when {@code host} is not an RFC 1123
   *     host name or {@code ip} is not an IPv4 or IPv6 literal
   */
  public static ExtraHost of(String host, String ip) {
    Objects.requireNonNull(host, "extraHosts host");
    Objects.requireNonNull(ip, "extraHosts ip");
    if (host.length() > 253) {
      throw new IllegalArgumentException("extraHosts host must be at most 253 characters (RFC 1123): "
          + Strings.lengthAndStart(host));
    }
    if (!Addresses.isHostName(host)) {
      throw new IllegalArgumentException("extraHosts host must be an RFC 1123 host name: " + Strings.show(host));
    }
    if (ip.equals("host-gateway")) {
      throw new IllegalArgumentException("extraHosts ip must be an IP address: host-gateway (reaching the host from"
          + " a container is not offered; give the address the container should reach)");
    }
    if (!Addresses.isIpLiteral(ip)) {
      throw new IllegalArgumentException("extraHosts ip must be an IPv4 or IPv6 address: " + Strings.show(ip)
          + " (for " + host + ")");
    }
    return new ExtraHost(host, ip);
  }

  /**
   * Reads {@code HOST:IP} as {@code --add-host} writes it (the address may hold colons: {@code db6:fd00::5};
   * brackets around it are dropped).
   *
   * @throws IllegalArgumentException when there is no {@code :}, or as {@link #of(String, String)}
   */
  public static ExtraHost parse(String text) {
    Objects.requireNonNull(text, "extraHosts");
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("extraHosts must be HOST:IP: " + Strings.show(text));
    }
    String ip = text.substring(colon + 1);
    if (ip.startsWith("[") && ip.endsWith("]")) {
      ip = ip.substring(1, ip.length() - 1);
    }
    return of(text.substring(0, colon), ip);
  }

  /** The host name. */
  public String host() {
    return host;
  }

  /** The address, as given. */
  public String ip() {
    return ip;
  }

  /** {@code HOST:IP}, as {@code --add-host} writes it and the engine records it in {@code HostConfig.ExtraHosts}. */
  @Override
  public String toString() {
    return host + ":" + ip;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ExtraHost && ((ExtraHost) o).host.equals(host) && ((ExtraHost) o).ip.equals(ip);
  }

  @Override
  public int hashCode() {
    return host.hashCode() * 31 + ip.hashCode();
  }
}
