package dev.carapace.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.carapace.core.Endpoint;
import dev.carapace.core.testing.TestPeers;
import dev.carapace.tls.DockerTlsMaterial;
import java.io.IOException;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * A Swarm deployer that cannot talk to its engine says why, in the words core's launcher uses
 * ({@code TlsEndpointIT}): a closed port refused, plain HTTP to dockerd's TLS port, a client
 * certificate the engine does not trust. The deployer's first call ({@code GET /version}) fails, so no
 * swarm is needed and none is made.
 */
class SwarmConnectionFailuresIT {
  private static final String HOST = "127.0.0.1";

  @Test
  void aClosedPortIsRefused() throws IOException {
    int closed = TestPeers.closedPort();
    SwarmException e = assertThrows(SwarmException.class, () -> SwarmDeployer.connect(Endpoint.plainTcp(HOST, closed)));
    assertEquals(SwarmException.Step.VERSION, e.step());
    // before: "version of service * failed: engine unreachable or not answering: ConnectException: ..."
    assertEquals("version of service * failed: engine tcp://127.0.0.1:" + closed + " refused the connection (is it"
        + " listening there?): HttpHostConnectException: Connect to http://127.0.0.1:" + closed
        + " failed: Connection refused", e.getMessage());
    DockerTlsMaterial material = DockerTlsMaterial.readClient(TestPeers.pki());
    e = assertThrows(SwarmException.class, () -> SwarmDeployer.connect(Endpoint.tls(HOST, closed, material)));
    assertEquals("version of service * failed: engine tcp://127.0.0.1:" + closed + " (tls) refused the connection"
        + " (is it listening there?): HttpHostConnectException: Connect to https://127.0.0.1:" + closed
        + " failed: Connection refused", e.getMessage());
  }

  @RepeatedTest(3)
  void plainHttpToTheTlsPortIsRefusedInTheEnginesOwnWords() {
    SwarmException e = assertThrows(SwarmException.class,
        () -> SwarmDeployer.connect(Endpoint.plainTcp(HOST, TestPeers.DOCKERD_TLS)));
    assertEquals(SwarmException.Step.VERSION, e.step());
    assertEquals("version of service * failed: engine tcp://127.0.0.1:2376 speaks TLS (use Endpoint.tls): daemon"
        + " said: Client sent an HTTP request to an HTTPS server.", e.getMessage());
    assertEquals("Client sent an HTTP request to an HTTPS server.", e.daemonMessage().orElseThrow());
  }

  @RepeatedTest(3)
  void aClientCertificateTheEngineDoesNotTrustNamesTheTlsAlert() throws IOException {
    DockerTlsMaterial material = DockerTlsMaterial.readClient(TestPeers.untrustedClient());
    SwarmException e = assertThrows(SwarmException.class,
        () -> SwarmDeployer.connect(Endpoint.tls(HOST, TestPeers.DOCKERD_TLS, material)));
    assertEquals(SwarmException.Step.VERSION, e.step());
    // before: "engine unreachable or not answering: SocketException: Broken pipe" (or a reset)
    assertEquals("version of service * failed: TLS handshake with tcp://127.0.0.1:2376 (tls) failed:"
        + " SSLHandshakeException: Received fatal alert: bad_certificate", e.getMessage());
  }
}
