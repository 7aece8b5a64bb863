package dev.carapace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The installed command ({@code target/carapace/bin/carapace}, built by {@code package}; system property
 * {@code carapace.cli.home}) run as a process, as a user or a CI job runs it.
 */
final class CommandProcess {
  private CommandProcess() {}

  /** One finished run: exit code, stdout, stderr, and how long it took. */
  record Result(int code, String out, String err, long millis) {
    List<String> errLines() {
      return err.lines().toList();
    }

    /** Exit 2, empty stdout, exactly one stderr line starting with {@code prefix}, no stack trace. */
    void assertInputError(String prefix) {
      assertEquals(2, code, this::toString);
      assertEquals("", out, "stdout stays empty on an error");
      assertEquals(1, errLines().size(), () -> "one line on stderr: " + err);
      assertTrue(err.startsWith(prefix), err);
      assertFalse(err.contains("Exception") || err.contains("\tat "), () -> "no stack trace: " + err);
    }
  }

  static Path launcher() {
    String home = System.getProperty("carapace.cli.home");
    if (home == null) {
      fail("system property carapace.cli.home is unset: run the ITs with mvn verify (failsafe sets it)");
    }
    Path bin = Path.of(home, "bin", "carapace");
    assertTrue(Files.isExecutable(bin), bin + " is not an executable: the package phase builds it");
    return bin;
  }

  /** The docker host the ITs use, as {@code --host} takes it. */
  static String dockerHost() {
    String host = System.getProperty("carapace.docker.host");
    return host == null || host.isBlank() ? "unix:///var/run/docker.sock" : host;
  }

  static Result run(String... args) {
    return run(Map.of(), args);
  }

  /** Runs {@code carapace args...} with this environment plus {@code env}, waiting at most 3 minutes. */
  static Result run(Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>();
    command.add(launcher().toString());
    command.addAll(List.of(args));
    return exec(command, env);
  }

  /** Runs {@code command} (another program: the docker CLI) with this environment plus {@code env}, at most 3 minutes. */
  static Result exec(List<String> command, Map<String, String> env) {
    List<String> args = command.subList(1, command.size());
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    try {
      Path out = Files.createTempFile("carapace-out", ".txt");
      Path err = Files.createTempFile("carapace-err", ".txt");
      try {
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        long start = System.nanoTime();
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
          p.destroyForcibly().waitFor();
          fail(command.get(0) + " " + String.join(" ", args) + " still running after 3 minutes");
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8), millis);
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
