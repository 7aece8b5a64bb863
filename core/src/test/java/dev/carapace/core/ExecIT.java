package dev.carapace.core;

import static dev.carapace.core.testing.TestEngine.BUSYBOX_USER;
import static dev.carapace.core.testing.TestEngine.busybox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.testing.TestEngine;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link RunningContainer#exec} against the real engine: exit code, stdout and stderr apart, env, user,
 * working directory, the container's user and capabilities by default, the refusal of a stopped
 * container, the timeout, and the output limit.
 */
class ExecIT {
  private static final String SECRET = "exec-it-s3cret-value";
  private static ContainerLauncher launcher;
  private static RunningContainer root;

  @BeforeAll
  static void start() {
    launcher = TestEngine.launcher();
    root = launcher.launch(busybox("sleep", "300").build());
  }

  @AfterAll
  static void close() {
    launcher.close(); // removes the containers
  }

  @Test
  void returnsExitCodeStdoutAndStderrApart() {
    ExecResult r = root.exec("sh", "-c", "echo out; echo err >&2; exit 3");
    assertEquals(3, r.exitCode());
    assertEquals("out\n", r.stdout());
    assertEquals("err\n", r.stderr());
    assertFalse(r.stdoutTruncated() || r.stderrTruncated());
    assertTrue(r.elapsed().compareTo(Duration.ZERO) > 0);
  }

  @Test
  void passesEnvUserAndWorkingDir() {
    ExecResult r = root.exec(ExecSpec.builder().command("sh", "-c", "echo \"$GREETING\"; id -u; id -g; pwd")
        .putEnv("GREETING", "hello there").user("1234:2345").workingDir(ContainerPath.of("/proc")).build());
    assertEquals(0, r.exitCode(), r.stderr());
    assertEquals("hello there\n1234\n2345\n/proc\n", r.stdout());
  }

  @Test
  void runsAsTheContainersUserByDefault() {
    try (RunningContainer c = launcher.launch(busybox("sleep", "300").user("1000:1000").build())) {
      assertEquals("1000:1000\n", c.exec("sh", "-c", "echo $(id -u):$(id -g)").stdout());
    }
    try (RunningContainer c = launcher.launch(SecureContainerSpec.builder().image(BUSYBOX_USER)
        .command("sleep", "300").build())) {
      assertEquals("1000\n", c.exec("id", "-u").stdout(), "the image's USER when the spec sets none");
    }
  }

  @Test
  void hasTheContainersCapabilitiesNeverMore() {
    ProcStatus s = ProcStatus.parse(root.exec("cat", "/proc/self/status").stdout());
    assertEquals("0000000000000000", s.effectiveHex(), "drop ALL holds inside an exec");
    assertTrue(s.noNewPrivs());
    assertEquals(2, s.seccompMode());
    try (RunningContainer c = launcher.launch(busybox("sleep", "300").addCapability(Capability.CHOWN).build())) {
      ProcStatus withChown = ProcStatus.parse(c.exec("cat", "/proc/self/status").stdout());
      assertEquals("0000000000000001", withChown.effectiveHex(), "CHOWN only, as the container");
    }
  }

  @Test
  void refusesAStoppedContainerNamingItsState() {
    try (RunningContainer c = launcher.launch(busybox("true").build())) {
      assertEquals(0, c.awaitExit(Duration.ofSeconds(30)).getAsInt());
      ContainerOperationException e = assertThrows(ContainerOperationException.class, () -> c.exec("true"));
      assertEquals(ContainerOperationException.Step.EXEC, e.step());
      assertEquals("exec of carapace-test/busybox:1 (container " + c.id().substring(0, 12) + ") failed: container"
          + " state must be running for exec: exited (exit code 0) (exec runs only in a running container; launch a"
          + " new one): daemon said: Container " + c.id() + " is not running", e.getMessage());
    }
  }

  @Test
  void timesOutNamingTheCommandAndWhatItWroteNeverTheEnv() {
    long t0 = System.nanoTime();
    ExecTimeoutException e = assertThrows(ExecTimeoutException.class, () -> root.exec(ExecSpec.builder()
        .command("sh", "-c", "echo started; echo warming >&2; sleep 60").putEnv("TOKEN", SECRET)
        .timeout(Duration.ofSeconds(2)).build()));
    assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(30).toNanos(), "returned soon after the timeout");
    assertEquals("exec of carapace-test/busybox:1 (container " + root.id().substring(0, 12) + ") failed: exec"
        + " command must exit within PT2S: [sh, -c, echo started; echo warming >&2; sleep 60] still ran (stdout so"
        + " far: \"started\\n\"; stderr so far: \"warming\\n\"); the process still runs: the engine cannot stop an"
        + " exec, it ends with the container", e.getMessage());
    assertEquals("started\n", e.stdoutSoFar());
    assertTrue(e.stillRunning());
    assertFalse(e.getMessage().contains(SECRET));
    assertEquals(0, root.exec("true").exitCode(), "the container still serves execs");
  }

  @Test
  void keepsOnlyTheOutputLimitAndSaysSo() {
    ExecResult r = root.exec(ExecSpec.builder().command("sh", "-c", "yes | head -c 100000; echo done >&2")
        .outputLimit(MemorySize.ofKibibytes(1)).build());
    assertEquals(0, r.exitCode());
    assertEquals(1024, r.stdout().length());
    assertTrue(r.stdoutTruncated());
    assertEquals("done\n", r.stderr());
    assertFalse(r.stderrTruncated());
  }

  @Test
  void reportsACommandTheEngineCannotRun() {
    ExecResult r = root.exec("/no/such/program");
    assertEquals(126, r.exitCode(), r.stdout() + r.stderr());
  }
}
