package dev.carapace.core;

import dev.carapace.core.internal.io.Strings;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A user-defined network a container joins besides its {@link SecureContainerSpec#network()}, with the
 * names (aliases) other containers on that network reach it by, as
 * {@code docker network connect --alias A NET} before start.
 *
 * <pre>{@code
 * NetworkAttachment.of(NetworkMode.named("backend"), "db", "postgres");
 * NetworkAttachment.of(backend.mode());                 // by its name only
 * }</pre>
 *
 * <p>Each alias is an RFC 1123 host name; the network must be a named one (the engine attaches no second
 * network to none, host or another container's stack, and the default bridge takes no aliases).
 */
public final class NetworkAttachment {
  private final NetworkMode network;
  private final List<String> aliases;

  private NetworkAttachment(NetworkMode network, List<String> aliases) {
    this.network = network;
    this.aliases = aliases;
  }

  /**
   * {@code network}, with {@code aliases}.
   *
   * @throws IllegalArgumentException when {@code network} is not a named network, or an alias is not an
   *     RFC 1123 host name or is given twice
   */
  public static NetworkAttachment of(NetworkMode network, String... aliases) {
    Objects.requireNonNull(network, "additionalNetworks network");
    Objects.requireNonNull(aliases, "additionalNetworks aliases");
    if (network.kind() != NetworkMode.Kind.NAMED) {
      throw new IllegalArgumentException("additionalNetworks network must be a user-defined network: " + network
          + " (the engine attaches a second network only to a named one; use NetworkMode.named(\"...\"))");
    }
    List<String> list = new ArrayList<>();
    for (String a : aliases) {
      checkAlias("additionalNetworks alias", Objects.requireNonNull(a, "additionalNetworks alias"));
      if (list.contains(a)) {
        throw new IllegalArgumentException("additionalNetworks alias must not repeat: " + a + " on " + network);
      }
      list.add(a);
    }
    return new NetworkAttachment(network, List.copyOf(list));
  }

  /** Refuses an alias that is not an RFC 1123 host name, naming {@code attribute}. */
  static void checkAlias(String attribute, String alias) {
    if (alias.length() > 253) {
      throw new IllegalArgumentException(attribute + " must be at most 253 characters (RFC 1123): "
          + Strings.lengthAndStart(alias));
    }
    if (!Addresses.isHostName(alias)) {
      throw new IllegalArgumentException(attribute + " must be an RFC 1123 host name: " + Strings.show(alias));
    }
  }

  /** The network, a named one. */
  public NetworkMode network() {
    return network;
  }

  /** The names the container has on it, besides its name and id; may be empty. */
  public List<String> aliases() {
    return aliases;
  }

  /** {@code name=NET,alias=A,alias=B}, as Docker CLI 25+ writes {@code --network}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("name=").append(network.name());
    aliases.forEach(a -> sb.append(",alias=").append(a));
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NetworkAttachment && ((NetworkAttachment) o).network.equals(network)
        && ((NetworkAttachment) o).aliases.equals(aliases);
  }

  @Override
  public int hashCode() {
    return network.hashCode() * 31 + aliases.hashCode();
  }
}
