package dev.carapace.cluster;

import static com.github.dockerjava.transport.DockerHttpClient.Request.Method.GET;
import static com.github.dockerjava.transport.DockerHttpClient.Request.Method.POST;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.carapace.cluster.SwarmException.Step;
import dev.carapace.core.ContainerLogs;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.internal.values.CoreAccess;
import dev.carapace.core.internal.engine.FrameCollector;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A deployed Swarm service: its tasks, logs, scale and removal. Every task that {@link #awaitRunning}
 * sees running is verified once (its container inspected and compared with the spec); a mismatch
 * removes the service and throws. {@link #close()} removes the service.
 */
public final class SwarmService implements AutoCloseable {
  private final SwarmDeployer deployer;
  private final SwarmEngine engine;
  private final SwarmApi api;
  private final SecureContainerSpec spec;
  private final String id;
  private final String name;
  private volatile ObjectNode sent;
  private final Set<String> verified = ConcurrentHashMap.newKeySet();
  private volatile boolean removed;

  SwarmService(SwarmDeployer deployer, SwarmEngine engine, SwarmApi api, SecureContainerSpec spec, String id,
      String name, ObjectNode sent) {
    this.deployer = deployer;
    this.engine = engine;
    this.api = api;
    this.spec = spec;
    this.id = id;
    this.name = name;
    this.sent = sent;
  }

  /** The service's id. */
  public String id() {
    return id;
  }

  /** The service's name. */
  public String name() {
    return name;
  }

  /** The spec its tasks run. */
  public SecureContainerSpec spec() {
    return spec;
  }

  /** The service's tasks as the engine reports them, current and past, by slot then newest first. */
  public List<SwarmTask> tasks() {
    JsonNode tasks = engine.call(Step.TASKS, name, GET, "/tasks?" + SwarmEngine.filters("service", id), null);
    List<SwarmTask> out = new ArrayList<>();
    for (JsonNode t : SwarmField.iterable(tasks)) {
      JsonNode status = t.path("Status");
      out.add(new SwarmTask(t.path("ID").asText(), t.path("Slot").asInt(), status.path("State").asText(),
          t.path("DesiredState").asText(), status.path("Message").asText(""), status.path("Err").asText(""),
          status.path("ContainerStatus").path("ContainerID").asText(""),
          t.path("Spec").path("ContainerSpec").path("Image").asText("")));
    }
    out.sort(Comparator.comparingInt(SwarmTask::slot));
    return out;
  }

  /**
   * Waits at most {@code timeout} until {@code replicas} tasks run, then verifies each running task
   * not verified before, and returns the running tasks.
   *
   * @throws SwarmException step {@code wait} quoting the task's own state and error when one fails
   *     during this wait (tasks that failed before it are history) or the time runs out; step {@code verify} when a task's container differs from the spec:
   *     the service is then removed
   */
  public List<SwarmTask> awaitRunning(int replicas, Duration timeout) {
    Instant end = Instant.now().plus(timeout);
    Set<String> past = new java.util.HashSet<>();
    for (SwarmTask t : tasks()) {
      if (t.failed()) {
        past.add(t.id());   // failed before this wait: Swarm replaced it, or the caller saw it already
      }
    }
    while (true) {
      List<SwarmTask> tasks = tasks();
      List<SwarmTask> running = new ArrayList<>();
      for (SwarmTask t : tasks) {
        if (t.failed() && !past.contains(t.id())) {
          throw new SwarmException(Step.WAIT, name, "task " + name + "." + t.slot() + " (" + t.id() + ") "
              + t.state() + (t.error().isEmpty() ? "" : ": " + t.error()) + " (" + t.message() + ")", null, null);
        }
        if (t.running()) {
          running.add(t);
        }
      }
      boolean settled = tasks.stream().filter(t -> t.desiredState().equals("running")).count() == replicas;
      if (running.size() == replicas && settled) {
        for (SwarmTask t : running) {
          verify(t);
        }
        return running;
      }
      if (Instant.now().isAfter(end)) {
        StringBuilder states = new StringBuilder();
        for (SwarmTask t : tasks) {
          states.append(states.length() == 0 ? "" : "; ").append(name).append('.').append(t.slot()).append(' ')
              .append(t.state()).append(t.error().isEmpty() ? "" : ": " + t.error());
        }
        throw new SwarmException(Step.WAIT, name, running.size() + " of " + replicas + " tasks running within "
            + timeout + (states.length() == 0 ? ": no task yet" : ": " + states), null, null);
      }
      SwarmDeployer.sleep(SwarmEngine.poll());
    }
  }

  /** Verifies a running task's container and the service as recorded; on a mismatch removes the service. */
  private void verify(SwarmTask task) {
    if (verified.contains(task.id())) {
      return;
    }
    List<String> mismatches;
    String containerId = null;
    {
      JsonNode recorded = engine.call(Step.VERIFY, name, GET, "/services/" + id, null);
      mismatches = new ArrayList<>(SwarmVerifier.service(sent, recorded.path("Spec")));
      JsonNode containers = engine.call(Step.VERIFY, name, GET, "/containers/json?all=1&" + SwarmEngine.filters(
          "label", "com.docker.swarm.service.id=" + id, "com.docker.swarm.task.id=" + task.id()), null);
      if (containers == null || containers.size() != 1) {
        mismatches.add("task " + task.id() + " has " + (containers == null ? 0 : containers.size())
            + " containers labelled com.docker.swarm.task.id, asked 1");
      } else {
        containerId = containers.get(0).path("Id").asText();
        JsonNode inspect = engine.call(Step.VERIFY, name, GET, "/containers/" + containerId + "/json", null);
        mismatches.addAll(SwarmVerifier.container(spec, api, inspect, recorded));
        mismatches.addAll(SwarmVerifier.task(spec, task));
        if (SwarmVerifier.pinnedDigest(spec.image()) != null) {   // the content the digest names, nothing else
          String image = inspect.path("Image").asText("");
          mismatches.addAll(SwarmVerifier.image(spec, inspect, image.matches("sha256:[a-f0-9]{64}")
              ? engine.call(Step.VERIFY, name, GET, "/images/" + image + "/json", null) : null));
        }
      }
    }
    if (!mismatches.isEmpty()) {
      SwarmException failure = new SwarmException(Step.VERIFY, name, "task " + name + "." + task.slot()
          + (containerId == null ? "" : " (container " + containerId.substring(0, 12) + ")")
          + " differs from the spec: " + String.join("; ", mismatches), null, null);
      try {
        remove();
      } catch (RuntimeException removal) {
        failure.addSuppressed(removal);
      }
      throw failure;
    }
    verified.add(task.id());
  }

  /**
   * Sets the number of replicas ({@code docker service scale}), waits at most {@code timeout} until
   * exactly that many tasks run, and verifies the new ones.
   */
  public List<SwarmTask> scale(int replicas, Duration timeout) {
    if (replicas < 0) {
      throw new IllegalArgumentException("replicas must not be negative: " + replicas);
    }
    JsonNode recorded = engine.call(Step.SCALE, name, GET, "/services/" + id, null);
    long version = recorded.path("Version").path("Index").asLong();
    ObjectNode update = recorded.path("Spec").deepCopy();
    update.putObject("Mode").putObject("Replicated").put("Replicas", replicas);
    ObjectNode next = sent.deepCopy();
    next.putObject("Mode").putObject("Replicated").put("Replicas", replicas);
    engine.call(Step.SCALE, name, POST, "/services/" + id + "/update?version=" + version, update);
    sent = next;
    return awaitRunning(replicas, timeout);
  }

  /**
   * The service's logs so far, every task's ({@code docker service logs}), within the stream timeout,
   * 1 MiB of each stream kept ({@link ContainerLogs#stdoutTruncated()} says when more was dropped).
   */
  public ContainerLogs logs() {
    FrameCollector out = engine.stream(Step.LOGS, name, "/services/" + id + "/logs?stdout=1&stderr=1",
        new FrameCollector(FrameCollector.DEFAULT_LIMIT));
    return CoreAccess.get().containerLogs(out.stdout(), out.stderr(), out.stdoutTruncated(), out.stderrTruncated());
  }

  /**
   * Removes the service and waits until its task containers are gone. Idempotent.
   *
   * @throws SwarmException step {@code remove}
   */
  public void remove() {
    if (!removed) {
      deployer.removeService(Step.REMOVE, id, name);
      removed = true;
    }
  }

  /** {@link #remove()}. */
  @Override
  public void close() {
    remove();
  }

  @Override
  public String toString() {
    return "SwarmService{" + name + " (" + id + ")}";
  }
}
