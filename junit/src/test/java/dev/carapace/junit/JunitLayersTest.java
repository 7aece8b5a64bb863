package dev.carapace.junit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The module's rules over its compiled classes: it is a client of core's public API only (no core
 * internals, no docker-java, no Testcontainers), so that it reads like a user's code and breaks only
 * when the public API does.
 */
class JunitLayersTest {
  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.carapace.junit");

  @Test
  void usesOnlyCoresPublicApi() {
    noClasses().that().resideInAPackage("dev.carapace.junit..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.carapace.core.internal..",
            "com.github.dockerjava..", "org.testcontainers..", "dev.carapace.policy..", "dev.carapace.cluster..")
        .check(CLASSES);
  }

  @Test
  void usesOnlyJupitersExtensionApi() {
    noClasses().that().resideInAPackage("dev.carapace.junit..")
        .should().dependOnClassesThat().resideInAnyPackage("org.junit.jupiter.engine..", "org.junit.platform.engine..",
            "org.junit.platform.launcher..")
        .check(CLASSES);
  }
}
