package dev.carapace.core.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credential helpers run as hostile programs would run: one that leaves a child holding its output,
 * one that never exits, one that prints the secret and fails, one that prints without end, one placed
 * where only the current directory or a relative {@code PATH} entry would find it.
 */
class DockerConfigCredentialsTest {
  private static final String SECRET = "s3cr3t-Pa55";
  private static final String ANSWER = "{\"ServerURL\":\"ghcr.io\",\"Username\":\"ci\",\"Secret\":\"" + SECRET + "\"}";

  private static Path helper(Path bin, String name, String body) throws IOException {
    Files.createDirectories(bin);
    Path script = bin.resolve("docker-credential-" + name);
    Files.writeString(script, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  private static void config(Path dir, String helper) throws IOException {
    Files.writeString(dir.resolve("config.json"), "{\"credsStore\": \"" + helper + "\"}");
  }

  private static long pid(Path file) throws Exception {
    for (int i = 0; i < 100 && (!Files.exists(file) || Files.readString(file).isBlank()); i++) {
      Thread.sleep(20);
    }
    return Long.parseLong(Files.readString(file).trim());
  }

  private static void assertGone(long pid) throws InterruptedException {
    for (int i = 0; i < 100 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); i++) {
      Thread.sleep(20);
    }
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "process " + pid + " destroyed");
  }

  @Test
  void aHelperThatLeavesAChildHoldingItsOutputAnswersWithinTheGraceAndTheChildIsDestroyed(@TempDir Path dir)
      throws Exception {
    Path child = dir.resolve("child.pid");
    helper(dir.resolve("bin"), "stray", "cat > /dev/null\nprintf '" + ANSWER + "'\nsleep 600 &\necho $! > '" + child
        + "'\nexit 0\n");
    config(dir, "stray");
    long start = System.nanoTime();
    Optional<RegistryAuth> auth = DockerConfigCredentials.lookup(dir, "ghcr.io", List.of(dir.resolve("bin")));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertEquals(SECRET, auth.orElseThrow().password());
    // the grace is 0.5 s: 15 s is generous under load and still half the helper timeout (30 s) it must not reach
    assertTrue(took.compareTo(Duration.ofSeconds(15)) < 0, "answered in " + took + ", not after the child's 600 s");
    assertGone(pid(child));
  }

  @Test
  void aHelperWhoseGrandchildEscapesWithAClearedEnvironmentIsFoundByItsOutputPipeAndDestroyed(@TempDir Path dir)
      throws Exception {
    Path grandchild = dir.resolve("grandchild.pid");
    Path environment = dir.resolve("grandchild.env");
    // a double fork: the subshell exits at once, so the grandchild is no descendant of the helper when it is looked
    // at; setsid and env -i: another session, and no run token in its environment; it keeps stdout and stderr
    helper(dir.resolve("bin"), "escape", "cat > /dev/null\n( setsid env -i /bin/sh -c '/usr/bin/env > \"$1\"; echo $$ > \"$0\";"
        + " exec /bin/sleep 600' '" + grandchild + "' '" + environment + "' & )\npid=''\nwhile [ -z \"$pid\" ]; do pid=$(cat '" + grandchild
        + "' 2>/dev/null); done\nprintf '" + ANSWER + "'\nexit 0\n");
    config(dir, "escape");
    long start = System.nanoTime();
    Optional<RegistryAuth> auth = DockerConfigCredentials.lookup(dir, "ghcr.io", List.of(dir.resolve("bin")));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    long pid = pid(grandchild);
    try {
      assertEquals(SECRET, auth.orElseThrow().password());
      assertTrue(took.compareTo(Duration.ofSeconds(15)) < 0, "answered in " + took + ", not after the grandchild's 600 s");
      assertFalse(Files.readString(environment).contains(DockerConfigCredentials.RUN_TOKEN),
          "the run token is not in the grandchild's environment");
      assertGone(pid);
    } finally {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  void aHelperThatNeverExitsIsStoppedWithItsChildrenAtTheDeadline(@TempDir Path dir) throws Exception {
    Path child = dir.resolve("child.pid");
    Path program = helper(dir, "hang", "cat > /dev/null\nprintf 'partial " + SECRET + "'\nsleep 600 &\necho $! > '"
        + child + "'\nwait\n");
    long start = System.nanoTime();
    DockerConfigCredentials.Unreadable e = assertThrows(DockerConfigCredentials.Unreadable.class,
        () -> DockerConfigCredentials.run(program, "ghcr.io", "credential helper docker-credential-hang",
            Duration.ofSeconds(1)));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertEquals("credential helper docker-credential-hang did not answer within PT1S: stopped with its child"
        + " processes (it printed 19 bytes on stdout and 0 bytes on stderr)", e.getMessage());
    assertTrue(took.compareTo(Duration.ofSeconds(15)) < 0, "gave up in " + took); // a 1 s timeout; the child sleeps 600 s
    assertGone(pid(child));
  }

  @Test
  void aFailingHelperIsNamedWithItsExitCodeAndByteCountsNeverWhatItPrinted(@TempDir Path dir) throws IOException {
    helper(dir.resolve("bin"), "fails", "cat > /dev/null\necho 'user ci password " + SECRET + "'\necho '"
        + ANSWER + "' >&2\nexit 3\n");
    config(dir, "fails");
    String m = assertThrows(DockerConfigCredentials.Unreadable.class,
        () -> DockerConfigCredentials.lookup(dir, "ghcr.io", List.of(dir.resolve("bin")))).getMessage();
    assertEquals("credential helper docker-credential-fails (credsStore in " + dir.resolve("config.json") + ") failed"
        + " with exit code 3 (it printed 29 bytes on stdout and " + (ANSWER.length() + 1) + " bytes on stderr, not"
        + " shown)", m);
    assertFalse(m.contains(SECRET));
  }

  @Test
  void aHelperThatPrintsWithoutEndIsCutAtTheCapNotReadToTheEnd(@TempDir Path dir) throws IOException {
    helper(dir.resolve("bin"), "flood", "cat > /dev/null\nyes '" + SECRET + "'\nexit 0\n");
    config(dir, "flood");
    String m = assertThrows(DockerConfigCredentials.Unreadable.class,
        () -> DockerConfigCredentials.lookup(dir, "ghcr.io", List.of(dir.resolve("bin")))).getMessage();
    assertEquals("credential helper docker-credential-flood (credsStore in " + dir.resolve("config.json") + ") must"
        + " answer at most 65536 bytes: it printed more than 65536 bytes on stdout and 0 bytes on stderr", m);
  }

  @Test
  void aHelperIsFoundAsGoFindsItNeverThroughTheCurrentDirectoryOrARelativeEntry(@TempDir Path dir) throws IOException {
    Path cwd = Path.of("").toAbsolutePath();
    Path inCwd = cwd.resolve("docker-credential-carapace-cwd-test");
    Path empty = dir.resolve("empty");
    Files.createDirectories(empty);
    try {
      helper(cwd, "carapace-cwd-test", "cat > /dev/null\nprintf '" + ANSWER + "'\n");
      config(dir, "carapace-cwd-test");
      // the current directory is not searched unless PATH names it
      assertTrue(assertThrows(DockerConfigCredentials.Unreadable.class, () -> DockerConfigCredentials.lookup(dir,
          "ghcr.io", DockerConfigCredentials.pathOf(Map.of("PATH", empty.toString())))).getMessage()
          .contains(" must be installed: docker-credential-carapace-cwd-test not found in [" + empty + "]"));
      assertTrue(DockerConfigCredentials.pathOf(Map.of("PATH", "")).isEmpty(), "an empty PATH names no directory");
      // "." names it: the match is refused, not run, and not skipped for a later one
      helper(dir.resolve("bin"), "carapace-cwd-test", "cat > /dev/null\nprintf '" + ANSWER + "'\n");
      assertEquals("credential helper docker-credential-carapace-cwd-test (credsStore in " + dir.resolve("config.json")
          + ") must be found in an absolute directory: docker-credential-carapace-cwd-test was found first in the"
          + " relative PATH entry . (the docker CLI refuses it too since Go 1.19; install it in an absolute"
          + " directory of PATH)", assertThrows(DockerConfigCredentials.Unreadable.class, () -> DockerConfigCredentials
              .lookup(dir, "ghcr.io", DockerConfigCredentials.pathOf(Map.of("PATH", ".:" + dir.resolve("bin")))))
              .getMessage());
      // an empty entry (the current directory for Go, which would refuse the match) is never searched
      assertEquals(SECRET, DockerConfigCredentials.lookup(dir, "ghcr.io",
          DockerConfigCredentials.pathOf(Map.of("PATH", ":" + dir.resolve("bin")))).orElseThrow().password());
    } finally {
      Files.deleteIfExists(inCwd);
    }
    // a relative entry that reaches the helper from the current directory
    String relative = cwd.relativize(dir.resolve("bin")).toString();
    assertTrue(assertThrows(DockerConfigCredentials.Unreadable.class, () -> DockerConfigCredentials.lookup(dir,
        "ghcr.io", DockerConfigCredentials.pathOf(Map.of("PATH", relative + ":" + dir.resolve("bin"))))).getMessage()
        .contains(" was found first in the relative PATH entry " + relative + " "));
    // absolute entries find it as before
    assertEquals(SECRET, DockerConfigCredentials.lookup(dir, "ghcr.io",
        DockerConfigCredentials.pathOf(Map.of("PATH", empty + ":" + dir.resolve("bin")))).orElseThrow().password());
  }
}
