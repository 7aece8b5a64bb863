package dev.carapace.examples;

import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.ContainerPath;
import dev.carapace.core.Endpoint;
import dev.carapace.core.MemorySize;
import dev.carapace.core.Mount;
import dev.carapace.core.RunResult;
import dev.carapace.core.SecureContainerSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

/**
 * Step 2 of the README: resource limits and mounts, and what the kernel shows of them from inside
 * the container: the memory, pids and CPU-shares cgroup files, the mount table ({@code /proc/mounts}:
 * a read-only root, a size-limited {@code noexec} tmpfs, a read-only bind mount), and what happens
 * when the container writes to the tmpfs (it works) and to the read-only bind mount (the kernel
 * refuses: {@code Read-only file system}).
 *
 * <p>The bind mount's source is a folder on the engine's host, so the engine must run on this
 * machine. The program makes that folder itself (writable by everyone, so that only the read-only
 * flag stops the container's writes) with a {@code greeting.txt}, and removes it afterwards.
 *
 * <p>Run: {@code mvn -B -ntp -q -pl examples exec:java -Dexec.mainClass=dev.carapace.examples.LimitsAndMounts}
 * (after {@code testbed/setup.sh} and an install). The image defaults to the testbed's
 * {@code carapace-test/busybox:1}; pass another as the first argument.
 */
public final class LimitsAndMounts {
  /** Prints one {@code key=value} line per fact, as the kernel shows it inside the container. */
  static final String PROBE = String.join("; ",
      "echo memory=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes)",
      "echo pids=$(cat /sys/fs/cgroup/pids/pids.max)",
      "echo cpu shares=$(cat /sys/fs/cgroup/cpu/cpu.shares)",
      "echo /=$(grep ' / ' /proc/mounts | cut -d' ' -f4 | cut -d, -f1)",
      "echo /tmp=$(grep ' /tmp ' /proc/mounts | cut -d' ' -f3,4)",
      "echo /config=$(grep ' /config ' /proc/mounts | cut -d' ' -f4 | cut -d, -f1)",
      "echo write /tmp=$(touch /tmp/probe 2>&1 && echo ok)",
      "echo write /config=$(touch /config/probe 2>&1 && echo ok)",
      "echo read /config=$(cat /config/greeting.txt 2>&1)");

  private LimitsAndMounts() {}

  public static void main(String[] args) throws IOException {
    String image = args.length > 0 ? args[0] : "carapace-test/busybox:1";
    Path config = hostFolder();
    int code;
    try (ContainerLauncher launcher = ContainerLauncher.connect(Endpoint.fromEnvironment())) {
      code = run(launcher, image, config, System.out);
    } finally {
      removeHostFolder(config);
    }
    System.exit(code);
  }

  /** A new host folder holding {@code greeting.txt}, writable by every user (see the class comment). */
  static Path hostFolder() throws IOException {
    Path config = Files.createTempDirectory("carapace-config");
    Files.writeString(config.resolve("greeting.txt"), "hello from the host\n");
    Files.setPosixFilePermissions(config.resolve("greeting.txt"), PosixFilePermissions.fromString("rw-r--r--"));
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rwxrwxrwx"));
    return config;
  }

  /** Removes what {@link #hostFolder()} made, and anything a container wrote there. */
  static void removeHostFolder(Path config) throws IOException {
    try (var files = Files.list(config)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(config);
  }

  /**
   * Runs the limited container with {@code config} bind-mounted read-only and prints what it saw;
   * returns 0 when it ran.
   */
  public static int run(ContainerLauncher launcher, String image, Path config, PrintStream out) {
    // --- snippet: limits-and-mounts
    SecureContainerSpec spec = SecureContainerSpec.builder()
        .image(image)
        .command("sh", "-c", PROBE)                 // cgroup files, /proc/mounts, writes
        .user("1000:1000")
        .memoryLimit(MemorySize.ofMebibytes(64))    // -m 64m
        .pidsLimit(64)                              // --pids-limit 64
        .cpuShares(512)                             // -c 512
        .readOnlyRootFilesystem(true)               // --read-only
        .addMount(Mount.tmpfs(ContainerPath.of("/tmp"), MemorySize.ofMebibytes(16)))         // --tmpfs /tmp:size=16m
        .addMount(Mount.bind(config.toString(), ContainerPath.of("/config")).asReadOnly())  // -v HOST:/config:ro
        .build();
    RunResult result = launcher.run(spec, Duration.ofSeconds(30));
    // --- end snippet
    if (result.exitCode() != 0) {
      out.println("container failed with exit code " + result.exitCode() + ": " + result.stderr());
      return 1;
    }
    out.println("Carapace container " + result.containerId().substring(0, 12) + " (" + image
        + "), seen from inside");
    for (String line : result.stdout().split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        out.printf("  %-13s %s%n", line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return 0;
  }
}
