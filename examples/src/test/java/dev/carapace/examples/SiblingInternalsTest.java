package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.carapace.core.SecureContainerSpec;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What the sibling modules (policy, Testcontainers, cluster, and cli once it exists) use of core's
 * internal packages: a short, named list, checked in as {@code core/api/carapace-core-internal-for-siblings.api}
 * (one line per core-internal class: the class, then the modules whose main code uses it), like the
 * public API in {@link ApiSurfaceTest}. A new use fails this test until the file changes with it;
 * regenerate it on purpose with {@code -Dcarapace.api.update=true}. Core's {@code module-info} must
 * export exactly the packages of that list, each to exactly the modules using it.
 */
class SiblingInternalsTest {
  private static final Path FILE = Path.of("..").toAbsolutePath().normalize()
      .resolve("core/api/carapace-core-internal-for-siblings.api");
  private static final String INTERNAL = "dev.carapace.core.internal";
  /** The sibling modules, each named after its root package. */
  private static final List<String> SIBLINGS = List.of("dev.carapace.policy", "dev.carapace.testcontainers",
      "dev.carapace.cluster", "dev.carapace.cli");

  @Test
  void siblingsUseOnlyTheListedInternalsOfCore() throws Exception {
    String actual = listing(uses());
    String expected = Files.isRegularFile(FILE) ? Files.readString(FILE, StandardCharsets.UTF_8) : "";
    if (!actual.equals(expected)) {
      if (Boolean.getBoolean("carapace.api.update")) {
        Files.writeString(FILE, actual, StandardCharsets.UTF_8);
      } else {
        fail("sibling modules use core's internals other than " + FILE.getFileName() + " lists; make the use go"
            + " through core's public API, or review and regenerate with -Dcarapace.api.update=true:\n"
            + ApiSurfaceTest.diff(expected, actual));
      }
    }
  }

  @Test
  void coreExportsEachUsedInternalPackageToItsUsersOnly() throws Exception {
    Map<String, Set<String>> wanted = new TreeMap<>();
    uses().forEach((cls, modules) ->
        wanted.computeIfAbsent(cls.substring(0, cls.lastIndexOf('.')), k -> new TreeSet<>()).addAll(modules));
    Map<String, Set<String>> exported = new TreeMap<>();
    for (ModuleDescriptor.Exports e : coreDescriptor().exports()) {
      if (e.source().startsWith(INTERNAL)) {
        exported.put(e.source(), new TreeSet<>(e.targets()));
      }
    }
    assertEquals(wanted, exported, "core's module-info: exports <internal package> to <the modules using it>");
  }

  /** Core-internal class -> the sibling modules whose main code depends on it. */
  private static Map<String, Set<String>> uses() {
    JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages(SIBLINGS);
    Map<String, Set<String>> uses = new TreeMap<>();
    for (JavaClass c : classes) {
      String module = SIBLINGS.stream().filter(s -> c.getPackageName().equals(s) || c.getPackageName().startsWith(s + "."))
          .findFirst().orElse(null);
      if (module == null) {
        continue;
      }
      for (Dependency d : c.getDirectDependenciesFromSelf()) {
        JavaClass target = d.getTargetClass().getBaseComponentType();
        if (target.getPackageName().startsWith(INTERNAL)) {
          String name = target.getName();
          int dollar = name.indexOf('$');
          uses.computeIfAbsent(dollar < 0 ? name : name.substring(0, dollar), k -> new TreeSet<>()).add(module);
        }
      }
    }
    return uses;
  }

  private static String listing(Map<String, Set<String>> uses) {
    return uses.entrySet().stream().map(e -> e.getKey() + ": " + String.join(", ", e.getValue()) + "\n")
        .collect(Collectors.joining());
  }

  /** Core's module descriptor, read from its compiled {@code module-info.class}. */
  private static ModuleDescriptor coreDescriptor() throws Exception {
    URL location = SecureContainerSpec.class.getProtectionDomain().getCodeSource().getLocation();
    Path root = Path.of(location.toURI());
    if (Files.isDirectory(root)) {
      try (InputStream in = Files.newInputStream(root.resolve("module-info.class"))) {
        return ModuleDescriptor.read(in);
      }
    }
    try (var jar = new java.util.jar.JarFile(root.toFile());
        InputStream in = jar.getInputStream(jar.getEntry("module-info.class"))) {
      return ModuleDescriptor.read(in);
    }
  }
}
