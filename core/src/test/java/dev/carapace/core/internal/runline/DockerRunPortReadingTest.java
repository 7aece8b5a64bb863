package dev.carapace.core.internal.runline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.carapace.core.PortBinding;
import dev.carapace.core.internal.runline.DockerRunParser.PortReading;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The two readings of {@code -p}: Carapace's own, which requires the host IP, and Docker's
 * ({@code nat.ParsePortSpec}), which publishes a port without one on every interface, the one place that rule is
 * written (run-line files and Compose files both read ports through it).
 */
class DockerRunPortReadingTest {
  private static List<PortBinding> ports(PortReading reading, String value) {
    return DockerRunParser.parse(List.of("docker", "run", "-p", value, "busybox:1.36"), Map.of(), reading).ports();
  }

  @Test
  void asDockerAPortWithoutAHostIpIsOnEveryInterface() {
    assertEquals(new PortBinding("0.0.0.0", 0, 80, PortBinding.Protocol.TCP), ports(PortReading.AS_DOCKER, "80").get(0));
    assertEquals(new PortBinding("0.0.0.0", 8080, 80, PortBinding.Protocol.TCP),
        ports(PortReading.AS_DOCKER, "8080:80").get(0));
    assertEquals(new PortBinding("0.0.0.0", 8080, 80, PortBinding.Protocol.UDP),
        ports(PortReading.AS_DOCKER, ":8080:80/udp").get(0));
    assertEquals(new PortBinding("0.0.0.0", 0, 80, PortBinding.Protocol.TCP),
        ports(PortReading.AS_DOCKER, "::80").get(0));
  }

  @Test
  void asDockerAHostIpIsKeptAndIpv6MayStandWithoutBrackets() {
    assertEquals(new PortBinding("127.0.0.1", 8080, 80, PortBinding.Protocol.TCP),
        ports(PortReading.AS_DOCKER, "127.0.0.1:8080:80").get(0));
    assertEquals(new PortBinding("::1", 8080, 80, PortBinding.Protocol.TCP),
        ports(PortReading.AS_DOCKER, "::1:8080:80").get(0));
    assertEquals(new PortBinding("::1", 8080, 80, PortBinding.Protocol.TCP),
        ports(PortReading.AS_DOCKER, "[::1]:8080:80").get(0));
  }

  @Test
  void carapacesOwnReadingStillRequiresTheHostIp() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ports(PortReading.NAMED_HOST_IP, "8080:80"));
    assertEquals("-p must name the host IP: 8080:80 (add 127.0.0.1 to publish on this host only, or 0.0.0.0 for"
        + " every interface, as in -p 127.0.0.1:8080:80)", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ports(PortReading.NAMED_HOST_IP, ":8080:80"));
    assertThrows(IllegalArgumentException.class, () -> ports(PortReading.NAMED_HOST_IP, "::1:8080:80"));
  }

  @Test
  void bothReadingsRefuseRangesAndBadPorts() {
    for (PortReading r : PortReading.values()) {
      assertEquals("-p port ranges are not supported: 127.0.0.1:8080-8081:80 (publish each port with its own -p)",
          assertThrows(IllegalArgumentException.class, () -> ports(r, "127.0.0.1:8080-8081:80")).getMessage());
      assertThrows(IllegalArgumentException.class, () -> ports(r, "[::1:8080:80"));
    }
  }
}
