package dev.carapace.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Cutting docker-java's frames into lines: no engine, the frames as docker-java hands them on. The
 * engine's log is every frame the follow was sent; a catch-up read, when the output ends, reads it
 * again. The end of a followed log: the follow is cut anywhere (engine 20.10's follow leaves out what
 * the container wrote last, moby/moby#43860), the frames are split anywhere, and the lines handed on
 * must be the log's lines, each once, in order per stream, whole, in pieces of at most the limit cut
 * between UTF-8 characters. Inputs come from fixed seeds.
 */
class LogFollowerTest {
  private final Collected sink = new Collected();
  private final List<LogLine> lines = sink.lines;
  private final List<Throwable> ends = sink.ends;
  /** What the engine keeps: the frames sent to the follow. */
  private final List<Frame> log = new ArrayList<>();
  private final LogFollower follower = new LogFollower(sink, reRead(log));

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

  /** Lines handed on, and how the output ended. */
  private static final class Collected implements LogFollower.Sink {
    final List<LogLine> lines = new ArrayList<>();
    final List<Throwable> ends = new ArrayList<>();

    @Override
    public void lines(List<LogLine> batch) {
      lines.addAll(batch);
    }

    @Override
    public void end(Throwable error) {
      ends.add(error);
    }

    List<String> texts(LogLine.Stream stream) {
      return lines.stream().filter(l -> l.stream() == stream).map(LogLine::text).toList();
    }
  }

  /** Counts what is handed on without keeping it (100 MB of text would not fit the test's heap). */
  private static final class Counted implements LogFollower.Sink {
    long pieces;
    long chars;
    long longest;
    final List<Throwable> ends = new ArrayList<>();

    @Override
    public void lines(List<LogLine> batch) {
      for (LogLine l : batch) {
        pieces++;
        chars += l.text().length();
        longest = Math.max(longest, l.text().length());
      }
    }

    @Override
    public void end(Throwable error) {
      ends.add(error);
    }
  }

  /** One entry of the engine's log: a frame's stream and payload. */
  private record Entry(StreamType type, byte[] payload) {}

  /** {@code entries} as docker-java hands them on: each payload cut into chunks of at most {@code chunk}. */
  private static List<Frame> chunked(List<Entry> entries, int chunk) {
    List<Frame> frames = new ArrayList<>();
    for (Entry e : entries) {
      for (int from = 0; from < e.payload().length; from += chunk) {
        frames.add(new Frame(e.type(), Arrays.copyOfRange(e.payload(), from, Math.min(e.payload().length, from + chunk))));
      }
    }
    return frames;
  }

  /** {@code entries}, each payload cut at random places (1 byte and up). */
  private static List<Frame> randomlyChunked(List<Entry> entries, Random random) {
    List<Frame> frames = new ArrayList<>();
    for (Entry e : entries) {
      int from = 0;
      while (from < e.payload().length) {
        int to = Math.min(e.payload().length, from + 1 + random.nextInt(8));
        frames.add(new Frame(e.type(), Arrays.copyOfRange(e.payload(), from, to)));
        from = to;
      }
    }
    return frames;
  }

  private static LogFollower.CatchUp reRead(List<Frame> frames) {
    return rest -> {
      frames.forEach(rest::onNext);
      rest.onComplete();
    };
  }

  @Test
  void theLastEntryOfAHundredMegabyteLineLeftOutByTheFollowComesFromTheReRead() {
    // as engine 20.10 keeps 100,000,000 bytes without newline: 6,103 entries of 16 KiB and a last one of
    // 8,448 (100,000,000 mod 16,384), each handed on by docker-java in chunks of 1024; the follow sent all but
    // the last (measured with curl), and the reader kept up (it never held the reading up)
    byte[] kib16 = new byte[16384];
    Arrays.fill(kib16, (byte) 'x');
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < 6103; i++) {
      entries.add(new Entry(StreamType.STDOUT, kib16));
    }
    entries.add(new Entry(StreamType.STDOUT, Arrays.copyOf(kib16, 8448)));
    List<Frame> whole = chunked(entries, 1024);
    List<Frame> followed = whole.subList(0, whole.size() - 9); // the last entry: 8 chunks of 1024 and one of 256
    assertEquals(99_991_552L, followed.stream().mapToLong(f -> f.getPayload().length).sum());

    Counted sink = new Counted();
    LogFollower follower = new LogFollower(sink, reRead(whole));
    followed.forEach(follower::onNext);
    follower.onComplete();
    assertEquals(List.of(96L, 100_000_000L, (long) LogFollower.MAX_LINE_BYTES),
        List.of(sink.pieces, sink.chars, sink.longest), "pieces, characters, longest");
    assertEquals(java.util.Collections.singletonList(null), sink.ends);
  }

  /** The characters of the generated logs: 1 to 4 UTF-8 bytes, line ends, carriage returns. */
  private static final String[] TOKENS = {"a", "b", "7", " ", "\n", "\n", "\r\n", "\r", "\u00e9", "\u20ac", "\ud83d\ude00"};

  private static byte[] text(Random random, int tokens) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < tokens; i++) {
      b.append(TOKENS[random.nextInt(TOKENS.length)]);
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The lines of one stream's bytes, written independently of {@link LogFollower}: cut at {@code \n},
   * a trailing {@code \r} dropped; a line that would pass {@code max} bytes is cut before the byte
   * that passes it, back to the start of a character begun there; the unfinished rest is the last line.
   */
  static List<String> expectedLines(byte[] stream, int max) {
    List<String> lines = new ArrayList<>();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (byte b : stream) {
      if (b == '\n') {
        lines.add(ended(line.toByteArray()));
        line.reset();
        continue;
      }
      if (line.size() >= max) {
        byte[] bytes = line.toByteArray();
        int start = bytes.length - 1;
        while ((bytes[start] & 0xc0) == 0x80) {
          start--; // back to the last character's first byte
        }
        int lead = bytes[start] & 0xff;
        int size = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
        int cut = start + size <= bytes.length ? bytes.length : start;
        lines.add(new String(bytes, 0, cut, StandardCharsets.UTF_8));
        line.reset();
        line.write(bytes, cut, bytes.length - cut);
      }
      line.write(b);
    }
    if (line.size() > 0) {
      lines.add(ended(line.toByteArray()));
    }
    return lines;
  }

  private static String ended(byte[] bytes) {
    int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
    return new String(bytes, 0, n, StandardCharsets.UTF_8);
  }

  /** A log of both streams, cut into entries anywhere (inside characters too), interleaved at random. */
  private static List<Entry> entries(Random random, byte[] out, byte[] err) {
    List<Entry> outs = cut(random, StreamType.STDOUT, out);
    List<Entry> errs = cut(random, StreamType.STDERR, err);
    List<Entry> all = new ArrayList<>();
    int o = 0;
    int e = 0;
    while (o < outs.size() || e < errs.size()) {
      boolean takeOut = e == errs.size() || (o < outs.size() && random.nextBoolean());
      all.add(takeOut ? outs.get(o++) : errs.get(e++));
    }
    return all;
  }

  private static List<Entry> cut(Random random, StreamType type, byte[] bytes) {
    List<Entry> entries = new ArrayList<>();
    int from = 0;
    while (from < bytes.length) {
      int to = Math.min(bytes.length, from + 1 + random.nextInt(12));
      entries.add(new Entry(type, Arrays.copyOfRange(bytes, from, to)));
      from = to;
    }
    return entries;
  }

  /**
   * Follows {@code followed} frames, then the output ends; the re-read brings {@code reRead}; the lines
   * must be those of {@code out} and {@code err}.
   */
  private static void check(String what, byte[] out, byte[] err, int max, List<Frame> followed, List<Frame> reRead) {
    Collected sink = new Collected();
    LogFollower follower = new LogFollower(sink, reRead(reRead), max);
    followed.forEach(follower::onNext);
    follower.onComplete();
    assertEquals(expectedLines(out, max), sink.texts(LogLine.Stream.STDOUT), what + ": stdout");
    assertEquals(expectedLines(err, max), sink.texts(LogLine.Stream.STDERR), what + ": stderr");
    assertEquals(java.util.Collections.singletonList(null), sink.ends, what);
    for (LogLine l : sink.lines) {
      assertTrue(l.text().getBytes(StandardCharsets.UTF_8).length <= max, what + ": a piece longer than " + max);
      assertTrue(l.text().indexOf('\ufffd') < 0, what + ": a character cut in two");
    }
  }

  @Test
  void everyLineComesOnceWhereverTheFollowIsCutAndHoweverTheFramesAreSplit() {
    int count = Integer.getInteger("carapace.fuzz.count", 2000);
    Random random = new Random(18);
    for (int i = 0; i < count; i++) {
      int max = 4 + random.nextInt(9);
      byte[] out = text(random, random.nextInt(40));
      byte[] err = text(random, random.nextInt(20));
      List<Entry> entries = entries(random, out, err);
      List<Frame> followFrames = randomlyChunked(entries, random);
      // cut after any frame, or inside one (a response that ends in the middle of a frame)
      int cut = random.nextInt(followFrames.size() + 1);
      List<Frame> followed = new ArrayList<>(followFrames.subList(0, cut));
      if (cut < followFrames.size() && random.nextBoolean()) {
        Frame f = followFrames.get(cut);
        followed.add(new Frame(f.getStreamType(), Arrays.copyOf(f.getPayload(), random.nextInt(f.getPayload().length))));
      }
      String what = "case " + i + " (seed 18, max " + max + ", cut at frame " + cut + " of " + followFrames.size() + ")";
      check(what, out, err, max, followed, randomlyChunked(entries, random));
    }
  }

  @Test
  void everyLineComesOnceWhenTheFollowIsCutAtEachByte() {
    // one log with long lines, multi-byte characters and an unfinished last line, cut at every byte
    Random random = new Random(43860);
    byte[] out = (new String(text(random, 30), StandardCharsets.UTF_8) + "\u20ac".repeat(7) + "\r\nxy\ud83d\ude00z")
        .getBytes(StandardCharsets.UTF_8);
    byte[] err = "warn\nno end \u00e9\u00e9\u00e9".getBytes(StandardCharsets.UTF_8);
    List<Entry> entries = entries(random, out, err);
    List<Frame> oneByte = chunked(entries, 1);
    for (int cut = 0; cut <= oneByte.size(); cut++) {
      check("cut after byte " + cut, out, err, 5, oneByte.subList(0, cut), randomlyChunked(entries, random));
    }
  }

  @Test
  void aReReadWhoseFirstLinesAreGoneAddsNothingToTheFollow() {
    // the engine rotated the log (max-file): the re-read starts later than the follow did
    Collected sink = new Collected();
    List<Frame> reRead = List.of(new Frame(StreamType.STDOUT, "3\n4\n5\n6\n7\n8\n".getBytes(StandardCharsets.UTF_8)));
    LogFollower follower = new LogFollower(sink, reRead(reRead));
    follower.onNext(new Frame(StreamType.STDOUT, "1\n2\n3\n4\npart".getBytes(StandardCharsets.UTF_8)));
    follower.onComplete();
    assertEquals(List.of("1", "2", "3", "4", "part"), sink.texts(LogLine.Stream.STDOUT),
        "the re-read's first 4 lines (3 to 6) are not the 4 handed on (1 to 4): its 7 and 8 cannot be placed");
    assertEquals(java.util.Collections.singletonList(null), sink.ends);
  }

  @Test
  void aContainerRemovedBeforeTheReReadEndsTheFollowWithWhatItBrought() {
    Collected sink = new Collected();
    LogFollower follower = new LogFollower(sink, rest -> rest.onError(new NotFoundException("No such container: c1")));
    follower.onNext(new Frame(StreamType.STDOUT, "a\nunfinished".getBytes(StandardCharsets.UTF_8)));
    follower.onComplete();
    assertEquals(List.of("a", "unfinished"), sink.texts(LogLine.Stream.STDOUT));
    assertEquals(java.util.Collections.singletonList(null), sink.ends);
  }

  @Test
  void aReReadThatFailsEndsTheStreamWithItsError() {
    Collected sink = new Collected();
    RuntimeException broken = new RuntimeException("connection reset");
    LogFollower follower = new LogFollower(sink, rest -> rest.onError(broken));
    follower.onNext(new Frame(StreamType.STDOUT, "a\n".getBytes(StandardCharsets.UTF_8)));
    follower.onComplete();
    assertEquals(List.of("a"), sink.texts(LogLine.Stream.STDOUT));
    assertEquals(List.of(broken), sink.ends);
  }
}
