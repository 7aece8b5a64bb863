package dev.carapace.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.Capability;
import dev.carapace.core.ContainerPath;
import dev.carapace.core.DockerRunCommand;
import dev.carapace.core.HealthCheck;
import dev.carapace.core.MemorySize;
import dev.carapace.core.Mount;
import dev.carapace.core.NetworkMode;
import dev.carapace.core.PortBinding;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SpecAttribute;
import dev.carapace.policy.SourceLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a Compose file's services mean as specs, where each field is, and what is refused, and where. */
class ComposeReaderTest {
  private static final String FILE = String.join("\n",
      "x-hardening: &hardening",                      // 1
      "  cap_drop: [ALL]",                            // 2
      "  security_opt:",                              // 3
      "    - no-new-privileges:true",                 // 4
      "  read_only: true",                            // 5
      "services:",                                    // 6
      "  web:",                                       // 7
      "    <<: *hardening",                           // 8
      "    image: nginx:${TAG:-1.25}",                // 9
      "    user: \"101:101\"",                        // 10
      "    ports:",                                   // 11
      "      - \"8080:80\"",                          // 12
      "      - 127.0.0.1:8443:443",                   // 13
      "      - target: 9000",                         // 14
      "        published: 9000",                      // 15
      "        host_ip: \"::1\"",                     // 16
      "    volumes:",                                 // 17
      "      - ./html:/usr/share/nginx/html:ro",      // 18
      "      - cache:/var/cache/nginx",               // 19
      "    tmpfs: /run:size=1m",                      // 20
      "    environment:",                             // 21
      "      - GREETING=$$HOME is literal",           // 22
      "    command: nginx -g 'daemon off;'",          // 23
      "    deploy:",                                  // 24
      "      resources:",                             // 25
      "        limits: {memory: 128M, pids: 100}",    // 26
      "    healthcheck:",                             // 27
      "      test: curl -f http://localhost/",        // 28
      "      interval: 10s",                          // 29
      "    networks: [front]",                        // 30
      "    restart: unless-stopped",                  // 31
      "  worker:",                                    // 32
      "    image: busybox:1",                         // 33
      "networks:",                                    // 34
      "  front: {}",                                  // 35
      "volumes:",                                     // 36
      "  cache:",                                     // 37
      "");

  @Test
  void readsEachServiceAsTheSpecDockerComposeWouldRun(@TempDir Path dir) throws Exception {
    Path project = Files.createDirectories(dir.resolve("My Shop"));
    Path file = project.resolve("compose.yaml");
    Files.writeString(file, FILE);
    ComposeFile read = ComposeReader.strict().read(file);
    assertEquals(List.of("web", "worker"), read.services().stream().map(ComposeService::name).toList());
    SecureContainerSpec web = read.service("web").orElseThrow().spec();
    assertEquals("nginx:1.25", web.image());
    assertEquals(List.of("nginx", "-g", "daemon off;"), web.command());
    assertTrue(web.dropAllCapabilities());
    assertTrue(web.noNewPrivileges());
    assertTrue(web.readOnlyRootFilesystem());
    assertEquals(List.of(new PortBinding("0.0.0.0", 8080, 80, PortBinding.Protocol.TCP),
        PortBinding.localhost(8443, 443), new PortBinding("::1", 9000, 9000, PortBinding.Protocol.TCP)), web.ports());
    assertEquals(List.of(Mount.bind(project.resolve("html").toString(), ContainerPath.of("/usr/share/nginx/html"))
            .asReadOnly(), Mount.volume("myshop_cache", ContainerPath.of("/var/cache/nginx")),
        Mount.tmpfs(ContainerPath.of("/run"), MemorySize.ofMebibytes(1))), web.mounts());
    assertEquals(Map.of("GREETING", "$HOME is literal"), web.env());
    assertEquals(MemorySize.ofMebibytes(128), web.memoryLimit().orElseThrow());
    assertEquals(100, web.pidsLimit().getAsLong());
    assertEquals(HealthCheck.shell("curl -f http://localhost/").interval(Duration.ofSeconds(10)),
        web.healthCheck().orElseThrow());
    assertEquals(NetworkMode.named("myshop_front"), web.network());

    // the worker says nothing: Docker's defaults, as a docker run line without flags, on the project's network
    SecureContainerSpec worker = read.service("worker").orElseThrow().spec();
    assertEquals(DockerRunCommand.parse("docker run busybox:1").toBuilder()
        .network(NetworkMode.named("myshop_default")).build(), worker);
    assertFalse(worker.dropAllCapabilities());
    assertEquals(14, worker.effectiveCapabilities().size());
  }

  @Test
  void everyAttributeKeepsTheLineAndColumnOfItsKey() {
    ComposeFile read = ComposeReader.strict().environment(Map.of("TAG", "1.27")).projectName("shop")
        .read("compose.yaml", FILE, Path.of("/srv/shop"));
    ComposeService web = read.services().get(0);
    assertEquals("7:3 services.web", web.location().toString());
    assertEquals("services.web", web.location().field());
    assertEquals("nginx:1.27", web.spec().image());
    Map<SpecAttribute, String> at = web.locations().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
        e -> e.getValue().line() + ":" + e.getValue().column() + " " + e.getValue().field()));
    assertEquals("9:5 services.web.image", at.get(SpecAttribute.IMAGE));
    assertEquals("2:3 services.web.cap_drop", at.get(SpecAttribute.DROP_ALL_CAPABILITIES), "merged: where written");
    assertEquals("3:3 services.web.security_opt", at.get(SpecAttribute.NO_NEW_PRIVILEGES));
    assertEquals("11:5 services.web.ports", at.get(SpecAttribute.PORTS));
    assertEquals("26:18 services.web.deploy.resources.limits.memory", at.get(SpecAttribute.MEMORY_LIMIT));
    assertEquals("26:32 services.web.deploy.resources.limits.pids", at.get(SpecAttribute.PIDS_LIMIT));
    assertEquals("17:5 services.web.volumes", at.get(SpecAttribute.MOUNTS));
    assertEquals(List.of("12:9", "13:9", "14:9"), web.itemLocations(SpecAttribute.PORTS).stream()
        .map(l -> l.line() + ":" + l.column()).toList());
    assertEquals(List.of("services.web.ports[0]", "services.web.ports[1]", "services.web.ports[2]"),
        web.itemLocations(SpecAttribute.PORTS).stream().map(SourceLocation::field).toList());
    assertEquals(List.of(18, 19, 20), web.itemLocations(SpecAttribute.MOUNTS).stream().map(SourceLocation::line)
        .toList());
    assertTrue(web.location(SpecAttribute.CPUSET_CPUS).isEmpty(), "silent: point at the service");
    assertEquals(31, web.keyLocation("restart").orElseThrow().line());
  }
}
