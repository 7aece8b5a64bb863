package dev.carapace.core.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The one frame collector over crafted multiplexed streams: split headers, huge frames, bounds. */
class FrameCollectorTest {
  private static byte[] frame(int stream, String payload) {
    return frame(stream, payload.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] frame(int stream, byte[] payload) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(header(stream, payload.length), 0, 8);
    b.write(payload, 0, payload.length);
    return b.toByteArray();
  }

  private static byte[] header(int stream, long size) {
    return new byte[] {(byte) stream, 0, 0, 0, (byte) (size >>> 24), (byte) (size >>> 16), (byte) (size >>> 8),
        (byte) size};
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.write(p, 0, p.length);
    }
    return b.toByteArray();
  }

  private static FrameCollector collect(int limit, byte[] raw) throws IOException {
    FrameCollector c = new FrameCollector(limit);
    c.readFrom(new ByteArrayInputStream(raw));
    return c;
  }

  @Test
  void demultiplexesStdoutAndStderrInOrder() throws IOException {
    FrameCollector c = collect(1024, concat(frame(1, "out 1\n"), frame(2, "err 1\n"), frame(1, "out 2\n"),
        frame(0, "in\n"), frame(2, "")));
    assertEquals("out 1\nout 2\nin\n", c.stdout());
    assertEquals("err 1\n", c.stderr());
    assertFalse(c.stdoutTruncated());
    assertFalse(c.stderrTruncated());
  }

  @Test
  void bytesSplitAnywhereGiveTheSameResultHeadersIncluded() throws IOException {
    byte[] raw = concat(frame(1, "hello "), frame(2, "oops"), frame(1, "world\n"), frame(2, "!"));
    for (int cut = 0; cut <= raw.length; cut++) {
      for (int cut2 = cut; cut2 <= raw.length; cut2++) {
        FrameCollector c = new FrameCollector(1024);
        c.feed(raw, 0, cut);
        c.feed(raw, cut, cut2 - cut);
        c.feed(raw, cut2, raw.length - cut2);
        c.finish();
        assertEquals("hello world\n", c.stdout(), "cut at " + cut + ", " + cut2);
        assertEquals("oops!", c.stderr(), "cut at " + cut + ", " + cut2);
      }
    }
    // one byte at a time, as a slow stream delivers it
    InputStream trickle = new ByteArrayInputStream(raw) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(1, len));
      }
    };
    FrameCollector c = new FrameCollector(1024);
    c.readFrom(trickle);
    assertEquals("hello world\n", c.stdout());
    assertEquals("oops!", c.stderr());
  }

  @Test
  void keepsTheLimitOfEachStreamAndSaysItCut() throws IOException {
    FrameCollector c = collect(5, concat(frame(1, "abc"), frame(2, "12345"), frame(1, "defgh"), frame(2, "6")));
    assertEquals("abcde", c.stdout());
    assertEquals("12345", c.stderr());
    assertTrue(c.stdoutTruncated());
    assertTrue(c.stderrTruncated());

    FrameCollector exact = collect(5, concat(frame(1, "abcde"), frame(2, "")));
    assertEquals("abcde", exact.stdout());
    assertFalse(exact.stdoutTruncated(), "exactly the limit is not cut");

    FrameCollector none = collect(0, frame(1, "x"));
    assertEquals("", none.stdout());
    assertTrue(none.stdoutTruncated());
    assertFalse(none.stderrTruncated());
  }

  @Test
  void aHugeFrameCostsTheLimitNotItsSize() throws IOException {
    // a header announcing 4 GiB - 1, followed by 3 MiB of it: nothing is allocated by the announced size
    byte[] chunk = new byte[64 * 1024];
    java.util.Arrays.fill(chunk, (byte) 'a');
    FrameCollector c = new FrameCollector(FrameCollector.DEFAULT_LIMIT);
    c.feed(header(1, 0xffffffffL), 0, 8);
    for (int i = 0; i < 48; i++) {
      c.feed(chunk, 0, chunk.length);
    }
    c.finish();
    assertEquals(FrameCollector.DEFAULT_LIMIT, c.stdout().length());
    assertTrue(c.stdoutTruncated());
    assertEquals("", c.stderr());

    // after a frame of 2^31 + 1 bytes (beyond an int), the next header is read as a header
    FrameCollector big = new FrameCollector(16);
    long size = (1L << 31) + 1;
    big.feed(header(2, size), 0, 8);
    byte[] mib = new byte[1 << 20];
    for (long left = size; left > 0; left -= Math.min(left, mib.length)) {
      big.feed(mib, 0, (int) Math.min(left, mib.length));
    }
    byte[] next = frame(1, "after");
    big.feed(next, 0, next.length);
    big.finish();
    assertEquals("after", big.stdout());
    assertEquals(16, big.stderr().length());
    assertTrue(big.stderrTruncated());
  }

  @Test
  void aStreamThatIsNoMultiplexedOneIsAllOutput() throws IOException {
    FrameCollector tty = collect(1024, "plain tty output\nline 2\n".getBytes(StandardCharsets.UTF_8));
    assertEquals("plain tty output\nline 2\n", tty.stdout());
    assertEquals("", tty.stderr());

    // a frame, then garbage where a header should be: the garbage is output
    FrameCollector mixed = collect(1024, concat(frame(2, "e"), "not a header".getBytes(StandardCharsets.UTF_8)));
    assertEquals("e", mixed.stderr());
    assertEquals("not a header", mixed.stdout());

    // a header begun and not completed when the stream ends
    FrameCollector cut = collect(1024, concat(frame(1, "ok"), new byte[] {1, 0, 0}));
    assertEquals("ok\u0001\u0000\u0000", cut.stdout());

    // a frame cut short keeps what came of it
    FrameCollector shortFrame = collect(1024, concat(header(1, 10), "abc".getBytes(StandardCharsets.UTF_8)));
    assertEquals("abc", shortFrame.stdout());
  }

  @Test
  void docker_javasFramesGoThroughTheSameBounds() {
    FrameCollector c = new FrameCollector(4);
    c.onNext(new Frame(StreamType.STDOUT, "ab".getBytes(StandardCharsets.UTF_8)));
    c.onNext(new Frame(StreamType.STDERR, "err".getBytes(StandardCharsets.UTF_8)));
    c.onNext(new Frame(StreamType.RAW, "cdef".getBytes(StandardCharsets.UTF_8)));
    c.onNext(new Frame(StreamType.STDOUT, null));
    assertEquals("abcd", c.stdout());
    assertEquals("err", c.stderr());
    assertTrue(c.stdoutTruncated());
    assertFalse(c.stderrTruncated());
  }

  @Test
  void randomFramesRandomlySplitMatchWhatWasSent() throws IOException {
    Random random = new Random(17);
    for (int run = 0; run < 200; run++) {
      StringBuilder out = new StringBuilder();
      StringBuilder err = new StringBuilder();
      ByteArrayOutputStream raw = new ByteArrayOutputStream();
      for (int f = random.nextInt(20); f > 0; f--) {
        int stream = 1 + random.nextInt(2);
        String text = Integer.toString(random.nextInt(1 << 20), 36).repeat(random.nextInt(4));
        (stream == 2 ? err : out).append(text);
        byte[] fr = frame(stream, text);
        raw.write(fr, 0, fr.length);
      }
      byte[] bytes = raw.toByteArray();
      FrameCollector c = new FrameCollector(1 << 20);
      for (int i = 0; i < bytes.length; ) {
        int n = Math.min(bytes.length - i, random.nextInt(12));
        c.feed(bytes, i, n);
        i += n;
      }
      c.finish();
      assertEquals(out.toString(), c.stdout());
      assertEquals(err.toString(), c.stderr());
    }
  }

  @Test
  void refusesANegativeLimit() {
    assertEquals("output limit must not be negative: -1",
        assertThrows(IllegalArgumentException.class, () -> new FrameCollector(-1)).getMessage());
  }

  @Test
  void unfinishedCharacterCountsTheBytesOfACharacterBegunAtTheEnd() {
    assertEquals(0, unfinished(new byte[0]));
    assertEquals(0, unfinished("ab".getBytes(StandardCharsets.UTF_8)));
    byte[] euro = "\u20ac".getBytes(StandardCharsets.UTF_8);
    assertEquals(0, unfinished(euro));
    assertEquals(1, unfinished(new byte[] {'a', euro[0]}));
    assertEquals(2, unfinished(new byte[] {'a', euro[0], euro[1]}));
    byte[] smile = "\ud83d\ude00".getBytes(StandardCharsets.UTF_8);
    assertEquals(3, unfinished(java.util.Arrays.copyOf(smile, 3)));
    assertEquals(0, unfinished(smile));
    assertEquals(0, unfinished(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80}),
        "stray continuation bytes are no character begun");
  }

  private static int unfinished(byte[] bytes) {
    return FrameCollector.unfinishedCharacter(bytes, bytes.length);
  }

  @Test
  void textCutByTheLimitEndsBeforeACharacterTheCutLeftUnfinished() throws IOException {
    // 5 bytes kept of "ab€€": "ab", the first euro sign whole (3 bytes), nothing of the second
    FrameCollector c = collect(5, frame(1, "ab\u20ac\u20ac"));
    assertEquals("ab\u20ac", c.stdout());
    assertTrue(c.stdoutTruncated());
    FrameCollector cut = collect(4, frame(1, "ab\u20ac"));
    assertEquals("ab", cut.stdout(), "two bytes of the euro sign are dropped, not shown as a replacement");
    FrameCollector whole = collect(5, frame(1, "ab\u20ac"));
    assertEquals("ab\u20ac", whole.stdout());
    assertFalse(whole.stdoutTruncated());
  }
}
