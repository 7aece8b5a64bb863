package dev.carapace.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The podman CLI as the ITs run it (testbed/podman.sh installs it, writes its containers.conf and loads the
 * test images as {@code localhost/IMG}). Fails loudly, never skips, when podman or the testbed is missing.
 */
final class Podman {
  static final Path TESTBED = Path.of(System.getenv().getOrDefault("CARAPACE_TESTBED_DIR", "/var/lib/carapace-testbed"));
  static final Path CONF = TESTBED.resolve("podman/containers.conf");
  /** The test images, as testbed/podman.sh loads them into podman's store. */
  static final String BUSYBOX = "localhost/carapace-test/busybox:1";
  static final String BUSYBOX_USER = "localhost/carapace-test/busybox-user:1";

  private Podman() {}

  /** Runs {@code podman ARGS...} and returns its standard output; throws with its standard error when it fails. */
  static String run(String... args) throws IOException, InterruptedException {
    if (!Files.isRegularFile(CONF)) {
      throw new IllegalStateException("podman testbed missing: no " + CONF + " (run testbed/podman.sh as root)");
    }
    List<String> command = new ArrayList<>();
    command.add("podman");
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("CONTAINERS_CONF", CONF.toString());
    Path err = Files.createTempFile("podman", ".err");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("podman " + String.join(" ", args) + " did not finish in 180 s");
    }
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    Files.delete(err);
    if (p.exitValue() != 0) {
      throw new IllegalStateException("podman " + String.join(" ", args) + " exited " + p.exitValue() + ": "
          + stderr.strip());
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  /**
   * {@code podman kube play FLAGS... FILE} of {@code yaml}, returning the file to take it down with; when the play
   * fails, whatever it made is taken down and the file deleted.
   */
  static Path play(String yaml, String... flags) throws IOException, InterruptedException {
    Path file = Files.createTempFile("carapace-kube", ".yaml");
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    try {
      List<String> args = new ArrayList<>(List.of("kube", "play"));
      args.addAll(List.of(flags));   // --creds, --cert-dir: to pull from the testbed's registry
      args.add(file.toString());
      run(args.toArray(String[]::new));
    } catch (IOException | InterruptedException | RuntimeException e) {
      // podman may have made part of it before failing: take that down too, then drop the file
      try {
        down(file);
      } catch (IOException | RuntimeException again) {
        e.addSuppressed(again);
      }
      throw e;
    }
    return file;
  }

  /** {@code podman kube down FILE}, then deletes the file. */
  static void down(Path file) throws IOException, InterruptedException {
    try {
      run("kube", "down", file.toString());
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** The names of every pod podman has whose name starts with {@code prefix}. */
  static List<String> pods(String prefix) throws IOException, InterruptedException {
    List<String> names = new ArrayList<>();
    for (String line : run("pod", "ls", "--format", "{{.Name}}").split("\n")) {
      if (line.startsWith(prefix)) {
        names.add(line);
      }
    }
    return names;
  }
}
