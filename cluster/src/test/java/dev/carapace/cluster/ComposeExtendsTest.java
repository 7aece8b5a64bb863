package dev.carapace.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.carapace.core.Capability;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SpecAttribute;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code extends} within one file: merged as docker-compose 1.29 merged the same file ({@code docker-compose config}
 * printed the values asserted here), each inherited key at the base service's line, and every merge the Compose
 * readers do differently, a loop, a missing service and another file refused on the key.
 */
class ComposeExtendsTest {
  private static final String FILE = """
      x-note: extends within the file
      services:
        base:
          image: busybox:1.36
          user: "1000:1000"
          cap_drop: [ALL]
          cap_add: [CHOWN]
          environment:
            A: "1"
            B: "2"
          labels: [team=core, tier=back]
          read_only: true
          command: ["sleep", "1"]
        web:
          extends: base
          cap_add: [NET_BIND_SERVICE]
          environment:
            B: "3"
            C: "4"
          labels: [tier=front]
          command: ["sleep", "2"]
          read_only: false
        job:
          extends:
            service: web
          user: "2000:2000"
      """;

  private static InvalidComposeException refused(String yaml) {
    return assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThrows(InvalidComposeException.class,
        () -> ComposeReader.strict().read("c.yaml", yaml, null)));
  }

  @Test
  void aServiceExtendsAnotherAsDockerComposeMergesThem() {
    ComposeFile f = ComposeReader.strict().read("c.yaml", FILE, null);
    SecureContainerSpec web = f.service("web").orElseThrow().spec();
    assertEquals(Map.of("A", "1", "B", "3", "C", "4"), web.env());
    assertEquals("core", web.labels().get("team"));
    assertEquals("front", web.labels().get("tier"));
    assertEquals(Set.of(Capability.CHOWN, Capability.NET_BIND_SERVICE), web.addedCapabilities());
    assertEquals(List.of("sleep", "2"), web.command());
    assertEquals(false, web.readOnlyRootFilesystem());
    assertEquals("1000:1000", web.user().orElseThrow());
    SecureContainerSpec job = f.service("job").orElseThrow().spec();
    assertEquals("2000:2000", job.user().orElseThrow());
    assertEquals(List.of("sleep", "2"), job.command());
    assertEquals(web.env(), job.env());
    assertEquals(true, f.service("base").orElseThrow().spec().readOnlyRootFilesystem());
    // an inherited key is where it was written: base's image line; an own key at its own line
    assertEquals(4, f.service("job").orElseThrow().location(SpecAttribute.IMAGE).orElseThrow().line());
    assertEquals(26, f.service("job").orElseThrow().location(SpecAttribute.USER).orElseThrow().line());
    assertEquals(23, f.service("job").orElseThrow().location().line());
  }

  @Test
  void aRefusedKeyOfTheBaseIsRefusedInEveryServiceThatExtendsItAtItsOwnLine() {
    ComposeFile f = ComposeReader.lenient().read("c.yaml", "services:\n  base:\n    image: busybox:1\n"
        + "    privileged: true\n  web:\n    extends: base\n", null);
    assertEquals(List.of("c.yaml:4:5: services.base.privileged: refused: Carapace never runs privileged containers",
        "c.yaml:4:5: services.base.privileged: refused: Carapace never runs privileged containers"),
        f.refusals().stream().map(ComposeRefusal::toString).toList());
    assertEquals(List.of("base", "web"), f.refusals().stream().map(r -> r.service().orElseThrow()).toList());
    assertEquals("services.base.privileged", f.service("web").orElseThrow().keyLocation("privileged").orElseThrow()
        .field());
  }

  @Test
  void whatTheComposeReadersMergeDifferentlyIsRefusedOnTheKey() {
    String both = "services:\n  base:\n    image: busybox:1\n    ports: [\"127.0.0.1:80:80\"]\n"
        + "  web:\n    extends: base\n    ports: [\"127.0.0.1:81:81\"]\n";
    assertEquals("c.yaml:7:5: services.web.ports: refused: ports is set both here and in \"base\", which this"
        + " service extends: docker-compose 1.29 and Compose v2 merge it differently (write it in one of them)",
        refused(both).getMessage());
    String mixed = "services:\n  base:\n    image: busybox:1\n    environment: [A=1]\n"
        + "  web:\n    extends: base\n    environment: {A: \"2\"}\n";
    assertEquals("c.yaml:7:5: services.web.environment: refused: environment is set both here and in \"base\", which"
        + " this service extends: docker-compose 1.29 and Compose v2 merge it differently (write it in one of them);"
        + " or write both as mappings, or both as lists", refused(mixed).getMessage());
    String dns = "services:\n  base:\n    image: busybox:1\n    dns: 1.1.1.1\n"
        + "  web:\n    extends: base\n    dns: 8.8.8.8\n";
    assertEquals("c.yaml:7:5: services.web.dns: refused: dns is set both here and in \"base\", which this service"
        + " extends: docker-compose 1.29 and Compose v2 merge it differently (write it in one of them)",
        refused(dns).getMessage());
    // lenient: the key is left out, the rest of the merge stands
    ComposeFile lenient = ComposeReader.lenient().read("c.yaml", both, null);
    assertEquals(List.of(), lenient.service("web").orElseThrow().spec().ports());
    assertEquals("busybox:1", lenient.service("web").orElseThrow().spec().image());
  }

  @Test
  void aLoopAMissingServiceAnotherFileAndALongChainAreRefused() {
    assertEquals("c.yaml:4:5: services.a.extends: extends must not loop: a -> b -> a",
        refused("services:\n  a:\n    image: busybox:1\n    extends: b\n  b:\n    image: busybox:1\n"
            + "    extends: a\n").getMessage().replace(" (and 1 more)", ""));
    assertEquals("c.yaml:4:5: services.a.extends: extends must name a service of this file: \"nope\" is not one",
        refused("services:\n  a:\n    image: busybox:1\n    extends: nope\n").getMessage());
    assertEquals("c.yaml:4:5: services.a.extends: refused: Carapace follows extends within the same file only, so"
        + " that every finding stays on this file's lines (copy the service here)",
        refused("services:\n  a:\n    image: busybox:1\n    extends: {file: other.yaml, service: b}\n")
            .getMessage());
    StringBuilder chain = new StringBuilder("services:\n  s0:\n    image: busybox:1\n");
    for (int i = 1; i <= 40; i++) {
      chain.append("  s").append(i).append(":\n    extends: s").append(i - 1).append('\n');
    }
    ComposeFile f = ComposeReader.lenient().read("c.yaml", chain.toString(), null);
    assertEquals(32, f.services().size()); // s0..s31 reach the image; s32.. exceed the chain
    assertEquals("c.yaml:67:5: services.s32.extends: extends must chain at most 32 services: s32 -> ... -> s0",
        f.refusals().get(0).toString());
  }
}
