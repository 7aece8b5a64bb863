package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README cannot drift from code that works:
 * <ul>
 *   <li>every Java block says {@code // from <file>} and is, word for word, one of the
 *       {@code // --- snippet: NAME} ... {@code // --- end snippet} regions of that compiled, tested
 *       example;
 *   <li>every output shown after {@code <!-- output of dev.carapace.examples.NAME -->} is what that
 *       program prints (for the programs that need no engine);
 *   <li>every {@code -Dexec.mainClass} names an example with a {@code main};
 *   <li>the Maven and Gradle coordinates carry this build's version.
 * </ul>
 */
class ReadmeSnippetsTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path EXAMPLES = ROOT.resolve("examples/src/main/java/dev/carapace/examples");
  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\n(.*?)\n```", Pattern.DOTALL);
  private static final Pattern FROM = Pattern.compile("// from (\\S+)\n(.*)", Pattern.DOTALL);
  private static final Pattern REGION =
      Pattern.compile("// --- snippet: \\S+\n(.*?)\n[ \t]*// --- end snippet", Pattern.DOTALL);
  private static final Pattern OUTPUT =
      Pattern.compile("<!-- output of dev\\.carapace\\.examples\\.(\\w+) -->\n```text\n(.*?)```", Pattern.DOTALL);
  private static final Pattern EXEC = Pattern.compile("-Dexec\\.mainClass=dev\\.carapace\\.examples\\.(\\w+)");
  private static final Pattern MAVEN_BOM =
      Pattern.compile("<artifactId>carapace-bom</artifactId>\\s*<version>([^<]*)</version>");
  private static final Pattern GRADLE = Pattern.compile("\"dev\\.carapace:carapace-[a-z]+:([^\"]+)\"");
  private static final Pattern PARENT_VERSION =
      Pattern.compile("<artifactId>carapace-parent</artifactId>\\s*<version>([^<]*)</version>");

  /** The programs whose output the README shows and that run without an engine. */
  private static final Map<String, ToIntFunction<PrintStream>> ENGINE_FREE =
      Map.of("InvalidSpec", out -> InvalidSpec.run("carapace-test/busybox:1", out));

  private static String readme() throws IOException {
    return Files.readString(ROOT.resolve("README.md"));
  }

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
  void everyJavaBlockIsCopiedFromASnippetOfAnExample() throws IOException {
    Matcher blocks = JAVA_BLOCK.matcher(readme());
    int checked = 0;
    while (blocks.find()) {
      Matcher from = FROM.matcher(blocks.group(1));
      assertTrue(from.matches(), "README Java block without a // from line:\n" + blocks.group(1));
      Path source = ROOT.resolve(from.group(1));
      assertTrue(Files.isRegularFile(source), "README names a missing file: " + from.group(1));
      Matcher regions = REGION.matcher(Files.readString(source));
      List<String> snippets = new ArrayList<>();
      while (regions.find()) {
        snippets.add(dedent(regions.group(1)));
      }
      assertTrue(snippets.contains(from.group(2)),
          "README block from " + from.group(1) + " matches none of its snippet regions:\n" + from.group(2));
      checked++;
    }
    assertTrue(checked >= 7, "README blocks checked: " + checked);
  }

  @Test
  void everyOutputShownIsWhatTheProgramPrints() throws IOException {
    Matcher outputs = OUTPUT.matcher(readme());
    int checked = 0;
    while (outputs.find()) {
      ToIntFunction<PrintStream> program = ENGINE_FREE.get(outputs.group(1));
      assertTrue(program != null, "README shows the output of " + outputs.group(1)
          + ", which this test cannot run without an engine: check it in its IT instead");
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      assertEquals(0, program.applyAsInt(new PrintStream(buf, true, StandardCharsets.UTF_8)));
      assertEquals(buf.toString(StandardCharsets.UTF_8), outputs.group(2), "output of " + outputs.group(1));
      checked++;
    }
    assertEquals(ENGINE_FREE.size(), checked, "outputs checked");
  }

  @Test
  void everyRunCommandNamesAnExampleWithAMain() throws IOException {
    Matcher exec = EXEC.matcher(readme());
    int checked = 0;
    while (exec.find()) {
      Path source = EXAMPLES.resolve(exec.group(1) + ".java");
      assertTrue(Files.isRegularFile(source), "README runs a missing example: " + exec.group(1));
      assertTrue(Files.readString(source).contains("public static void main(String[] args)"),
          "README runs an example without a main: " + exec.group(1));
      checked++;
    }
    assertTrue(checked >= 10, "run commands checked: " + checked);
  }

  @Test
  void coordinatesCarryThisBuildsVersion() throws IOException {
    Matcher parent = PARENT_VERSION.matcher(Files.readString(ROOT.resolve("pom.xml")));
    assertTrue(parent.find(), "no carapace-parent version in pom.xml");
    String version = parent.group(1);
    String readme = readme();
    List<String> found = new ArrayList<>();
    for (Pattern p : List.of(MAVEN_BOM, GRADLE)) {
      Matcher m = p.matcher(readme);
      int n = 0;
      while (m.find()) {
        found.add(m.group(1));
        n++;
      }
      assertTrue(n > 0, "README has no coordinates matching " + p);
    }
    assertEquals(List.of(version), found.stream().distinct().toList(), "versions in the README's coordinates");
  }
}
