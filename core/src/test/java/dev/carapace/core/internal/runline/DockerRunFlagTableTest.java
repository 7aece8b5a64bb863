package dev.carapace.core.internal.runline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.ContainerPath;
import dev.carapace.core.ContainerRuntime;
import dev.carapace.core.CpuSet;
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
import dev.carapace.core.SelinuxLabel;
import dev.carapace.core.SpecAttribute;
import dev.carapace.core.Ulimit;
import dev.carapace.core.internal.runline.DockerRunParser.Flag;
import dev.carapace.core.testing.EveryAttribute;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each row of the parser's flag table read on its own, and the renderer held to the same table. */
class DockerRunFlagTableTest {
  /** Rows that change nothing in a spec, so the renderer has no reason to write them. */
  private static final Set<Flag> WITHOUT_EFFECT = EnumSet.of(Flag.DETACH, Flag.RM);

  private static SecureContainerSpec parse(String... argv) {
    return DockerRunParser.parse(List.of(argv), null);
  }

  private static void assertRefused(String message, String... argv) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(argv),
        () -> String.join(" ", argv));
    assertEquals(message, e.getMessage());
  }

  @Test
  void everySpellingNamesOneRow() {
    Map<String, Flag> seen = new HashMap<>();
    for (Flag f : Flag.values()) {
      assertEquals(f.longName(), f.spellings().get(0), f + " is written first by its long name");
      for (String spelled : f.spellings()) {
        assertTrue(spelled.matches("--[a-z]+(-[a-z]+)*|-[a-zA-Z]"), f + " spelling looks like a flag: " + spelled);
        Flag before = seen.put(spelled, f);
        assertEquals(null, before, spelled + " names one row");
        assertEquals(Optional.of(f), Flag.of(spelled), spelled + " is found");
      }
    }
    assertEquals(Optional.empty(), Flag.of("--mac-address"));
    assertEquals(Optional.empty(), Flag.of("-x"));
  }

  @Test
  void everySpecAttributeHasAFlagOrAPlace() {
    EveryAttribute.assertDecided("docker run", DockerRunParser::decision);
  }

  /** Each attribute's {@link SpecAttribute#dockerRunFlag()} is a row of this table that carries it. */
  @Test
  void eachAttributesFlagIsARowCarryingIt() {
    for (SpecAttribute a : SpecAttribute.values()) {
      Set<Flag> carrying = EnumSet.noneOf(Flag.class);
      for (Flag f : Flag.values()) {
        if (f.carries().contains(a)) {
          carrying.add(f);
        }
      }
      if (a.dockerRunFlag().isEmpty()) {
        assertEquals(Set.of(), carrying, a + " is a word after the flags");
        continue;
      }
      Flag f = Flag.of(a.dockerRunFlag().get()).orElseThrow(() -> new AssertionError(a + ": no row"));
      assertEquals(f.longName(), a.dockerRunFlag().get(), a + " names the flag by its long name");
      assertTrue(carrying.contains(f), a + " is carried by " + carrying + ", not " + f);
    }
    for (Flag f : Flag.values()) {
      assertEquals(f.refusal().isPresent() || WITHOUT_EFFECT.contains(f), f.carries().isEmpty(),
          f + " carries an attribute unless refused or without effect");
    }
  }

  @Test
  void valueTakingFlagsRefuseAMissingValue() {
    for (Flag f : Flag.values()) {
      if (f.refusal().isEmpty() && f.takesValue()) {
        for (String spelled : f.spellings()) {
          assertRefused("docker run flag needs a value: " + spelled, "docker", "run", spelled);
        }
      }
    }
  }

  @Test
  void standaloneFlagsTakeNoValue() {
    for (Flag f : Flag.values()) {
      if (f.refusal().isEmpty() && !f.takesValue()) {
        for (String spelled : f.spellings()) {
          assertRefused("docker run image is required: none after the flags"
              + " (write it after them, as in docker run busybox:1.36)", "docker", "run", spelled);
          assertEquals("busybox", parse("docker", "run", spelled, "busybox").image(), spelled);
          assertEquals("busybox", parse("docker", "run", spelled + "=false", "busybox").image(), spelled);
        }
      }
    }
  }

  @Test
  void refusedFlagsSayWhyWhateverFollows() {
    for (Flag f : Flag.values()) {
      if (f.refusal().isPresent()) {
        String why = f.refusal().get();
        assertFalse(why.isEmpty(), f + " says why");
        for (String spelled : f.spellings()) {
          String message = "docker run flag is not supported: " + spelled + " (" + why + ")";
          assertRefused(message, "docker", "run", spelled);
          assertRefused(message, "docker", "run", spelled, "busybox");
          if (spelled.startsWith("--")) {
            assertRefused(message, "docker", "run", spelled + "=x", "busybox");
          } else {
            assertRefused(message, "docker", "run", "-d" + spelled.charAt(1), "busybox");
          }
        }
      }
    }
  }

  @Test
  void everyFlagTheRendererWritesIsARow() {
    SecureContainerSpec most = SecureContainerSpec.builder().image("nginx:1.27").command("nginx", "-g", "daemon off;")
        .name("web").hostname("web").user("101:101").workingDir(ContainerPath.of("/srv"))
        .putEnv("MODE", "prod").putLabel("tier", "front")
        .keepDockerDefaultCapabilities().dropCapability("NET_RAW").addCapability("SYS_NICE")
        .seccomp(Seccomp.unconfined()).selinuxLabel(SelinuxLabel.type("svirt_apache_t"))
        .apparmorProfile("docker-default").readOnlyRootFilesystem(true)
        .runtime(ContainerRuntime.named("kata")).untrusted()
        .network(NetworkMode.bridge()).addPort(PortBinding.localhost(8080, 80))
        .addMount(Mount.bind("/srv/a", ContainerPath.of("/conf")).asReadOnly(),
            Mount.volume("cache", ContainerPath.of("/cache")),
            Mount.tmpfs(ContainerPath.of("/tmp"), MemorySize.ofMebibytes(64)))
        .cpusetCpus(CpuSet.parse("0,2")).cpuShares(512).nanoCpus(250_000_000L)
        .memoryLimit(MemorySize.ofMebibytes(64)).memorySwap(MemorySize.ofMebibytes(128))
        .addUlimit(new Ulimit("nofile", 1024, 2048))
        .logConfig(LogConfig.syslog("udp://127.0.0.1:514")).restartPolicy(RestartPolicy.onFailure(3))
        .healthCheck(HealthCheck.shell("true")).init(true).stopSignal("SIGQUIT").stopTimeout(Duration.ofSeconds(5))
        .entrypoint(List.of("/docker-entrypoint.sh"))
        .build();
    SecureContainerSpec rest = SecureContainerSpec.builder().image("weird").command("x")
        .cpuPeriod(100_000).cpuQuota(50_000)
        .network(NetworkMode.named("front")).addNetworkAlias("web")
        .addNetwork(NetworkAttachment.of(NetworkMode.named("back"), "api"))
        .shmSize(MemorySize.ofMebibytes(128)).putSysctl("net.ipv4.ip_unprivileged_port_start", "1024")
        .addExtraHost("db", "10.0.0.5").addDnsServer("10.0.0.2").addDnsSearch("corp.example")
        .platform("linux/amd64").tty(true).openStdin(true)
        .build();
    Set<Flag> written = EnumSet.noneOf(Flag.class);
    for (SecureContainerSpec spec : List.of(most, rest)) {
      List<String> argv = DockerRunRenderer.render(spec, true);
      assertEquals(List.of("docker", "run"), argv.subList(0, 2));
      int i = 2;
      while (!argv.get(i).equals("--") && argv.get(i).startsWith("-")) {
        String spelled = argv.get(i);
        Flag f = Flag.of(spelled).orElseThrow(() -> new AssertionError("renderer wrote no row: " + spelled));
        assertEquals(Optional.empty(), f.refusal(), "renderer wrote a refused flag: " + spelled);
        written.add(f);
        i += f.takesValue() ? 2 : 1;
      }
      assertEquals(spec.image(), argv.get(argv.get(i).equals("--") ? i + 1 : i), "the image follows the flags");
      assertEquals(spec, DockerRunParser.parse(argv, null));
    }
    Set<Flag> expected = EnumSet.noneOf(Flag.class);
    for (Flag f : Flag.values()) {
      if (f.refusal().isEmpty() && !WITHOUT_EFFECT.contains(f)) {
        expected.add(f);
      }
    }
    assertEquals(expected, written, "the renderer writes every row that changes a spec");
  }
}
