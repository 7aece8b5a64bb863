package dev.carapace.cluster;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;

/**
 * The layers of the cluster module (CONTRIBUTING.md, "Layers"), read by ArchUnit from the compiled
 * classes: <b>targets</b> (every class not named below: the Swarm and Kubernetes rows, renderers,
 * requests, manifests and their values) &lt;- <b>engine</b> ({@link #ENGINE}: the Swarm calls) &lt;-
 * <b>operations</b> ({@link #OPERATIONS}: what deploys and holds a service). A lower layer never
 * imports a higher one, and the targets use nothing of core's engine or operations: they are pure
 * functions of the spec, like core's fields.
 */
@AnalyzeClasses(packages = "dev.carapace.cluster", importOptions = ImportOption.DoNotIncludeTests.class)
class ClusterLayersTest {
  static final List<String> ENGINE = List.of("SwarmEngine");
  static final List<String> OPERATIONS = List.of("SwarmDeployer", "SwarmService");
  /** core's operations (CoreLayersTest.OPERATIONS), which the targets must not use. */
  static final List<String> CORE_OPERATIONS = List.of("ContainerLauncher", "RunningContainer", "ContainerNetwork",
      "ContainerMetrics", "LogStream", "LogSubscription");

  private static final String CLUSTER = "dev.carapace.cluster";

  @ArchTest
  static final ArchRule layersGoOneWay = layeredArchitecture().consideringOnlyDependenciesInLayers()
      .layer("targets").definedBy(DescribedPredicate.describe("the other classes of " + CLUSTER,
          (JavaClass c) -> c.getPackageName().startsWith(CLUSTER) && !ENGINE.contains(name(c))
              && !OPERATIONS.contains(name(c))))
      .layer("engine").definedBy(named("engine", ENGINE))
      .layer("operations").definedBy(named("operations", OPERATIONS))
      .whereLayer("operations").mayNotBeAccessedByAnyLayer()
      .whereLayer("engine").mayOnlyBeAccessedByLayers("operations")
      .because("a lower layer never imports a higher one (CONTRIBUTING.md, Layers)");

  @ArchTest
  static final ArchRule targetsUseNoEngine = noClasses()
      .that(DescribedPredicate.describe("are targets",
          (JavaClass c) -> !ENGINE.contains(name(c)) && !OPERATIONS.contains(name(c))))
      .should().dependOnClassesThat(DescribedPredicate.describe("are core's engine or operations",
          (JavaClass c) -> c.getPackageName().startsWith("dev.carapace.core.internal.engine")
              || c.getPackageName().equals("dev.carapace.core") && CORE_OPERATIONS.contains(name(c))))
      .because("rows and renderers are functions of the spec; only SwarmEngine and the operations talk to the engine");

  private static DescribedPredicate<JavaClass> named(String layer, List<String> names) {
    return DescribedPredicate.describe("the " + layer + " " + names,
        c -> c.getPackageName().equals(CLUSTER) && names.contains(name(c)));
  }

  private static String name(JavaClass c) {
    String simple = c.getName().substring(c.getPackageName().length() + 1);
    int dollar = simple.indexOf('$');
    return dollar < 0 ? simple : simple.substring(0, dollar);
  }
}
