package dev.carapace.cluster;

import dev.carapace.core.testing.SpecAttributes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** One field, one row: every attribute of the spec has exactly one Kubernetes row, and every row a spec attribute. */
class KubernetesFieldsTest {
  @Test
  void everySpecAttributeHasExactlyOneRow() throws Exception {
    Set<String> attributes = SpecAttributes.names();
    assertFalse(attributes.isEmpty());
    List<String> rows = new ArrayList<>();
    for (KubernetesField f : KubernetesField.values()) {
      rows.add(f.attribute());
    }
    Set<String> missing = new TreeSet<>(attributes);
    missing.removeAll(rows);
    assertEquals(Set.of(), missing, "spec attributes without a KubernetesField row");
    Set<String> unknown = new TreeSet<>(rows);
    unknown.removeAll(attributes);
    assertEquals(Set.of(), unknown, "rows naming no spec attribute");
    assertEquals(rows.size(), new TreeSet<>(rows).size(), "an attribute with two rows: " + rows);
  }

  @Test
  void everyRowDescribesItselfOnOneLine() {
    for (KubernetesField f : KubernetesField.values()) {
      assertFalse(f.describe().isBlank(), f.name());
      assertFalse(f.describe().contains("\n") || f.describe().contains("|"), f.name() + ": " + f.describe());
      assertEquals(f, KubernetesField.of(f.attribute()).orElseThrow());
    }
  }
}
