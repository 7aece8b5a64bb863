package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.testing.TestEngine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

class WebRoundTripIT {
  @Test
  void portWaitCopyFetchExecAndLogsWorkTogether() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Path www = Files.createTempDirectory("carapace-www");
    String launcherId;
    try (ContainerLauncher launcher = TestEngine.launcher()) {
      launcherId = launcher.id();
      assertEquals(0, WebRoundTrip.run(launcher, TestEngine.BUSYBOX, www,
          new PrintStream(buf, true, StandardCharsets.UTF_8)));
      assertEquals("<h1>hello from Carapace</h1>\n", Files.readString(www.resolve("index.html")),
          "the copied page landed in the bind-mounted folder");
      assertEquals("rw------- 1000:1000", PosixFilePermissions.toString(Files.getPosixFilePermissions(
          www.resolve("index.html"))) + " " + Files.getAttribute(www.resolve("index.html"), "unix:uid") + ":"
          + Files.getAttribute(www.resolve("index.html"), "unix:gid"),
          "the engine kept the tar entry's mode and owner, so the httpd's uid 1000 could read it");
    } finally {
      WebRoundTrip.deleteTree(www);
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    System.out.print(out);
    assertEquals("published 127.0.0.1:PORT -> 8080/tcp\n"
        + "HTTP 200: <h1>hello from Carapace</h1>\n"
        + "exec exit 0: 1000 CapEff:\t0000000000000000\n"
        + "log: stderr url:/index.html\n", out);
    LauncherLeftovers.assertNoneLeft(launcherId);
  }
}
