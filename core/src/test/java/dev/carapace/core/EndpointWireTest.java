package dev.carapace.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.carapace.core.internal.values.EndpointAccess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The wire form the reaper's child process rebuilds an endpoint from: everything that decides where and
 * how it connects survives (address, credentials, timeouts); bytes that are not a wire form are refused.
 * TLS material is shown end to end by {@code RemovedAtExitIT.killMinus9ThroughTlsAndBasicAuth}.
 */
class EndpointWireTest {
  @Test
  void everyPlainEndpointSurvivesTheTrip() {
    for (Endpoint e : List.of(Endpoint.unixSocket(Path.of("/run/other.sock")),
        Endpoint.plainTcp("127.0.0.1", 2375).connectTimeout(Duration.ofMillis(1500)).responseTimeout(Duration.ofSeconds(7)),
        Endpoint.plainTcp("localhost", 2380).basicAuth("carapace", "p@ss:word with space".toCharArray()),
        Endpoint.plainTcp("docker.example", 2380).allowCredentialsOverPlainTcp().basicAuth("u", "secret".toCharArray()),
        Endpoint.plainTcp("::1", 2375))) {
      Endpoint back = EndpointAccess.fromWire(EndpointAccess.toWire(e));
      assertEquals(e.uri(), back.uri());
      assertEquals(e.toString(), back.toString());
      assertEquals(EndpointAccess.authorizationHeader(e), EndpointAccess.authorizationHeader(back));
      assertEquals(e.connectTimeout(), back.connectTimeout());
      assertEquals(e.responseTimeout(), back.responseTimeout());
      assertEquals(e.isTls(), back.isTls());
    }
  }

  @Test
  void bytesThatAreNoWireFormAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> EndpointAccess.fromWire(new byte[] {1, 2, 3}));
    byte[] wire = EndpointAccess.toWire(Endpoint.plainTcp("127.0.0.1", 2375));
    assertThrows(IllegalArgumentException.class,
        () -> EndpointAccess.fromWire(java.util.Arrays.copyOf(wire, wire.length - 4)));
  }
}
