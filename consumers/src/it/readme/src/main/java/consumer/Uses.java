package consumer;

import dev.carapace.cluster.KubernetesRenderer;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.policy.Policy;
import dev.carapace.tls.HeldCertificate;
import java.util.List;

/** Compiles against the artifacts' public APIs with the class path the consumer's build resolved. */
public final class Uses {
  private Uses() {}

  /** A type of each artifact's public package (carapace-tls comes with carapace-core). */
  public static List<Class<?>> types() {
    return List.of(HeldCertificate.class, SecureContainerSpec.class, Policy.class, KubernetesRenderer.class);
  }
}
