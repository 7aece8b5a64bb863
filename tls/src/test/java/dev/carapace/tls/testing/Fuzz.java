package dev.carapace.tls.testing;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * A fuzz loop whose time limit is per input, not per run: a blow-up is one slow input, and a loaded
 * machine, which slows every input a little, does not fail the run.
 *
 * <p>The inputs run on one worker thread. Each may take {@link #PER_INPUT} of that thread's CPU time
 * (wall-clock time where the JVM cannot measure a thread's CPU time); one that takes more fails the
 * test, naming its index and the input, escaped. A watchdog on the calling thread fails the test while
 * such an input is still running (a hang), and when one input has run for {@link #HANG} of wall-clock
 * time, spinning or not. How many inputs a test makes comes from the system property
 * {@value #COUNT_PROPERTY}: {@value #DEFAULT_COUNT} unless set; CI ({@code .ci/run}) sets 100000.
 *
 * <pre>{@code
 * Random r = new Random(1);  // a fixed seed: a failure reproduces
 * Fuzz.run("CpuSet.parse", Fuzz.count(), i -> random(r), Fuzz::escape, (i, v) -> CpuSet.parse(v));
 * }</pre>
 */
public final class Fuzz {
  /** The system property that sets how many inputs each fuzz loop makes. */
  public static final String COUNT_PROPERTY = "carapace.fuzz.count";
  /** Inputs per loop when {@value #COUNT_PROPERTY} is unset. */
  public static final int DEFAULT_COUNT = 10_000;
  /** The CPU time one input may take. */
  public static final Duration PER_INPUT = Duration.ofSeconds(1);
  /** The wall-clock time one input may take, however little CPU it uses. */
  public static final Duration HANG = Duration.ofSeconds(60);

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final boolean CPU_TIME = THREADS.isThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();
  private static final long WATCH_MILLIS = 100;

  private Fuzz() {}

  /** What one fuzz loop does with each input; any exception or error fails the test. */
  @FunctionalInterface
  public interface Check<T> {
    /** Checks input number {@code index}. */
    void accept(int index, T input) throws Exception;
  }

  /** The input a loop is on, and when it started. */
  private record Current(int index, Object input, long cpuStart, long wallStart) {}

  /** Inputs per fuzz loop: {@value #COUNT_PROPERTY}, {@value #DEFAULT_COUNT} unless set. */
  public static int count() {
    int count = Integer.getInteger(COUNT_PROPERTY, DEFAULT_COUNT);
    if (count < 1) {
      throw new IllegalArgumentException(COUNT_PROPERTY + " must be at least 1: " + count);
    }
    return count;
  }

  /**
   * Runs {@code check} on {@code count} inputs, made by {@code next} in order, on one worker thread.
   * Fails with {@link AssertionError} naming the input (through {@code show}) when one takes more than
   * {@link #PER_INPUT}; rethrows what {@code check} threw.
   */
  public static <T> void run(String name, int count, IntFunction<? extends T> next, Function<? super T, String> show,
      Check<? super T> check) {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicReference<Current> current = new AtomicReference<>();
    Thread worker = new Thread(() -> {
      try {
        long cpuStart = cpuNanos();
        for (int i = 0; i < count; i++) {
          // one clock reading per input: the end of one is the start of the next (making an input is cheap)
          T input = next.apply(i);
          current.set(new Current(i, input, cpuStart, System.nanoTime()));
          check.accept(i, input);
          long end = cpuNanos();
          long took = end - cpuStart;
          cpuStart = end;
          if (took > PER_INPUT.toNanos()) {
            throw new AssertionError(name + ": input #" + i + " took " + took / 1_000_000 + " ms" + clock()
                + ", over the " + PER_INPUT.toMillis() + " ms each input may take: " + show.apply(input));
          }
        }
      } catch (Throwable t) {
        failure.set(t);
      }
    }, "fuzz " + name);
    worker.setDaemon(true);
    worker.start();
    try {
      while (worker.isAlive()) {
        worker.join(WATCH_MILLIS);
        Current now = current.get();
        if (!worker.isAlive() || now == null) {
          continue;
        }
        long cpu = (CPU_TIME ? THREADS.getThreadCpuTime(worker.getId()) : System.nanoTime()) - now.cpuStart();
        long wall = System.nanoTime() - now.wallStart();
        if (current.get() == now && worker.isAlive() && (cpu > PER_INPUT.toNanos() || wall > HANG.toNanos())) {
          worker.interrupt();
          @SuppressWarnings("unchecked")
          String shown = show.apply((T) now.input());
          throw new AssertionError(name + ": input #" + now.index() + " still running after " + cpu / 1_000_000
              + " ms" + clock() + " (" + wall / 1_000_000 + " ms wall-clock); each input may take "
              + PER_INPUT.toMillis() + " ms: " + shown);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(name + ": interrupted", e);
    }
    Throwable t = failure.get();
    if (t instanceof Error e) {
      throw e;
    }
    if (t instanceof RuntimeException e) {
      throw e;
    }
    if (t != null) {
      throw new AssertionError(name + ": " + t, t);
    }
  }

  /** {@code s} in double quotes, with every character outside printable ASCII as {@code \\uXXXX}; 200 at most. */
  public static String escape(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : (s.length() > 200 ? s.substring(0, 200) + "..." : s).toCharArray()) {
      sb.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return sb.append('"').toString();
  }

  private static long cpuNanos() {
    return CPU_TIME ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
  }

  private static String clock() {
    return CPU_TIME ? " of CPU time" : "";
  }
}
