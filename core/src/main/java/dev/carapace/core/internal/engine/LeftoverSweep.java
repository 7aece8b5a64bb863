package dev.carapace.core.internal.engine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.Service;
import dev.carapace.core.Endpoint;
import dev.carapace.core.OwnerLabels;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * What covers the deaths the {@link Reaper} cannot see: a power cut, or a kill of the JVM's whole
 * process group or cgroup ({@code systemctl stop} with {@code KillMode=control-group}, the OOM killer
 * taking a cgroup, the end of the container the JVM runs in) ends the JVM and its reaper together, and
 * nothing removes what its owners made. The next launcher or deployer of the same identity (host, OS
 * user, application name) that starts its reaper removes it: on a daemon thread of its own, off the
 * caller's, it removes the Swarm services (a deployer only), the containers and then the networks that
 * {@link EngineOwner.Cleanup#SWEEP} covers, that is those of dead owners of its identity that would have
 * removed them at their exit (never what a {@code keepOnExit()} owner made, never another identity's),
 * and logs at INFO what it removed.
 *
 * <p>Once per JVM for each engine, identity and kind of owner. Each call is bounded by the endpoint's
 * response timeout ({@link Deadline}) and the whole sweep by {@link #DEADLINE}: it starts no removal
 * after that. A container of a live owner on a swept network is disconnected, never removed. A
 * failure is logged at WARN, with what is left to a {@code cleanupLeftovers()}; the owner works on.
 */
public final class LeftoverSweep {
  /** After this, the sweep starts no more removals. */
  static final Duration DEADLINE = Duration.ofSeconds(60);

  /** The sweeps begun in this JVM: engine URI, identity, kind. */
  private static final Set<String> BEGUN = ConcurrentHashMap.newKeySet();

  private LeftoverSweep() {}

  /**
   * Starts the sweep for owner {@code ownerId} (a {@code noun}, as logs name it) of {@code identity} on
   * {@code endpoint}, unless one for the same engine, identity and kind already began in this JVM.
   *
   * @param services whether the owner is a Swarm deployer: its sweep removes services first
   * @return the sweep's thread, or null when none was started
   */
  static Thread start(String noun, String ownerId, Endpoint endpoint, Map<String, String> identity, boolean services,
      Logger log) {
    if (!BEGUN.add(endpoint.uri() + " " + new java.util.TreeMap<>(identity) + " " + services)) {
      return null;
    }
    long t0 = System.nanoTime();
    Thread t = new Thread(() -> run(noun, ownerId, endpoint, identity, services, log, t0),
        "carapace-leftover-sweep-" + ownerId);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void run(String noun, String ownerId, Endpoint endpoint, Map<String, String> identity,
      boolean services, Logger log, long t0) {
    List<String> removed = new ArrayList<>();
    DockerClient docker = DockerClients.connect(endpoint);
    try {
      sweep(docker, endpoint.responseTimeout(), identity, services, removed, t0 + DEADLINE.toNanos());
      if (!removed.isEmpty()) {
        log.info("{} {}: removed what dead processes of its identity ({}) left: {} ({} ms after it was built)", noun,
            ownerId, describe(identity), String.join(", ", removed), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      }
    } catch (RuntimeException e) {
      log.warn("{} {}: the sweep of what dead processes of its identity left failed{}: {} (a later cleanupLeftovers()"
          + " removes the rest)", noun, ownerId, removed.isEmpty() ? "" : " after removing " + String.join(", ", removed),
          e.getClass().getSimpleName() + ": " + e.getMessage());
    } finally {
      try {
        docker.close();
      } catch (IOException | RuntimeException e) {
        // a connection pool that fails to close has nothing to give back
      }
    }
  }

  private static String describe(Map<String, String> identity) {
    return "host " + identity.get(OwnerLabels.HOST) + ", user " + identity.get(OwnerLabels.USER) + ", application "
        + identity.get(OwnerLabels.APPLICATION);
  }

  /**
   * Removes what {@link EngineOwner.Cleanup#SWEEP} covers for {@code identity}: services (when
   * {@code services}), containers other than Swarm tasks, then networks; adds each to {@code removed}
   * as the log names it. Starts nothing after {@code end} ({@link System#nanoTime()}).
   */
  static void sweep(DockerClient docker, Duration timeout, Map<String, String> identity, boolean services,
      List<String> removed, long end) {
    Map<String, String> managed = Map.of(OwnerLabels.MANAGED, "true");
    EngineOwner.Cleanup whose = EngineOwner.Cleanup.SWEEP;
    if (services) {
      List<Service> listed = call(timeout, () -> docker.listServicesCmd().withLabelFilter(managed).exec());
      for (Service s : whose.select(listed, s0 -> s0.getSpec() == null ? null : s0.getSpec().getLabels(), identity)) {
        if (System.nanoTime() > end) {
          return;
        }
        try {
          call(timeout, () -> {
            docker.removeServiceCmd(s.getId()).exec();
            return null;
          });
          removed.add("service " + s.getSpec().getName());
        } catch (NotFoundException gone) {
          // removed meanwhile
        }
      }
    }
    List<Container> containers = call(timeout, () -> docker.listContainersCmd().withShowAll(true)
        .withLabelFilter(managed).exec());
    for (Container c : whose.select(containers, Container::getLabels, identity)) {
      if (c.getLabels().containsKey("com.docker.swarm.service.id")) {
        continue; // a service's task: its service goes with a deployer's sweep, and the engine would start another
      }
      if (System.nanoTime() > end) {
        return;
      }
      if (call(timeout, () -> Reaper.forceRemove(docker, c.getId()))) {
        removed.add("container " + c.getId().substring(0, 12));
      }
    }
    List<Network> networks = call(timeout, () -> docker.listNetworksCmd().withFilter("label",
        List.of(OwnerLabels.MANAGED + "=true")).exec());
    for (Network n : whose.select(networks, Network::getLabels, identity)) {
      if (System.nanoTime() > end) {
        return;
      }
      try {
        for (Container c : call(timeout, () -> docker.listContainersCmd().withShowAll(true)
            .withNetworkFilter(List.of(n.getId())).exec())) {
          call(timeout, () -> { // not one the sweep covers: left running, off the network
            docker.disconnectFromNetworkCmd().withNetworkId(n.getId()).withContainerId(c.getId()).withForce(true).exec();
            return null;
          });
        }
        call(timeout, () -> {
          docker.removeNetworkCmd(n.getId()).exec();
          return null;
        });
        removed.add("network " + n.getName());
      } catch (NotFoundException gone) {
        // removed meanwhile
      }
    }
  }

  private static <T> T call(Duration timeout, Supplier<T> call) {
    return Deadline.call(timeout, call);
  }
}
