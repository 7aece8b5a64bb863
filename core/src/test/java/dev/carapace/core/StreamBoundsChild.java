package dev.carapace.core;

import static dev.carapace.core.testing.TestEngine.busybox;

import dev.carapace.core.testing.TestEngine;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads huge outputs in a JVM of its own, started by {@link StreamBoundsIT} with a small heap
 * ({@code -Xmx64m}): that it completes at all shows the reads are bounded. Prints
 * {@code launcher ID} first (for the parent's cleanup), then one line per read, then
 * {@code peakHeapMiB N} (the most heap in use, sampled every 10 ms) and {@code done}.
 *
 * <ul>
 *   <li>{@code exec-2g}: an exec writing 2 GiB of zeros to stdout;
 *   <li>{@code line-100m}: a single line of 100,000,000 bytes without a newline, read through
 *       {@code logs()}, {@code run()}, exec, {@code streamLogs()} and {@code followLogs()};
 *   <li>{@code throwing}: a follow consumer that throws at the third line.
 * </ul>
 */
final class StreamBoundsChild {
  /** 100,000,000 bytes of {@code x}, no newline. */
  static final String HUNDRED_MB_LINE = "head -c 100000000 /dev/zero | tr '\\0' x";

  private StreamBoundsChild() {}

  private static volatile long peak;

  public static void main(String[] args) throws Exception {
    Thread sampler = new Thread(() -> {
      Runtime rt = Runtime.getRuntime();
      while (true) {
        peak = Math.max(peak, rt.totalMemory() - rt.freeMemory());
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
    try (ContainerLauncher launcher = TestEngine.launcher()) {
      System.out.println("launcher " + launcher.id());
      switch (args[0]) {
        case "exec-2g" -> exec2g(launcher);
        case "line-100m" -> line100m(launcher);
        case "throwing" -> throwing(launcher);
        default -> throw new IllegalArgumentException("mode: " + args[0]);
      }
    }
    System.out.println("peakHeapMiB " + peakHeap() / (1 << 20));
    System.out.println("done");
  }

  private static void exec2g(ContainerLauncher launcher) {
    try (RunningContainer c = launcher.launch(busybox("sleep", "600").build())) {
      long t0 = System.nanoTime();
      ExecResult r = c.exec(ExecSpec.builder().command("head", "-c", "2147483648", "/dev/zero")
          .timeout(Duration.ofMinutes(10)).build());
      System.out.println("exec-2g exit " + r.exitCode() + " stdout " + r.stdout().length() + " truncated "
          + r.stdoutTruncated() + " ms " + (System.nanoTime() - t0) / 1_000_000);
    }
  }

  private static void line100m(ContainerLauncher launcher) throws Exception {
    long t0 = System.nanoTime();
    RunResult run = launcher.run(busybox("sh", "-c", HUNDRED_MB_LINE).build(), Duration.ofMinutes(5));
    System.out.println("run exit " + run.exitCode() + " stdout " + run.stdout().length() + " truncated "
        + run.stdoutTruncated() + " ms " + ms(t0));

    try (RunningContainer c = launcher.launch(busybox("sh", "-c", HUNDRED_MB_LINE + "; sleep 600").build())) {
      t0 = System.nanoTime();
      ExecResult r = c.exec(ExecSpec.builder().command("sh", "-c", HUNDRED_MB_LINE)
          .timeout(Duration.ofMinutes(5)).build());
      System.out.println("exec exit " + r.exitCode() + " stdout " + r.stdout().length() + " truncated "
          + r.stdoutTruncated() + " ms " + ms(t0));
    }

    try (RunningContainer c = launcher.launch(busybox("sh", "-c", HUNDRED_MB_LINE).build())) {
      // streamed while the container writes it
      t0 = System.nanoTime();
      long pieces = 0;
      long chars = 0;
      long longest = 0;
      long maxBufferedBytes = 0;
      try (LogStream logs = c.streamLogs()) {
        long end = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!logs.ended() && System.nanoTime() < end) {
          maxBufferedBytes = Math.max(maxBufferedBytes, logs.bufferedBytes());
          var line = logs.next(Duration.ofSeconds(1));
          if (line.isPresent()) {
            pieces++;
            chars += line.get().text().length();
            longest = Math.max(longest, line.get().text().length());
          }
        }
        System.out.println("streamLogs pieces " + pieces + " chars " + chars + " longest " + longest
            + " maxBufferedBytes " + maxBufferedBytes + " ended " + logs.ended() + " ms " + ms(t0));
      }
      c.awaitExit(Duration.ofMinutes(1));

      t0 = System.nanoTime();
      ContainerLogs logs = c.logs();
      System.out.println("logs stdout " + logs.stdout().length() + " truncated " + logs.stdoutTruncated()
          + " ms " + ms(t0));

      t0 = System.nanoTime();
      AtomicLong followed = new AtomicLong();
      AtomicLong followedPieces = new AtomicLong();
      AtomicLong followedLongest = new AtomicLong();
      try (LogSubscription s = c.followLogs(l -> {
        followedPieces.incrementAndGet();
        followed.addAndGet(l.text().length());
        followedLongest.accumulateAndGet(l.text().length(), Math::max);
      })) {
        boolean ended = s.awaitEnd(Duration.ofMinutes(5));
        System.out.println("followLogs pieces " + followedPieces + " chars " + followed + " longest "
            + followedLongest + " ended " + ended + " ms " + ms(t0));
      }
    }
  }

  private static void throwing(ContainerLauncher launcher) throws Exception {
    try (RunningContainer c = launcher.launch(busybox("sh", "-c",
        "i=0; while true; do i=$((i+1)); echo line $i; sleep 0.05; done").build())) {
      var before = StreamThreads.alive();
      LogSubscription s = c.followLogs(l -> {
        if (l.text().equals("line 3")) {
          throw new IllegalStateException("consumer failed at 3");
        }
      });
      long t0 = System.nanoTime();
      // never awaited nor closed: the thread must end by itself, the failure must be logged
      while (!s.ended() && System.nanoTime() - t0 < Duration.ofSeconds(30).toNanos()) {
        Thread.sleep(20);
      }
      long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!StreamThreads.since(before).isEmpty() && System.nanoTime() < end) {
        Thread.sleep(20);
      }
      System.out.println("throwing ended " + s.ended() + " threadsLeft " + StreamThreads.since(before).size()
          + " ms " + ms(t0));
      try {
        s.awaitEnd(Duration.ZERO);
        System.out.println("throwing rethrown none");
      } catch (IllegalStateException e) {
        System.out.println("throwing rethrown " + e.getMessage());
      }
    }
  }

  private static long ms(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  private static long peakHeap() {
    return peak;
  }
}
