package dev.carapace.core.internal.engine;

import com.github.dockerjava.api.command.CreateNetworkCmd;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Network;
import dev.carapace.core.LaunchException;
import dev.carapace.core.EngineException;
import dev.carapace.core.EngineException.Step;
import dev.carapace.core.NetworkSpec;
import dev.carapace.core.OwnerLabels;
import dev.carapace.core.RecordedMismatchException;
import dev.carapace.core.internal.values.CoreAccess;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The user-defined networks of one {@link EngineSession}: create and verify them, check that a spec's
 * network exists, remove a network with its containers, and, at close, remove those still there.
 * Failures name the network as {@code network NAME} where a {@link LaunchException} names an image.
 *
 * <p><b>Removal.</b> A network is removed after its containers: those Carapace manages
 * ({@value OwnerLabels#MANAGED}) are force-removed, any other is force-disconnected and left running,
 * then the network goes. A container attached meanwhile makes the engine refuse ("has active
 * endpoints"): the round is repeated, three times at most.
 */
public final class EngineNetworks {
  private static final int REMOVAL_ROUNDS = 3;

  private final EngineSession session;
  /** The ids of the networks created here and not yet removed, with their names. */
  private final Map<String, String> live = new ConcurrentHashMap<>();

  /**
   * Networks on {@code session}, which looks for the network of a create given up on among its own
   * (its own labels are on every network created here) and hands it to this class, to be tracked and
   * removed with its containers.
   */
  public EngineNetworks(EngineSession session) {
    this.session = Objects.requireNonNull(session, "session");
    session.removeNetworksOfCreatesGivenUpOnWith((id, name) -> {
      live.put(id, name); // removed below, or by close(), which reports why it could not
      remove(id, subject(name));
    });
  }

  /** How a network is named in failures: {@code network NAME}. */
  public static String subject(String name) {
    return "network " + name;
  }

  /**
   * Creates {@code spec}'s network with {@code labels} and its own random {@value OwnerLabels#CREATE},
   * then inspects it and compares what the engine recorded with what was asked (driver, internal,
   * subnet, labels); a mismatch removes it. A create given up on (no answer in time) is handed to the
   * session, which looks for its network and removes it (see {@link EngineSession}).
   *
   * @return the network's id, tracked from here on
   * @throws LaunchException step {@code create}, naming the network; {@link RecordedMismatchException}
   *     when the engine recorded something else
   */
  public String create(NetworkSpec spec, Map<String, String> labels) {
    String subject = subject(spec.name());
    String createId = java.util.UUID.randomUUID().toString();
    Map<String, String> carapace = new LinkedHashMap<>(labels);
    carapace.put(OwnerLabels.CREATE, createId);
    Map<String, String> all = new LinkedHashMap<>(spec.labels());
    all.putAll(carapace);
    String id;
    try {
      id = session.bounded(() -> {
        CreateNetworkCmd cmd = session.api().createNetworkCmd().withName(spec.name()).withDriver("bridge")
            .withInternal(spec.internal()).withCheckDuplicate(true).withAttachable(false).withLabels(all);
        spec.subnet().ifPresent(s -> cmd.withIpam(new Network.Ipam().withConfig(new Network.Ipam.Config().withSubnet(s))));
        return cmd.exec().getId();
      });
    } catch (RuntimeException e) {
      String daemon = DaemonErrors.daemonMessage(e);
      if (daemon == null && !DaemonErrors.neverSent(e)) {
        session.networkCreateGivenUp(createId);
      }
      if (daemon != null && daemon.contains("already exists")) {
        throw CoreAccess.get().engineFailure(Step.CREATE, subject, null, "network name must be free on the engine: "
            + spec.name() + " (remove the existing network, or pick another name)", daemon, e);
      }
      if (daemon != null && spec.subnet().isPresent() && daemon.toLowerCase(java.util.Locale.ROOT).contains("overlap")) {
        throw CoreAccess.get().engineFailure(Step.CREATE, subject, null, "network subnet must not overlap the engine's other"
            + " networks: " + spec.subnet().get() + " (pick a free one, or leave subnet unset)", daemon, e);
      }
      throw session.fail(Step.CREATE, subject, null, e);
    }
    live.put(id, spec.name());
    List<String> mismatches;
    try {
      mismatches = mismatches(spec, carapace, session.bounded(() -> session.api().inspectNetworkCmd().withNetworkId(id).exec()));
    } catch (RuntimeException e) {
      EngineException failure = session.fail(Step.VERIFY, subject, null, e);
      removeQuietly(id, failure);
      throw failure;
    }
    if (!mismatches.isEmpty()) {
      RecordedMismatchException failure = CoreAccess.get().recordedMismatch(subject, null, mismatches);
      removeQuietly(id, failure);
      throw failure;
    }
    return id;
  }

  private void removeQuietly(String id, RuntimeException failure) {
    try {
      remove(id, subject(live.getOrDefault(id, id)));
    } catch (RuntimeException removal) {
      failure.addSuppressed(removal);
    }
  }

  /** Each difference between {@code spec} (with Carapace's {@code labels}) and what the engine recorded. */
  static List<String> mismatches(NetworkSpec spec, Map<String, String> labels, Network recorded) {
    List<String> out = new ArrayList<>();
    compare(out, "Driver", recorded.getDriver(), "bridge");
    compare(out, "Internal", Boolean.TRUE.equals(recorded.getInternal()), spec.internal());
    spec.subnet().ifPresent(s -> {
      List<Network.Ipam.Config> configs = recorded.getIpam() == null || recorded.getIpam().getConfig() == null
          ? List.of() : recorded.getIpam().getConfig();
      compare(out, "IPAM.Config[0].Subnet", configs.isEmpty() ? null : configs.get(0).getSubnet(), s);
    });
    Map<String, String> recordedLabels = recorded.getLabels() == null ? Map.of() : recorded.getLabels();
    Map<String, String> asked = new LinkedHashMap<>(spec.labels());
    asked.putAll(new java.util.TreeMap<>(labels)); // Carapace's in a fixed order, after the caller's
    asked.forEach((k, v) -> compare(out, "Labels[" + k + "]", recordedLabels.get(k), v));
    return out;
  }

  private static void compare(List<String> out, String field, Object recorded, Object asked) {
    if (!Objects.equals(recorded, asked)) {
      out.add(field + " recorded " + recorded + ", asked " + asked);
    }
  }

  /**
   * Refuses, before create, a container of {@code image} on network {@code name} the engine does not
   * have (with Swarm active, engine 20.10 creates such a container and fails only at start).
   *
   * @throws LaunchException step {@code create}, naming the network, when it is absent
   */
  public void requireExists(String name, String image) {
    try {
      session.bounded(() -> session.api().inspectNetworkCmd().withNetworkId(name).exec());
    } catch (NotFoundException e) {
      throw CoreAccess.get().engineFailure(Step.CREATE, image, null, "network must exist on the engine: " + name
          + " (create it first: launcher.createNetwork(NetworkSpec.of(\"" + name + "\")), or docker network create)",
          DaemonErrors.daemonMessage(e), e);
    } catch (RuntimeException e) {
      throw session.fail(Step.CREATE, image, null, e);
    }
  }

  /**
   * Connects the created container {@code containerId} to {@code network} with {@code aliases}
   * ({@code docker network connect --alias}), before it starts: the engine of API 1.41 creates a container
   * on one network only.
   *
   * @throws LaunchException step {@code create}, naming the network and the engine's own message
   */
  public void connect(String containerId, String network, List<String> aliases, String image) {
    try {
      session.bounded(() -> session.api().connectToNetworkCmd().withNetworkId(network).withContainerId(containerId)
          .withContainerNetwork(new com.github.dockerjava.api.model.ContainerNetwork().withAliases(aliases))
          .exec());
    } catch (RuntimeException e) {
      throw CoreAccess.get().engineFailure(Step.CREATE, image, containerId, "additionalNetworks could not be"
          + " connected: " + network, DaemonErrors.daemonMessage(e), e);
    }
  }

  /**
   * Removes network {@code idOrName} after its containers: Carapace's are force-removed, others
   * force-disconnected. An absent network is fine.
   *
   * @return the ids of the containers removed
   * @throws LaunchException step {@code remove}, naming {@code subject}
   */
  public List<String> remove(String idOrName, String subject) {
    return remove(idOrName, subject, Step.REMOVE);
  }

  /** {@link #remove(String, String)}, a failure naming {@code step} ({@code cleanup}). */
  public List<String> remove(String idOrName, String subject, Step step) {
    List<String> removed = new ArrayList<>();
    RuntimeException last = null;
    for (int round = 0; round < REMOVAL_ROUNDS; round++) {
      try {
        removeContainers(idOrName, removed);
        session.bounded(() -> session.api().removeNetworkCmd(idOrName).exec());
        forget(idOrName);
        return removed;
      } catch (NotFoundException e) {
        forget(idOrName);
        return removed;
      } catch (ConflictException e) {
        last = e; // a container joined meanwhile: another round
      } catch (RuntimeException e) {
        String daemon = DaemonErrors.daemonMessage(e);
        if (daemon == null || !daemon.contains("active endpoints")) {
          throw session.fail(step, subject, null, e);
        }
        last = e;
      }
    }
    throw session.fail(step, subject, null, last);
  }

  private void forget(String idOrName) {
    live.remove(idOrName);
    live.values().remove(idOrName);
  }

  private void removeContainers(String network, List<String> removed) {
    List<Container> attached = session.bounded(() -> session.api().listContainersCmd().withShowAll(true)
        .withNetworkFilter(List.of(network)).exec());
    for (Container c : attached) {
      Map<String, String> labels = c.getLabels() == null ? Map.of() : c.getLabels();
      if ("true".equals(labels.get(OwnerLabels.MANAGED))) {
        session.remove(c.getId());
        removed.add(c.getId());
      } else {
        try {
          session.bounded(() -> session.api().disconnectFromNetworkCmd().withNetworkId(network)
              .withContainerId(c.getId()).withForce(true).exec());
        } catch (NotFoundException e) {
          // gone meanwhile
        }
      }
    }
  }

  /** The engine's networks carrying every label of {@code labels}. */
  public List<Network> list(Map<String, String> labels) {
    List<String> filter = new ArrayList<>();
    labels.forEach((k, v) -> filter.add(k + "=" + v));
    return session.bounded(() -> session.api().listNetworksCmd().withFilter("label", filter).exec());
  }

  /** The ids of the networks created here and not yet removed. */
  public Set<String> live() {
    return Set.copyOf(live.keySet());
  }

  /** The names of the networks created here and not yet removed. */
  public List<String> liveNames() {
    return new ArrayList<>(live.values());
  }

  /**
   * Removes every network still tracked, each with its containers; the others are still tried when one
   * fails. Call {@link EngineSession#settleCreatesInDoubt()} first, so that the network of a create
   * given up on is among them.
   *
   * @throws LaunchException step {@code remove}, for the first removal that failed
   */
  public void close() {
    RuntimeException first = null;
    for (Map.Entry<String, String> n : new ArrayList<>(live.entrySet())) {
      try {
        remove(n.getKey(), subject(n.getValue()));
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
