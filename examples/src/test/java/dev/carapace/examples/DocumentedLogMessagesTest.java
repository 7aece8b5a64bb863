package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The logging table of {@code docs/reference.md} is what the code logs: each row's logger is a logger of
 * Carapace ({@code getLogger(Type.class)}) whose module logs at that level, and each message shown, its
 * placeholders ({@code IMAGE}, {@code NAME}, ...) aside, stands in that module's source.
 */
class DocumentedLogMessagesTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String HEADER = "| level | logger | when | message |";
  private static final Pattern LEVEL = Pattern.compile("ERROR|WARN|INFO|DEBUG|TRACE");
  private static final Pattern CODE = Pattern.compile("`([^`]+)`");
  /** The words of the table that stand for a value, and the example value of a key file's permissions. */
  private static final Pattern PLACEHOLDER = Pattern.compile(
      "\\b(IMAGE|NAME|FILE|REPORT|ATTRIBUTE|CONSTANT|TARGET|REASON|KIND|ERROR|REGISTRY|ID)\\b|rw-r--r--|\\.\\.\\.");

  /**
   * The main sources of the module that holds {@code type}, with adjacent string literals joined
   * ({@code "a" + "b"} reads {@code "ab"}): a message may be written in another class of the module
   * than the one named by its logger.
   */
  private static String moduleSource(String type) throws Exception {
    String module = type.split("\\.")[2];
    Path main = ROOT.resolve(module + "/src/main/java");
    assertTrue(Files.isRegularFile(main.resolve(type.replace('.', '/') + ".java")),
        "the logging table names a logger that is no class: " + type);
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.walk(main)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        all.append(Files.readString(f)).append('\n');
      }
    }
    return all.toString().replaceAll("\"\\s*\\+\\s*\"", "").replace("\\\"", "\"");
  }

  @Test
  void everyLoggedMessageOfTheTableStandsInItsLoggersSource() throws Exception {
    String page = Files.readString(ROOT.resolve("docs/reference.md"));
    int at = page.indexOf(HEADER);
    assertTrue(at >= 0, "docs/reference.md has no logging table starting " + HEADER);
    List<String> rows = page.substring(at).lines().takeWhile(l -> l.startsWith("|")).skip(2).toList();
    int messages = 0;
    for (String row : rows) {
      String[] cells = row.split("\\|", -1); // "", level, logger, when, message, ""
      assertTrue(cells.length == 6 && LEVEL.matcher(cells[1].strip()).matches(), "a row of the logging table: " + row);
      String level = cells[1].strip();
      String logger = cells[2].strip().replace("`", "");
      if (logger.isEmpty()) {
        assertTrue(cells[3].strip().equals("never"), "a row without a logger says never: " + row);
        continue;
      }
      String code = moduleSource(logger);
      String simpleName = logger.substring(logger.lastIndexOf('.') + 1);
      assertTrue(code.contains("getLogger(" + simpleName + ".class)"), "no logger named " + logger);
      assertTrue(code.contains("." + level.toLowerCase() + "("), logger + "'s module logs nothing at " + level);
      Matcher shown = CODE.matcher(cells[4]);
      List<String> missing = new ArrayList<>();
      while (shown.find()) {
        for (String fragment : PLACEHOLDER.split(shown.group(1))) {
          String f = fragment.strip();
          if (f.length() >= 5 && !code.contains(f)) {
            missing.add(f);
          }
        }
        messages++;
      }
      assertTrue(missing.isEmpty(), logger + " does not log what the table shows: " + missing);
    }
    assertTrue(messages >= 15, "messages checked: " + messages);
  }
}
