package dev.carapace.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import dev.carapace.cli.internal.ExitCodes;
import dev.carapace.cli.internal.InputException;
import dev.carapace.cli.internal.Messages;
import org.junit.jupiter.api.Test;

/**
 * The module's rules over its compiled classes: the command is a client of the other modules' public
 * APIs only (no {@code .internal} package of tls, core, policy or cluster; no docker-java), so it reads
 * like a user's program; the output layer knows no subcommand; subcommands do not know each other.
 */
class CliLayersTest {
  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.carapace.cli");

  @Test
  void usesOnlyTheLibrarysPublicApi() {
    noClasses().that().resideInAPackage("dev.carapace.cli..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.carapace.tls.internal..", "dev.carapace.core.internal..",
            "dev.carapace.policy.internal..", "dev.carapace.cluster.internal..", "com.github.dockerjava..")
        .check(CLASSES);
  }

  @Test
  void theOutputLayerKnowsNoSubcommand() {
    noClasses().that().resideInAPackage("dev.carapace.cli.internal.output..")
        .should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage("dev.carapace.cli.internal..")
            .and(DescribedPredicate.not(JavaClass.Predicates.resideInAPackage("dev.carapace.cli.internal.output..")))
            .and(DescribedPredicate.not(JavaClass.Predicates.belongToAnyOf(InputException.class, ExitCodes.class, Messages.class))))
        .check(CLASSES);
  }

  @Test
  void subcommandsDoNotKnowEachOther() {
    SlicesRuleDefinition.slices().matching("dev.carapace.cli.internal.(*)..")
        .should().notDependOnEachOther()
        .ignoreDependency(DescribedPredicate.alwaysTrue(), JavaClass.Predicates.resideInAnyPackage(
                "dev.carapace.cli.internal.output..", "dev.carapace.cli.internal.engine..",
                "dev.carapace.cli.internal.registry.."))
        .check(CLASSES);
  }
}
