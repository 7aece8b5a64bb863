package dev.carapace.core;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import dev.carapace.core.internal.engine.FrameCollector;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * docker-java's callback for a followed log ({@code GET /containers/{id}/logs?follow=1}): cuts the
 * frames into lines, per stream, and hands each line to a {@link Sink} on docker-java's reading
 * thread ({@code docker-java-stream-*}). A sink that blocks blocks that thread, which then stops
 * reading from the engine: that is the back-pressure. {@link #close()} ends the stream and waits
 * for that thread to end.
 *
 * <p>docker-java cuts a frame into chunks of at most 1024 bytes and reuses the chunk's array, so a
 * payload is copied into the line being built before {@link #onNext} returns; a line split across
 * frames or chunks is joined here. A line longer than {@link #MAX_LINE_BYTES} is handed on in
 * pieces of at most that size, each cut between two UTF-8 characters (a character is never split
 * into two replacement characters); nothing is dropped, so a 100 MB line costs this follower 1 MiB
 * per stream, not 100 MB.
 *
 * <p><b>Catching up.</b> Engine 20.10's follow does not always send what the container wrote last:
 * the json-file copier writes the rest of a line left unfinished (no {@code \n}) as one last entry
 * when the container exits, and the follow often ends without it (moby/moby#43860; measured on this engine with curl: a 100,000,000-byte unfinished line
 * came as 99,991,552 bytes, its 6,103 entries of 16 KiB without the last one of 8,448, in 4 runs of
 * 4; a short unfinished line was dropped in about one run of three). So whenever the output ends
 * (the follow was not closed and did not fail), the whole log is read once more without following
 * (the engine has written all of it by then), and the lines beyond those already handed on (counted
 * per stream, pieces included: a piece's cut depends only on the line's bytes) are handed on too; an
 * unfinished last line is handed on last, whole. The lines skipped must be those handed on (a CRC-32
 * per stream): when they are not (the engine rotated the log, {@code max-size}/{@code max-file}, and
 * its first lines are gone), that stream's re-read adds nothing. A container removed meanwhile ends
 * the stream with what the follow brought.
 */
final class LogFollower implements ResultCallback<Frame> {
  /** The longest line kept whole; Docker's own json-file driver splits lines at 16 KiB. */
  static final int MAX_LINE_BYTES = 1 << 20;
  /** How long {@link #close()} waits for docker-java's thread to end. */
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  /** Where the lines go. Both methods run on docker-java's reading thread. */
  interface Sink {
    /**
     * The complete lines of one frame, in order; may block (back-pressure); an interrupt means the
     * follow is being closed.
     */
    void lines(List<LogLine> lines) throws InterruptedException;

    /** The output ended (the container stopped), or failed ({@code error} not null), or was closed. */
    void end(Throwable error);
  }

  /** Starts a read of the whole log, not followed, into {@code catchUp}. */
  interface CatchUp {
    void start(LogFollower catchUp);
  }

  private final Sink sink;
  /** Null for a catch-up read itself. */
  private final CatchUp catchUp;
  /** For a catch-up read: lines per stream to skip (already handed on), and their CRC-32. */
  private long skipOut;
  private long skipErr;
  private long skippedOutCrc;
  private long skippedErrCrc;
  /** For a catch-up read: a stream whose skipped lines were not those handed on adds nothing. */
  private boolean misalignedOut;
  private boolean misalignedErr;
  private final java.util.zip.CRC32 crcOut = new java.util.zip.CRC32();
  private final java.util.zip.CRC32 crcErr = new java.util.zip.CRC32();
  private long emittedOut;
  private long emittedErr;
  private LogFollower nested;
  private volatile Throwable nestedError;
  /** For a catch-up read: the container was gone (removed meanwhile). */
  private volatile boolean gone;
  /** The longest piece handed on: {@link #MAX_LINE_BYTES}, smaller in tests. */
  private final int maxLineBytes;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final CountDownLatch done = new CountDownLatch(1);
  private final Object lock = new Object();
  private Closeable stream;
  private Thread reader;
  private volatile boolean closed;
  private boolean ended;

  LogFollower(Sink sink, CatchUp catchUp) {
    this(sink, catchUp, MAX_LINE_BYTES);
  }

  /** {@code maxLineBytes}: at least 4 (one character of the longest). */
  LogFollower(Sink sink, CatchUp catchUp, int maxLineBytes) {
    if (maxLineBytes < 4) {
      throw new IllegalArgumentException("maxLineBytes must be at least 4: " + maxLineBytes);
    }
    this.sink = sink;
    this.catchUp = catchUp;
    this.maxLineBytes = maxLineBytes;
  }

  /** A catch-up read for {@code parent}: the same sink, skipping what {@code parent} handed on. */
  private LogFollower(LogFollower parent) {
    this.sink = parent.sink;
    this.catchUp = null;
    this.maxLineBytes = parent.maxLineBytes;
    this.skipOut = parent.emittedOut;
    this.skipErr = parent.emittedErr;
    this.skippedOutCrc = parent.crcOut.getValue();
    this.skippedErrCrc = parent.crcErr.getValue();
  }

  @Override
  public void onStart(Closeable stream) {
    boolean closeNow;
    synchronized (lock) {
      this.stream = stream;
      this.reader = Thread.currentThread();
      closeNow = closed;
    }
    if (closeNow) {
      closeQuietly(stream);
    }
  }

  @Override
  public void onNext(Frame frame) {
    byte[] payload = frame.getPayload();
    if (closed || payload == null) {
      return;
    }
    LogLine.Stream which = frame.getStreamType() == StreamType.STDERR ? LogLine.Stream.STDERR : LogLine.Stream.STDOUT;
    ByteArrayOutputStream partial = which == LogLine.Stream.STDERR ? err : out;
    try {
      List<LogLine> batch = new ArrayList<>();
      int from = 0;
      int before = partial.size(); // the line's bytes before payload[from]
      for (int i = 0; i < payload.length; i++) {
        if (payload[i] == '\n') {
          partial.write(payload, from, i - from);
          emit(which, partial, batch);
          from = i + 1;
          before = 0;
        } else if (before + (i - from) >= maxLineBytes) {
          partial.write(payload, from, i - from);
          emitPiece(which, partial, batch);
          from = i;
          before = partial.size();
        }
      }
      partial.write(payload, from, payload.length - from);
      hand(batch);
    } catch (InterruptedException e) {
      // closing: docker-java interrupts this thread and closes the response
      closed = true;
    } catch (RuntimeException | Error e) {
      // the caller's consumer failed: stop following, and say why
      closed = true;
      finish(e);
      closeStream();
    }
  }

  /** Cuts the line in {@code partial} into {@code batch}, unless a catch-up read skips it. */
  private void emit(LogLine.Stream which, ByteArrayOutputStream partial, List<LogLine> batch) {
    byte[] bytes = partial.toByteArray();
    partial.reset();
    int length = bytes.length;
    if (length > 0 && bytes[length - 1] == '\r') {
      length--;
    }
    add(which, bytes, length, batch);
  }

  /**
   * Cuts a piece of a line too long to keep whole: what {@code partial} holds but the bytes of a
   * UTF-8 character begun at its end, which stay in {@code partial} to start the next piece.
   */
  private void emitPiece(LogLine.Stream which, ByteArrayOutputStream partial, List<LogLine> batch) {
    byte[] bytes = partial.toByteArray();
    partial.reset();
    int length = bytes.length - FrameCollector.unfinishedCharacter(bytes, bytes.length);
    partial.write(bytes, length, bytes.length - length);
    add(which, bytes, length, batch);
  }

  /**
   * Hands a line on, or skips it when a catch-up read already handed it on; each line handed on or
   * skipped goes into its stream's CRC.
   */
  private void add(LogLine.Stream which, byte[] bytes, int length, List<LogLine> batch) {
    boolean stdout = which == LogLine.Stream.STDOUT;
    java.util.zip.CRC32 crc = stdout ? crcOut : crcErr;
    crc.update(bytes, 0, length);
    crc.update('\n');
    if (stdout && skipOut > 0) {
      if (--skipOut == 0) {
        misalignedOut = crc.getValue() != skippedOutCrc;
      }
    } else if (!stdout && skipErr > 0) {
      if (--skipErr == 0) {
        misalignedErr = crc.getValue() != skippedErrCrc;
      }
    } else if (!(stdout ? misalignedOut : misalignedErr)) {
      batch.add(new LogLine(which, new String(bytes, 0, length, StandardCharsets.UTF_8)));
      if (stdout) {
        emittedOut++;
      } else {
        emittedErr++;
      }
    }
  }

  private void hand(List<LogLine> batch) throws InterruptedException {
    if (!batch.isEmpty() && !closed) {
      sink.lines(batch);
    }
  }

  @Override
  public void onError(Throwable throwable) {
    // a catch-up read of a container removed meanwhile: the follow brought all there is
    gone = catchUp == null && throwable instanceof com.github.dockerjava.api.exception.NotFoundException;
    finish(closed || gone ? null : throwable);
  }

  @Override
  public void onComplete() {
    if (ended()) {
      return;
    }
    try {
      if (!closed && catchUp != null) {
        // the engine's follow may have left out what was written last: read the rest from the whole log
        LogFollower rest = new LogFollower(this);
        synchronized (lock) {
          nested = rest;
        }
        if (!closed) {
          catchUp.start(rest);
          rest.done.await();
          rest.close();
        }
        if (!rest.gone) {
          // the re-read brought the unfinished lines whole, unless it could not be matched
          if (!rest.misalignedOut) {
            out.reset();
          }
          if (!rest.misalignedErr) {
            err.reset();
          }
          if (rest.nestedError != null) {
            finish(rest.nestedError);
            return;
          }
        }
      }
      if (!closed) {
        // what the container left unfinished is a line too
        List<LogLine> batch = new ArrayList<>();
        if (out.size() > 0) {
          emit(LogLine.Stream.STDOUT, out, batch);
        }
        if (err.size() > 0) {
          emit(LogLine.Stream.STDERR, err, batch);
        }
        hand(batch);
        // a re-read with fewer lines than were handed on cannot be matched either
        misalignedOut |= skipOut > 0;
        misalignedErr |= skipErr > 0;
      }
      finish(null);
    } catch (InterruptedException e) {
      finish(null);
    } catch (RuntimeException | Error e) {
      finish(e);
    }
  }

  private void finish(Throwable error) {
    synchronized (lock) {
      if (ended) {
        return;
      }
      ended = true;
    }
    try {
      if (catchUp != null) {
        sink.end(error);
      } else {
        nestedError = error;
      }
    } finally {
      done.countDown();
    }
  }

  /** Whether the output ended, failed or was closed. */
  boolean ended() {
    return done.getCount() == 0;
  }

  /** Waits at most {@code timeout} for the output to end; whether it did. */
  boolean awaitEnd(Duration timeout) throws InterruptedException {
    return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Stops following: closes the engine's response (docker-java also interrupts its reading thread),
   * then waits for that thread to end, unless called on it. Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    LogFollower rest;
    synchronized (lock) {
      rest = nested;
    }
    if (rest != null) {
      rest.close();
    }
    Thread thread = closeStream();
    boolean interrupted = false;
    try {
      if (thread != Thread.currentThread()) {
        long end = System.nanoTime() + CLOSE_WAIT.toNanos();
        done.await(CLOSE_WAIT.toNanos(), TimeUnit.NANOSECONDS);
        thread = reader();
        if (thread != null) {
          thread.join(Math.max(1, (end - System.nanoTime()) / 1_000_000));
        }
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private Thread reader() {
    synchronized (lock) {
      return reader;
    }
  }

  private Thread closeStream() {
    Closeable s;
    Thread t;
    synchronized (lock) {
      s = stream;
      t = reader;
    }
    if (s != null) {
      closeQuietly(s);
    }
    return t;
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException | RuntimeException e) {
      // closing a response that is already broken: nothing to recover
    }
  }
}
