package dev.carapace.core.internal.engine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.Service;
import dev.carapace.core.Endpoint;
import dev.carapace.core.OwnerLabels;
import dev.carapace.core.internal.values.EndpointAccess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What removes an owner's containers, networks and services when its JVM dies without a word
 * ({@code kill -9}, the OOM killer), with no privileged container and no engine socket mounted into
 * any container: a small child process of the JVM, started with the first owner that wants it.
 *
 * <p><b>How it knows.</b> The JVM writes to the child's standard input, a pipe, one line per owner
 * ({@code W ID ENDPOINT}: the owner's id and its {@link Endpoint} whole, credentials and TLS key
 * included, which is why they travel through a pipe only this JVM holds, never an argument, a file or
 * the environment), and {@code R ID} when the owner closed cleanly. The child reads until the end of
 * the pipe, which the kernel delivers the instant the JVM's last descriptor closes, however it died.
 * Then it removes, on each endpoint, the services, containers and networks carrying the label
 * {@value OwnerLabels#LAUNCHER} of an owner never released, retrying for at most
 * {@link #PATIENCE} while the engine does not answer, writes one line to its standard error (the
 * JVM's, inherited) naming what it removed, looks once more after {@link #SECOND_LOOK} for what a
 * create the JVM sent before it died made since, and exits. A JVM that ends normally releases its owners
 * in the exit hook first: the child then finds nothing to do and exits at once.
 *
 * <p><b>Cost.</b> One JVM process per JVM that has owners, idle on a blocking read (no thread wakes,
 * no CPU) until the end; started with a 32 MiB heap and the serial collector. It is started in a
 * session of its own ({@code setsid}, when the host has it), so a terminal's Ctrl-C or hang-up, meant
 * for the application, does not take it down too. A {@code SIGKILL} sent to the whole process group
 * or cgroup (a container's end, {@code systemctl kill}) kills it with its JVM: then the
 * {@link LeftoverSweep} of the next owner of the same identity, or a {@code cleanupLeftovers()}, helps.
 *
 * <p>Not covered: a caller's own docker-java client (its endpoint cannot be told, so nothing is sent),
 * owners built with {@code keepOnExit()} or {@code withoutReaper()}, and a JVM that cannot start a
 * child process (logged at WARN once).
 */
public final class Reaper {
  /** How long the child keeps trying an engine that does not answer, after the JVM's end. */
  static final Duration PATIENCE = Duration.ofSeconds(60);

  /**
   * How long after its first pass the child looks again: a create the JVM sent just before it died is
   * carried out by the engine after the JVM's end, possibly after the first list.
   */
  public static final Duration SECOND_LOOK = Duration.ofSeconds(3);

  /** The launcher's logger: the reaper is the JVM's, started by its first launcher or deployer. */
  private static final Logger LOG = LoggerFactory.getLogger("dev.carapace.core.ContainerLauncher");
  private static Process child;
  private static OutputStream pipe;
  private static boolean failed;

  private Reaper() {}

  /**
   * Has the reaper remove what owner {@code ownerId} made on {@code endpoint} if this JVM dies before
   * {@link #release}: starts the child first if it is not running.
   *
   * @param services whether the owner makes Swarm services (a deployer), not only containers and networks
   *
   * @return whether the reaper watches the owner (false when it could not be started: logged at WARN)
   */
  public static synchronized boolean watch(String ownerId, boolean services, Endpoint endpoint) {
    if (!ensureStarted()) {
      return false;
    }
    byte[] wire = EndpointAccess.toWire(endpoint);
    return send("W " + ownerId + (services ? "+services" : "") + " " + Base64.getEncoder().encodeToString(wire));
  }

  /** Owner {@code ownerId} closed cleanly: the reaper no longer removes what it made. */
  public static synchronized void release(String ownerId) {
    if (pipe != null) {
      send("R " + ownerId);
    }
  }

  /** The child's pid, while it runs. */
  public static synchronized Optional<Long> pid() {
    return child != null && child.isAlive() ? Optional.of(child.pid()) : Optional.empty();
  }

  private static boolean send(String line) {
    try {
      pipe.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
      pipe.flush();
      return true;
    } catch (IOException e) {
      warnOnce("the reaper process is gone (" + e.getMessage() + ")");
      return false;
    }
  }

  private static boolean ensureStarted() {
    if (failed) {
      return false;
    }
    if (child != null) {
      return true;
    }
    List<String> command = new ArrayList<>();
    for (String setsid : List.of("/usr/bin/setsid", "/bin/setsid")) {
      if (Files.isExecutable(Path.of(setsid))) {
        command.add(setsid);
        break;
      }
    }
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xms4m", "-Xmx32m", "-Xss256k", "-XX:+UseSerialGC", "-XX:MinHeapFreeRatio=10",
        "-XX:MaxHeapFreeRatio=20", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1",
        "-XX:ReservedCodeCacheSize=16m", "-XX:-UsePerfData", "-Dcarapace.reaper=true"));
    String classPath = System.getProperty("java.class.path", "");
    String modulePath = System.getProperty("jdk.module.path", "");
    if (Reaper.class.getModule().isNamed()) {
      command.addAll(List.of("--module-path", modulePath));
      if (!classPath.isEmpty()) {
        command.addAll(List.of("-cp", classPath));
      }
      command.addAll(List.of("-m", Reaper.class.getModule().getName() + "/" + Reaper.class.getName()));
    } else {
      command.addAll(List.of("-cp", classPath, Reaper.class.getName()));
    }
    command.add(OwnerLabels.currentOwner());
    try {
      child = new ProcessBuilder(command)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.INHERIT)
          .start();
    } catch (IOException | RuntimeException e) {
      warnOnce("the reaper process could not be started (" + e.getMessage() + ")");
      return false;
    }
    pipe = child.getOutputStream();
    Process started = child;
    started.onExit().thenAccept(p -> {
      synchronized (Reaper.class) {
        if (child == p) {
          warnOnce("the reaper process ended early, exit code " + p.exitValue());
        }
      }
    });
    LOG.info("reaper process {} started: it removes what this JVM's launchers and deployers made if the JVM"
        + " dies without running its exit hook (kill -9, OOM kill)", started.pid());
    return true;
  }

  private static void warnOnce(String why) {
    if (!failed) {
      failed = true;
      LOG.warn("{}: a kill -9 of this JVM now leaves what its launchers and deployers made on the engine, until a"
          + " cleanupLeftovers()", why);
    }
  }

  /**
   * The child: reads the pipe to its end, then removes what the owners never released made.
   *
   * @param args the JVM's owner value ({@link OwnerLabels#currentOwner()}), for its lines
   */
  public static void main(String[] args) throws IOException {
    String jvm = args.length > 0 ? args[0] : "?";
    Map<String, String> watched = new LinkedHashMap<>();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] words = line.split(" ", 3);
      if (words[0].equals("W") && words.length == 3) {
        if (!watched.containsValue(words[2])) {
          warmUp(words[2]);
        }
        watched.put(words[1], words[2]);
      } else if (words[0].equals("R") && words.length >= 2) {
        watched.remove(words[1]);
        watched.remove(words[1] + "+services");
      }
    }
    if (watched.isEmpty()) {
      return;
    }
    long t0 = System.nanoTime();
    Map<String, List<String>> byEndpoint = new LinkedHashMap<>();
    watched.forEach((owner, endpoint) -> byEndpoint.computeIfAbsent(endpoint, k -> new ArrayList<>()).add(owner));
    int status = 0;
    for (Map.Entry<String, List<String>> e : byEndpoint.entrySet()) {
      Endpoint endpoint;
      try {
        endpoint = EndpointAccess.fromWire(Base64.getDecoder().decode(e.getKey()));
      } catch (IllegalArgumentException bad) {
        System.err.println("[carapace-reaper] JVM " + jvm + " is gone; an endpoint could not be read: " + bad.getMessage());
        status = 1;
        continue;
      }
      if (!reap(jvm, e.getKey(), endpoint, e.getValue(), t0)) {
        status = 1;
      }
    }
    System.exit(status);
  }

  /** The child's clients, by endpoint wire form, opened and used once ahead of need. */
  private static final Map<String, DockerClient> CLIENTS = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Opens a client to the endpoint of {@code wire} and lists once with it (one request), on a thread of its own, so that the
   * classes and the connection a removal needs are ready before the JVM's end: a second, not five.
   */
  private static void warmUp(String wire) {
    Thread t = new Thread(() -> {
      try {
        DockerClient docker = DockerClients.connect(EndpointAccess.fromWire(Base64.getDecoder().decode(wire)));
        CLIENTS.put(wire, docker);
        docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(OwnerLabels.LAUNCHER, "-")).exec();
        System.gc(); // gives back the warm-up's garbage: the heap shrinks to what stays
      } catch (RuntimeException e) {
        // the removal tries again, and says why it failed
      }
    }, "carapace-reaper-warm-up");
    t.setDaemon(true);
    t.start();
  }

  /** Removes the owners' things on {@code endpoint}, retrying while it does not answer; whether all went. */
  private static boolean reap(String jvm, String wire, Endpoint endpoint, List<String> owners, long t0) {
    long end = t0 + PATIENCE.toNanos();
    String lastError = null;
    List<String> removed = new ArrayList<>(); // over every attempt
    while (System.nanoTime() < end) {
      DockerClient docker = CLIENTS.computeIfAbsent(wire, w -> DockerClients.connect(endpoint));
      try {
        for (String owner : owners) {
          // bounded whatever the transport: a unix socket read ignores the client's socket timeout
          Deadline.call(endpoint.responseTimeout(), () -> {
            removeAll(docker, owner, removed);
            return null;
          });
        }
        System.err.println("[carapace-reaper] JVM " + jvm + " is gone without closing " + names(owners)
            + " on " + endpoint + ": removed " + (removed.isEmpty() ? "nothing" : String.join(", ", removed))
            + " (" + (System.nanoTime() - t0) / 1_000_000 + " ms after its end)");
        secondLook(docker, endpoint.responseTimeout(), owners, t0);
        return true;
      } catch (RuntimeException e) {
        lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
        CLIENTS.remove(wire);
        try {
          docker.close();
        } catch (IOException | RuntimeException ignored) {
          // a new client next time
        }
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        break;
      }
    }
    System.err.println("[carapace-reaper] JVM " + jvm + " is gone without closing " + names(owners)
        + "; " + endpoint + " did not answer within " + PATIENCE.toSeconds() + " s (" + lastError
        + "): a later cleanupLeftovers() removes what is left");
    return false;
  }

  /** After {@link #SECOND_LOOK}, removes what a create still under way at the JVM's end made. */
  private static void secondLook(DockerClient docker, Duration timeout, List<String> owners, long t0) {
    try {
      Thread.sleep(SECOND_LOOK.toMillis());
      List<String> late = new ArrayList<>();
      for (String owner : owners) {
        Deadline.call(timeout, () -> {
          removeAll(docker, owner, late);
          return null;
        });
      }
      if (!late.isEmpty()) {
        System.err.println("[carapace-reaper] and, made after the JVM's end by a create it had sent: removed "
            + String.join(", ", late) + " (" + (System.nanoTime() - t0) / 1_000_000 + " ms after its end)");
      }
    } catch (InterruptedException | RuntimeException e) {
      System.err.println("[carapace-reaper] the second look failed: " + e.getClass().getSimpleName() + ": "
          + e.getMessage() + " (a later cleanupLeftovers() removes what is left)");
    }
  }

  private static String names(List<String> watched) {
    return String.join(", ", watched).replace("+services", "");
  }

  /**
   * Force-removes container {@code id} with its anonymous volumes: true when this call removed it,
   * false when it was gone already or another party's removal is under way (a service's task, an
   * {@code --rm} container, its owner's own close): nothing for the caller to wait for.
   */
  static boolean forceRemove(DockerClient docker, String id) {
    try {
      docker.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
      return true;
    } catch (com.github.dockerjava.api.exception.NotFoundException gone) {
      return false;
    } catch (com.github.dockerjava.api.exception.ConflictException beingRemoved) {
      return false; // "removal already in progress"
    }
  }

  private static void removeAll(DockerClient docker, String watched, List<String> removed) {
    String owner = watched.replace("+services", "");
    String label = OwnerLabels.LAUNCHER + "=" + owner;
    List<Service> services = List.of();
    if (watched.endsWith("+services")) {
      services = docker.listServicesCmd().withLabelFilter(Map.of(OwnerLabels.LAUNCHER, owner)).exec();
    }
    for (Service s : services) {
      docker.removeServiceCmd(s.getId()).exec();
      removed.add("service " + s.getSpec().getName());
    }
    for (Container c : docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(OwnerLabels.LAUNCHER, owner))
        .exec()) {
      if (forceRemove(docker, c.getId())) {
        removed.add("container " + c.getId().substring(0, 12));
      }
    }
    for (Network n : docker.listNetworksCmd().withFilter("label", List.of(label)).exec()) {
      docker.removeNetworkCmd(n.getId()).exec();
      removed.add("network " + n.getName());
    }
  }
}
