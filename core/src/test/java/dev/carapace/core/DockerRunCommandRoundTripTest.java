package dev.carapace.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.carapace.core.internal.runline.ShellWords;
import dev.carapace.core.testing.SpecGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property: for generated specs over every attribute, {@code parse(render(spec))} is {@code spec}.
 * Plain JUnit with a seeded {@link Random}: a failure names its seed and case, and replays.
 */
class DockerRunCommandRoundTripTest {
  private static final long SEED = 0x5EEDCAFEL;
  private static final int CASES = 10_000;

  @TempDir
  static Path dir;
  private static final List<Seccomp> PROFILES = new ArrayList<>();

  @BeforeAll
  static void writeProfiles() throws IOException {
    for (String[] p : new String[][] {{"errno.json", "SCMP_ACT_ERRNO"}, {"with space.json", "SCMP_ACT_LOG"},
        {"it's,odd=1.json", "SCMP_ACT_KILL"}}) {
      Path file = dir.resolve(p[0]);
      Files.writeString(file, "{\"defaultAction\":\"" + p[1] + "\",\"syscalls\":[]}");
      PROFILES.add(Seccomp.profile(file));
    }
  }

  @Test
  void parseOfRenderGivesTheSameSpec() {
    Random seeds = new Random(SEED);
    for (int n = 0; n < CASES; n++) {
      long caseSeed = seeds.nextLong();
      SecureContainerSpec spec;
      try {
        spec = SpecGenerator.generate(new Random(caseSeed), PROFILES);
      } catch (IllegalArgumentException e) {
        throw new AssertionError("generator made an invalid spec, case " + n + " seed " + caseSeed, e);
      }
      try {
        check(spec);
      } catch (AssertionError | RuntimeException e) {
        fail("case " + n + " seed " + caseSeed + ": " + DockerRunCommand.renderLine(spec), e);
      }
    }
  }

  private static void check(SecureContainerSpec spec) {
    List<String> withSecrets = DockerRunCommand.renderWithSecrets(spec);
    assertEquals(spec, DockerRunCommand.parse(withSecrets));
    String line = DockerRunCommand.renderLineWithSecrets(spec);
    assertEquals(withSecrets, ShellWords.split(line));
    assertEquals(spec, DockerRunCommand.parse(line));

    List<String> redacted = DockerRunCommand.render(spec);
    List<String> envWords = new ArrayList<>();
    for (int i = 0; i < redacted.size() - 1; i++) {
      if (redacted.get(i).equals("-e")) {
        envWords.add(redacted.get(++i));
      }
    }
    assertEquals(new ArrayList<>(spec.env().keySet()), envWords, "only names after -e");
    assertEquals(spec, DockerRunCommand.parse(DockerRunCommand.renderLine(spec), spec.env()));
    assertEquals(withSecrets, DockerRunCommand.renderWithSecrets(DockerRunCommand.parse(withSecrets)));
  }


  @Test
  void generatorCoversEveryAttribute() {
    Random seeds = new Random(SEED);
    Map<String, Integer> seen = new LinkedHashMap<>();
    for (int n = 0; n < 2000; n++) {
      SecureContainerSpec s = SpecGenerator.generate(new Random(seeds.nextLong()), PROFILES);
      count(seen, "entrypoint", !s.entrypoint().isEmpty());
      count(seen, "env", !s.env().isEmpty());
      count(seen, "workingDir", s.workingDir().isPresent());
      count(seen, "user", s.user().isPresent());
      count(seen, "labels", !s.labels().isEmpty());
      count(seen, "name", s.name().isPresent());
      count(seen, "hostname", s.hostname().isPresent());
      count(seen, "dropAll", s.dropAllCapabilities());
      count(seen, "capAdd", !s.addedCapabilities().isEmpty());
      count(seen, "capDrop", !s.droppedCapabilities().isEmpty());
      count(seen, "noNewPrivileges", s.noNewPrivileges());
      count(seen, "seccompProfile", s.seccomp().kind() == Seccomp.Kind.PROFILE);
      count(seen, "seccompUnconfined", s.seccomp().kind() == Seccomp.Kind.UNCONFINED);
      count(seen, "selinux", s.selinuxLabel().isPresent());
      count(seen, "apparmor", s.apparmorProfile().isPresent());
      count(seen, "cpuset", s.cpusetCpus().isPresent());
      count(seen, "cpuShares", s.cpuShares().isPresent());
      count(seen, "nanoCpus", s.nanoCpus().isPresent());
      count(seen, "cpuQuota", s.cpuQuota().isPresent());
      count(seen, "cpuPeriod", s.cpuPeriod().isPresent());
      count(seen, "memory", s.memoryLimit().isPresent());
      count(seen, "swap", s.memorySwap().isPresent());
      count(seen, "pidsUnlimited", s.pidsLimit().isEmpty());
      count(seen, "ulimits", !s.ulimits().isEmpty());
      count(seen, "log", s.logConfig().isPresent());
      count(seen, "readOnly", s.readOnlyRootFilesystem());
      count(seen, "bind", s.mounts().stream().anyMatch(m -> m.type() == Mount.Type.BIND));
      count(seen, "volume", s.mounts().stream().anyMatch(m -> m.type() == Mount.Type.VOLUME));
      count(seen, "tmpfs", s.mounts().stream().anyMatch(m -> m.type() == Mount.Type.TMPFS));
      count(seen, "hostNetwork", s.network().kind() == NetworkMode.Kind.HOST);
      count(seen, "ports", !s.ports().isEmpty());
      count(seen, "restart", s.restartPolicy().isPresent());
      count(seen, "health", s.healthCheck().isPresent());
      count(seen, "init", s.init());
      count(seen, "stopSignal", s.stopSignal().isPresent());
      count(seen, "stopTimeout", s.stopTimeout().isPresent());
      count(seen, "runtimeNamed", !s.runtime().isEngineDefault() && !s.runtime().isGvisor());
      count(seen, "runtimeGvisor", s.runtime().isGvisor());
      count(seen, "untrusted", s.untrusted());
    }
    seen.forEach((attribute, count) -> {
      if (count < 50) {
        fail("generator rarely sets " + attribute + ": " + count + " of 2000");
      }
    });
    assertEquals(39, seen.size());
  }

  private static void count(Map<String, Integer> seen, String attribute, boolean set) {
    seen.merge(attribute, set ? 1 : 0, Integer::sum);
  }
}
