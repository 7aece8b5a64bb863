package dev.carapace.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.carapace.core.Seccomp;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SpecAttribute;
import dev.carapace.core.testing.SpecGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property: over generated specs (every attribute, hostile strings), {@code ComposeReader} reads what
 * {@code ComposeRenderer} wrote as the same spec, service by service, for files of one to three services. Seeded:
 * a failure names its seed and case, and replays. {@code -Dcarapace.roundtrip.count=N} sets the number of cases
 * (default: {@code carapace.fuzz.count}, at most 10,000: a case renders and parses a whole file, about 1 ms, so the
 * 100,000 hostile inputs of {@code .ci/run} would make this one property two minutes of the CI's budget).
 */
class ComposeRoundTripTest {
  private static final long SEED = 0xC0C0517EL;

  @Test
  void readOfRenderGivesTheSameSpecs(@TempDir Path dir) throws Exception {
    List<Seccomp> profiles = new ArrayList<>();
    for (String[] p : new String[][] {{"errno.json", "SCMP_ACT_ERRNO"}, {"with space.json", "SCMP_ACT_LOG"},
        {"it's,odd=1$x.json", "SCMP_ACT_KILL"}}) {
      Path file = dir.resolve(p[0]);
      Files.writeString(file, "{\"defaultAction\":\"" + p[1] + "\",\"syscalls\":[]}");
      profiles.add(Seccomp.profile(file));
    }
    int cases = Integer.getInteger("carapace.roundtrip.count",
        Math.min(10_000, Integer.getInteger("carapace.fuzz.count", 500)));
    Random seeds = new Random(SEED);
    for (int n = 0; n < cases; n++) {
      long caseSeed = seeds.nextLong();
      Random r = new Random(caseSeed);
      List<SecureContainerSpec> specs = new ArrayList<>();
      int count = 1 + r.nextInt(3);
      for (int i = 0; i < count; i++) {
        specs.add(SpecGenerator.generate(r, profiles));
      }
      String yaml = null;
      try {
        ComposeRenderer.Builder b = ComposeRenderer.builder();
        for (int i = 0; i < specs.size(); i++) {
          SecureContainerSpec s = specs.get(i);
          if (ComposeField.ADDITIONAL_NETWORKS.loss(s) != null) { // losses: checked by their own tests
            s = s.toBuilder().additionalNetworks(List.of()).build();
          }
          if (ComposeField.ULIMITS.loss(s) != null) {
            s = s.toBuilder().ulimits(s.ulimits().stream().filter(u -> !ComposeField.unlimitedHardOnly(u)).toList())
                .build();
          }
          if (ComposeField.NANO_CPUS.loss(s) != null) {
            s = s.toBuilder().nanoCpus(Math.max(1, s.nanoCpus().getAsLong() / 1_000_000_000) * 1_000_000_000).build();
          }
          specs.set(i, s);
          b.addService("s" + i, s);
        }
        yaml = b.build().yaml();
        ComposeFile read = ComposeReader.strict().read("compose.yaml", yaml, dir);
        assertEquals(specs.size(), read.services().size());
        for (int i = 0; i < specs.size(); i++) {
          assertEquals(specs.get(i), read.services().get(i).spec(), "service s" + i);
        }
        ComposeRenderer.Builder again = ComposeRenderer.builder();
        read.services().forEach(s -> again.addService(s.name(), s.spec()));
        assertEquals(yaml, again.build().yaml(), "rendering the read specs again");
      } catch (AssertionError | RuntimeException e) {
        fail("case " + n + " seed " + caseSeed + ":\n" + yaml, e);
      }
    }
  }

  @Test
  void cpusDockerComposeCannotMultiplyExactlyAreALoss() {
    SecureContainerSpec spec = SecureContainerSpec.builder().image("busybox:1").nanoCpus(17_153_637_450L).build();
    assertEquals("docker-compose 1.29 reads cpus as a float and refuses one whose value times 10^9 is not the whole"
        + " number 17153637450: 17.15363745 (use fewer decimal digits)", ComposeField.NANO_CPUS.loss(spec));
    String yaml = ComposeRenderer.builder().addService("web", spec).acceptLoss(SpecAttribute.NANO_CPUS).build().yaml();
    assertTrue(ComposeReader.strict().read("c.yaml", yaml, null).services().get(0).spec().nanoCpus().isEmpty(), yaml);
    assertEquals(null, ComposeField.NANO_CPUS.loss(spec.toBuilder().nanoCpus(1_500_000_000L).build()));
  }

  @Test
  void aProfileGivenAsJsonIsALossAcceptedByName() {
    SecureContainerSpec spec = SecureContainerSpec.builder().image("busybox:1")
        .seccomp(Seccomp.profileJson("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[]}")).build();
    UncarriableSpecException e = assertThrows(UncarriableSpecException.class,
        () -> ComposeRenderer.builder().addService("web", spec).build().yaml());
    assertEquals(List.of(SpecAttribute.SECCOMP), e.losses().stream().map(Loss::attribute).toList());
    String yaml = ComposeRenderer.builder().addService("web", spec).acceptLoss(SpecAttribute.SECCOMP).build().yaml();
    SecureContainerSpec read = ComposeReader.strict().read("c.yaml", yaml, null).services().get(0).spec();
    assertEquals(Seccomp.engineDefault(), read.seccomp());
  }
}
