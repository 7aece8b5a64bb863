package dev.carapace.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.policy.internal.HostPaths;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code dev.carapace.policy} may use {@code dev.carapace.policy.internal}, never the reverse, so the
 * two packages form no cycle. Reads the compiled classes, as {@code jdeps} does (a used import, a
 * fully qualified name, a static import all end up in the constant pool), and the sources' imports
 * (an unused import leaves nothing in the class file, but still ties the packages together).
 */
class InternalPackageTest {
  /** A type directly in dev.carapace.policy, as class files spell it: no further slash. */
  private static final Pattern PUBLIC_TYPE =
      Pattern.compile("dev/carapace/policy/([A-Za-z0-9_$]+)(?![A-Za-z0-9_$/])");

  @Test
  void internalPackageReferencesNoTypeOfThePublicPackage() throws IOException {
    Map<String, byte[]> classes = internalClasses();
    assertTrue(classes.keySet().containsAll(List.of("HostPaths.class", "ValueStyle.class")),
        "internal class files must be found: " + classes.keySet());
    List<String> found = new ArrayList<>();
    classes.forEach((file, bytes) -> {
      TreeSet<String> used = new TreeSet<>();
      // class names and descriptors are ASCII in the constant pool
      Matcher m = PUBLIC_TYPE.matcher(new String(bytes, StandardCharsets.ISO_8859_1));
      while (m.find()) {
        used.add(m.group(1).replace('$', '.'));
      }
      if (!used.isEmpty()) {
        found.add("dev.carapace.policy.internal." + file.replace(".class", "").replace('$', '.')
            + " must not use dev.carapace.policy: " + String.join(", ", used)
            + " (move the class into dev.carapace.policy as package-private, or pass it plain values)");
      }
    });
    assertEquals(List.of(), found);
  }

  @Test
  void internalSourcesImportNothingFromThePublicPackage() throws IOException {
    // surefire runs in the module's folder
    Path dir = Path.of("src/main/java/dev/carapace/policy/internal");
    assertTrue(Files.isRegularFile(dir.resolve("HostPaths.java")),
        "internal sources must be found: " + dir.toAbsolutePath());
    Pattern publicImport = Pattern.compile(
        "^import\\s+(static\\s+)?dev\\.carapace\\.policy\\.(?!internal\\.)\\S+;",
        Pattern.MULTILINE);
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java")).sorted()::iterator) {
        Matcher m = publicImport.matcher(Files.readString(f));
        while (m.find()) {
          found.add(f.getFileName() + " must not import from dev.carapace.policy: " + m.group());
        }
      }
    }
    assertEquals(List.of(), found);
  }

  /** The class files of dev.carapace.policy.internal, by file name, from a folder or a jar. */
  private static Map<String, byte[]> internalClasses() throws IOException {
    Path root;
    try {
      root = Path.of(HostPaths.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException("policy classes location must be a file URI", e);
    }
    if (Files.isDirectory(root)) {
      return read(root.resolve("dev/carapace/policy/internal"));
    }
    try (FileSystem jar = FileSystems.newFileSystem(URI.create("jar:" + root.toUri()), Map.of())) {
      return read(jar.getPath("dev/carapace/policy/internal"));
    }
  }

  private static Map<String, byte[]> read(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".class"))
          .collect(Collectors.toMap(p -> p.getFileName().toString(), p -> {
            try {
              return Files.readAllBytes(p);
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }));
    }
  }
}
