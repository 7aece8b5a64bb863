package dev.carapace.core.internal.engine;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Collects what a container wrote, stdout and stderr apart, each kept up to a limit and the rest read
 * and dropped, saying so ({@link #stdoutTruncated()}); text cut by the limit ends before a character
 * the cut left unfinished, never in a replacement character. The one collector behind a container's logs,
 * {@code run()}, exec and a Swarm service's logs.
 *
 * <p>It takes the engine's output in either shape: as docker-java's {@link Frame}s (it is the
 * callback of a logs or exec command), or as the raw multiplexed stream ({@link #feed}, {@link #readFrom}),
 * where each frame is an 8-byte header (the stream: 0 stdin, 1 stdout, 2 stderr; three zero bytes; the
 * payload's size, big-endian, unsigned 32 bits) and its payload. Raw bytes may arrive split anywhere,
 * inside a header included; a stream whose first 8 bytes are no frame header (a TTY's) is all output.
 * Nothing is allocated by a header's size: a frame of 4 GiB costs the limit, not 4 GiB.
 *
 * <pre>{@code
 * FrameCollector out = new FrameCollector(FrameCollector.DEFAULT_LIMIT);
 * session.streaming().logContainerCmd(id).withStdOut(true).withStdErr(true).exec(out);
 * out.awaitCompletion(...);
 * out.stdout(); out.stdoutTruncated();
 * }</pre>
 */
public final class FrameCollector extends ResultCallback.Adapter<Frame> {
  /** The bytes kept of each stream unless said otherwise: 1 MiB, as {@code ExecSpec}'s default. */
  public static final int DEFAULT_LIMIT = 1 << 20;

  private static final int HEADER = 8;

  private final Bounded out;
  private final Bounded err;
  // the raw stream's state: a header being read, then its payload's remaining bytes
  private final byte[] header = new byte[HEADER];
  private int headerFill;
  private long remaining;
  private Bounded current;
  private boolean unframed;

  /** Keeps at most {@code limitPerStream} bytes of stdout and as many of stderr. */
  public FrameCollector(int limitPerStream) {
    if (limitPerStream < 0) {
      throw new IllegalArgumentException("output limit must not be negative: " + limitPerStream);
    }
    out = new Bounded(limitPerStream);
    err = new Bounded(limitPerStream);
  }

  /** A frame as docker-java parsed it; a TTY's ({@link StreamType#RAW}) and stdin's count as stdout. */
  @Override
  public void onNext(Frame frame) {
    byte[] payload = frame.getPayload();
    if (payload != null) {
      synchronized (this) {
        (frame.getStreamType() == StreamType.STDERR ? err : out).add(payload, 0, payload.length);
      }
    }
  }

  /** The next {@code len} bytes of the raw multiplexed stream, split anywhere. */
  public synchronized void feed(byte[] bytes, int off, int len) {
    int i = off;
    int end = off + len;
    while (i < end) {
      if (unframed) {
        out.add(bytes, i, end - i);
        return;
      }
      if (remaining > 0) {
        int n = (int) Math.min(remaining, end - i);
        current.add(bytes, i, n);
        remaining -= n;
        i += n;
        continue;
      }
      int n = Math.min(HEADER - headerFill, end - i);
      System.arraycopy(bytes, i, header, headerFill, n);
      headerFill += n;
      i += n;
      if (headerFill == HEADER) {
        headerFill = 0;
        if ((header[0] & 0xff) > 2 || header[1] != 0 || header[2] != 0 || header[3] != 0) {
          unframed = true;   // not multiplexed (a TTY): all of it is output
          out.add(header, 0, HEADER);
          continue;
        }
        current = header[0] == 2 ? err : out;
        remaining = ((header[4] & 0xffL) << 24) | ((header[5] & 0xff) << 16) | ((header[6] & 0xff) << 8)
            | (header[7] & 0xff);
      }
    }
  }

  /**
   * Reads {@code in} to its end through {@link #feed}, then {@link #finish()}es; never holds more
   * than the limits and a buffer. Does not close {@code in}.
   */
  public void readFrom(InputStream in) throws IOException {
    byte[] buffer = new byte[8192];
    for (int n; (n = in.read(buffer)) >= 0; ) {
      feed(buffer, 0, n);
    }
    finish();
  }

  /**
   * The raw stream ended: the bytes of a header begun and not completed are output, as a stream that
   * is no multiplexed one. A frame cut short keeps what came of it.
   */
  public synchronized void finish() {
    if (headerFill > 0) {
      out.add(header, 0, headerFill);
      headerFill = 0;
    }
  }

  /** Stdout so far, decoded as UTF-8. */
  public synchronized String stdout() {
    return out.text();
  }

  /** Stderr so far, decoded as UTF-8. */
  public synchronized String stderr() {
    return err.text();
  }

  /** Whether stdout went beyond the limit and was cut. */
  public synchronized boolean stdoutTruncated() {
    return out.truncated;
  }

  /** Whether stderr went beyond the limit and was cut. */
  public synchronized boolean stderrTruncated() {
    return err.truncated;
  }

  /**
   * How many bytes at the end of {@code bytes[0..length)} begin a UTF-8 character they do not finish:
   * 0 to 3. Bytes that are no valid UTF-8 count as finished (they decode to replacement characters
   * anyway). Where a limit cuts text, those bytes are left out, or kept for the next piece.
   */
  public static int unfinishedCharacter(byte[] bytes, int length) {
    for (int back = 1; back <= Math.min(3, length); back++) {
      int b = bytes[length - back] & 0xff;
      if (b < 0x80) {
        return 0;             // ASCII: everything before is finished
      }
      if (b >= 0xc0) {        // a lead byte: how many bytes its character takes
        int needs = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
        return needs > back ? back : 0;
      }
      // a continuation byte: look further back
    }
    return 0;
  }

  private static final class Bounded {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final int limit;
    boolean truncated;

    Bounded(int limit) {
      this.limit = limit;
    }

    void add(byte[] b, int off, int len) {
      int room = limit - bytes.size();
      if (len > room) {
        truncated = true;
      }
      bytes.write(b, off, Math.max(0, Math.min(room, len)));
    }

    /** The bytes kept, as UTF-8; when cut, without a character the cut left unfinished. */
    String text() {
      if (!truncated) {
        return bytes.toString(StandardCharsets.UTF_8);
      }
      byte[] kept = bytes.toByteArray();
      return new String(kept, 0, kept.length - unfinishedCharacter(kept, kept.length), StandardCharsets.UTF_8);
    }
  }
}
