package dev.carapace.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files under {@code src/test/resources/kubernetes/}: a test compares its output with the
 * checked-in file; {@code -Dcarapace.golden.update=true} rewrites the files, to review as a diff.
 */
final class Golden {
  private static final Path DIR = Path.of("src/test/resources/kubernetes");

  private Golden() {}

  static void assertGolden(String file, String actual) throws IOException {
    Path path = DIR.resolve(file);
    if (Boolean.getBoolean("carapace.golden.update")) {
      Files.createDirectories(DIR);
      Files.writeString(path, actual, StandardCharsets.UTF_8);
    }
    assertEquals(Files.readString(path, StandardCharsets.UTF_8), actual, "golden file " + path);
  }

  static String resource(String file) throws IOException {
    return Files.readString(DIR.resolve(file), StandardCharsets.UTF_8);
  }
}
