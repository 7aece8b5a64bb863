package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.carapace.core.testing.TestEngine;
import dev.carapace.core.testing.TestPeers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RemoteEngineIT {
  @Test
  void launchesOverMutualTlsAndThroughTheBasicAuthProxy() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    assertEquals(0, RemoteEngine.run(TestPeers.dir(), TestEngine.BUSYBOX,
        new PrintStream(buf, true, StandardCharsets.UTF_8)));
    assertEquals("mutual TLS  tcp://127.0.0.1:2376 (tls): CapEff 0000000000000000\n"
        + "basic auth  tcp://127.0.0.1:2380 (basic auth as carapace): CapEff 0000000000000000\n",
        buf.toString(StandardCharsets.UTF_8));
  }
}
