package dev.carapace.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.carapace.core.Capability;
import dev.carapace.core.ContainerPath;
import dev.carapace.core.CpuSet;
import dev.carapace.core.ExtraHost;
import dev.carapace.core.HealthCheck;
import dev.carapace.core.LogConfig;
import dev.carapace.core.MemorySize;
import dev.carapace.core.Mount;
import dev.carapace.core.NetworkAttachment;
import dev.carapace.core.NetworkMode;
import dev.carapace.core.PortBinding;
import dev.carapace.core.RestartPolicy;
import dev.carapace.core.Seccomp;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.Ulimit;
import dev.carapace.core.testing.SpecGenerator;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Compose files {@link ComposeRenderer} writes, validated by Compose itself: Debian's docker-compose 1.29.2
 * ({@code testbed/compose.sh}) runs {@code docker-compose -f FILE config -q} on each, which checks the file
 * against Compose's schema and its own value rules (a seccomp file it reads, ports, durations) without
 * starting anything. Accepted means exit 0 and nothing on stderr; a file with a field Compose does not know is
 * refused, so the check can fail. Then the file Compose normalised ({@code config}, without {@code -q}) is read
 * back by {@link ComposeReader} as the same specs: Compose and Carapace read the fields alike.
 */
class ComposeConfigIT {
  private record Run(int exit, String out, String err) {}

  private static Run compose(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("docker-compose"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("COMPOSE_") || k.startsWith("DOCKER_"));
    Process p = pb.start();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread t = new Thread(() -> {
      try (InputStream in = p.getErrorStream()) {
        in.transferTo(err);
      } catch (Exception ignored) {
        // the exit code tells
      }
    });
    t.start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("docker-compose did not finish in 60 s: " + cmd);
    }
    t.join();
    return new Run(p.exitValue(), out, err.toString(StandardCharsets.UTF_8));
  }

  private static List<SecureContainerSpec> hardened(Path dir) throws Exception {
    Path profile = dir.resolve("profile.json");
    Files.writeString(profile, "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"ptrace\"],"
        + "\"action\":\"SCMP_ACT_ERRNO\"}]}");
    Path html = Files.createDirectories(dir.resolve("html"));
    return List.of(
        SecureContainerSpec.builder().image("busybox:1").build(),
        SecureContainerSpec.builder().image("nginx:1.25").user("101:101").name("web-1").hostname("web")
            .addPort(PortBinding.localhost(8080, 80), new PortBinding("::1", 8443, 443, PortBinding.Protocol.TCP))
            // in name order: docker-compose config writes networks sorted by name, and the spec's network is the first
            .network(NetworkMode.named("back")).addNetworkAlias("web-back")
            .addNetwork(NetworkAttachment.of(NetworkMode.named("front"), "www"))
            .addMount(Mount.bind(html.toString(), ContainerPath.of("/usr/share/nginx/html")).asReadOnly(),
                Mount.volume("nginx-cache", ContainerPath.of("/var/cache/nginx")),
                Mount.tmpfs(ContainerPath.of("/run"), MemorySize.ofMebibytes(8)))
            .addCapability(Capability.NET_BIND_SERVICE)
            .memoryLimit(MemorySize.ofMebibytes(256)).memorySwap(MemorySize.ofMebibytes(256)).pidsLimit(200)
            .nanoCpus(1_500_000_000L).cpusetCpus(CpuSet.parse("0")).cpuShares(512)
            .healthCheck(HealthCheck.exec("wget", "-q", "-O-", "http://localhost/").interval(Duration.ofSeconds(5))
                .timeout(Duration.ofMillis(1500)).startPeriod(Duration.ofSeconds(2)).retries(4))
            .restartPolicy(RestartPolicy.onFailure(3)).stopTimeout(Duration.ofSeconds(20)).stopSignal("SIGQUIT")
            .logConfig(LogConfig.jsonFile(MemorySize.ofMebibytes(10), 3))
            .addUlimit(Ulimit.parse("nofile=1024:2048")).putSysctl("net.ipv4.ip_unprivileged_port_start", "80")
            .addExtraHost(ExtraHost.of("db.internal", "10.0.0.5")).addDnsServer("10.0.0.2").addDnsSearch("internal")
            .putEnv("PRICE", "$5 and ${NOT_A_VAR}").putLabel("team", "shop").init(true)
            .seccomp(Seccomp.profile(profile)).build(),
        SecureContainerSpec.builder().image("busybox:1").command("sh", "-c", "echo \"$HOME\" 'quoted'")
            .entrypoint("/bin/env", "-i").workingDir(ContainerPath.of("/tmp")).shmSize(MemorySize.ofMebibytes(16))
            .memoryLimit(MemorySize.ofMebibytes(64)).cpuQuota(50_000).cpuPeriod(100_000).tty(true).openStdin(true)
            .untrusted().build());
  }

  @Test
  void dockerComposeAcceptsEveryRenderedFileAndReadsItAsCarapaceDoes(@TempDir Path dir) throws Exception {
    Path project = Files.createDirectories(dir.resolve("shop"));
    List<SecureContainerSpec> specs = hardened(project);
    ComposeRenderer.Builder all = ComposeRenderer.builder();
    for (int i = 0; i < specs.size(); i++) {
      String yaml = ComposeRenderer.builder().addService("s" + i, specs.get(i)).build().yaml();
      accepted(project, "one-" + i + ".yaml", yaml, List.of(specs.get(i)));
      all.addService("s" + i, specs.get(i));
    }
    accepted(project, "all.yaml", all.build().yaml(), specs);
  }

  @Test
  void dockerComposeAcceptsRenderedGeneratedSpecs(@TempDir Path dir) throws Exception {
    Path project = Files.createDirectories(dir.resolve("gen"));
    Path profile = project.resolve("p.json");
    Files.writeString(profile, "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[]}");
    Random r = new Random(0xD0C0L);
    int cases = Integer.getInteger("carapace.compose.it.count", 15);
    for (int i = 0; i < cases; i++) {
      SecureContainerSpec spec = SpecGenerator.generate(r, List.of(Seccomp.profile(profile)));
      ComposeRenderer renderer = ComposeRenderer.builder().addService("gen", spec)
          .acceptLoss(ComposeRenderer.builder().addService("gen", spec).build().losses().stream()
              .map(Loss::attribute).toArray(dev.carapace.core.SpecAttribute[]::new)).build();
      String yaml = renderer.yaml();
      Path file = project.resolve("gen-" + i + ".yaml");
      Files.writeString(file, yaml);
      Run run = compose(project, "-f", file.getFileName().toString(), "config", "-q");
      assertEquals(new Run(0, "", ""), run, "case " + i + ":\n" + yaml);
    }
  }

  @Test
  void dockerComposeRefusesAFieldItDoesNotKnow(@TempDir Path dir) throws Exception {
    String yaml = ComposeRenderer.render(SecureContainerSpec.builder().image("busybox:1").build())
        .replace("    image: busybox:1\n", "    image: busybox:1\n    frobnicate: true\n");
    Files.writeString(dir.resolve("bad.yaml"), yaml);
    Run run = compose(dir, "-f", "bad.yaml", "config", "-q");
    assertNotEquals(0, run.exit());
    assertTrue(run.err().contains("Unsupported config option for services.app: 'frobnicate'"), run.err());
    // and Carapace refuses it too, at its line
    InvalidComposeException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidComposeException.class,
        () -> ComposeReader.strict().read(dir.resolve("bad.yaml")));
    assertTrue(e.getMessage().contains(":4:5: services.app.frobnicate: refused: not a Compose service field"),
        e.getMessage());
  }

  private static void accepted(Path project, String name, String yaml, List<SecureContainerSpec> specs)
      throws Exception {
    Path file = project.resolve(name);
    Files.writeString(file, yaml);
    Run quiet = compose(project, "-f", name, "config", "-q");
    assertEquals(new Run(0, "", ""), quiet, name + ":\n" + yaml);
    Run normalised = compose(project, "-f", name, "config");
    assertEquals(0, normalised.exit(), normalised.err());
    Path back = project.resolve("normalised-" + name);
    Files.writeString(back, normalised.out());
    ComposeFile read = ComposeReader.strict().read(back);
    List<SecureContainerSpec> readSpecs = read.services().stream().map(ComposeService::spec).toList();
    assertEquals(specs, readSpecs, name + " as docker-compose normalised it:\n" + normalised.out());
    assertEquals(specs, ComposeReader.strict().read(file).services().stream().map(ComposeService::spec).toList());
  }
}
