package dev.carapace.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;

/**
 * The layers of core (CONTRIBUTING.md, "Layers"; DESIGN.md), read by ArchUnit from the compiled
 * classes. From the bottom up: <b>values</b> (the spec, its value types, the exceptions; with
 * {@code internal.io}, {@code internal.values}, {@code internal.registry}) &lt;- <b>fields</b>
 * ({@code internal.fields}, {@code internal.runline}, {@code DockerRunCommand}) &lt;- <b>engine</b>
 * ({@code internal.engine}) &lt;- <b>operations</b> ({@link #OPERATIONS}). A lower layer never
 * imports a higher one, and the internal packages form no cycle.
 *
 * <p>A new class of {@code dev.carapace.core} is a value unless it is named in {@link #OPERATIONS} or
 * {@link #PUBLIC_FIELDS}; a new internal class goes into one of {@link #INTERNAL_PACKAGES}.
 */
@AnalyzeClasses(packages = "dev.carapace.core", importOptions = ImportOption.DoNotIncludeTests.class)
class CoreLayersTest {
  /** The classes of {@code dev.carapace.core} that run things on an engine: the top layer. */
  static final List<String> OPERATIONS = List.of("ContainerLauncher", "RunningContainer", "ContainerNetwork",
      "ContainerMetrics", "Waiting", "LogStream", "LogSubscription", "LogFollower");
  /** The classes of {@code dev.carapace.core} in the fields layer: the public face of the run-line grammar. */
  static final List<String> PUBLIC_FIELDS = List.of("DockerRunCommand");
  /** Core's internal packages; every internal class is in one of them. */
  static final List<String> INTERNAL_PACKAGES = List.of("io", "values", "registry", "fields", "runline", "engine");

  private static final String CORE = "dev.carapace.core";
  private static final String INTERNAL = CORE + ".internal";

  @ArchTest
  static final ArchRule layersGoOneWay = layeredArchitecture().consideringOnlyDependenciesInLayers()
      .layer("values").definedBy(publicClassesBut("values", OPERATIONS, PUBLIC_FIELDS)
          .or(internal("io")).or(internal("values")).or(internal("registry")))
      .layer("fields").definedBy(publicClasses("fields", PUBLIC_FIELDS).or(internal("fields")).or(internal("runline")))
      .layer("engine").definedBy(internal("engine"))
      .layer("operations").definedBy(publicClasses("operations", OPERATIONS))
      .whereLayer("operations").mayNotBeAccessedByAnyLayer()
      .whereLayer("engine").mayOnlyBeAccessedByLayers("operations")
      .whereLayer("fields").mayOnlyBeAccessedByLayers("engine", "operations")
      .because("a lower layer never imports a higher one (CONTRIBUTING.md, Layers)");

  @ArchTest
  static final ArchRule internalPackagesHaveNoCycle = slices().matching(INTERNAL + ".(*)..")
      .should().beFreeOfCycles();

  /** Inside the fields layer the run line is a target of the fields: the fields never know it. */
  @ArchTest
  static final ArchRule fieldsDoNotKnowTheRunLine = noClasses().that().resideInAPackage(INTERNAL + ".fields..")
      .should().dependOnClassesThat().resideInAPackage(INTERNAL + ".runline..");

  /** {@code internal.io} is the bottom: bytes and text, nothing else of core. */
  @ArchTest
  static final ArchRule ioIsTheBottom = noClasses().that().resideInAPackage(INTERNAL + ".io..")
      .should().dependOnClassesThat(DescribedPredicate.describe("are core's and not in internal.io",
          (JavaClass c) -> c.getPackageName().startsWith(CORE) && !c.getPackageName().startsWith(INTERNAL + ".io")));

  @ArchTest
  static final ArchRule everyInternalClassHasAPackage = noClasses()
      .that(DescribedPredicate.describe("are in no package of " + INTERNAL_PACKAGES,
          (JavaClass c) -> c.getPackageName().startsWith(INTERNAL) && !c.getSimpleName().equals("package-info")
              && INTERNAL_PACKAGES.stream().noneMatch(p -> inPackage(c, INTERNAL + "." + p))))
      .should().resideInAPackage(INTERNAL + "..")
      .because("each internal class goes into the package of its job and layer (CONTRIBUTING.md, Layers)")
      .allowEmptyShould(true);

  private static DescribedPredicate<JavaClass> internal(String pkg) {
    return DescribedPredicate.describe("internal." + pkg, c -> inPackage(c, INTERNAL + "." + pkg));
  }

  private static DescribedPredicate<JavaClass> publicClasses(String what, List<String> names) {
    return DescribedPredicate.describe("the " + what + " " + names,
        c -> c.getPackageName().equals(CORE) && names.contains(topLevelName(c)));
  }

  private static DescribedPredicate<JavaClass> publicClassesBut(String what, List<String> a, List<String> b) {
    return DescribedPredicate.describe("the other " + what + " of " + CORE,
        c -> c.getPackageName().equals(CORE) && !a.contains(topLevelName(c)) && !b.contains(topLevelName(c)));
  }

  private static boolean inPackage(JavaClass c, String pkg) {
    return c.getPackageName().equals(pkg) || c.getPackageName().startsWith(pkg + ".");
  }

  /** {@code RunningContainer} for {@code dev.carapace.core.RunningContainer$1}. */
  private static String topLevelName(JavaClass c) {
    String simple = c.getName().substring(c.getPackageName().length() + 1);
    int dollar = simple.indexOf('$');
    return dollar < 0 ? simple : simple.substring(0, dollar);
  }
}
