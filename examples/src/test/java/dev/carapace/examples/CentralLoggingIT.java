package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.testing.TestEngine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class CentralLoggingIT {
  @Test
  void hundredContainersReachOneSyslogCollectorEachTaggedByItsName() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    String launcherId;
    try (ContainerLauncher launcher = TestEngine.launcher()) {
      launcherId = launcher.id();
      assertEquals(0, CentralLogging.syslog(launcher, TestEngine.BUSYBOX, 100, 8, "tcp",
          new PrintStream(buf, true, StandardCharsets.UTF_8)), buf.toString(StandardCharsets.UTF_8));
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("ran 100 containers on 8 threads in "), out);
    assertTrue(out.contains(", 0 failed\n"), out);
    assertTrue(out.contains("received 100 of 100 messages (tcp) in "), out);
    assertTrue(out.contains(" 100 distinct tags, 100 hi_N from their own container, 0 mistagged\n"), out);
    assertTrue(Pattern.compile("  <30>\\w{3} [ \\d]\\d [\\d:]{8} carapace-log-[0-9a-f]{8}-\\d+\\[\\d+\\]: hi_\\d+\n")
        .matcher(out).find(), out);
    LauncherLeftovers.assertNoneLeft(launcherId);
  }

  @Test
  void jsonFileAndLocalRotateAndDockerLogsStillReadsTheTail() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    String launcherId;
    try (ContainerLauncher launcher = TestEngine.launcher()) {
      launcherId = launcher.id();
      assertEquals(0, CentralLogging.rotation(launcher, TestEngine.endpoint(), TestEngine.BUSYBOX,
          new PrintStream(buf, true, StandardCharsets.UTF_8)), buf.toString(StandardCharsets.UTF_8));
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    for (String driver : new String[] {"json-file", "local"}) {
      assertTrue(Pattern.compile(Pattern.quote(String.format("%-9s recorded %s {max-file=3, max-size=16k}; ",
          driver, driver)) + "docker logs reads \\d+ lines, line_\\d+\\.\\.line_3000 \\(older lines rotated away\\)\n")
          .matcher(out).find(), out);
    }
    LauncherLeftovers.assertNoneLeft(launcherId);
  }
}
