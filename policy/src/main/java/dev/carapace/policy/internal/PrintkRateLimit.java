package dev.carapace.policy.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns the kernel's printk rate limit off ({@code kernel.printk_ratelimit=0}) while at least one
 * recording of this JVM runs, and puts the old value back when the last one ends, even when it
 * fails, and at the JVM's exit if a recording is still under way then.
 *
 * <p>With the default limit (5 s, burst 10) the kernel prints about 10 seccomp records and drops the
 * rest. <b>The setting is global</b>: while it is off, every kernel message of the host that would have
 * been dropped is printed. Recorders in one JVM share one count (this class); two JVMs recording at
 * once may restore each other's value early, which the recorder notices ({@link #isOff()} at the
 * end of each run) and reports as a possible loss.
 */
public final class PrintkRateLimit {
  /** The sysctl's file. */
  public static final Path FILE = Path.of("/proc/sys/kernel/printk_ratelimit");

  private static final Object LOCK = new Object();
  private static int holders;
  private static String saved;
  private static Thread hook;

  private PrintkRateLimit() {}

  /** Turns the limit off (the first holder saves the old value). */
  public static void acquire() throws IOException {
    synchronized (LOCK) {
      if (holders == 0) {
        String old = read();
        write("0");
        saved = old;
        hook = new Thread(PrintkRateLimit::restoreQuietly, "carapace-printk-ratelimit-restore");
        Runtime.getRuntime().addShutdownHook(hook);
      }
      holders++;
    }
  }

  /** Gives the limit back; the last holder restores the old value. */
  public static void release() throws IOException {
    synchronized (LOCK) {
      if (holders == 0) {
        return;
      }
      holders--;
      if (holders == 0) {
        try {
          write(saved);
        } finally {
          try {
            Runtime.getRuntime().removeShutdownHook(hook);
          } catch (IllegalStateException e) {
            // the JVM is exiting: the hook runs anyway and writes the same value
          }
          hook = null;
        }
      }
    }
  }

  /** Whether the limit is off now. */
  public static boolean isOff() throws IOException {
    return read().equals("0");
  }

  /** The value saved by the first holder, for messages; null when none holds it. */
  public static String saved() {
    synchronized (LOCK) {
      return holders == 0 ? null : saved;
    }
  }

  private static void restoreQuietly() {
    synchronized (LOCK) {
      if (holders > 0 && saved != null) {
        try {
          write(saved);
        } catch (IOException e) {
          // nothing more can be done at exit
        }
      }
    }
  }

  private static String read() throws IOException {
    return new String(Files.readAllBytes(FILE), StandardCharsets.US_ASCII).strip();
  }

  private static void write(String value) throws IOException {
    Files.write(FILE, (value + "\n").getBytes(StandardCharsets.US_ASCII));
  }
}
