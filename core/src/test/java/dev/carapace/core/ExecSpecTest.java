package dev.carapace.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link ExecSpec} and {@link CopyLimits}: defaults, every refusal with its exact message, no env value shown. */
class ExecSpecTest {
  @Test
  void ofKeepsTheArgvAndTheDefaults() {
    ExecSpec e = ExecSpec.of("sh", "-c", "echo hi");
    assertEquals(List.of("sh", "-c", "echo hi"), e.command());
    assertEquals(Map.of(), e.env());
    assertEquals(Optional.empty(), e.user());
    assertEquals(Optional.empty(), e.workingDir());
    assertEquals(Optional.empty(), e.timeout());
    assertEquals(MemorySize.ofMebibytes(1), e.outputLimit());
  }

  @Test
  void builderKeepsEveryField() {
    ExecSpec e = ExecSpec.builder().command(List.of("id")).putEnv("A", "1").putAllEnv(Map.of("B", ""))
        .user("1000:1000").workingDir(ContainerPath.of("/tmp")).timeout(Duration.ofSeconds(3))
        .outputLimit(MemorySize.ofKibibytes(4)).build();
    assertEquals(Map.of("A", "1", "B", ""), e.env());
    assertEquals(Optional.of("1000:1000"), e.user());
    assertEquals(Optional.of(ContainerPath.of("/tmp")), e.workingDir());
    assertEquals(Optional.of(Duration.ofSeconds(3)), e.timeout());
    assertEquals(4096, e.outputLimit().bytes());
  }

  @Test
  void refusesAnEmptyCommand() {
    assertEquals("exec command must not be empty: []",
        assertThrows(IllegalArgumentException.class, () -> ExecSpec.of()).getMessage());
    assertEquals("exec command must not be empty: [, x]",
        assertThrows(IllegalArgumentException.class, () -> ExecSpec.of("", "x")).getMessage());
    assertEquals("exec command must not contain null",
        assertThrows(NullPointerException.class, () -> ExecSpec.of("a", null)).getMessage());
    assertEquals("exec command must not contain NUL: echo ...",
        assertThrows(IllegalArgumentException.class, () -> ExecSpec.of("echo", "a\0b")).getMessage());
    assertEquals("exec command must be set: none (call command(\"...\"))",
        assertThrows(IllegalStateException.class, () -> ExecSpec.builder().build()).getMessage());
  }

  @Test
  void refusesBadEnvNamesAndNeverShowsAValue() {
    ExecSpec.Builder b = ExecSpec.builder();
    assertEquals("exec env name must be non-empty without '=' or NUL: \"A=B\"",
        assertThrows(IllegalArgumentException.class, () -> b.putEnv("A=B", "x")).getMessage());
    assertEquals("exec env name must be non-empty without '=' or NUL: \"\"",
        assertThrows(IllegalArgumentException.class, () -> b.putEnv("", "x")).getMessage());
    assertEquals("exec env value must not contain NUL: in TOKEN (the value is not shown)",
        assertThrows(IllegalArgumentException.class, () -> b.putEnv("TOKEN", "s3cr\0t")).getMessage());
    assertEquals("exec env value must not be null: TOKEN",
        assertThrows(NullPointerException.class, () -> b.putEnv("TOKEN", null)).getMessage());
    String shown = ExecSpec.builder().command("env").putEnv("TOKEN", "s3cret-value").build().toString();
    assertEquals("ExecSpec{command=[env], env=[TOKEN] (values not shown), outputLimit=1MiB}", shown);
    assertFalse(shown.contains("s3cret"));
  }

  @Test
  void refusesBadUsersTimeoutsAndLimits() {
    ExecSpec.Builder b = ExecSpec.builder();
    assertEquals("exec user must be name or uid, optionally :group or :gid: 1000:1000:1",
        assertThrows(IllegalArgumentException.class, () -> b.user("1000:1000:1")).getMessage());
    assertEquals("exec user must be name or uid, optionally :group or :gid: ",
        assertThrows(IllegalArgumentException.class, () -> b.user("")).getMessage());
    assertEquals("exec timeout must be positive: PT0S",
        assertThrows(IllegalArgumentException.class, () -> b.timeout(Duration.ZERO)).getMessage());
    assertEquals("exec output limit must be at most 256MiB: 1GiB",
        assertThrows(IllegalArgumentException.class, () -> b.outputLimit(MemorySize.ofGibibytes(1))).getMessage());
  }

  @Test
  void copyLimitsHaveDefaultsAndRefuseNonsense() {
    assertEquals(new CopyLimits(MemorySize.ofMebibytes(256), 100_000), CopyLimits.defaults());
    assertEquals(new CopyLimits(MemorySize.ofKibibytes(1), 5),
        CopyLimits.defaults().maxSize(MemorySize.ofKibibytes(1)).maxEntries(5));
    assertEquals("copy max entries must be at least 1: 0",
        assertThrows(IllegalArgumentException.class, () -> CopyLimits.defaults().maxEntries(0)).getMessage());
  }

  @Test
  void timeoutMessageNamesTheCommandAndWhatItWrote() {
    ExecTimeoutException e = new ExecTimeoutException("img", "0123456789abcdef", List.of("sleep", "9"),
        Duration.ofSeconds(2), "line1\nline2", "", true);
    assertEquals("exec of img (container 0123456789ab) failed: exec command must exit within PT2S:"
        + " [sleep, 9] still ran (stdout so far: \"line1\\nline2\"; stderr so far: \"\"); the process still"
        + " runs: the engine cannot stop an exec, it ends with the container", e.getMessage());
    assertEquals("line1\nline2", e.stdoutSoFar());
  }
}
