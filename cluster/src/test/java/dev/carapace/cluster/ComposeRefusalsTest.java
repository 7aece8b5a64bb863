package dev.carapace.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.PortBinding;
import dev.carapace.core.SecureContainerSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a Compose file may say that the spec cannot carry, or says wrongly: each refused with the file, the line
 * and column, the service and the field; strictly (an exception) or leniently (listed, the rest read).
 */
class ComposeRefusalsTest {
  private static InvalidComposeException strict(String yaml) {
    return assertThrows(InvalidComposeException.class, () -> ComposeReader.strict().read("c.yaml", yaml, null));
  }

  @Test
  void aPrivilegedServiceIsRefusedAtItsLine() {
    String yaml = "services:\n  web:\n    image: busybox:1\n    privileged: true\n";
    assertEquals("c.yaml:4:5: services.web.privileged: refused: Carapace never runs privileged containers",
        strict(yaml).getMessage());
    ComposeFile lenient = ComposeReader.lenient().read("c.yaml", yaml, null);
    assertEquals(1, lenient.services().size(), "read without the refused field");
    ComposeRefusal r = lenient.refusals().get(0);
    assertEquals("web", r.service().orElseThrow());
    assertEquals("services.web.privileged", r.field());
    assertEquals(4, r.location().line());
    assertEquals(lenient.refusals(), lenient.services().get(0).refusals());
    // privileged: false is what Carapace does anyway
    assertEquals(1, ComposeReader.strict().read("c.yaml", yaml.replace("true", "false"), null).services().size());
  }

  @Test
  void fieldsTheSpecCannotCarryAreRefusedByName() {
    Map<String, String> cases = Map.ofEntries(
        Map.entry("pid: host", "services.web.pid: refused: Carapace gives every container its own namespaces: pid \"host\""),
        Map.entry("ipc: host", "services.web.ipc: refused: Carapace gives every container its own namespaces"),
        Map.entry("devices: [\"/dev/kmsg:/dev/kmsg\"]", "services.web.devices: refused: Carapace does not pass host"),
        Map.entry("cap_add: [ALL]", "services.web.cap_add: "),
        Map.entry("volumes_from: [db]", "services.web.volumes_from: refused: name each mount under volumes"),
        Map.entry("env_file: .env", "services.web.env_file: env_file must be read from the Compose file's folder: the"
            + " reader was given none (read the file by its path)"),
        Map.entry("mem_reservation: 1g", "services.web.mem_reservation: refused: the spec has no such setting"),
        Map.entry("frobnicate: 1", "services.web.frobnicate: refused: not a Compose service field Carapace knows"),
        Map.entry("network_mode: service:db", "services.web.network_mode: refused: network_mode service:"),
        Map.entry("healthcheck: {test: [NONE]}", "services.web.healthcheck: healthcheck test NONE refused"),
        Map.entry("deploy: {resources: {reservations: {memory: 1g}}}",
            "services.web.deploy: deploy.resources.reservations refused: the spec has no reservations"),
        Map.entry("ports: [22:22]", "services.web.ports: ports 22:22 reads as a number in YAML 1.1 (base 60:"
            + " docker-compose reads it as 1342): quote it"),
        Map.entry("ports: [\"8000-8010:80\"]", "services.web.ports: --publish port ranges are not supported"),
        Map.entry("volumes: [/data]", "services.web.volumes: anonymous volumes are not supported: \"/data\""),
        Map.entry("volumes: [\"nope:/data\"]", "services.web.volumes: volume \"nope\" must be declared under the"
            + " top-level volumes"),
        Map.entry("cpuset: x", "services.web.cpuset: --cpuset-cpus: "),
        Map.entry("memswap_limit: 1g", "services.web.memswap_limit: memorySwap needs memoryLimit"),
        Map.entry("read_only: maybe", "services.web.read_only: must be true or false: a string"),
        Map.entry("links: [db]", "services.web.links: refused: legacy links are not modelled"),
        Map.entry("user: 33:33", "services.web.user: must be quoted: 33:33 reads as a number in YAML 1.1 (base 60,"
            + " docker-compose reads it as 2013)"),
        Map.entry("environment: {DEBUG: yes}", "services.web.environment: must be a string: the boolean yes (quote it:"
            + " docker-compose 1.29 passes True, Compose v2 true)"),
        Map.entry("environment: {RATIO: 1.50}", "services.web.environment: must be written as docker-compose passes"
            + " it on: the float 1.50 (quote it)"));
    for (Map.Entry<String, String> c : cases.entrySet()) {
      String yaml = "services:\n  web:\n    image: busybox:1\n    " + c.getKey() + "\n";
      String message = strict(yaml).getMessage();
      assertTrue(message.startsWith("c.yaml:4:5: " + c.getValue()), c.getKey() + " -> " + message);
    }
  }

  @Test
  void everyRefusalOfAFileIsListedAtOnce() {
    String yaml = "services:\n  a:\n    image: busybox:1\n    privileged: true\n    pid: host\n"
        + "  b:\n    build: .\n";
    InvalidComposeException e = strict(yaml);
    assertEquals(List.of("c.yaml:4:5", "c.yaml:5:5"), e.refusals().stream()
        .map(r -> r.fileName() + ":" + r.location().line() + ":" + r.location().column()).toList());
    assertTrue(e.getMessage().endsWith("(and 1 more)"), e.getMessage());
    ComposeFile lenient = ComposeReader.lenient().read("c.yaml", yaml, null);
    assertEquals(List.of("a"), lenient.services().stream().map(ComposeService::name).toList());
    assertEquals("c.yaml:6:3: services.b: service must name an image: build only (build it, then name the image)",
        lenient.refusals().get(2).toString());
  }

  @Test
  void variablesAreInterpolatedFromTheGivenEnvironmentOnly() {
    String yaml = "services:\n  web:\n    image: \"busybox:${TAG}\"\n    environment: {A: \"$$B ${C-dflt}\"}\n";
    assertEquals("c.yaml:3:5: services.web.image: variable TAG must be set: it is not (docker-compose would use an"
        + " empty string; pass it in the environment or write ${TAG:-default})", strict(yaml).getMessage());
    SecureContainerSpec s = ComposeReader.strict().environment(Map.of("TAG", "1.36")).read("c.yaml", yaml, null)
        .services().get(0).spec();
    assertEquals("busybox:1.36", s.image());
    assertEquals(Map.of("A", "$B dflt"), s.env());
  }

  @Test
  void numbersAreReadAsDockerComposeReadsThem() {
    String yaml = "services:\n  web:\n    image: busybox:1\n    environment: {OCTAL: 012, HEX: 0x1F, BIG: 1_000,"
        + " F: 0.5}\n    cpus: 0.50\n    user: 1000\n";
    SecureContainerSpec s = ComposeReader.strict().read("c.yaml", yaml, null).services().get(0).spec();
    assertEquals(Map.of("OCTAL", "10", "HEX", "31", "BIG", "1000", "F", "0.5"), s.env());
    assertEquals(500_000_000L, s.nanoCpus().getAsLong());
    assertEquals("1000", s.user().orElseThrow());
  }

  @Test
  void portsWithoutAHostIpArePublishedOnEveryInterfaceAsDockerDoes() {
    String yaml = "services:\n  web:\n    image: busybox:1\n    ports: [\"80\", \"8080:80/udp\", 9090]\n";
    List<PortBinding> ports = ComposeReader.strict().read("c.yaml", yaml, null).services().get(0).spec().ports();
    assertEquals(List.of(new PortBinding("0.0.0.0", 0, 80, PortBinding.Protocol.TCP),
        new PortBinding("0.0.0.0", 8080, 80, PortBinding.Protocol.UDP),
        new PortBinding("0.0.0.0", 0, 9090, PortBinding.Protocol.TCP)), ports);
    assertTrue(ports.stream().allMatch(PortBinding::allInterfaces));
  }
}
