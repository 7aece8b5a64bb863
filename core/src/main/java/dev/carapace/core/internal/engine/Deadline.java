package dev.carapace.core.internal.engine;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Bounds a blocking docker-java call in time, whatever the transport does. docker-java's unix-socket
 * transport ignores the HTTP client's response timeout (its socket has no {@code SO_TIMEOUT}), so a
 * hung daemon would block a caller forever. A watchdog interrupts the calling thread when the
 * deadline passes; the socket channel's read is interruptible, closes, and the call fails.
 */
public final class Deadline {
  private static final ScheduledThreadPoolExecutor WATCHDOG = new ScheduledThreadPoolExecutor(1, r -> {
    Thread t = new Thread(r, "carapace-deadline");
    t.setDaemon(true);
    return t;
  });

  static {
    WATCHDOG.setKeepAliveTime(5, TimeUnit.SECONDS);
    WATCHDOG.allowCoreThreadTimeOut(true);
    WATCHDOG.setRemoveOnCancelPolicy(true);
  }

  private Deadline() {}

  /** The call did not finish within its deadline; the engine did not answer. */
  public static final class Exceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final Duration timeout;

    Exceeded(Duration timeout, Throwable cause) {
      super("no response within " + timeout, cause);
      this.timeout = timeout;
    }

    public Duration timeout() {
      return timeout;
    }
  }

  /**
   * Runs {@code call} on this thread, interrupting it after {@code timeout}.
   *
   * @throws Exceeded when the deadline passed (the interrupt is consumed)
   */
  public static <T> T call(Duration timeout, Supplier<T> call) {
    return call(timeout, call, null);
  }

  /**
   * As {@link #call(Duration, Supplier)}, and when the deadline passes also closes {@code abort} (on a
   * thread of its own, so a close that blocks holds nothing else): a blocked socket write over TCP or
   * TLS ignores the interrupt, and fails only once its connection is closed.
   *
   * @param abort what to close when the deadline passes, or null
   */
  public static <T> T call(Duration timeout, Supplier<T> call, AutoCloseable abort) {
    Thread caller = Thread.currentThread();
    Object lock = new Object();
    boolean[] state = new boolean[2];  // [0] done, [1] timed out
    ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
      synchronized (lock) {
        if (!state[0]) {
          state[1] = true;
          caller.interrupt();
          if (abort != null) {
            Thread closer = new Thread(() -> {
              try {
                abort.close();
              } catch (Exception e) {
                // the call fails either way; its own failure says more
              }
            }, "carapace-deadline-abort");
            closer.setDaemon(true);
            closer.start();
          }
        }
      }
    }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    RuntimeException failure = null;
    T result = null;
    try {
      result = call.get();
    } catch (RuntimeException e) {
      failure = e;
    } finally {
      watchdog.cancel(false);
      synchronized (lock) {
        state[0] = true;
      }
    }
    if (state[1]) {
      Thread.interrupted();  // the watchdog's interrupt is ours to consume
      throw new Exceeded(timeout, failure);
    }
    if (failure != null) {
      throw failure;
    }
    return result;
  }
}
