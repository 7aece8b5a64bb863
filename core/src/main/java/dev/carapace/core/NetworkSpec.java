package dev.carapace.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An immutable, validated description of a user-defined network, as {@code docker network create}:
 * always the {@code bridge} driver, and <b>internal by default</b> ({@code --internal}): the engine
 * forwards no traffic between the network and anything beyond it (other networks, other hosts, the
 * internet), so its containers reach each other, by name, and nothing else.
 *
 * <pre>{@code
 * NetworkSpec backend = NetworkSpec.of("backend");                 // internal, the engine picks the subnet
 * NetworkSpec web = NetworkSpec.builder().name("web")
 *     .subnet("10.89.0.0/24")                                      // --subnet
 *     .putLabel("team", "payments")                                // --label
 *     .allowExternalAccess()                                       // not --internal: loud, logged
 *     .build();
 * }</pre>
 *
 * <p>What "internal" does not cover, on engine 20.10 as measured: a container of an internal network
 * still has a default route to the bridge's gateway address, and can reach the engine host's own
 * addresses (the host filters no input from bridges), so services of the host listening on every
 * interface are reachable; bind them to {@code 127.0.0.1}. Forwarded traffic, the way out, is dropped.
 *
 * <p>Create one with {@link ContainerLauncher#createNetwork(NetworkSpec)}, attach containers with
 * {@code SecureContainerSpec.Builder#network(network.mode())}.
 */
public final class NetworkSpec {
  /**
   * A network name: what {@link NetworkMode#named} accepts (a letter or digit, then letters, digits,
   * {@code _ . -}), at most 128 characters. The engine (20.10) takes more (spaces, a leading
   * underscore, and any length: a 1,000,000-character name was created, measured), but such names
   * cannot be written as {@code --network NAME} safely, nor looked up in a request's path.
   */
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
  /** The longest network or container name Carapace takes; the engine has no bound of its own. */
  static final int MAX_NAME_LENGTH = 128;
  private static final Pattern IPV4_CIDR =
      Pattern.compile("([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})/([0-9]{1,2})");
  private static final Pattern LABEL_KEY = Pattern.compile("[^=\\x00-\\x1f]+");

  private final String name;
  private final boolean internal;
  private final String subnet;
  private final Map<String, String> labels;

  private NetworkSpec(Builder b) {
    this.name = b.name;
    this.internal = b.internal;
    this.subnet = b.subnet;
    this.labels = Collections.unmodifiableMap(new LinkedHashMap<>(b.labels));
  }

  /**
   * An internal bridge network named {@code name}, the engine picking its subnet.
   *
   * @throws IllegalArgumentException if {@code name} is not a network name
   */
  public static NetworkSpec of(String name) {
    return builder().name(name).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this spec's values, to derive a changed copy. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.internal = internal;
    b.subnet = subnet;
    b.labels.putAll(labels);
    return b;
  }

  /** Builds a {@link NetworkSpec}; each setter checks its value at once. */
  public static final class Builder {
    private String name;
    private boolean internal = true;
    private String subnet;
    private final Map<String, String> labels = new LinkedHashMap<>();

    private Builder() {}

    /**
     * The network's name ({@code docker network create NAME}). Required. A letter or digit, then
     * letters, digits, {@code _ . -}; at most 128 characters; not a built-in mode ({@code none},
     * {@code bridge}, {@code host}, {@code default}).
     *
     * @throws IllegalArgumentException naming the value when it breaks a rule
     */
    public Builder name(String name) {
      this.name = checkName(name);
      return this;
    }

    /**
     * <b>Warning: gives the network a route out</b>: without {@code --internal}, the engine
     * masquerades the network's traffic to other hosts and the internet through the host's
     * interfaces. Each creation of such a network is logged at WARN. If not called, the network is
     * internal.
     */
    public Builder allowExternalAccess() {
      this.internal = false;
      return this;
    }

    /**
     * The IPv4 subnet ({@code --subnet 10.89.0.0/24}), with a prefix of 8 to 30 bits and no host
     * bits set; the engine takes the first address as the gateway. If unset, the engine picks a free
     * subnet from its address pools.
     *
     * @throws IllegalArgumentException naming the value when it is not such a subnet
     */
    public Builder subnet(String cidr) {
      this.subnet = checkSubnet(cidr);
      return this;
    }

    /**
     * Sets label {@code key} on the network ({@code --label key=value}). Keys under
     * {@code dev.carapace.} are Carapace's own ({@link OwnerLabels}). If unset, only Carapace's.
     *
     * @throws IllegalArgumentException for an empty or reserved key
     */
    public Builder putLabel(String key, String value) {
      Objects.requireNonNull(key, "network label key");
      Objects.requireNonNull(value, "network label value");
      if (!LABEL_KEY.matcher(key).matches()) {
        throw new IllegalArgumentException("network label key must be non-empty, without = or control characters: "
            + key);
      }
      if (key.startsWith(SecureContainerSpec.RESERVED_LABEL_PREFIX)) {
        throw new IllegalArgumentException("network label key must not start with "
            + SecureContainerSpec.RESERVED_LABEL_PREFIX + " (reserved for Carapace): " + key);
      }
      labels.put(key, value);
      return this;
    }

    /**
     * @throws IllegalStateException when no name was set
     */
    public NetworkSpec build() {
      if (name == null) {
        throw new IllegalStateException("network name is required: none set (call name(..))");
      }
      return new NetworkSpec(this);
    }
  }

  static String checkName(String name) {
    Objects.requireNonNull(name, "network name");
    if (name.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException("network name must be at most " + MAX_NAME_LENGTH + " characters: "
          + dev.carapace.core.internal.io.Strings.lengthAndStart(name));
    }
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("network name must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: "
          + dev.carapace.core.internal.io.Strings.show(name));
    }
    if (name.equals("none") || name.equals("bridge") || name.equals("host") || name.equals("default")) {
      throw new IllegalArgumentException("network name must not be a built-in network: " + name
          + " (the engine's own; pick another name)");
    }
    return name;
  }

  static String checkSubnet(String cidr) {
    Objects.requireNonNull(cidr, "network subnet");
    Matcher m = IPV4_CIDR.matcher(cidr);
    if (!m.matches()) {
      throw new IllegalArgumentException("network subnet must be an IPv4 CIDR like 10.89.0.0/24: "
          + dev.carapace.core.internal.io.Strings.show(cidr));
    }
    long address = 0;
    for (int i = 1; i <= 4; i++) {
      int octet = Integer.parseInt(m.group(i));
      if (octet > 255 || (m.group(i).length() > 1 && m.group(i).startsWith("0"))) {
        throw new IllegalArgumentException("network subnet must be an IPv4 CIDR like 10.89.0.0/24: " + cidr);
      }
      address = address << 8 | octet;
    }
    int prefix = Integer.parseInt(m.group(5));
    if (prefix < 8 || prefix > 30) {
      throw new IllegalArgumentException("network subnet prefix must be 8 to 30 bits: " + cidr
          + " (a /31 or /32 leaves no address for a container beside the gateway)");
    }
    long mask = (0xffffffffL << (32 - prefix)) & 0xffffffffL;
    if ((address & ~mask & 0xffffffffL) != 0) {
      long net = address & mask;
      throw new IllegalArgumentException("network subnet must have no host bits set: " + cidr + " (use "
          + (net >> 24) + "." + (net >> 16 & 255) + "." + (net >> 8 & 255) + "." + (net & 255) + "/" + prefix + ")");
    }
    return cidr;
  }

  /** The network's name. */
  public String name() {
    return name;
  }

  /** Whether the network is internal ({@code --internal}): true unless {@link Builder#allowExternalAccess()}. */
  public boolean internal() {
    return internal;
  }

  /** The IPv4 subnet asked ({@code --subnet}); empty when the engine picks it. */
  public Optional<String> subnet() {
    return Optional.ofNullable(subnet);
  }

  /** The caller's labels (Carapace adds its {@link OwnerLabels} at creation). */
  public Map<String, String> labels() {
    return labels;
  }

  /** {@code --network NAME}: what a container spec joins this network with. */
  public NetworkMode mode() {
    return NetworkMode.named(name);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof NetworkSpec)) {
      return false;
    }
    NetworkSpec n = (NetworkSpec) o;
    return n.name.equals(name) && n.internal == internal && Objects.equals(n.subnet, subnet) && n.labels.equals(labels);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, internal, subnet, labels);
  }

  /** As {@code docker network create} would be written, e.g. {@code --internal --subnet 10.89.0.0/24 backend}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("NetworkSpec{");
    sb.append(internal ? "--internal " : "");
    if (subnet != null) {
      sb.append("--subnet ").append(subnet).append(' ');
    }
    labels.forEach((k, v) -> sb.append("--label ").append(k).append('=').append(v).append(' '));
    return sb.append(name).append('}').toString();
  }
}
