package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.OwnerLabels;
import dev.carapace.core.RunResult;
import dev.carapace.core.testing.TestEngine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PolicyEnforceIT {
  /** The engine's container events of launcher {@code launcherId} since {@code since}, as actions. */
  static List<String> eventsOfLauncher(String launcherId, long since) {
    return TestEngine.containerEvents(OwnerLabels.LAUNCHER, launcherId, since);
  }

  @Test
  void refusesBothSeedLinesWithTheirSensitiveMountsBeforeAnythingIsCreated() {
    long since = System.currentTimeMillis() / 1000 - 1;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    assertEquals(0, PolicyEnforce.run(TestEngine.endpoint(), TestEngine.BUSYBOX,
        new PrintStream(buf, true, StandardCharsets.UTF_8)));
    String out = buf.toString(StandardCharsets.UTF_8);
    System.out.println(out);

    assertTrue(out.contains("\n$ docker run -v /etc/shadow:/etc/shadow carapace-test/busybox:1 cat /etc/shadow\n"
        + "refused, nothing created on the engine:\nPolicy carapace-default: 1 container, "), out);
    assertTrue(out.contains("\n  [CRITICAL] sensitive-mounts: mounts[0].source must not be a sensitive host path:"
        + " /etc/shadow\n"), out);
    assertTrue(out.contains("\n$ docker run -v /sbin:/sbin carapace-test/busybox:1 ls /sbin\n"
        + "refused, nothing created on the engine:\n"), out);
    assertTrue(out.contains("\n  [CRITICAL] sensitive-mounts: mounts[0].source must not be a sensitive host path:"
        + " /sbin\n"), out);
    assertTrue(out.contains("\n  [MEDIUM] host-path-volumes: mounts[0] must be a volume or tmpfs, not bind: /sbin:/sbin\n"), out);
    assertTrue(!out.contains("LAUNCHED"), out);

    // the engine saw nothing of this launcher: no create, no start, no destroy
    Matcher m = Pattern.compile("^launcher (\\S+) enforcing carapace-default$", Pattern.MULTILINE).matcher(out);
    assertTrue(m.find(), out);
    assertEquals(List.of(), eventsOfLauncher(m.group(1), since));

    // and the events query does see a launcher's containers when there are some
    try (ContainerLauncher plain = TestEngine.launcher()) {
      RunResult r = plain.run(TestEngine.busybox("true").build(), Duration.ofSeconds(30));
      assertEquals(0, r.exitCode());
      List<String> seen = eventsOfLauncher(plain.id(), since);
      assertTrue(seen.contains("create") && seen.contains("start"), seen.toString());
    }
  }
}
