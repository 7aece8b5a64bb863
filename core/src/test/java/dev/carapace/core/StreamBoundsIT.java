package dev.carapace.core;

import static dev.carapace.core.testing.TestEngine.busybox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import dev.carapace.core.internal.engine.DockerClients;
import dev.carapace.core.testing.TestEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every read from the engine is bounded, against the real engine: a 2 GiB exec output and a
 * 100,000,000-byte single line are read in a child JVM of 64 MiB of heap ({@link StreamBoundsChild});
 * a follow consumer that throws ends its thread and is logged; a stream nobody reads holds at most
 * its byte capacity and its thread ends with its container or its launcher; names the engine would
 * take at any length are refused before it.
 */
class StreamBoundsIT {
  private static final Duration T = Duration.ofSeconds(30);
  private static ContainerLauncher launcher;
  private static DockerClient docker;

  @BeforeAll
  static void connect() {
    launcher = TestEngine.launcher();
    docker = DockerClients.connect(TestEngine.endpoint());
  }

  @AfterAll
  static void close() throws IOException {
    launcher.close();
    docker.close();
  }

  /** What a child printed, and how long it took. */
  private record ChildRun(int exit, String output, long millis) {
    long number(String regex) {
      Matcher m = Pattern.compile(regex).matcher(output);
      assertTrue(m.find(), regex + " not in:\n" + output);
      return Long.parseLong(m.group(1));
    }
  }

  /** Runs {@link StreamBoundsChild} {@code mode} with {@code -Xmx64m}; removes what it left if it failed. */
  private static ChildRun child(String mode, long timeoutSeconds) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx64m", "-cp", System.getProperty("java.class.path"),
        "-Dcarapace.docker.host=" + System.getProperty("carapace.docker.host", ""),
        StreamBoundsChild.class.getName(), mode));
    java.io.File log = java.io.File.createTempFile("stream-bounds-" + mode, ".log");
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    String output;
    try {
      boolean ended = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
      if (!ended) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      output = java.nio.file.Files.readString(log.toPath(), StandardCharsets.UTF_8);
      assertTrue(ended, "child " + mode + " did not end within " + timeoutSeconds + " s:\n" + output);
    } finally {
      output = java.nio.file.Files.readString(log.toPath(), StandardCharsets.UTF_8);
      Matcher m = Pattern.compile("launcher (\\S+)").matcher(output);
      if (m.find()) {
        docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(OwnerLabels.LAUNCHER, m.group(1))).exec()
            .forEach(c -> docker.removeContainerCmd(c.getId()).withForce(true).exec());
      }
      log.delete();
    }
    return new ChildRun(p.exitValue(), output, (System.nanoTime() - t0) / 1_000_000);
  }

  @Test
  void aTwoGibibyteExecOutputKeepsOneMebibyteInASixtyFourMebibyteHeap() throws Exception {
    ChildRun run = child("exec-2g", 900);
    assertEquals(0, run.exit(), run.output());
    assertTrue(run.output().contains("exec-2g exit 0 stdout 1048576 truncated true"), run.output());
    assertTrue(run.number("peakHeapMiB (\\d+)") <= 64, run.output());
    System.out.println("exec-2g child (-Xmx64m) took " + run.millis() + " ms: " + run.output());
  }

  @Test
  void aHundredMegabyteSingleLineIsBoundedInEveryRead() throws Exception {
    ChildRun run = child("line-100m", 900);
    assertEquals(0, run.exit(), run.output());
    String out = run.output();
    assertTrue(out.contains("run exit 0 stdout 1048576 truncated true"), out);
    assertTrue(out.contains("exec exit 0 stdout 1048576 truncated true"), out);
    assertTrue(out.contains("logs stdout 1048576 truncated true"), out);
    // the line comes whole, in pieces of at most 1 MiB: 95 of 1 MiB and the rest, every time (engine 20.10's follow
    // leaves out its last entry of 8,448 bytes, which the re-read at the end brings: LogStreamIT)
    java.util.regex.Matcher streamed = Pattern.compile("streamLogs pieces (\\d+) chars (\\d+) longest (\\d+)").matcher(out);
    assertTrue(streamed.find(), out);
    System.out.println("StreamBoundsIT: streamLogs of the 100,000,000-byte line: " + streamed.group(2) + " characters in "
        + streamed.group(1) + " pieces, longest " + streamed.group(3));
    assertTrue(out.contains("streamLogs pieces 96 chars 100000000 longest 1048576"), out);
    assertTrue(run.number("maxBufferedBytes (\\d+)") <= LogStream.DEFAULT_BYTE_CAPACITY, out);
    assertTrue(out.contains("followLogs pieces 96 chars 100000000 longest 1048576 ended true"), out);
    System.out.println("line-100m child (-Xmx64m) took " + run.millis() + " ms: " + out);
  }

  @Test
  void aConsumerThatThrowsEndsTheFollowAndItsThreadAndIsLoggedAtWarn() throws Exception {
    ChildRun run = child("throwing", 120);
    assertEquals(0, run.exit(), run.output());
    String out = run.output();
    assertTrue(out.contains("throwing ended true threadsLeft 0"), out);
    assertTrue(out.contains("throwing rethrown consumer failed at 3"), out);
    assertTrue(Pattern.compile("WARN dev\\.carapace\\.core\\.LogSubscription - log consumer of container [0-9a-f]{12} "
        + "threw java\\.lang\\.IllegalStateException: consumer failed at 3: following stopped, awaitEnd\\(\\) "
        + "rethrows it").matcher(out).find(), out);
  }

  /** Lines of 100 KiB as fast as the container can: the byte bound is reached long before the line bound. */
  private static final String WIDE_LINES = "while true; do head -c 102400 /dev/zero | tr '\\0' y; echo; done";

  /** Waits until {@code logs} holds nothing more for a second (its reader is blocked on the bound). */
  private static void awaitFull(LogStream logs) throws InterruptedException {
    long end = System.nanoTime() + T.toNanos();
    long last = -1;
    while (System.nanoTime() < end) {
      long now = logs.bufferedBytes();
      if (now == last && now > 0) {
        return;
      }
      last = now;
      Thread.sleep(1000);
    }
    throw new AssertionError("buffer did not settle: " + logs.bufferedBytes());
  }

  @Test
  void anUnreadStreamIsBoundedInBytesAndItsThreadEndsWithItsContainer() throws Exception {
    Set<Thread> before = StreamThreads.alive();
    LogStream logs;
    try (RunningContainer c = launcher.launch(busybox("sh", "-c", WIDE_LINES).build())) {
      logs = c.streamLogs();
      awaitFull(logs);
      assertTrue(logs.bufferedBytes() <= 4 << 20, "buffered bytes " + logs.bufferedBytes());
      assertTrue(logs.bufferedBytes() > 3 << 20, "buffered bytes " + logs.bufferedBytes());
      assertTrue(logs.buffered() < logs.capacity(), "the byte bound stops it, not the line bound: " + logs.buffered());
      assertEquals(40, logs.buffered(), "40 lines of 100 KiB fill 4 MiB");
      Set<Thread> reading = StreamThreads.since(before);
      assertEquals(1, reading.size(), "one docker-java thread reads the stream: " + reading);
    }
    // the container is closed, the stream never was
    assertEquals(Set.of(), StreamThreads.since(before), "docker-java stream threads left after the container's close");
    assertTrue(logs.ended());
  }

  @Test
  void anUnreadSubscriptionAndStreamEndWithTheirLauncher() throws Exception {
    Set<Thread> before = StreamThreads.alive();
    ContainerLauncher own = TestEngine.launcher();
    LogStream logs;
    LogSubscription blocked;
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    try {
      RunningContainer c = own.launch(busybox("sh", "-c", WIDE_LINES).build());
      logs = c.streamLogs();
      // a consumer stuck in its first line (until interrupted): the reading thread waits in it
      blocked = c.followLogs(l -> {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      awaitFull(logs);
      assertEquals(2, StreamThreads.since(before).size(), "two docker-java threads read: " + StreamThreads.since(before));
    } finally {
      long t0 = System.nanoTime();
      own.close();
      System.out.println("launcher closed with an unread stream and a stuck consumer in "
          + (System.nanoTime() - t0) / 1_000_000 + " ms");
      release.countDown();
    }
    assertEquals(Set.of(), StreamThreads.since(before), "docker-java stream threads left after the launcher's close");
    assertTrue(logs.ended());
    assertTrue(blocked.ended());
  }

  @Test
  void aMillionCharacterNetworkOrContainerNameIsRefusedBeforeTheEngine() {
    String huge = "n".repeat(1_000_000);
    long t0 = System.nanoTime();
    IllegalArgumentException net = assertThrows(IllegalArgumentException.class, () -> NetworkSpec.of(huge));
    assertEquals("network name must be at most 128 characters: 1000000 (nnnnnnnnnnnnnnnnnnnn...)", net.getMessage());
    IllegalArgumentException mode = assertThrows(IllegalArgumentException.class, () -> NetworkMode.named(huge));
    assertEquals("network name must be at most 128 characters: 1000000 (nnnnnnnnnnnnnnnnnnnn...)", mode.getMessage());
    InvalidSpecException name = assertThrows(InvalidSpecException.class, () -> busybox("true").name(huge).build());
    assertEquals(List.of("name must be at most 128 characters: 1000000 (nnnnnnnnnnnnnnnnnnnn...)"), name.problems());
    // a bound against work growing faster than the name (a linear check takes milliseconds), not a speed claim
    assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos(), "refused fast");
  }

  @Test
  void namesOfOneHundredTwentyEightCharactersAreTakenByTheEngine() {
    String net = "n" + Long.toHexString(System.nanoTime()) + "-";
    net = net + "a".repeat(128 - net.length());
    String name = "c" + Long.toHexString(System.nanoTime()) + "-";
    name = name + "b".repeat(128 - name.length());
    try (ContainerNetwork n = launcher.createNetwork(NetworkSpec.of(net));
        RunningContainer c = launcher.launch(busybox("sleep", "30").name(name).network(n.mode()).build())) {
      assertEquals("/" + name, docker.inspectContainerCmd(c.id()).exec().getName());
      assertEquals(net, docker.inspectNetworkCmd().withNetworkId(n.id()).exec().getName());
    }
  }
}
