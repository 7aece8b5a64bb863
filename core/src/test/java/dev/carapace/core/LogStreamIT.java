package dev.carapace.core;

import static dev.carapace.core.testing.TestEngine.busybox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.testing.TestEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Following a container's output line by line, against the real engine; no thread left after close. */
class LogStreamIT {
  private static final Duration T = Duration.ofSeconds(30);
  private static ContainerLauncher launcher;

  @BeforeAll
  static void connect() {
    launcher = TestEngine.launcher();
  }

  @AfterAll
  static void close() {
    launcher.close();
  }

  private static List<String> expected(String prefix, int n) {
    return IntStream.rangeClosed(1, n).mapToObj(i -> prefix + " " + i).collect(Collectors.toList());
  }

  /** Reads {@code logs} to its end; fails when it does not end within the test's time. */
  private static List<LogLine> drain(LogStream logs) {
    List<LogLine> lines = new ArrayList<>();
    long end = System.nanoTime() + T.toNanos();
    while (!logs.ended()) {
      assertTrue(System.nanoTime() < end, "stream did not end; read " + lines.size());
      logs.next(Duration.ofSeconds(1)).ifPresent(lines::add);
    }
    return lines;
  }

  private static List<String> texts(List<LogLine> lines, LogLine.Stream stream) {
    return lines.stream().filter(l -> l.stream() == stream).map(LogLine::text).collect(Collectors.toList());
  }

  @Test
  void streamsEveryLineInOrderAsItComesStdoutAndStderrApart() {
    Set<Thread> before = StreamThreads.alive();
    // 20 lines each on stdout and stderr, slowly
    try (RunningContainer c = launcher.launch(busybox("sh", "-c",
        "i=1; while [ $i -le 20 ]; do echo out $i; echo err $i >&2; i=$((i+1)); sleep 0.1; done")
        .build());
        LogStream logs = c.streamLogs()) {
      // the engine copies stdout and stderr apart: which comes first is not fixed
      Optional<LogLine> first = logs.next(T);
      assertTrue(first.equals(Optional.of(new LogLine(LogLine.Stream.STDOUT, "out 1")))
          || first.equals(Optional.of(new LogLine(LogLine.Stream.STDERR, "err 1"))), first.toString());
      List<LogLine> lines = new ArrayList<>(List.of(first.get()));
      lines.addAll(drain(logs));
      assertEquals(expected("out", 20), texts(lines, LogLine.Stream.STDOUT));
      assertEquals(expected("err", 20), texts(lines, LogLine.Stream.STDERR));
      assertEquals(Optional.empty(), logs.next(Duration.ZERO));
    }
    assertEquals(Set.of(), StreamThreads.since(before), "docker-java stream threads left");
  }

  @Test
  void aLineWrittenInPiecesOrLongerThanAFrameChunkIsOneLine() {
    String long5000 = "x".repeat(5000);
    try (RunningContainer c = launcher.launch(busybox("sh", "-c",
        "printf par; sleep 0.5; printf 'tial\\r\\n'; printf '%5000s\\n' | tr ' ' x; echo done").build());
        LogStream logs = c.streamLogs()) {
      assertEquals(List.of("partial", long5000, "done"), texts(drain(logs), LogLine.Stream.STDOUT));
    }
  }

  @Test
  void closeStopsFollowingAQuietContainerAndLeavesNoThread() {
    try (RunningContainer c = launcher.launch(busybox("sleep", "60").build())) {
      Set<Thread> before = StreamThreads.alive();
      LogStream logs = c.streamLogs();
      assertEquals(Optional.empty(), logs.next(Duration.ofMillis(500)));
      Set<Thread> reading = StreamThreads.since(before);
      assertEquals(1, reading.size(), "one docker-java thread reads the stream: " + reading);
      logs.close();
      assertFalse(reading.iterator().next().isAlive(), "reading thread still alive after close");
      assertTrue(logs.ended());
      assertEquals(Optional.empty(), logs.next(Duration.ZERO));
      assertTrue(c.isRunning(), "closing the stream leaves the container alone");
    }
  }

  @Test
  void closeStopsACallbackOnAChattyContainerAndLeavesNoThread() throws Exception {
    try (RunningContainer c = launcher.launch(busybox("sh", "-c",
        "i=0; while true; do i=$((i+1)); echo line $i; sleep 0.05; done").build())) {
      Set<Thread> before = StreamThreads.alive();
      List<LogLine> seen = new CopyOnWriteArrayList<>();
      LogSubscription s = c.followLogs(seen::add);
      long end = System.nanoTime() + T.toNanos();
      while (seen.size() < 5) {
        assertTrue(System.nanoTime() < end, "lines did not come: " + seen);
        Thread.sleep(50);
      }
      Set<Thread> reading = StreamThreads.since(before);
      assertEquals(1, reading.size(), "one docker-java thread reads the stream: " + reading);
      s.close();
      assertFalse(reading.iterator().next().isAlive(), "reading thread still alive after close");
      int after = seen.size();
      Thread.sleep(500);
      assertEquals(after, seen.size(), "lines handed on after close");
      assertEquals(expected("line", after), texts(seen, LogLine.Stream.STDOUT));
      assertTrue(s.ended());
    }
  }

  @Test
  void aSlowReaderSlowsTheReadingAndTheBufferStaysBounded() {
    int n = 20000;
    try (RunningContainer c = launcher.launch(busybox("seq", "1", String.valueOf(n)).build());
        LogStream logs = c.streamLogs()) {
      assertEquals(1024, logs.capacity());
      List<String> read = new ArrayList<>();
      int maxBuffered = 0;
      // slow at first: the container is done long before the reader, whose buffer stays bounded
      for (int i = 0; i < 5; i++) {
        read.add(logs.next(T).orElseThrow().text());
        sleep(300);
        maxBuffered = Math.max(maxBuffered, logs.buffered());
      }
      assertEquals(1024, maxBuffered, "the buffer fills to its capacity and no further");
      assertFalse(logs.ended());
      for (LogLine l : drain(logs)) {
        read.add(l.text());
        maxBuffered = Math.max(maxBuffered, logs.buffered());
      }
      assertTrue(maxBuffered <= 1024, "buffered " + maxBuffered);
      assertEquals(IntStream.rangeClosed(1, n).mapToObj(String::valueOf).collect(Collectors.toList()), read);
    }
  }

  @Test
  void aSlowConsumerGetsEveryLineInOrder() {
    int n = 3000;
    Set<Thread> before = StreamThreads.alive();
    try (RunningContainer c = launcher.launch(busybox("seq", "1", String.valueOf(n)).build())) {
      List<String> read = Collections.synchronizedList(new ArrayList<>());
      try (LogSubscription s = c.followLogs(l -> {
        read.add(l.text());
        if (read.size() % 500 == 0) {
          sleep(200);
        }
      })) {
        assertTrue(s.awaitEnd(T), "output ended");
      }
      assertEquals(IntStream.rangeClosed(1, n).mapToObj(String::valueOf).collect(Collectors.toList()), read);
    }
    assertEquals(Set.of(), StreamThreads.since(before), "docker-java stream threads left");
  }

  @Test
  void aConsumerThatThrowsStopsTheFollowingAndItsExceptionComesBack() {
    try (RunningContainer c = launcher.launch(busybox("seq", "1", "100").build());
        LogSubscription s = c.followLogs(l -> {
          if (l.text().equals("3")) {
            throw new IllegalStateException("consumer failed at 3");
          }
        })) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.awaitEnd(T));
      assertEquals("consumer failed at 3", e.getMessage());
    }
  }

  @Test
  void aLogDriverThatKeepsNothingFailsTheStreamNamingTheDaemonsWords() {
    try (RunningContainer c = launcher.launch(busybox("sleep", "30").logConfig(LogConfig.none()).build());
        LogStream logs = c.streamLogs()) {
      ContainerOperationException e = assertThrows(ContainerOperationException.class, () -> logs.next(T));
      assertEquals(ContainerOperationException.Step.LOGS, e.step());
      assertEquals("logs of " + TestEngine.BUSYBOX + " (container " + c.id().substring(0, 12) + ") failed: "
          + "daemon said: configured logging driver does not support reading", e.getMessage());
    }
  }

  /*
   * The end of a followed log. Engine 20.10's follow drops, in some runs, what the container wrote last,
   * at its exit: the rest of a line left unfinished, which the json-file copier writes as one last entry
   * (moby/moby#43860; measured with curl on this engine, the follow of a 3,000,000-byte unfinished line
   * got 2,998,272 bytes in 2 runs of 3: 183 entries of 16 KiB, without the last one of 1,728). The streams
   * must bring it every time, whether their reader kept up or fell behind: several rounds each, since the
   * engine's drop is a race (before the fix, 4, 3 and 5 rounds of 6 lost it in the three tests below).
   */
  private static final int ROUNDS = 6;
  /** 3,000,000 bytes of {@code x}, no newline, once the follow is open (a follow of an exited container is whole). */
  private static final String THREE_MB_LINE = "sleep 1; head -c 3000000 /dev/zero | tr '\\0' x";
  private static final List<Integer> THREE_MB_PIECES = List.of(1_048_576, 1_048_576, 3_000_000 - 2 * 1_048_576);

  /** What {@code read} got of a container running {@code command}, in each of {@link #ROUNDS} rounds. */
  private static <T> List<T> rounds(String command, java.util.function.Function<RunningContainer, T> read) {
    List<T> rounds = new ArrayList<>();
    for (int i = 0; i < ROUNDS; i++) {
      try (RunningContainer c = launcher.launch(busybox("sh", "-c", command).build())) {
        rounds.add(read.apply(c));
      }
    }
    return rounds;
  }

  @Test
  void anUnfinishedLineOfThreeMillionBytesComesWholeThroughStreamLogsEveryTime() {
    List<List<Integer>> rounds = rounds(THREE_MB_LINE, c -> {
      try (LogStream logs = c.streamLogs()) {
        return drain(logs).stream().map(l -> l.text().length()).collect(Collectors.toList());
      }
    });
    System.out.println("LogStreamIT streamLogs pieces per round: " + rounds);
    assertEquals(Collections.nCopies(ROUNDS, THREE_MB_PIECES), rounds);
  }

  @Test
  void anUnfinishedLineOfThreeMillionBytesComesWholeThroughFollowLogsEveryTime() {
    List<List<Integer>> rounds = rounds(THREE_MB_LINE, c -> {
      List<Integer> lengths = new CopyOnWriteArrayList<>();
      try (LogSubscription s = c.followLogs(l -> lengths.add(l.text().length()))) {
        assertTrue(s.awaitEnd(T), "follow did not end; read " + lengths);
        return List.copyOf(lengths);
      }
    });
    System.out.println("LogStreamIT followLogs pieces per round: " + rounds);
    assertEquals(Collections.nCopies(ROUNDS, THREE_MB_PIECES), rounds);
  }

  @Test
  void aShortUnfinishedLastLineComesAfterTheOthersEveryTime() {
    List<List<String>> rounds = rounds("sleep 1; echo first; echo second; printf last", c -> {
      try (LogStream logs = c.streamLogs()) {
        return texts(drain(logs), LogLine.Stream.STDOUT);
      }
    });
    System.out.println("LogStreamIT short lines per round: " + rounds);
    assertEquals(Collections.nCopies(ROUNDS, List.of("first", "second", "last")), rounds);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
