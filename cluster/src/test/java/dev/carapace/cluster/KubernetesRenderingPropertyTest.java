package dev.carapace.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.carapace.core.Seccomp;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.testing.SpecGenerator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over generated specs (every attribute, hostile strings): a workload of each kind is refused with exactly
 * the losses its rows find, or, with those accepted, renders YAML that reads back as the same model and
 * that {@link ManifestAudit} reads as one container. Seeded: a failure names its seed and case.
 */
class KubernetesRenderingPropertyTest {
  private static final long SEED = 0x6B75BE5L;
  private static final int CASES = 300;

  @Test
  void everyGeneratedSpecIsRefusedWithItsLossesOrRenders(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("profile.json");
    Files.writeString(file, "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[]}");
    List<Seccomp> profiles = List.of(Seccomp.profile(file));
    Random r = new Random(SEED);
    for (int i = 0; i < CASES; i++) {
      SecureContainerSpec spec = SpecGenerator.generate(r, profiles);
      for (KubernetesWorkload.Kind kind : KubernetesWorkload.Kind.values()) {
        String where = "seed " + SEED + " case " + i + " " + kind + ": " + spec;
        try {
          check(spec, kind);
        } catch (AssertionError | RuntimeException e) {
          fail(where + ": " + e, e);
        }
      }
    }
  }

  private static void check(SecureContainerSpec spec, KubernetesWorkload.Kind kind) {
    List<Loss> losses = KubernetesRenderer.builder(spec).build().losses(kind);
    Function<KubernetesRenderer, KubernetesWorkload<? extends HasMetadata>> render = switch (kind) {
      case POD -> KubernetesRenderer::pod;
      case DEPLOYMENT -> KubernetesRenderer::deployment;
      case JOB -> KubernetesRenderer::job;
    };
    if (!losses.isEmpty()) {
      UncarriableSpecException e = assertThrows(UncarriableSpecException.class,
          () -> render.apply(KubernetesRenderer.builder(spec).build()));
      assertEquals(losses, e.losses());
    }
    KubernetesRenderer.Builder accepting = KubernetesRenderer.builder(spec);
    losses.forEach(l -> accepting.acceptLoss(l.attribute()));
    KubernetesWorkload<? extends HasMetadata> w = render.apply(accepting.build());
    assertEquals(losses, w.acceptedLosses());
    assertEquals(w.yaml(), Yaml.write(w.model()), "the yaml reads back as the same model");
    assertEquals(1, ManifestAudit.containers(w.yaml()).size());
  }
}
