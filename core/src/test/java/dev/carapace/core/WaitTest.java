package dev.carapace.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.carapace.core.PortBinding.Protocol;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Waits, published ports and their messages, without an engine. */
class WaitTest {
  @Test
  void factoriesValidateAndDescribeTheirCondition() {
    assertEquals("healthy", Wait.healthy().toString());
    assertEquals("exited", Wait.exited().toString());
    assertEquals("port 8080/tcp accepts", Wait.portAccepts(8080).toString());
    assertEquals("log line matching \"ready \\\\d+\"", Wait.logLine(Pattern.compile("ready \\d+")).toString());
    assertEquals("wait port must be between 1 and 65535: 0",
        assertThrows(IllegalArgumentException.class, () -> Wait.portAccepts(0)).getMessage());
    assertEquals("log line pattern", assertThrows(NullPointerException.class, () -> Wait.logLine(null)).getMessage());
  }

  @Test
  void durationsAndValuesAreShownPlainly() {
    assertEquals("2s", Waiting.show(Duration.ofSeconds(2)));
    assertEquals("1.5s", Waiting.show(Duration.ofMillis(1500)));
    assertEquals("250ms", Waiting.show(Duration.ofMillis(250)));
    assertEquals("0s", Waiting.show(Duration.ZERO));
    assertEquals("\"a \\\"b\\\"\\n\\u0007\"", WaitException.quote("a \"b\"\n\u0007"));
  }

  @Test
  void readsEveryPublishedPortFromInspectIpv4First() throws Exception {
    JsonNode inspect = new ObjectMapper().readTree("{\"NetworkSettings\":{\"Ports\":{"
        + "\"80/tcp\":[{\"HostIp\":\"::\",\"HostPort\":\"49154\"},{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"49153\"}],"
        + "\"53/udp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"5353\"}],"
        + "\"9000/tcp\":null}}}");
    assertEquals(List.of(new PublishedPort(53, Protocol.UDP, "127.0.0.1", 5353),
        new PublishedPort(80, Protocol.TCP, "0.0.0.0", 49153), new PublishedPort(80, Protocol.TCP, "::", 49154)),
        Ports.published(inspect));
    assertEquals(List.of(), Ports.published(new ObjectMapper().readTree("{\"NetworkSettings\":{\"Ports\":{}}}")));
  }

  @Test
  void connectsToLoopbackOnly() {
    assertEquals(new InetSocketAddress("127.0.0.1", 1234),
        Ports.loopback(new PublishedPort(80, Protocol.TCP, "0.0.0.0", 1234)));
    assertEquals(new InetSocketAddress("::1", 1234), Ports.loopback(new PublishedPort(80, Protocol.TCP, "::", 1234)));
    assertEquals(new InetSocketAddress("127.0.0.2", 1234),
        Ports.loopback(new PublishedPort(80, Protocol.TCP, "127.0.0.2", 1234)));
    assertNull(Ports.loopback(new PublishedPort(80, Protocol.TCP, "10.1.2.3", 1234)));
    assertNull(Ports.loopback(new PublishedPort(80, Protocol.TCP, "fd00::1", 1234)));
  }

  @Test
  void publishedPortShowsAsDockerPortDoes() {
    assertEquals("80/tcp -> 127.0.0.1:49153", new PublishedPort(80, Protocol.TCP, "127.0.0.1", 49153).toString());
    assertEquals("53/udp -> [::1]:53", new PublishedPort(53, Protocol.UDP, "::1", 53).toString());
    assertEquals("published host port must be between 1 and 65535: 0",
        assertThrows(IllegalArgumentException.class, () -> new PublishedPort(80, Protocol.TCP, "::1", 0))
            .getMessage());
  }
}
