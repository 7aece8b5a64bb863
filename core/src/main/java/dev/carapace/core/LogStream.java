package dev.carapace.core;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * A container's output followed line by line as it comes ({@code docker logs --follow}), pulled by the
 * caller, who closes it. It starts with what the container printed before the stream was opened.
 *
 * <pre>{@code
 * try (LogStream logs = container.streamLogs()) {
 *   Optional<LogLine> line;
 *   while ((line = logs.next(Duration.ofSeconds(5))).isPresent()) {
 *     System.out.println(line.get());           // "stdout: ready" or "stderr: ..."
 *   }
 * }                                              // stops reading; no thread is left
 * }</pre>
 *
 * <p><b>Back-pressure.</b> At most {@link #capacity()} lines, and at most {@link #byteCapacity()} bytes
 * of text (the lines' UTF-8 length), wait to be taken. When either is reached, the
 * stream stops reading from the engine until the caller takes a line: a slow reader, or none, slows
 * the reading, memory does not grow (the engine keeps the rest in its log, or the container's writes
 * block, as with {@code docker logs -f | slow-program}). A line longer than
 * {@value LogFollower#MAX_LINE_BYTES} bytes comes as several lines of at most that many bytes, cut
 * between characters, never truncated.
 *
 * <p><b>The end.</b> When the container's output ends, the stream has brought every line the
 * container wrote, each once, in order within stdout and within stderr, and last a line left
 * unfinished (no {@code \n}) whole, in pieces if it is longer than 1 MiB, whether the reader kept up
 * or fell behind. Engine 20.10's follow
 * may leave out what the container wrote last (moby/moby#43860): the rest of an unfinished line, and
 * so a 100,000,000-byte line came short of its last 8,448 bytes. So when the output ends, the
 * engine's log is read once more, not followed (one extra request, which reads the whole log again
 * and skips the lines already taken), and what the follow left out comes then. A log the engine
 * rotated ({@code max-size}, {@code max-file}) so that its first lines are gone cannot be matched to
 * the lines already taken: then nothing more comes from that stream than what the follow brought.
 *
 * <p>The stream ends when the container's output ends (it exited) and every line was taken, or when it
 * is closed. One thread of docker-java reads it; {@link #close()} stops that thread and waits for its
 * end. A stream nobody closes is closed with its container ({@link RunningContainer#close()}) or its
 * launcher ({@link ContainerLauncher#close()}), full or not, so its thread never outlives them. Not
 * for several readers at once.
 */
public final class LogStream implements AutoCloseable {
  /** The buffer of {@link RunningContainer#streamLogs()}. */
  static final int DEFAULT_CAPACITY = 1024;
  /** The bytes of text that may wait in the buffer of {@link RunningContainer#streamLogs()}: 4 MiB. */
  static final long DEFAULT_BYTE_CAPACITY = 4L << 20;

  private final long byteCapacity;
  private long bufferedBytes;
  private final java.util.concurrent.atomic.AtomicReference<Runnable> onClose =
      new java.util.concurrent.atomic.AtomicReference<>();

  private final int capacity;
  private final Function<Throwable, RuntimeException> failure;
  private final ArrayDeque<LogLine> lines = new ArrayDeque<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition notFull = lock.newCondition();
  private boolean ended;
  private boolean closed;
  private Throwable error;
  private LogFollower follower;

  LogStream(int capacity, Function<Throwable, RuntimeException> failure) {
    this(capacity, DEFAULT_BYTE_CAPACITY, failure);
  }

  LogStream(int capacity, long byteCapacity, Function<Throwable, RuntimeException> failure) {
    if (capacity < 1) {
      throw new IllegalArgumentException("log stream capacity must be at least 1: " + capacity);
    }
    if (byteCapacity < LogFollower.MAX_LINE_BYTES) {
      throw new IllegalArgumentException("log stream byte capacity must be at least " + LogFollower.MAX_LINE_BYTES
          + " (one line of the longest): " + byteCapacity);
    }
    this.capacity = capacity;
    this.byteCapacity = byteCapacity;
    this.failure = failure;
  }

  /** Runs once when the stream is closed (the container forgets it). */
  void onClose(Runnable onClose) {
    this.onClose.set(onClose);
  }

  /** The sink docker-java's thread writes into. */
  LogFollower.Sink sink() {
    return new LogFollower.Sink() {
      @Override
      public void lines(java.util.List<LogLine> batch) throws InterruptedException {
        put(batch);
      }

      @Override
      public void end(Throwable cause) {
        lock.lock();
        try {
          ended = true;
          error = cause;
          notEmpty.signalAll();
        } finally {
          lock.unlock();
        }
      }
    };
  }

  void follower(LogFollower follower) {
    this.follower = follower;
  }

  /**
   * Adds {@code batch} in order, waiting while the buffer is full (the reader is woken once per
   * batch, or when the buffer fills).
   */
  private void put(java.util.List<LogLine> batch) throws InterruptedException {
    lock.lock();
    try {
      for (LogLine line : batch) {
        long size = utf8Length(line.text());
        // a line always fits an empty buffer (a line is at most MAX_LINE_BYTES <= byteCapacity)
        while ((lines.size() >= capacity || (!lines.isEmpty() && bufferedBytes + size > byteCapacity)) && !closed) {
          notEmpty.signal();
          notFull.await();
        }
        if (closed) {
          return;
        }
        lines.add(line);
        bufferedBytes += size;
      }
      notEmpty.signal();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The next line, waiting at most {@code timeout} for it.
   *
   * @return the line, or empty when none came within {@code timeout} or the stream {@linkplain #ended()
   *     ended}
   * @throws LaunchException step {@code logs}, when the engine refused or broke the stream (a log
   *     driver that keeps nothing readable, a lost connection)
   */
  public Optional<LogLine> next(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    long nanos = timeout.isNegative() ? 0 : timeout.toNanos();
    lock.lock();
    try {
      while (lines.isEmpty()) {
        if (ended || closed) {
          if (error != null && !closed) {
            throw failure.apply(error);
          }
          return Optional.empty();
        }
        if (nanos <= 0) {
          return Optional.empty();
        }
        nanos = notEmpty.awaitNanos(nanos);
      }
      LogLine line = lines.poll();
      bufferedBytes -= utf8Length(line.text());
      notFull.signal();
      return Optional.of(line);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Whether no line will come any more: the container's output ended and every line was taken, or
   * the stream was closed.
   *
   * @throws LaunchException step {@code logs}, when the engine refused or broke the stream
   */
  public boolean ended() {
    lock.lock();
    try {
      if (closed) {
        return true;
      }
      if (ended && lines.isEmpty() && error != null) {
        throw failure.apply(error);
      }
      return ended && lines.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  /** The lines read from the engine and not taken yet; never more than {@link #capacity()}. */
  public int buffered() {
    lock.lock();
    try {
      return lines.size();
    } finally {
      lock.unlock();
    }
  }

  /** How many lines may wait to be taken before the stream stops reading from the engine: 1024. */
  public int capacity() {
    return capacity;
  }

  /**
   * The bytes of the lines read from the engine and not taken yet (UTF-8, line ends excluded); never
   * more than {@link #byteCapacity()}.
   */
  public long bufferedBytes() {
    lock.lock();
    try {
      return bufferedBytes;
    } finally {
      lock.unlock();
    }
  }

  /**
   * How many bytes of text (UTF-8, line ends excluded) may wait to be taken before the stream stops
   * reading from the engine: 4 MiB.
   */
  public long byteCapacity() {
    return byteCapacity;
  }

  /** The bytes {@code s} takes in UTF-8, without making them. */
  static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /**
   * Stops following: drops the lines not taken, closes the engine's response and waits for
   * docker-java's reading thread to end. Idempotent; the container is not touched.
   */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      lines.clear();
      bufferedBytes = 0;
      notFull.signalAll();
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
    if (follower != null) {
      follower.close();
    }
    Runnable forget = onClose.getAndSet(null);
    if (forget != null) {
      forget.run();
    }
  }
}
