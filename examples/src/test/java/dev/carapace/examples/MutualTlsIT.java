package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.carapace.core.testing.TestEngine;
import dev.carapace.core.testing.TestPeers;
import dev.carapace.tls.DockerTlsMaterial;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The new PKI is written with the printed dockerd flags and key permissions, and is material both
 * sides load (key match, chain, extended key usage, validity); the launch goes through the
 * testbed's {@code dockerd --tlsverify} with the testbed's client folder.
 */
class MutualTlsIT {
  @Test
  void writesAPkiAndLaunchesOverMutualTls(@TempDir Path tmp) {
    Path pki = tmp.resolve("pki");
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    assertEquals(0, MutualTls.run(pki, TestPeers.pki(), TestEngine.BUSYBOX,
        new PrintStream(buf, true, StandardCharsets.UTF_8)));
    String out = buf.toString(StandardCharsets.UTF_8);
    System.out.print(out);
    assertEquals("dockerd --tlsverify --tlscacert=" + pki + "/ca.pem --tlscert=" + pki + "/server-cert.pem"
        + " --tlskey=" + pki + "/server-key.pem -H tcp://127.0.0.1:2376\n"
        + "  ca.pem           rw-r--r--\n"
        + "  ca-key.pem       rw-------\n"
        + "  server-cert.pem  rw-r--r--\n"
        + "  server-key.pem   rw-------\n"
        + "  cert.pem         rw-r--r--\n"
        + "  key.pem          rw-------\n"
        + "tcp://127.0.0.1:2376 (tls): CapEff 0000000000000000\n", out);
    assertEquals("CN=client", DockerTlsMaterial.readClient(pki).certificate().getSubjectX500Principal().getName());
    assertEquals("CN=localhost",
        DockerTlsMaterial.readServer(pki).certificate().getSubjectX500Principal().getName());
  }
}
