package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.testing.TestEngine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordSeccompProfileIT {
  @Test
  void recordsTheScriptWhichPassesUnderItsProfileWhereUnshareIsRefused(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int code = RecordSeccompProfile.run(TestEngine.endpoint(), TestEngine.BUSYBOX, dir,
        new PrintStream(buf, true, StandardCharsets.UTF_8));
    String out = buf.toString(StandardCharsets.UTF_8);
    System.out.println(out);
    assertEquals(0, code, out);
    assertTrue(out.matches("(?s)\\d+ system calls on x86_64 in \\d+ runs \\(stable after \\d+\\), complete\n.*"), out);
    assertTrue(out.contains("Docker's default (v20.10.24) allows 333: "), out);
    assertTrue(out.contains("under its profile: passed: exit 0 as recorded"), out);
    assertTrue(out.contains("--security-opt seccomp=" + dir.resolve("script.json")), out);
    assertTrue(out.contains("unshare under the profile: unshare: unshare(0x10000000): Operation not permitted"), out);
    assertTrue(Files.readString(dir.resolve("script.json")).contains("\"defaultAction\": \"SCMP_ACT_ERRNO\""));
  }
}
