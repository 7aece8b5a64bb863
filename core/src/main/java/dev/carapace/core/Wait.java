package dev.carapace.core;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;

/**
 * A condition a running container is awaited for with {@link RunningContainer#await(Wait,
 * java.time.Duration)}: healthy, a log line, a port that accepts, an HTTP status, a command that
 * succeeds inside, the exit. A container that exits while awaited for anything else fails the wait at
 * once, naming its exit code; a wait that times out says what it saw last.
 *
 * <pre>{@code
 * container.await(Wait.portAccepts(8080), Duration.ofSeconds(30));
 * container.await(Wait.logLine(Pattern.compile("started in \\d+ ms")), Duration.ofSeconds(30));
 * container.await(Wait.http(8080, "/health", 200, 204), Duration.ofSeconds(30));
 * container.await(Wait.commandSucceeds("test", "-f", "/tmp/ready"), Duration.ofSeconds(30));
 * }</pre>
 */
public final class Wait {
  enum Kind { HEALTHY, LOG_LINE, PORT, EXITED, HTTP, COMMAND }

  /** How much of stdout, and of stderr, a {@link #commandSucceeds(String...)} attempt keeps: 64 KiB each. */
  public static final MemorySize COMMAND_OUTPUT_LIMIT = MemorySize.ofKibibytes(64);

  private final Kind kind;
  private final Pattern pattern;
  private final int port;
  private final String path;
  private final Set<Integer> statuses;
  private final SSLContext tls;
  private final ExecSpec command;

  private Wait(Kind kind, Pattern pattern, int port) {
    this(kind, pattern, port, null, Set.of(), null, null);
  }

  private Wait(Kind kind, Pattern pattern, int port, String path, Set<Integer> statuses, SSLContext tls,
      ExecSpec command) {
    this.kind = kind;
    this.pattern = pattern;
    this.port = port;
    this.path = path;
    this.statuses = statuses;
    this.tls = tls;
    this.command = command;
  }

  /**
   * Until the engine reports the container {@code healthy} (its health check: the spec's
   * {@link SecureContainerSpec.Builder#healthCheck}, else the image's {@code HEALTHCHECK}). A
   * container without a health check fails the wait at once.
   */
  public static Wait healthy() {
    return new Wait(Kind.HEALTHY, null, 0);
  }

  /**
   * Until a line of stdout or stderr, printed before or during the wait, contains a match of
   * {@code pattern} ({@link java.util.regex.Matcher#find()}; anchor it with {@code ^...$} for a
   * whole line).
   */
  public static Wait logLine(Pattern pattern) {
    return new Wait(Kind.LOG_LINE, Objects.requireNonNull(pattern, "log line pattern"), 0);
  }

  /**
   * Until a TCP connection to where the engine published {@code containerPort} is accepted and not
   * closed at once (the engine's proxy accepts, then closes, while nothing listens in the container).
   * It connects to {@link RunningContainer#host(int)}: loopback for an engine reached through a unix
   * socket, the endpoint's host for one reached through TCP or TLS, the bound address for a port
   * published on one address.
   *
   * @throws IllegalArgumentException when {@code containerPort} is not 1-65535
   */
  public static Wait portAccepts(int containerPort) {
    return new Wait(Kind.PORT, null, checkPort(containerPort));
  }

  private static int checkPort(int containerPort) {
    if (containerPort < 1 || containerPort > 65535) {
      throw new IllegalArgumentException("wait port must be between 1 and 65535: " + containerPort);
    }
    return containerPort;
  }

  /**
   * Until {@code GET path} over plain HTTP to where the engine published TCP {@code containerPort}
   * ({@link RunningContainer#host(int)}, {@link RunningContainer#hostPort(int)}) answers one of
   * {@code statuses} (200 when none is given), as Testcontainers' {@code Wait.forHttp(path)}. Each
   * attempt sends one HTTP/1.1 request with {@code Connection: close}, follows no redirect, and reads at
   * most 16 KiB of the answer: the status
   * line, and the start of the body for the message of a wait that times out.
   *
   * @param path the request target: starts with {@code /}, printable ASCII without spaces
   *     ({@code /health?full=1})
   * @throws IllegalArgumentException when {@code containerPort} is not 1-65535, {@code path} is not
   *     such a target, or a status is not 100-599
   */
  public static Wait http(int containerPort, String path, int... statuses) {
    return new Wait(Kind.HTTP, null, checkPort(containerPort), checkPath(path), checkStatuses(statuses), null, null);
  }

  /**
   * As {@link #http}, over TLS: the container's certificate must chain to what {@code trust} trusts
   * and name the host connected to ({@link RunningContainer#host(int)}: {@code 127.0.0.1} for a local
   * engine, so an IP address SAN), as {@code curl} checks it without {@code --insecure}. A client
   * certificate is sent when {@code trust} has a key manager with one.
   *
   * @throws IllegalArgumentException as {@link #http}
   */
  public static Wait https(int containerPort, String path, SSLContext trust, int... statuses) {
    Objects.requireNonNull(trust, "wait tls context");
    return new Wait(Kind.HTTP, null, checkPort(containerPort), checkPath(path), checkStatuses(statuses), trust, null);
  }

  private static String checkPath(String path) {
    Objects.requireNonNull(path, "wait http path");
    if (!path.startsWith("/") || !path.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException("wait http path must start with / and be printable ASCII without spaces: "
          + dev.carapace.core.internal.io.Strings.show(path));
    }
    return path;
  }

  private static Set<Integer> checkStatuses(int... statuses) {
    Objects.requireNonNull(statuses, "wait http statuses");
    if (statuses.length == 0) {
      return Set.of(200);
    }
    Set<Integer> sorted = new TreeSet<>();
    for (int status : statuses) {
      if (status < 100 || status > 599) {
        throw new IllegalArgumentException("wait http status must be between 100 and 599: " + status);
      }
      sorted.add(status);
    }
    return java.util.Collections.unmodifiableSet(sorted);
  }

  /**
   * Until {@code argv}, run in the container ({@code docker exec}, as {@link RunningContainer#exec}
   * runs it: the container's user, never privileged), exits with code 0. Attempts follow each other
   * every 100 ms; each may run until the wait's deadline, and keeps
   * {@link #COMMAND_OUTPUT_LIMIT} of stdout and of stderr. A wait that times out shows the last exit
   * code and the start of that attempt's output.
   *
   * @throws IllegalArgumentException when {@code argv} is empty
   */
  public static Wait commandSucceeds(String... argv) {
    Objects.requireNonNull(argv, "wait command");
    if (argv.length == 0) {
      throw new IllegalArgumentException("wait command must not be empty: []");
    }
    return commandSucceeds(ExecSpec.builder().command(argv).outputLimit(COMMAND_OUTPUT_LIMIT).build());
  }

  /**
   * As {@link #commandSucceeds(String...)} with {@code exec}'s user, environment, working directory and
   * output limit; an attempt runs at most {@code exec}'s timeout, when it has one, and never past the
   * wait's deadline.
   */
  public static Wait commandSucceeds(ExecSpec exec) {
    return new Wait(Kind.COMMAND, null, 0, null, Set.of(), null, Objects.requireNonNull(exec, "wait command"));
  }

  /** Until the container's main process exited, whatever its code. */
  public static Wait exited() {
    return new Wait(Kind.EXITED, null, 0);
  }

  Kind kind() {
    return kind;
  }

  Pattern pattern() {
    return pattern;
  }

  int port() {
    return port;
  }

  String path() {
    return path;
  }

  Set<Integer> statuses() {
    return statuses;
  }

  SSLContext tls() {
    return tls;
  }

  ExecSpec command() {
    return command;
  }

  /** {@code status 200}, {@code status 200 or 204}, {@code status 200, 204 or 301}. */
  String statusesShown() {
    List<String> all = statuses.stream().map(String::valueOf).collect(Collectors.toList());
    return "status " + (all.size() == 1 ? all.get(0)
        : String.join(", ", all.subList(0, all.size() - 1)) + " or " + all.get(all.size() - 1));
  }

  /** {@code ["test", "-f", "/tmp/ready"]}: each argument quoted. */
  String commandShown() {
    return command.command().stream().map(WaitException::quote).collect(Collectors.joining(", ", "[", "]"));
  }

  /**
   * {@code healthy}, {@code log line matching "..."}, {@code port 8080/tcp accepts}, {@code port 8080/tcp
   * answers GET /health with status 200}, {@code command ["test", "-f", "/ready"] succeeds}, {@code exited}.
   */
  @Override
  public String toString() {
    switch (kind) {
      case HEALTHY:
        return "healthy";
      case LOG_LINE:
        return "log line matching " + WaitException.quote(pattern.pattern());
      case PORT:
        return "port " + port + "/tcp accepts";
      case HTTP:
        return "port " + port + "/tcp answers GET " + path + (tls == null ? "" : " over TLS") + " with "
            + statusesShown();
      case COMMAND:
        return "command " + commandShown() + " succeeds";
      default:
        return "exited";
    }
  }
}
