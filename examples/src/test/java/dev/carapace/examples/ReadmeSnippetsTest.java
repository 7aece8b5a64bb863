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
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README and the {@code docs/*.md} pages cannot drift from code that works:
 * <ul>
 *   <li>every Java block says {@code // from <file>} and is, word for word, one of the
 *       {@code // --- snippet: NAME} ... {@code // --- end snippet} regions of that compiled, tested
 *       example;
 *   <li>every output shown after {@code <!-- output of dev.carapace.examples.NAME -->} is what that
 *       program prints (for the programs that need no engine);
 *   <li>every {@code -Dexec.mainClass} names an example with a {@code main};
 *   <li>every relative link leads to a file, and its {@code #anchor} to a heading of that file;
 *   <li>every {@code docs/} page is linked from the README, which stays a front door (at most 300 lines);
 *   <li>every method the README's defaults and loosenings name is in core's API listing;
 *   <li>the README's artifact table lists every artifact the BOM publishes, and the Maven and Gradle
 *       coordinates carry exactly this build's version;
 *   <li>the README's two set-up commands are the ones {@code .ci/run} (then its leftovers check) and the install need.
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
  private static final Pattern ARTIFACT_ID = Pattern.compile("<artifactId>(carapace-[a-z]+)</artifactId>");
  private static final Pattern FENCE = Pattern.compile("^```.*?^```", Pattern.DOTALL | Pattern.MULTILINE);
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]*)\\)");
  private static final Pattern HEADING = Pattern.compile("^#+ (.*)$", Pattern.MULTILINE);

  static final String RUN_MAIN_EXAMPLE =
      "testbed/setup.sh && mvn -B -ntp -q install -DskipTests && mvn -B -ntp -q -pl examples exec:java";
  static final String RUN_TESTS = "testbed/setup.sh && mvn -B -ntp verify -Dcarapace.fuzz.count=100000";
  /** What {@code .ci/run} runs after the README's test command: fails if the tests left anything on the engine. */
  static final String CI_LEFTOVERS_CHECK = "testbed/leftovers.sh";

  /** The programs whose output the pages show and that run without an engine. */
  private static final Map<String, ToIntFunction<PrintStream>> ENGINE_FREE =
      Map.of("InvalidSpec", out -> InvalidSpec.run("carapace-test/busybox:1", out), "ComposeFiles", ComposeFiles::run);

  private static String readme() throws IOException {
    return Files.readString(ROOT.resolve("README.md"));
  }

  /** The {@code docs/*.md} pages, by name. */
  static List<Path> docsPages() throws IOException {
    try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
      return files.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().toList();
    }
  }

  /** The README, then every {@code docs/*.md} page: each one under every check of this class. */
  static List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>();
    pages.add(ROOT.resolve("README.md"));
    pages.addAll(docsPages());
    return pages;
  }

  private static String name(Path page) {
    return ROOT.relativize(page).toString();
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
    int checked = 0;
    for (Path page : pages()) {
      Matcher blocks = JAVA_BLOCK.matcher(Files.readString(page));
      while (blocks.find()) {
        Matcher from = FROM.matcher(blocks.group(1));
        assertTrue(from.matches(), name(page) + ": Java block without a // from line:\n" + blocks.group(1));
        Path source = ROOT.resolve(from.group(1));
        assertTrue(Files.isRegularFile(source), name(page) + " names a missing file: " + from.group(1));
        Matcher regions = REGION.matcher(Files.readString(source));
        List<String> snippets = new ArrayList<>();
        while (regions.find()) {
          snippets.add(dedent(regions.group(1)));
        }
        assertTrue(snippets.contains(from.group(2)), name(page) + ": block from " + from.group(1)
            + " matches none of its snippet regions:\n" + from.group(2));
        checked++;
      }
    }
    assertTrue(JAVA_BLOCK.matcher(readme()).find(), "the README shows a first launch");
    assertTrue(checked >= 17, "Java blocks checked: " + checked);
  }

  @Test
  void everyOutputShownIsWhatTheProgramPrints() throws IOException {
    int checked = 0;
    for (Path page : pages()) {
      Matcher outputs = OUTPUT.matcher(Files.readString(page));
      while (outputs.find()) {
        ToIntFunction<PrintStream> program = ENGINE_FREE.get(outputs.group(1));
        assertTrue(program != null, name(page) + " shows the output of " + outputs.group(1)
            + ", which this test cannot run without an engine: check it in its IT instead");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        assertEquals(0, program.applyAsInt(new PrintStream(buf, true, StandardCharsets.UTF_8)));
        assertEquals(buf.toString(StandardCharsets.UTF_8), outputs.group(2),
            name(page) + ": output of " + outputs.group(1));
        checked++;
      }
    }
    assertEquals(ENGINE_FREE.size(), checked, "outputs checked");
  }

  @Test
  void everyRunCommandNamesAnExampleWithAMain() throws IOException {
    int checked = 0;
    for (Path page : pages()) {
      Matcher exec = EXEC.matcher(Files.readString(page));
      while (exec.find()) {
        Path source = EXAMPLES.resolve(exec.group(1) + ".java");
        assertTrue(Files.isRegularFile(source), name(page) + " runs a missing example: " + exec.group(1));
        assertTrue(Files.readString(source).contains("public static void main(String[] args)"),
            name(page) + " runs an example without a main: " + exec.group(1));
        checked++;
      }
    }
    assertTrue(checked >= 20, "run commands checked: " + checked);
  }

  /** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
  static String anchor(String heading) {
    return heading.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
  }

  private static Set<String> anchors(Path markdown) throws IOException {
    Set<String> out = new HashSet<>();
    Matcher h = HEADING.matcher(FENCE.matcher(Files.readString(markdown)).replaceAll(""));
    while (h.find()) {
      out.add(anchor(h.group(1)));
    }
    return out;
  }

  @Test
  void everyRelativeLinkLeadsToAFileAndItsHeading() throws IOException {
    List<Path> pages = new ArrayList<>(pages());
    pages.add(ROOT.resolve("CONTRIBUTING.md"));
    int checked = 0;
    for (Path page : pages) {
      Matcher link = LINK.matcher(FENCE.matcher(Files.readString(page)).replaceAll(""));
      while (link.find()) {
        String target = link.group(1);
        if (target.matches("[a-z]+:.*")) {
          continue; // https:, mailto:
        }
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        assertTrue(Files.exists(resolved), name(page) + " links to a missing file: " + target);
        if (hash >= 0) {
          assertTrue(file.isEmpty() || file.endsWith(".md"), name(page) + ": an anchor into a non-page: " + target);
          assertTrue(anchors(resolved).contains(target.substring(hash + 1)),
              name(page) + " links to a missing heading: " + target + " (headings: " + anchors(resolved) + ")");
        }
        checked++;
      }
    }
    assertTrue(checked >= 30, "links checked: " + checked);
  }

  @Test
  void everyDocsPageIsLinkedFromTheReadme() throws IOException {
    String readme = readme();
    List<Path> docs = docsPages();
    assertTrue(docs.size() >= 5, "docs pages: " + docs);
    for (Path page : docs) {
      assertTrue(readme.contains("](docs/" + page.getFileName() + ")")
          || readme.contains("](docs/" + page.getFileName() + "#"), "the README does not link " + name(page));
    }
  }

  @Test
  void theReadmeIsAFrontDoor() throws IOException {
    long lines = readme().lines().count();
    assertTrue(lines <= 300, "README lines: " + lines + " (at most 300: move reference material to docs/)");
  }

  @Test
  void theDefaultsAndTheirLooseningsNameMethodsOfTheApi() throws IOException {
    String readme = readme();
    int at = readme.indexOf("## The defaults, and how to loosen them");
    assertTrue(at >= 0, "the README has its section on the defaults");
    String section = readme.substring(at, readme.indexOf("\n## ", at + 1));
    String api = Files.readString(ROOT.resolve("core/api/carapace-core.api"));
    Matcher code = Pattern.compile("`([^`]+)`").matcher(section);
    int checked = 0;
    while (code.find()) {
      Matcher call = Pattern.compile("(\\w+)\\(").matcher(code.group(1));
      while (call.find()) {
        assertTrue(api.contains("." + call.group(1) + "("), "the README's defaults name a method core lacks: "
            + call.group(1) + " in `" + code.group(1) + "`");
        checked++;
      }
    }
    for (String loosening : List.of("keepDockerDefaultCapabilities()", "allowPrivilegeEscalation()",
        "allowHostNetwork()", "unlimitedPids()")) {
      assertTrue(section.contains("`" + loosening + "`"), "the README names the loosening " + loosening);
    }
    assertTrue(checked >= 15, "methods checked: " + checked);
  }

  @Test
  void theArtifactTableListsEveryArtifactOfTheBom() throws IOException {
    String bom = Files.readString(ROOT.resolve("bom/pom.xml"));
    Set<String> artifacts = new HashSet<>();
    Matcher a = ARTIFACT_ID.matcher(bom);
    while (a.find()) {
      artifacts.add(a.group(1));
    }
    assertTrue(artifacts.containsAll(List.of("carapace-bom", "carapace-tls", "carapace-core", "carapace-policy",
        "carapace-testcontainers", "carapace-cluster")), "artifacts of the BOM: " + artifacts);
    String readme = readme();
    for (String artifact : artifacts) {
      assertTrue(readme.contains("\n| `" + artifact + "` |"), "the README's artifact table lacks " + artifact);
    }
  }

  @Test
  void coordinatesCarryExactlyThisBuildsVersion() throws IOException {
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
    for (Path page : docsPages()) {
      for (Pattern p : List.of(MAVEN_BOM, GRADLE)) {
        Matcher m = p.matcher(Files.readString(page));
        while (m.find()) {
          found.add(m.group(1));
        }
      }
    }
    assertEquals(List.of(version), found.stream().distinct().toList(), "versions in the coordinates shown");
    assertTrue(readme.contains("`" + version + "`"), "the README names the version an install from a clone gives");
    assertTrue(readme.contains("not published to Maven Central"), "the README says Carapace is not published yet");
  }

  /**
   * The README's Maven coordinates are the ones a consumer's build in {@code consumers/src/it/readme}
   * uses, which the build runs with enforcer's convergence rules against the installed artifacts: the
   * snippet a reader copies is one that resolves and converges.
   */
  @Test
  void theReadmesMavenSnippetIsTheOneAConsumersBuildRuns() throws IOException {
    Matcher xml = Pattern.compile("```xml\n(.*?)\n```", Pattern.DOTALL).matcher(readme());
    assertTrue(xml.find(), "the README shows no Maven snippet");
    String pom = Files.readString(ROOT.resolve("consumers/src/it/readme/pom.xml"));
    int from = pom.indexOf("<dependencyManagement>");
    int to = pom.indexOf("</dependencies>", pom.indexOf("<dependencies>", pom.indexOf("</dependencyManagement>")));
    assertTrue(from >= 0 && to > from, "consumers/src/it/readme/pom.xml has no dependencyManagement and dependencies");
    assertEquals(xmlWords(pom.substring(from, to + "</dependencies>".length()).replace("@project.version@",
        PARENT_VERSION.matcher(Files.readString(ROOT.resolve("pom.xml"))).results().findFirst().orElseThrow().group(1))),
        xmlWords(xml.group(1)), "the README's Maven snippet and the readme consumer's build");
  }

  /** XML without comments, one element or text per entry. */
  private static List<String> xmlWords(String xml) {
    return List.of(xml.replaceAll("(?s)<!--.*?-->", " ").replaceAll(">\\s*<", ">\n<").trim().split("\\s*\n\\s*"));
  }

  @Test
  void theSetUpCommandsAreTheOnesTheBuildRuns() throws IOException {
    String readme = readme();
    assertTrue(readme.contains("```sh\n" + RUN_MAIN_EXAMPLE + "\n```"), "README runs the main example");
    assertTrue(readme.contains("```sh\n" + RUN_TESTS + "\n```"), "README runs the tests");
    // the install that makes the README's coordinates resolve is the one of the main example's command
    assertTrue(readme.contains("```sh\nmvn -B -ntp -q install -DskipTests\n```"), "README shows the install");
    List<String> ci = Files.readAllLines(ROOT.resolve(".ci/run")).stream()
        .filter(l -> !l.isBlank() && !l.startsWith("#") && !l.startsWith("set ") && !l.startsWith("cd ")).toList();
    // then the CI's own check that the tests left nothing on the engine: not the reader's, whose engine may hold
    // Carapace containers of their own applications
    // whether or not the tests passed (a failing test is where a leak is likeliest), exiting with the tests' status
    List<String> expected = new java.util.ArrayList<>(List.of(RUN_TESTS.split(" && ")));
    expected.set(expected.size() - 1, expected.get(expected.size() - 1) + " || tests=$?");
    expected.add(CI_LEFTOVERS_CHECK);
    expected.add("exit \"${tests:-0}\"");
    assertEquals(expected, ci, ".ci/run runs the README's test command, then " + CI_LEFTOVERS_CHECK
        + " whatever the tests' outcome");
  }
}
