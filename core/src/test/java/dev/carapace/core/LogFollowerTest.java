package dev.carapace.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Cutting docker-java's frames into lines: no engine, the frames as docker-java hands them on. The
 * engine's log is every frame the follow was sent; a catch-up read, when the output ends, reads it
 * again.
 */
class LogFollowerTest {
  private final List<LogLine> lines = new ArrayList<>();
  private final List<Throwable> ends = new ArrayList<>();
  /** What the engine keeps: the frames sent to the follow. */
  private final List<Frame> log = new ArrayList<>();
  private final LogFollower follower = new LogFollower(new LogFollower.Sink() {
    @Override
    public void lines(List<LogLine> batch) {
      lines.addAll(batch);
    }

    @Override
    public void end(Throwable error) {
      ends.add(error);
    }
  }, rest -> replay(log, rest));

  /** A catch-up read of {@code frames}, as docker-java would hand them on. */
  private static void replay(List<Frame> frames, LogFollower rest) {
    frames.forEach(rest::onNext);
    rest.onComplete();
  }

  private void send(Frame frame) {
    log.add(frame);
    follower.onNext(frame);
  }

  private void frame(StreamType type, String text) {
    send(new Frame(type, text.getBytes(StandardCharsets.UTF_8)));
  }

  private static LogLine out(String text) {
    return new LogLine(LogLine.Stream.STDOUT, text);
  }

  private static LogLine err(String text) {
    return new LogLine(LogLine.Stream.STDERR, text);
  }

  @Test
  void joinsALineSplitAcrossFramesAndKeepsTheStreamsApart() {
    frame(StreamType.STDOUT, "hel");
    frame(StreamType.STDERR, "warn");
    frame(StreamType.STDOUT, "lo\nwor");
    frame(StreamType.STDERR, "ing\r\n");
    frame(StreamType.STDOUT, "ld\n\n");
    assertEquals(List.of(out("hello"), err("warning"), out("world"), out("")), lines);
  }

  @Test
  void anUnfinishedLastLineIsALineWhenTheOutputEnds() {
    frame(StreamType.STDOUT, "a\nlast");
    frame(StreamType.STDERR, "oops");
    assertEquals(List.of(out("a")), lines);
    follower.onComplete();
    assertEquals(List.of(out("a"), out("last"), err("oops")), lines);
    assertEquals(1, ends.size());
    assertEquals(null, ends.get(0));
    assertTrue(follower.ended());
  }

  @Test
  void aMultiByteCharacterSplitAcrossFramesIsDecodedWhole() {
    byte[] euro = "€\n".getBytes(StandardCharsets.UTF_8);
    send(new Frame(StreamType.STDOUT, new byte[] {euro[0]}));
    send(new Frame(StreamType.STDOUT, new byte[] {euro[1], euro[2], euro[3]}));
    assertEquals(List.of(out("€")), lines);
  }

  @Test
  void aLineLongerThanTheLimitIsHandedOnInPieces() {
    int max = LogFollower.MAX_LINE_BYTES;
    String chunk = "x".repeat(1024);
    for (int i = 0; i < max / 1024 + 1; i++) {
      frame(StreamType.STDOUT, chunk);
    }
    frame(StreamType.STDOUT, "\n");
    assertEquals(2, lines.size());
    assertEquals(max, lines.get(0).text().length());
    assertEquals(1024, lines.get(1).text().length());
  }

  @Test
  void aHundredMegabyteLineWithoutNewlineComesWholeInPiecesOfAtMostTheLimit() {
    byte[] chunk = new byte[1024]; // docker-java's chunk size
    java.util.Arrays.fill(chunk, (byte) 'x');
    long total = 100_000_000L;
    for (long sent = 0; sent < total; sent += chunk.length) {
      int n = (int) Math.min(chunk.length, total - sent);
      send(new Frame(StreamType.STDOUT, n == chunk.length ? chunk : java.util.Arrays.copyOf(chunk, n)));
      if (lines.size() > 2) {
        lines.subList(0, lines.size() - 1).clear(); // keep the test's own memory small; count below
      }
    }
    follower.onComplete();
    // 95 pieces of 1 MiB and the rest, which only the end of the output makes a line
    assertEquals(100_000_000 - 95L * LogFollower.MAX_LINE_BYTES, lines.get(lines.size() - 1).text().length());
    assertEquals(LogFollower.MAX_LINE_BYTES, lines.get(lines.size() - 2).text().length());
  }

  @Test
  void aPieceIsCutBetweenCharactersNeverInsideOne() {
    // a line of euro signs (3 bytes each): 1 MiB is no multiple of 3, the cut must move back
    byte[] euro = "\u20ac".getBytes(StandardCharsets.UTF_8);
    byte[] chunk = new byte[1023];
    for (int i = 0; i < chunk.length; i++) {
      chunk[i] = euro[i % 3];
    }
    int chunks = LogFollower.MAX_LINE_BYTES / chunk.length + 2;
    for (int i = 0; i < chunks; i++) {
      send(new Frame(StreamType.STDOUT, chunk));
    }
    frame(StreamType.STDOUT, "\n");
    assertEquals(2, lines.size());
    String first = lines.get(0).text();
    String second = lines.get(1).text();
    assertEquals(LogFollower.MAX_LINE_BYTES / 3, first.length(), "as many whole characters as fit");
    assertTrue(first.chars().allMatch(c -> c == 0x20ac), "no replacement character in the first piece");
    assertTrue(second.chars().allMatch(c -> c == 0x20ac), "none in the second");
    assertEquals(chunks * 1023L / 3, first.length() + second.length(), "nothing dropped");
  }

  @Test
  void aFailureEndsTheFollowWithIt() {
    RuntimeException boom = new RuntimeException("connection reset");
    follower.onError(boom);
    assertEquals(List.of(boom), ends);
    follower.onComplete();
    assertEquals(1, ends.size(), "ends once");
  }

  @Test
  void afterCloseNothingIsHandedOn() {
    // as docker-java's: closing the response makes the reading thread's read fail
    follower.onStart(() -> follower.onError(new java.io.IOException("stream closed")));
    follower.close();
    assertEquals(java.util.Collections.singletonList(null), ends, "a closed follow ends without error");
    frame(StreamType.STDOUT, "late\n");
    assertEquals(List.of(), lines);
  }
}
