package dev.carapace.core;

import static dev.carapace.core.testing.TestEngine.BUSYBOX;
import static dev.carapace.core.testing.TestEngine.busybox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.testing.TestEngine;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each wait against the real engine: it succeeds when its condition holds, times out saying what it
 * saw last, and fails at once (well before its timeout) when the container exits first.
 */
class WaitIT {
  private static final Duration T = Duration.ofSeconds(60);
  private static ContainerLauncher launcher;

  @BeforeAll
  static void connect() {
    launcher = TestEngine.launcher();
  }

  @AfterAll
  static void close() {
    launcher.close();
  }

  private static String who(RunningContainer c) {
    return "container " + c.id().substring(0, 12) + " (" + BUSYBOX + ")";
  }

  private static HealthCheck fast(HealthCheck check) {
    return check.interval(Duration.ofMillis(200)).timeout(Duration.ofSeconds(5)).retries(1);
  }

  /** {@code run}, which must throw {@code type} well before the wait's own timeout {@link #T}. */
  private static <E extends Throwable> E atOnce(Class<E> type, org.junit.jupiter.api.function.Executable run) {
    long t0 = System.nanoTime();
    E e = assertThrows(type, run);
    assertTrue(Duration.ofNanos(System.nanoTime() - t0).compareTo(T.dividedBy(2)) < 0,
        "failed only after " + Duration.ofNanos(System.nanoTime() - t0));
    return e;
  }

  // ---------------------------------------------------------------- healthy

  @Test
  void healthyWaitsForTheSpecsHealthCheck() {
    try (RunningContainer c = launcher.launch(busybox("sh", "-c", "sleep 1; touch /tmp/ready; sleep 60")
        .healthCheck(fast(HealthCheck.shell("test -f /tmp/ready"))).build())) {
      c.await(Wait.healthy(), T);
      assertEquals(Optional.of("healthy"), c.healthStatus());
    }
  }

  @Test
  void healthyTimesOutWithTheLastStatusAndCheckOutput() {
    try (RunningContainer c = launcher.launch(busybox("sleep", "60")
        .healthCheck(fast(HealthCheck.shell("echo not ready; exit 1"))).build())) {
      // once unhealthy, then the timeout
      long end = System.nanoTime() + T.toNanos();
      while (!c.healthStatus().equals(Optional.of("unhealthy"))) {
        assertTrue(System.nanoTime() < end, "never unhealthy");
        sleep(100);
      }
      WaitTimeoutException e = assertThrows(WaitTimeoutException.class,
          () -> c.await(Wait.healthy(), Duration.ofSeconds(1)));
      assertEquals(who(c) + " must be healthy within 1s: last health status unhealthy, last check exit code 1, "
          + "output \"not ready\"", e.getMessage());
      assertEquals(Duration.ofSeconds(1), e.timeout());
      assertEquals(OptionalInt.empty(), e.exitCode());
    }
  }

  @Test
  void healthyWithoutAHealthCheckFailsAtOnce() {
    try (RunningContainer c = launcher.launch(busybox("sleep", "60").build())) {
      WaitException e = atOnce(WaitException.class, () -> c.await(Wait.healthy(), T));
      assertFalse(e instanceof WaitTimeoutException);
      assertEquals(who(c) + " has no health check to wait for: none in the spec or the image (set "
          + "SecureContainerSpec.Builder.healthCheck, or use an image with a HEALTHCHECK)", e.getMessage());
    }
  }

  @Test
  void aContainerThatDiesWhileAwaitedHealthyFailsAtOnceNamingItsExitCode() {
    // the first check would run after 30 s (Docker's default interval): none has finished
    try (RunningContainer c = launcher.launch(busybox("sh", "-c", "sleep 1; exit 3")
        .healthCheck(HealthCheck.shell("true")).build())) {
      WaitException e = atOnce(WaitException.class, () -> c.await(Wait.healthy(), T));
      // the engine marks a stopped container's health: the message shows what it says
      String status = c.healthStatus().orElseThrow();
      assertEquals(who(c) + " exited with code 3 before it was healthy: last health status " + status + ", "
          + "no check finished yet", e.getMessage());
      assertEquals(OptionalInt.of(3), e.exitCode());
    }
  }

  // ---------------------------------------------------------------- log line

  @Test
  void logLineWaitsForAMatchingLineOnEitherStream() {
    Set<Thread> before = StreamThreads.alive();
    try (RunningContainer c = launcher.launch(busybox("sh", "-c",
        "echo booting; sleep 1; echo 'listening on 8080' >&2; sleep 60").build())) {
      c.await(Wait.logLine(Pattern.compile("listening on \\d+")), T);
      // a line printed before the wait began counts too
      c.await(Wait.logLine(Pattern.compile("^booting$")), T);
    }
    assertEquals(Set.of(), StreamThreads.since(before), "docker-java stream threads left");
  }

  @Test
  void logLineTimesOutWithTheLastLinesSeen() {
    try (RunningContainer c = launcher.launch(busybox("sh", "-c",
        "for i in 1 2 3 4 5 6; do echo line $i; done; sleep 1; echo 'oops \"quoted\"' >&2; sleep 60").build())) {
      c.await(Wait.logLine(Pattern.compile("oops")), T);
      WaitTimeoutException e = assertThrows(WaitTimeoutException.class,
          () -> c.await(Wait.logLine(Pattern.compile("ready")), Duration.ofMillis(1500)));
      assertEquals(who(c) + " must print a line matching \"ready\" within 1.5s: last lines seen [stdout \"line 3\", "
          + "stdout \"line 4\", stdout \"line 5\", stdout \"line 6\", stderr \"oops \\\"quoted\\\"\"]", e.getMessage());
    }
    try (RunningContainer quiet = launcher.launch(busybox("sleep", "60").build())) {
      WaitTimeoutException e = assertThrows(WaitTimeoutException.class,
          () -> quiet.await(Wait.logLine(Pattern.compile("ready")), Duration.ofSeconds(1)));
      assertEquals(who(quiet) + " must print a line matching \"ready\" within 1s: no line seen", e.getMessage());
    }
  }

  @Test
  void aContainerThatDiesWhileAwaitedForALineFailsAtOnceNamingItsExitCode() {
    try (RunningContainer c = launcher.launch(busybox("sh", "-c", "echo starting; sleep 1; exit 4").build())) {
      WaitException e = atOnce(WaitException.class, () -> c.await(Wait.logLine(Pattern.compile("ready")), T));
      assertEquals(who(c) + " exited with code 4 before it printed a line matching \"ready\": last lines seen "
          + "[stdout \"starting\"]", e.getMessage());
      assertEquals(OptionalInt.of(4), e.exitCode());
    }
  }

  // ---------------------------------------------------------------- port

  @Test
  void portAcceptsWaitsForTheServerInsideNotTheEnginesProxy() {
    // the engine's proxy accepts on the host port at once; httpd starts listening 2 s later
    try (RunningContainer c = launcher.launch(PublishedPortsIT.httpd().command("sh", "-c",
        "sleep 2; echo hi > /tmp/index.html; exec httpd -f -p 8080 -h /tmp").build())) {
      long t0 = System.nanoTime();
      c.await(Wait.portAccepts(8080), T);
      assertTrue(Duration.ofNanos(System.nanoTime() - t0).toMillis() > 1000, "accepted before httpd listened");
      assertEquals("hi\n", PublishedPortsIT.get(c.hostPort(8080)));
    }
  }

  @Test
  void portAcceptsTimesOutWithTheLastConnectError() {
    try (RunningContainer c = launcher.launch(PublishedPortsIT.httpd().command("sleep", "60").build())) {
      int port = c.hostPort(8080);
      WaitTimeoutException e = assertThrows(WaitTimeoutException.class,
          () -> c.await(Wait.portAccepts(8080), Duration.ofSeconds(1)));
      assertEquals(who(c) + " port 8080/tcp must accept a connection on 127.0.0.1:" + port + " within 1s: "
          + "last attempt: connection closed at once (the engine's proxy found nothing listening in the container)",
          e.getMessage());
    }
  }

  @Test
  void aContainerThatDiesWhileAwaitedForAPortFailsAtOnceNamingItsExitCode() {
    try (RunningContainer c = launcher.launch(PublishedPortsIT.httpd().command("sh", "-c", "sleep 3; exit 5")
        .build())) {
      int port = c.hostPort(8080);
      WaitException e = atOnce(WaitException.class, () -> c.await(Wait.portAccepts(8080), T));
      String prefix = who(c) + " exited with code 5 before port 8080/tcp accepted a connection on 127.0.0.1:" + port
          + ": last attempt: ";
      // the last attempt met the engine's proxy, or (when the container had just exited) no proxy any more
      assertTrue(e.getMessage().equals(prefix + "connection closed at once (the engine's proxy found nothing "
          + "listening in the container)") || e.getMessage().equals(prefix + "Connection refused"), e.getMessage());
      assertEquals(OptionalInt.of(5), e.exitCode());
    }
  }

  @Test
  void portAcceptsOnAPortTheSpecDoesNotPublishIsRefused() {
    try (RunningContainer c = launcher.launch(busybox("sleep", "60").build())) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> c.await(Wait.portAccepts(8080), T));
      assertEquals("container port must be published: 8080/tcp (published: none; "
          + "add PortBinding.localhost(0, 8080) to the spec)", e.getMessage());
    }
  }

  // ---------------------------------------------------------------- http

  @Test
  void httpWaitsForTheStatusNotForThePort() {
    // httpd listens at once but serves the page only after 2 s: the port accepts, the answer is 404 until then
    try (RunningContainer c = launcher.launch(PublishedPortsIT.httpd().command("sh", "-c",
        "(sleep 2; echo ready > /tmp/health) & exec httpd -f -p 8080 -h /tmp").build())) {
      c.await(Wait.portAccepts(8080), T);
      long t0 = System.nanoTime();
      c.await(Wait.http(8080, "/health"), T);
      assertTrue(Duration.ofNanos(System.nanoTime() - t0).toMillis() > 500, "answered 200 before the page existed");
      // several statuses: any of them will do
      c.await(Wait.http(8080, "/nope", 200, 404), T);
    }
  }

  @Test
  void httpTimesOutWithTheLastStatusAndTheStartOfTheBody() {
    try (RunningContainer c = launcher.launch(PublishedPortsIT.httpd().build())) {
      int port = c.hostPort(8080);
      WaitTimeoutException e = assertThrows(WaitTimeoutException.class,
          () -> c.await(Wait.http(8080, "/nope"), Duration.ofSeconds(1)));
      assertEquals(who(c) + " port 8080/tcp must answer GET /nope with status 200 on 127.0.0.1:" + port + " within 1s: "
          + "last answer: status 404 Not Found, body \"<HTML><HEAD><TITLE>404 Not Found</TITLE></HEAD>\\n<BODY><H1>404 "
          + "Not Found</H1>\\nThe requested URL was not found\\n</BODY></HTML>\"", e.getMessage());
      assertEquals(OptionalInt.empty(), e.exitCode());
    }
    try (RunningContainer quiet = launcher.launch(PublishedPortsIT.httpd().command("sleep", "60").build())) {
      int port = quiet.hostPort(8080);
      WaitTimeoutException e = assertThrows(WaitTimeoutException.class,
          () -> quiet.await(Wait.http(8080, "/", 204, 200), Duration.ofSeconds(1)));
      assertEquals(who(quiet) + " port 8080/tcp must answer GET / with status 200 or 204 on 127.0.0.1:" + port
          + " within 1s: last attempt: connection closed without an answer (the engine's proxy found nothing "
          + "listening in the container)", e.getMessage());
    }
  }

  @Test
  void aContainerThatDiesWhileAwaitedForAnAnswerFailsAtOnceNamingItsExitCode() {
    try (RunningContainer c = launcher.launch(PublishedPortsIT.httpd().command("sh", "-c", "sleep 2; exit 6")
        .build())) {
      int port = c.hostPort(8080);
      WaitException e = atOnce(WaitException.class, () -> c.await(Wait.http(8080, "/"), T));
      assertTrue(e.getMessage().startsWith(who(c) + " exited with code 6 before port 8080/tcp answered GET / on "
          + "127.0.0.1:" + port + ": last attempt: "), e.getMessage());
      assertEquals(OptionalInt.of(6), e.exitCode());
    }
  }

  // ---------------------------------------------------------------- command

  @Test
  void commandSucceedsWaitsForExitCodeZeroInside() {
    try (RunningContainer c = launcher.launch(busybox("sh", "-c", "sleep 1; touch /tmp/ready; sleep 60").build())) {
      long t0 = System.nanoTime();
      c.await(Wait.commandSucceeds("test", "-f", "/tmp/ready"), T);
      assertTrue(Duration.ofNanos(System.nanoTime() - t0).toMillis() > 300, "succeeded before the file existed");
      assertEquals(0, c.exec("test", "-f", "/tmp/ready").exitCode());
      // as another user, with the caller's own exec settings
      c.await(Wait.commandSucceeds(ExecSpec.builder().command("sh", "-c", "test \"$(id -u)\" = 1000")
          .user("1000").build()), T);
    }
  }

  @Test
  void commandTimesOutWithTheLastExitCodeAndOutput() {
    try (RunningContainer c = launcher.launch(busybox("sleep", "60").build())) {
      WaitTimeoutException e = assertThrows(WaitTimeoutException.class, () -> c.await(
          Wait.commandSucceeds("sh", "-c", "echo not yet; echo 'no \"db\"' >&2; exit 3"), Duration.ofSeconds(1)));
      assertEquals(who(c) + " command [\"sh\", \"-c\", \"echo not yet; echo 'no \\\"db\\\"' >&2; exit 3\"] must "
          + "succeed within 1s: last exit code 3, stdout \"not yet\", stderr \"no \\\"db\\\"\"", e.getMessage());
      // an attempt that outlives the deadline is cut there and said so
      WaitTimeoutException slow = assertThrows(WaitTimeoutException.class, () -> c.await(
          Wait.commandSucceeds("sh", "-c", "echo started; sleep 30"), Duration.ofSeconds(1)));
      assertTrue(slow.getMessage().startsWith(who(c) + " command [\"sh\", \"-c\", \"echo started; sleep 30\"] must "
          + "succeed within 1s: last attempt still running after "), slow.getMessage());
      assertTrue(slow.getMessage().endsWith(", stdout \"started\", stderr \"\""), slow.getMessage());
    }
  }

  @Test
  void aContainerThatDiesWhileAwaitedForACommandFailsAtOnceNamingItsExitCode() {
    try (RunningContainer c = launcher.launch(busybox("sh", "-c", "sleep 2; exit 8").build())) {
      WaitException e = atOnce(WaitException.class, () -> c.await(Wait.commandSucceeds("false"), T));
      // the last attempt exited 1, was killed with the container (137), or met it stopped (126, the runtime's words)
      assertTrue(e.getMessage().startsWith(who(c) + " exited with code 8 before command [\"false\"] succeeded: last "
          + "exit code "), e.getMessage());
      assertEquals(OptionalInt.of(8), e.exitCode());
    }
  }

  // ---------------------------------------------------------------- exit

  @Test
  void exitedWaitsForTheExitAndTimesOutWithTheState() {
    try (RunningContainer c = launcher.launch(busybox("sleep", "60").build())) {
      WaitTimeoutException e = assertThrows(WaitTimeoutException.class,
          () -> c.await(Wait.exited(), Duration.ofMillis(500)));
      assertEquals(who(c) + " must exit within 500ms: state running", e.getMessage());
    }
    try (RunningContainer c = launcher.launch(busybox("sh", "-c", "sleep 1; exit 7").build())) {
      c.await(Wait.exited(), T);
      assertFalse(c.isRunning());
      assertEquals(7, c.awaitExit(T).getAsInt());
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
