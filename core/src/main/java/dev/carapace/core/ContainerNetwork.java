package dev.carapace.core;

import dev.carapace.core.internal.engine.EngineNetworks;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A user-defined network created by {@link ContainerLauncher#createNetwork(NetworkSpec)}: attach
 * containers to it at launch, by its {@link #mode()}, and close it to remove it with its containers.
 * {@link #close()} is idempotent, so try-with-resources never leaks one; closing the launcher removes
 * the networks whose handles were not closed.
 *
 * <pre>{@code
 * try (ContainerNetwork net = launcher.createNetwork(NetworkSpec.of("backend"));   // internal
 *      RunningContainer db = launcher.launch(busybox.name("db").network(net.mode()).build());
 *      RunningContainer app = launcher.launch(busybox.name("app").network(net.mode()).build())) {
 *   // app reaches db by its name, "db"; neither reaches beyond the network
 * }
 * }</pre>
 *
 * <p><b>Removal removes the containers first</b>: every container Carapace manages on the network
 * (label {@value OwnerLabels#MANAGED}) is force-removed, running or not, whoever launched it; any other
 * container is force-disconnected from the network and left alone; then the network is removed.
 */
public final class ContainerNetwork implements AutoCloseable {
  private final EngineNetworks networks;
  private final String id;
  private final NetworkSpec spec;
  private final AtomicBoolean removed = new AtomicBoolean();

  ContainerNetwork(EngineNetworks networks, String id, NetworkSpec spec) {
    this.networks = networks;
    this.id = id;
    this.spec = spec;
  }

  /** The network's full id. */
  public String id() {
    return id;
  }

  /** The network's name. */
  public String name() {
    return spec.name();
  }

  /** The spec it was created from. */
  public NetworkSpec spec() {
    return spec;
  }

  /** {@code --network NAME}: pass it to {@code SecureContainerSpec.Builder#network} to attach a container. */
  public NetworkMode mode() {
    return spec.mode();
  }

  /**
   * Removes the network after its containers (Carapace's removed, others disconnected), and returns
   * the ids of the containers removed; empty when already removed.
   *
   * @throws ContainerOperationException step {@code remove}, naming the network
   */
  public List<String> remove() {
    if (!removed.compareAndSet(false, true)) {
      return List.of();
    }
    try {
      return networks.remove(id, EngineNetworks.subject(spec.name()));
    } catch (RuntimeException e) {
      removed.set(false);
      throw e;
    }
  }

  /** {@link #remove()}; idempotent. */
  @Override
  public void close() {
    remove();
  }

  @Override
  public String toString() {
    return "ContainerNetwork{" + spec.name() + " " + id.substring(0, Math.min(12, id.length())) + "}";
  }
}
