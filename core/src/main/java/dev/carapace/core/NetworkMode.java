package dev.carapace.core;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The network a container joins, as {@code docker run --network}.
 *
 * <pre>{@code
 * NetworkMode.none();              // --network none: loopback only (Carapace's default)
 * NetworkMode.bridge();            // --network bridge: the engine's default bridge
 * NetworkMode.named("backend");    // --network backend: a user-defined network
 * NetworkMode.container("db");     // --network container:db: share another container's stack
 * }</pre>
 *
 * <p>The host's own network stack ({@code --network host}) is not offered here: it is a loosening,
 * asked for with {@link SecureContainerSpec.Builder#allowHostNetwork()}. {@link #parse} still reads
 * {@code host}, so that what an engine or a command line says can be represented.
 */
public final class NetworkMode {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
  private static final NetworkMode NONE = new NetworkMode(Kind.NONE, "none");
  private static final NetworkMode BRIDGE = new NetworkMode(Kind.BRIDGE, "bridge");
  private static final NetworkMode HOST = new NetworkMode(Kind.HOST, "host");

  /** What kind of network a mode names. */
  public enum Kind {
    /** No interface but loopback. */
    NONE,
    /** The engine's default bridge. */
    BRIDGE,
    /** The host's network namespace: no network isolation at all. */
    HOST,
    /** Another container's network namespace. */
    CONTAINER,
    /** A user-defined network, by name. */
    NAMED
  }

  private final Kind kind;
  private final String name;

  private NetworkMode(Kind kind, String name) {
    this.kind = kind;
    this.name = name;
  }

  /** {@code --network none}: only loopback. The default of every spec. */
  public static NetworkMode none() {
    return NONE;
  }

  /** {@code --network bridge}: the engine's default bridge network. */
  public static NetworkMode bridge() {
    return BRIDGE;
  }

  /**
   * {@code --network NAME}: a user-defined network.
   *
   * @throws IllegalArgumentException if {@code name} is not a network name (a letter or digit, then
   *     letters, digits, {@code _ . -}; at most 128 characters), or names a built-in mode
   */
  public static NetworkMode named(String name) {
    Objects.requireNonNull(name, "network name");
    requireLength("network name", name);
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("network name must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: " + name);
    }
    if (name.equals("none") || name.equals("bridge") || name.equals("host") || name.equals("default")) {
      throw new IllegalArgumentException("network name must not be a built-in mode: " + name
          + " (use NetworkMode." + (name.equals("default") ? "bridge" : name) + "())");
    }
    return new NetworkMode(Kind.NAMED, name);
  }

  /**
   * {@code --network container:NAME}: joins another container's network namespace.
   *
   * @throws IllegalArgumentException if {@code container} is not a container name or id (at most 128
   *     characters)
   */
  public static NetworkMode container(String container) {
    Objects.requireNonNull(container, "network container");
    requireLength("network container", container);
    if (!NAME.matcher(container).matches()) {
      throw new IllegalArgumentException(
          "network container must be a container name or id: " + container);
    }
    return new NetworkMode(Kind.CONTAINER, container);
  }

  /**
   * Reads the {@code --network} value: {@code none}, {@code bridge} (or {@code default}),
   * {@code host}, {@code container:NAME} or a network name.
   *
   * @throws IllegalArgumentException naming the value when it is none of these
   */
  public static NetworkMode parse(String text) {
    Objects.requireNonNull(text, "network");
    switch (text) {
      case "none":
        return NONE;
      case "bridge":
      case "default":
        return BRIDGE;
      case "host":
        return HOST;
      default:
        if (text.startsWith("container:")) {
          return container(text.substring("container:".length()));
        }
        requireLength("network name", text);
        if (!NAME.matcher(text).matches()) {
          throw new IllegalArgumentException(
              "network must be none, bridge, host, container:NAME or a network name: " + text);
        }
        return new NetworkMode(Kind.NAMED, text);
    }
  }

  /**
   * Refuses a name longer than {@value NetworkSpec#MAX_NAME_LENGTH} characters, before any other rule
   * shows it whole: the engine would take it (it bounds neither length), a message should not.
   */
  private static void requireLength(String attribute, String name) {
    if (name.length() > NetworkSpec.MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(attribute + " must be at most " + NetworkSpec.MAX_NAME_LENGTH
          + " characters: " + dev.carapace.core.internal.io.Strings.lengthAndStart(name));
    }
  }

  /** The host's network namespace; package-private: specs reach it through allowHostNetwork(). */
  static NetworkMode host() {
    return HOST;
  }

  public Kind kind() {
    return kind;
  }

  /** The network's or the container's name; for the built-in modes, the mode's own name. */
  public String name() {
    return name;
  }

  /** Whether the container gets interfaces beyond loopback of its own (bridge or a named network). */
  public boolean hasOwnInterfaces() {
    return kind == Kind.BRIDGE || kind == Kind.NAMED;
  }

  /** The {@code --network} form, as the engine records it in {@code HostConfig.NetworkMode}. */
  @Override
  public String toString() {
    return kind == Kind.CONTAINER ? "container:" + name : name;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NetworkMode && ((NetworkMode) o).kind == kind && ((NetworkMode) o).name.equals(name);
  }

  @Override
  public int hashCode() {
    return kind.hashCode() * 31 + name.hashCode();
  }
}
