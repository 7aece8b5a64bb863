package dev.carapace.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.carapace.core.PortBinding.Protocol;
import java.net.URI;
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
  void connectsToLoopbackThroughAUnixSocketAndToTheEndpointsHostThroughTcp() {
    URI socket = URI.create("unix:///var/run/docker.sock");
    URI remote = URI.create("tcp://docker.example:2376");
    URI local = URI.create("tcp://127.0.0.1:2376");
    PublishedPort all4 = new PublishedPort(80, Protocol.TCP, "0.0.0.0", 1234);
    PublishedPort all6 = new PublishedPort(80, Protocol.TCP, "::", 1234);
    PublishedPort lo = new PublishedPort(80, Protocol.TCP, "127.0.0.2", 1234);
    PublishedPort one = new PublishedPort(80, Protocol.TCP, "10.1.2.3", 1234);
    // a unix socket, or a caller's client (null): the engine is local
    for (URI engine : java.util.Arrays.asList(socket, null)) {
      assertEquals("127.0.0.1", Ports.connectHost(all4, engine));
      assertEquals("::1", Ports.connectHost(all6, engine));
      assertEquals("127.0.0.2", Ports.connectHost(lo, engine));
      assertEquals("10.1.2.3", Ports.connectHost(one, engine));
      assertEquals("fd00::1", Ports.connectHost(new PublishedPort(80, Protocol.TCP, "fd00::1", 1234), engine));
    }
    // TCP or TLS: every interface is reached at the endpoint's host, one address at that address
    assertEquals("docker.example", Ports.connectHost(all4, remote));
    assertEquals("docker.example", Ports.connectHost(all6, remote));
    assertEquals("10.1.2.3", Ports.connectHost(one, remote));
    assertEquals("127.0.0.1", Ports.connectHost(all4, local));
    assertEquals("localhost", Ports.connectHost(all4, URI.create("tcp://localhost:2376")));
    assertEquals("::1", Ports.connectHost(all4, URI.create("tcp://[::1]:2376")));
    assertEquals("127.0.0.2", Ports.connectHost(lo, local));
    assertEquals("127.0.0.2", Ports.connectHost(lo, URI.create("tcp://localhost:2376")));
    // the loopback of another host is reached from nowhere but that host
    assertEquals("published port 80/tcp must be reachable from here: bound to 127.0.0.2, the loopback of engine "
        + "host docker.example (publish it on every interface, new PortBinding(\"0.0.0.0\", 0, 80, Protocol.TCP), "
        + "or on an address of that host)",
        assertThrows(IllegalStateException.class, () -> Ports.connectHost(lo, remote)).getMessage());
    assertTrue(Ports.isLoopback("LOCALHOST") && Ports.isLoopback("::1") && Ports.isLoopback("127.8.9.10"));
    assertFalse(Ports.isLoopback("docker.example") || Ports.isLoopback("10.0.0.1") || Ports.isLoopback("fd00::1"));
  }

  @Test
  void httpAndCommandWaitsValidateAndDescribeTheirCondition() {
    assertEquals("port 8080/tcp answers GET /health with status 200", Wait.http(8080, "/health").toString());
    assertEquals("port 80/tcp answers GET /?a=1 with status 200 or 204", Wait.http(80, "/?a=1", 204, 200).toString());
    assertEquals("port 80/tcp answers GET / with status 200, 204 or 301", Wait.http(80, "/", 301, 200, 204, 200)
        .toString());
    assertEquals("port 443/tcp answers GET / over TLS with status 200",
        Wait.https(443, "/", trustNothing(), 200).toString());
    assertEquals("wait http path must start with / and be printable ASCII without spaces: health",
        assertThrows(IllegalArgumentException.class, () -> Wait.http(80, "health")).getMessage());
    assertEquals("wait http path must start with / and be printable ASCII without spaces: \"/a b\"",
        assertThrows(IllegalArgumentException.class, () -> Wait.http(80, "/a b")).getMessage());
    assertEquals("wait http path must start with / and be printable ASCII without spaces: "
        + "\"/\\u000d\\u000aHost: evil\"",
        assertThrows(IllegalArgumentException.class, () -> Wait.http(80, "/\r\nHost: evil")).getMessage());
    assertEquals("wait http status must be between 100 and 599: 600",
        assertThrows(IllegalArgumentException.class, () -> Wait.http(80, "/", 200, 600)).getMessage());
    assertEquals("wait port must be between 1 and 65535: 70000",
        assertThrows(IllegalArgumentException.class, () -> Wait.http(70000, "/")).getMessage());
    assertEquals("wait tls context",
        assertThrows(NullPointerException.class, () -> Wait.https(80, "/", null)).getMessage());

    assertEquals("command [\"test\", \"-f\", \"/tmp/a \\\"b\\\"\"] succeeds",
        Wait.commandSucceeds("test", "-f", "/tmp/a \"b\"").toString());
    assertEquals(Wait.COMMAND_OUTPUT_LIMIT, Wait.commandSucceeds("true").command().outputLimit());
    assertEquals("wait command must not be empty: []",
        assertThrows(IllegalArgumentException.class, () -> Wait.commandSucceeds()).getMessage());
    assertEquals("wait command",
        assertThrows(NullPointerException.class, () -> Wait.commandSucceeds((ExecSpec) null)).getMessage());
    assertEquals("Not Found", Waiting.reason("Not Found"));
    assertEquals("a?b", Waiting.reason("a\tb"));
  }

  private static javax.net.ssl.SSLContext trustNothing() {
    try {
      return javax.net.ssl.SSLContext.getDefault();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aStateIsReadAsTheEngineRecordsIt() throws Exception {
    ObjectMapper json = new ObjectMapper();
    ContainerState paused = ContainerState.read(json.readTree("{\"Status\":\"paused\",\"Running\":true,"
        + "\"Paused\":true,\"Restarting\":false,\"OOMKilled\":false,\"ExitCode\":0,"
        + "\"StartedAt\":\"2026-12-06T13:20:01.123456789Z\",\"FinishedAt\":\"0001-01-01T00:00:00Z\","
        + "\"Health\":{\"Status\":\"healthy\"}}"));
    assertEquals("paused", paused.status());
    assertTrue(paused.running() && paused.paused());
    assertFalse(paused.restarting() || paused.oomKilled());
    assertEquals(java.util.OptionalInt.empty(), paused.exitCode());
    assertEquals(java.util.Optional.of(java.time.Instant.parse("2026-12-06T13:20:01.123456789Z")), paused.startedAt());
    assertEquals(java.util.Optional.empty(), paused.finishedAt());
    assertEquals(java.util.Optional.of("healthy"), paused.health());
    ContainerState oom = ContainerState.read(json.readTree("{\"Status\":\"exited\",\"Running\":false,"
        + "\"Paused\":false,\"OOMKilled\":true,\"ExitCode\":137,\"StartedAt\":\"2026-12-06T13:20:01Z\","
        + "\"FinishedAt\":\"2026-12-06T13:20:02Z\"}"));
    assertEquals(java.util.OptionalInt.of(137), oom.exitCode());
    assertTrue(oom.oomKilled());
    assertEquals(java.util.Optional.empty(), oom.health());
    assertEquals("ContainerState{status=exited, exitCode=137, oomKilled=true, started=2026-12-06T13:20:01Z, "
        + "finished=2026-12-06T13:20:02Z}", oom.toString());
    assertEquals(oom, ContainerState.read(json.readTree(json.writeValueAsString(json.readTree("{\"Status\":"
        + "\"exited\",\"OOMKilled\":true,\"ExitCode\":137,\"StartedAt\":\"2026-12-06T13:20:01Z\","
        + "\"FinishedAt\":\"2026-12-06T13:20:02Z\"}")))));
    // a running container's exit code is 0 in the record: not an exit
    assertEquals(java.util.OptionalInt.empty(), ContainerState.read(json.readTree(
        "{\"Status\":\"running\",\"Running\":true,\"ExitCode\":0,\"Health\":{\"Status\":\"none\"}}")).exitCode());
  }

  @Test
  void killRefusesWhatIsNoSignalBeforeAnyCall() {
    RunningContainer c = new RunningContainer(null, "0123456789abcdef",
        SecureContainerSpec.builder().image("carapace-test/busybox:1").build());
    for (String bad : List.of("", "0", "65", "SIGNOPE", "-9", "9 ", "TERM;rm", "sigterm\n", "RTMIN+16", "SIGTERM\u00a0")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.kill(bad), bad);
      assertEquals("kill signal must be a signal name or number like SIGTERM: " + dev.carapace.core.internal.io.Strings
          .show(bad), e.getMessage());
    }
    assertEquals("kill signal", assertThrows(NullPointerException.class, () -> c.kill(null)).getMessage());
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
