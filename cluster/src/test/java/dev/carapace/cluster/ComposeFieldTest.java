package dev.carapace.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.testing.EveryAttribute;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** One field, one row: every spec attribute has a {@link ComposeField} row, and docs/compose.md's table is the rows. */
class ComposeFieldTest {
  @Test
  void everyAttributeHasARow() {
    EveryAttribute.assertDecided("compose", a -> ComposeField.of(a).describe());
    for (ComposeField f : ComposeField.values()) {
      assertEquals(f, ComposeField.of(f.attribute()));
      assertFalse(f.describe().contains("\n") || f.describe().contains("|"), f.name() + ": " + f.describe());
    }
  }

  @Test
  void docsFieldTableIsTheRows() throws IOException {
    String page = Files.readString(Path.of("..", "docs", "compose.md"));
    String header = "| spec field | docker run | Compose service field |";
    int at = page.indexOf(header);
    assertTrue(at >= 0, "docs/compose.md has no field table starting " + header);
    List<String> actual = page.substring(at).lines().takeWhile(l -> l.startsWith("|")).skip(2)
        .collect(Collectors.toList());
    List<String> expected = new ArrayList<>();
    for (ComposeField f : ComposeField.values()) {
      expected.add("| `" + f.attribute().builderName() + "` | " + SwarmField.of(f.attribute()).dockerRun() + " | "
          + f.describe() + " |");
    }
    assertEquals(String.join("\n", expected), String.join("\n", actual),
        "docs/compose.md field table differs from ComposeField (rows as expected first)");
  }
}
