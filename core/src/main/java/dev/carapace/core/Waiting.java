package dev.carapace.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.carapace.core.EngineException.Step;
import dev.carapace.core.PortBinding.Protocol;
import dev.carapace.core.internal.engine.EngineSession;
import dev.carapace.core.internal.io.HttpProbe;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The waits of {@link RunningContainer#await}: each polls the engine's inspect (every
 * {@link #POLL}) or follows the logs until its condition holds, the container exits, or the
 * deadline passes, and keeps what it saw last for the message.
 */
final class Waiting {
  static final Duration POLL = Duration.ofMillis(100);
  /** How long a connection accepted by the engine's proxy is watched for an immediate close. */
  static final Duration PROXY_CLOSE = Duration.ofMillis(250);
  static final int LAST_LINES = 5;
  static final int MAX_SHOWN = 200;
  /** The longest one HTTP attempt may take; a server slower than this is asked again. */
  static final Duration HTTP_ATTEMPT = Duration.ofSeconds(2);

  private final EngineSession session;
  private final String id;
  private final SecureContainerSpec spec;
  private final RunningContainer container;

  Waiting(EngineSession session, String id, SecureContainerSpec spec, RunningContainer container) {
    this.session = session;
    this.id = id;
    this.spec = spec;
    this.container = container;
  }

  void await(Wait wait, Duration timeout) {
    long deadline = System.nanoTime() + (timeout.isNegative() ? 0 : timeout.toNanos());
    switch (wait.kind()) {
      case HEALTHY:
        healthy(timeout, deadline);
        break;
      case LOG_LINE:
        logLine(wait, timeout, deadline);
        break;
      case PORT:
        port(wait.port(), timeout, deadline);
        break;
      case HTTP:
        http(wait, timeout, deadline);
        break;
      case COMMAND:
        command(wait, timeout, deadline);
        break;
      default:
        exited(timeout);
    }
  }

  private JsonNode inspect() {
    return session.call(Step.WAIT, spec.image(), id, () -> session.inspectRaw(id));
  }

  private static boolean running(JsonNode state) {
    return state.path("Running").asBoolean(false);
  }

  private static int exitCode(JsonNode state) {
    return state.path("ExitCode").asInt();
  }

  private void healthy(Duration timeout, long deadline) {
    while (true) {
      JsonNode state = inspect().path("State");
      JsonNode health = state.path("Health");
      if (health.isMissingNode() || health.isNull() || health.path("Status").asText("").equals("none")) {
        throw new WaitException(id, spec.image(), "has no health check to wait for",
            "none in the spec or the image (set SecureContainerSpec.Builder.healthCheck, or use an image with a "
                + "HEALTHCHECK)", null);
      }
      String status = health.path("Status").asText("");
      if (status.equals("healthy")) {
        return;
      }
      String seen = "last health status " + status + ", " + lastCheck(health);
      if (!running(state)) {
        throw exitedWhile(state, "before it was healthy", seen);
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new WaitTimeoutException(id, spec.image(), "must be healthy within " + show(timeout), seen, timeout);
      }
      sleep(deadline);
    }
  }

  private static String lastCheck(JsonNode health) {
    JsonNode log = health.path("Log");
    if (!log.isArray() || log.size() == 0) {
      return "no check finished yet";
    }
    JsonNode last = log.get(log.size() - 1);
    return "last check exit code " + last.path("ExitCode").asInt() + ", output "
        + shown(last.path("Output").asText("").strip());
  }

  private void logLine(Wait wait, Duration timeout, long deadline) {
    Deque<LogLine> last = new ArrayDeque<>();
    try (LogStream logs = container.streamLogs()) {
      while (true) {
        long left = deadline - System.nanoTime();
        Optional<LogLine> line = logs.next(Duration.ofNanos(Math.max(0, Math.min(left, POLL.toNanos() * 5))));
        if (line.isPresent()) {
          if (wait.pattern().matcher(line.get().text()).find()) {
            return;
          }
          last.addLast(line.get());
          if (last.size() > LAST_LINES) {
            last.removeFirst();
          }
          if (System.nanoTime() - deadline < 0) {
            continue;
          }
        }
        String seen = last.isEmpty() ? "no line seen" : "last lines seen " + last.stream()
            .map(l -> l.stream() + " " + shown(l.text())).collect(Collectors.joining(", ", "[", "]"));
        String regex = WaitException.quote(wait.pattern().pattern());
        if (line.isEmpty() && logs.ended()) {
          JsonNode state = inspect().path("State");
          if (!running(state)) {
            throw exitedWhile(state, "before it printed a line matching " + regex, seen);
          }
        }
        if (System.nanoTime() - deadline >= 0) {
          throw new WaitTimeoutException(id, spec.image(), "must print a line matching " + regex + " within "
              + show(timeout), seen, timeout);
        }
        if (line.isEmpty() && logs.ended()) {
          sleep(deadline); // the output ended, the container runs (restarting): nothing more to read
        }
      }
    }
  }

  private void port(int containerPort, Duration timeout, long deadline) {
    JsonNode inspect = inspect();
    JsonNode state = inspect.path("State");
    String what = "port " + containerPort + "/tcp";
    if (!running(state)) {
      throw exitedWhile(state, "before " + what + " accepted a connection", null);
    }
    InetSocketAddress address = address(inspect, containerPort);
    String target = target(address);
    while (true) {
      String seen = "last attempt: " + attempt(address, deadline);
      if (seen.equals("last attempt: accepted")) {
        return;
      }
      state = inspect().path("State");
      if (!running(state)) {
        throw exitedWhile(state, "before " + what + " accepted a connection on " + target, seen);
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new WaitTimeoutException(id, spec.image(), what + " must accept a connection on " + target
            + " within " + show(timeout), seen, timeout);
      }
      sleep(deadline);
    }
  }

  /**
   * Where to connect for TCP {@code containerPort}: {@link Ports#connectHost}, unresolved (a name is
   * looked up at each attempt).
   *
   * @throws IllegalArgumentException when the spec does not publish the port
   * @throws IllegalStateException when it is bound where nothing here reaches it
   */
  private InetSocketAddress address(JsonNode inspect, int containerPort) {
    PublishedPort published = Ports.find(spec, Ports.published(inspect), inspect.path("State").path("Status").asText(),
        containerPort, Protocol.TCP);
    return InetSocketAddress.createUnresolved(Ports.connectHost(published, container.engineUri()),
        published.hostPort());
  }

  /** {@code 127.0.0.1:32768}, {@code [::1]:32768}, {@code docker.example:32768}. */
  private static String target(InetSocketAddress address) {
    String host = address.getHostString();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  private void http(Wait wait, Duration timeout, long deadline) {
    JsonNode inspect = inspect();
    JsonNode state = inspect.path("State");
    String what = "port " + wait.port() + "/tcp";
    String request = "GET " + wait.path() + (wait.tls() == null ? "" : " over TLS");
    if (!running(state)) {
      throw exitedWhile(state, "before " + what + " answered " + request, null);
    }
    InetSocketAddress address = address(inspect, wait.port());
    String target = target(address);
    String seen = null;
    boolean answered = false;
    while (true) {
      Duration budget = Duration.ofNanos(Math.min(Math.max(deadline - System.nanoTime(), 0), HTTP_ATTEMPT.toNanos()));
      HttpProbe.Answer answer = HttpProbe.get(address.getHostString(), address.getPort(), wait.path(), wait.tls(),
          budget);
      if (answer.answered() && wait.statuses().contains(answer.status())) {
        return;
      }
      if (answer.answered()) {
        seen = "last answer: status " + answer.status() + (answer.reason().isEmpty() ? "" : " "
            + reason(answer.reason())) + ", body " + shown(answer.bodyStart().strip());
        answered = true;
      } else if (!(answered && answer.timedOut() && budget.compareTo(HTTP_ATTEMPT) < 0)) {
        // an attempt the deadline cut short says less than the last answer
        seen = "last attempt: " + answer.failure();
        answered = false;
      }
      state = inspect().path("State");
      if (!running(state)) {
        throw exitedWhile(state, "before " + what + " answered " + request + " on " + target, seen);
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new WaitTimeoutException(id, spec.image(), what + " must answer " + request + " with "
            + wait.statusesShown() + " on " + target + " within " + show(timeout), seen, timeout);
      }
      sleep(deadline);
    }
  }

  private void command(Wait wait, Duration timeout, long deadline) {
    String what = "command " + wait.commandShown();
    String seen = "no attempt finished yet";
    boolean finished = false;
    while (true) {
      JsonNode state = inspect().path("State");
      if (!running(state)) {
        throw exitedWhile(state, "before " + what + " succeeded", seen);
      }
      if (state.path("Paused").asBoolean(false)) {
        seen = "container paused, no command run";
      } else {
        ExecSpec attempt = attempt(wait.command(), deadline);
        try {
          ExecResult r = container.exec(attempt);
          if (r.exitCode() == 0) {
            return;
          }
          seen = "last exit code " + r.exitCode() + ", stdout " + shown(r.stdout().strip()) + ", stderr "
              + shown(r.stderr().strip());
          finished = true;
        } catch (ExecTimeoutException e) {
          boolean cutByTheWait = wait.command().timeout().map(t -> t.compareTo(e.timeout()) > 0).orElse(true);
          if (!(cutByTheWait && finished)) {
            // an attempt the deadline cut short says less than the last one that finished
            seen = "last attempt still running after " + show(e.timeout()) + ", stdout "
                + shown(e.stdoutSoFar().strip()) + ", stderr " + shown(e.stderrSoFar().strip());
            finished = false;
          }
        } catch (ContainerOperationException e) {
          JsonNode now = inspect().path("State");
          if (e.step() != Step.EXEC || running(now) && !now.path("Paused").asBoolean(false)) {
            throw e; // the engine failed, not the command
          }
          if (!running(now)) {
            throw exitedWhile(now, "before " + what + " succeeded", seen);
          }
          seen = "container paused, no command run";
        }
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new WaitTimeoutException(id, spec.image(), what + " must succeed within " + show(timeout), seen,
            timeout);
      }
      sleep(deadline);
    }
  }

  /** {@code exec} to run until {@code deadline} at most (its own timeout, if shorter), never less than 100 ms. */
  private static ExecSpec attempt(ExecSpec exec, long deadline) {
    Duration left = Duration.ofNanos(Math.max(deadline - System.nanoTime(), POLL.toNanos()));
    Duration timeout = exec.timeout().filter(t -> t.compareTo(left) < 0).orElse(left);
    ExecSpec.Builder b = ExecSpec.builder().command(exec.command()).putAllEnv(exec.env()).timeout(timeout)
        .outputLimit(exec.outputLimit());
    exec.user().ifPresent(b::user);
    exec.workingDir().ifPresent(b::workingDir);
    return b.build();
  }

  /** One connection to {@code address}: {@code accepted}, or what went wrong. */
  private static String attempt(InetSocketAddress unresolved, long deadline) {
    long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
    try (Socket socket = new Socket()) {
      InetSocketAddress address = new InetSocketAddress(unresolved.getHostString(), unresolved.getPort());
      if (address.isUnresolved()) {
        return "unknown host " + unresolved.getHostString();
      }
      socket.connect(address, (int) Math.min(1000, Math.max(left, 100)));
      socket.setSoTimeout((int) PROXY_CLOSE.toMillis());
      try {
        InputStream in = socket.getInputStream();
        if (in.read() < 0) {
          return "connection closed at once (the engine's proxy found nothing listening in the container)";
        }
      } catch (SocketTimeoutException e) {
        // open and quiet: a server waiting for its client to speak
      }
      return "accepted";
    } catch (IOException e) {
      return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
  }

  /** The engine's own wait ({@link RunningContainer#awaitExit}, one request), not a polling loop. */
  private void exited(Duration timeout) {
    if (container.awaitExit(timeout).isPresent()) {
      return;
    }
    JsonNode state = inspect().path("State"); // only to say what was seen last
    if (running(state)) {
      throw new WaitTimeoutException(id, spec.image(), "must exit within " + show(timeout),
          "state " + state.path("Status").asText(), timeout);
    }
  }

  private WaitException exitedWhile(JsonNode state, String before, String seen) {
    int code = exitCode(state);
    return new WaitException(id, spec.image(), "exited with code " + code + " " + before, seen, code);
  }

  private void sleep(long deadline) {
    long nanos = Math.min(POLL.toNanos(), Math.max(0, deadline - System.nanoTime()));
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ContainerOperationException(Step.WAIT, spec.image(), id, "interrupted", null, e);
    }
  }

  /** {@code 2s}, {@code 1.5s}, {@code 250ms}. */
  static String show(Duration d) {
    if (d.isNegative() || d.isZero()) {
      return "0s";
    }
    if (d.toMillis() < 1000) {
      return d.toMillis() + "ms";
    }
    return BigDecimal.valueOf(d.toMillis()).movePointLeft(3).stripTrailingZeros().toPlainString() + "s";
  }

  /** An HTTP reason phrase as shown: printable ASCII (anything else as {@code ?}), at most 100 characters. */
  static String reason(String phrase) {
    String cut = phrase.length() <= 100 ? phrase : phrase.substring(0, 100) + "...";
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }

  /** {@code s} quoted, cut to {@link #MAX_SHOWN} characters. */
  private static String shown(String s) {
    return s.length() <= MAX_SHOWN ? WaitException.quote(s) : WaitException.quote(s.substring(0, MAX_SHOWN)) + "...";
  }
}
