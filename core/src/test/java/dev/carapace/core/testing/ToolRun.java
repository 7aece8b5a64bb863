package dev.carapace.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One run of an external verifier (skopeo, cosign): its command line, environment additions, a
 * timeout after which it is killed, and its output (stdout and stderr together, the first 64 KiB).
 */
public final class ToolRun {
  private static final int MAX_OUTPUT = 64 * 1024;

  /** What the process did: its exit code ({@code -1} when killed at the timeout), output and time. */
  public record Result(int exit, String output, Duration took) {
    /** The last non-empty line of the output. */
    public String lastLine() {
      String[] lines = output.strip().split("\n");
      return lines.length == 0 ? "" : lines[lines.length - 1];
    }
  }

  /** What a verifier said of one image. */
  public record Verdict(boolean accepted, String message, Duration took) {
    @Override
    public String toString() {
      return (accepted ? "accept" : "refuse") + (message.isEmpty() ? "" : ": " + message);
    }
  }

  private ToolRun() {}

  /** Runs {@code command} with {@code env} added to this JVM's environment; killed after {@code timeout}. */
  public static Result run(List<String> command, Map<String, String> env, Duration timeout) {
    return run(command, env, timeout, null);
  }

  /** As {@link #run(List, Map, Duration)} in the working directory {@code workDir} (null: this JVM's). */
  public static Result run(List<String> command, Map<String, String> env, Duration timeout, Path workDir) {
    long start = System.nanoTime();
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (workDir != null) {
      pb.directory(workDir.toFile());
    }
    pb.environment().putAll(env);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread reader = new Thread(() -> drain(p.getInputStream(), out), "tool-output");
    reader.setDaemon(true);
    reader.start();
    int exit;
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        exit = -1;
      } else {
        exit = p.exitValue();
      }
      reader.join(5_000);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + command.get(0), e);
    }
    String output;
    synchronized (out) {
      output = out.toString(StandardCharsets.UTF_8);
    }
    return new Result(exit, output, Duration.ofNanos(System.nanoTime() - start));
  }

  private static void drain(InputStream in, ByteArrayOutputStream out) {
    byte[] buf = new byte[8192];
    try (in) {
      for (int n; (n = in.read(buf)) >= 0; ) {
        synchronized (out) {
          if (out.size() < MAX_OUTPUT) {
            out.write(buf, 0, Math.min(n, MAX_OUTPUT - out.size()));
          }
        }
      }
    } catch (IOException e) {
      // the process ended
    }
  }

  /**
   * The tool {@code testbed/<tool>.sh} installs at {@code $testbed/<tool>/<tool>}, or the path in the
   * system property {@code carapace.<tool>}; fails (never skips) when it is not executable.
   */
  public static Path testbedBinary(String tool) {
    String configured = System.getProperty("carapace." + tool);
    Path path = configured != null ? Path.of(configured) : TestPeers.dir().resolve(tool).resolve(tool);
    if (!Files.isExecutable(path)) {
      throw new IllegalStateException("no " + tool + " at " + path + ": run testbed/" + tool + ".sh (or testbed/setup.sh)");
    }
    return path;
  }

  /** Deletes {@code path} and everything under it, if it exists. */
  public static void delete(Path path) {
    if (path == null || !Files.exists(path)) {
      return;
    }
    try (Stream<Path> all = Files.walk(path)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
