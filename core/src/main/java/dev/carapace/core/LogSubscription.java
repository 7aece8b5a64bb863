package dev.carapace.core;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A container's output followed as it comes, each line handed to the caller's consumer
 * ({@link RunningContainer#followLogs}); close it to stop.
 *
 * <pre>{@code
 * try (LogSubscription s = container.followLogs(line -> log.info("{}", line))) {
 *   s.awaitEnd(Duration.ofMinutes(1));           // until the container exits, or a minute
 * }                                              // stops reading; no thread is left
 * }</pre>
 *
 * <p>The consumer runs on docker-java's reading thread, one line after the other, in the order the
 * engine sends them. While it runs, nothing more is read from the engine: a slow consumer slows the
 * reading and memory does not grow (back-pressure). A line longer than
 * {@value LogFollower#MAX_LINE_BYTES} bytes is handed on as several lines of at most that many bytes,
 * cut between characters. A consumer that throws stops the following and the reading thread ends;
 * its exception comes back from {@link #awaitEnd} and is logged at WARN at once (so that it is seen
 * even when nobody awaits the end). Closing waits for the reading thread to end; a subscription
 * nobody closes is closed with its container or its launcher. When the output ends, the consumer has
 * had every line, an unfinished last line included, as with {@link LogStream} (see there: the log is
 * then read once more, since engine 20.10's follow may leave out what the container wrote last).
 */
public final class LogSubscription implements AutoCloseable {
  private final AtomicReference<Throwable> consumerError = new AtomicReference<>();
  private final AtomicReference<Throwable> engineError = new AtomicReference<>();
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LogSubscription.class);

  private final Function<Throwable, RuntimeException> failure;
  private final String container;
  private final AtomicReference<Runnable> onClose = new AtomicReference<>();
  private LogFollower follower;

  /** {@code container}: the short id the WARN line names. */
  LogSubscription(String container, Function<Throwable, RuntimeException> failure) {
    this.container = container;
    this.failure = failure;
  }

  /** Runs once when the subscription is closed (the container forgets it). */
  void onClose(Runnable onClose) {
    this.onClose.set(onClose);
  }

  /** The sink docker-java's thread writes into: {@code consumer}, its exception kept. */
  LogFollower.Sink sink(Consumer<LogLine> consumer) {
    return new LogFollower.Sink() {
      @Override
      public void lines(java.util.List<LogLine> batch) {
        try {
          for (LogLine line : batch) {
            consumer.accept(line);
          }
        } catch (RuntimeException | Error e) {
          if (consumerError.compareAndSet(null, e)) {
            LOG.warn("log consumer of container {} threw {}: following stopped, awaitEnd() rethrows it", container,
                e.toString());
          }
          throw e;
        }
      }

      @Override
      public void end(Throwable error) {
        if (error != null && consumerError.get() != error) {
          engineError.compareAndSet(null, error);
        }
      }
    };
  }

  void follower(LogFollower follower) {
    this.follower = follower;
  }

  /**
   * Waits at most {@code timeout} for the output to end (the container exited, and every line was
   * handed on).
   *
   * @return whether it ended within {@code timeout}
   * @throws RuntimeException the consumer's own exception, when it threw one
   * @throws ContainerOperationException step {@code logs}, when the engine refused or broke the stream
   */
  public boolean awaitEnd(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    boolean ended;
    try {
      ended = follower.awaitEnd(timeout.isNegative() ? Duration.ZERO : timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    Throwable mine = consumerError.get();
    if (mine instanceof RuntimeException) {
      throw (RuntimeException) mine;
    }
    if (mine instanceof Error) {
      throw (Error) mine;
    }
    Throwable engine = engineError.get();
    if (ended && engine != null) {
      throw failure.apply(engine);
    }
    return ended;
  }

  /** Whether the output ended, failed or was closed. */
  public boolean ended() {
    return follower.ended();
  }

  /** Stops following and waits for docker-java's reading thread to end. Idempotent. */
  @Override
  public void close() {
    follower.close();
    Runnable forget = onClose.getAndSet(null);
    if (forget != null) {
      forget.run();
    }
  }
}
