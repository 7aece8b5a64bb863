package dev.carapace.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.carapace.core.testing.EveryAttribute;
import org.junit.jupiter.api.Test;

/** One field, one row: every attribute of the spec has exactly one Kubernetes row. */
class KubernetesFieldsTest {
  @Test
  void everySpecAttributeHasExactlyOneRow() {
    EveryAttribute.assertDecided("kubernetes", a -> KubernetesField.of(a).describe());
  }

  @Test
  void everyRowDescribesItselfOnOneLine() {
    for (KubernetesField f : KubernetesField.values()) {
      assertFalse(f.describe().isBlank(), f.name());
      assertFalse(f.describe().contains("\n") || f.describe().contains("|"), f.name() + ": " + f.describe());
      assertEquals(f, KubernetesField.of(f.attribute()));
    }
  }
}
