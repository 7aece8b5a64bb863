package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every Java block in the README that says {@code // from <file>} is, word for word, one of the
 * {@code // --- snippet} regions of that compiled, tested example: the README cannot drift.
 */
class ReadmeSnippetsTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern BLOCK = Pattern.compile("```java\n// from (\\S+)\n(.*?)\n```", Pattern.DOTALL);
  private static final Pattern REGION =
      Pattern.compile("// --- snippet: \\S+\n(.*?)\n[ \t]*// --- end snippet", Pattern.DOTALL);

  static String dedent(String text) {
    List<String> lines = text.lines().toList();
    int indent = lines.stream().filter(l -> !l.isBlank())
        .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      out.add(l.length() >= indent ? l.substring(indent) : l.strip());
    }
    return String.join("\n", out);
  }

  @Test
  void everyReadmeSnippetIsCopiedFromAnExample() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    Matcher blocks = BLOCK.matcher(readme);
    int checked = 0;
    while (blocks.find()) {
      Path source = ROOT.resolve(blocks.group(1));
      assertTrue(Files.isRegularFile(source), "README names a missing file: " + blocks.group(1));
      Matcher regions = REGION.matcher(Files.readString(source));
      List<String> snippets = new ArrayList<>();
      while (regions.find()) {
        snippets.add(dedent(regions.group(1)));
      }
      assertTrue(snippets.contains(blocks.group(2)),
          "README block from " + blocks.group(1) + " matches none of its snippet regions:\n" + blocks.group(2));
      checked++;
    }
    assertTrue(checked >= 8, "README blocks checked: " + checked);
  }
}
