package dev.carapace.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link LogStream}'s buffer: bounded in lines and in bytes, released by close; no engine. */
class LogStreamBoundsTest {
  private static final RuntimeException NEVER = new IllegalStateException("no failure expected");

  private static LogLine out(String text) {
    return new LogLine(LogLine.Stream.STDOUT, text);
  }

  /** Puts {@code lines} on a thread of its own, as docker-java's reading thread would. */
  private static Thread producer(LogStream stream, List<LogLine> lines) {
    LogFollower.Sink sink = stream.sink();
    Thread t = new Thread(() -> {
      try {
        for (LogLine l : lines) {
          sink.lines(List.of(l));
        }
        sink.end(null);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "producer");
    t.start();
    return t;
  }

  private static void awaitBlocked(Thread t) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (t.getState() != Thread.State.WAITING && t.isAlive()) {
      assertTrue(System.nanoTime() < end, "producer never blocked");
      Thread.sleep(5);
    }
  }

  @Test
  void theByteBoundStopsTheReadingBeforeTheLineBound() throws Exception {
    LogStream stream = new LogStream(1024, 4L << 20, t -> NEVER);
    String kib100 = "y".repeat(100 * 1024);
    Thread t = producer(stream, java.util.Collections.nCopies(100, out(kib100)));
    awaitBlocked(t);
    assertEquals(40, stream.buffered(), "40 lines of 100 KiB fit in 4 MiB, the 41st waits");
    assertEquals(40L * 100 * 1024, stream.bufferedBytes());
    assertEquals(4L << 20, stream.byteCapacity());
    // taking one makes room for one
    assertEquals(Optional.of(out(kib100)), stream.next(Duration.ZERO));
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (stream.buffered() < 40) {
      assertTrue(System.nanoTime() < end, "the room made was not taken: " + stream.buffered());
      Thread.sleep(5);
    }
    awaitBlocked(t);
    assertEquals(40, stream.buffered());
    // everything still comes, in order, and the bound holds all along
    int taken = 1;
    while (!stream.ended()) {
      assertTrue(stream.bufferedBytes() <= stream.byteCapacity());
      if (stream.next(Duration.ofSeconds(5)).isPresent()) {
        taken++;
      }
    }
    assertEquals(100, taken);
    assertEquals(0, stream.bufferedBytes());
    t.join(5000);
  }

  @Test
  void theLineBoundStillHoldsForShortLines() throws Exception {
    LogStream stream = new LogStream(1024, 4L << 20, t -> NEVER);
    Thread t = producer(stream, java.util.Collections.nCopies(2000, out("x")));
    awaitBlocked(t);
    assertEquals(1024, stream.buffered());
    assertEquals(1024, stream.bufferedBytes());
    stream.close();
    t.join(5000);
    assertFalse(t.isAlive(), "close releases a reading thread blocked on a full buffer");
  }

  @Test
  void aLineOfTheLongestSizeAlwaysFitsAnEmptyBuffer() throws Exception {
    LogStream stream = new LogStream(1024, LogFollower.MAX_LINE_BYTES, t -> NEVER);
    String longest = "z".repeat(LogFollower.MAX_LINE_BYTES);
    Thread t = producer(stream, List.of(out(longest), out(longest), out("end")));
    awaitBlocked(t);
    assertEquals(1, stream.buffered());
    assertEquals(longest, stream.next(Duration.ZERO).orElseThrow().text());
    assertEquals(longest, stream.next(Duration.ofSeconds(5)).orElseThrow().text());
    assertEquals("end", stream.next(Duration.ofSeconds(5)).orElseThrow().text());
    t.join(5000);
  }

  @Test
  void bytesAreCountedAsUtf8() {
    assertEquals(0, LogStream.utf8Length(""));
    assertEquals(3, LogStream.utf8Length("abc"));
    assertEquals(2, LogStream.utf8Length("\u00e9"));
    assertEquals(3, LogStream.utf8Length("\u20ac"));
    assertEquals(4, LogStream.utf8Length("\ud83d\ude00"));
    assertEquals(3, LogStream.utf8Length("\ud83d"), "a lone surrogate is written as a replacement character");
    for (String s : List.of("plain", "caf\u00e9 \u20ac \ud83d\ude00", "\ufffd\ufffd")) {
      assertEquals(s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, LogStream.utf8Length(s), s);
    }
  }

  @Test
  void closeRunsItsHookOnceAndEmptiesTheBuffer() {
    LogStream stream = new LogStream(4, 4L << 20, t -> NEVER);
    AtomicInteger forgotten = new AtomicInteger();
    stream.onClose(forgotten::incrementAndGet);
    stream.close();
    stream.close();
    assertEquals(1, forgotten.get());
    assertTrue(stream.ended());
    assertEquals(0, stream.bufferedBytes());
  }

  @Test
  void aByteCapacityBelowTheLongestLineIsRefused() {
    assertEquals("log stream byte capacity must be at least 1048576 (one line of the longest): 1024",
        assertThrows(IllegalArgumentException.class, () -> new LogStream(4, 1024, t -> NEVER)).getMessage());
  }
}
