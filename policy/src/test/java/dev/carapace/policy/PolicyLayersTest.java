package dev.carapace.policy;

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
 * The layers of the policy module (CONTRIBUTING.md, "Layers"), read by ArchUnit from the compiled
 * classes: <b>views</b> (what a rule looks at: {@link #VIEWS} and {@code dev.carapace.policy.internal})
 * &lt;- <b>rules</b> (the rules, the policies that hold them and what they find: {@link #RULES}) &lt;-
 * <b>checks and audits</b> (what runs rules on a spec, an engine or a workload: {@link #CHECKS}). A
 * lower layer never imports a higher one. Every class of the module is in one list: a new class is
 * added to the list of its layer.
 */
@AnalyzeClasses(packages = "dev.carapace.policy", importOptions = ImportOption.DoNotIncludeTests.class)
class PolicyLayersTest {
  static final List<String> VIEWS = List.of("ContainerView", "MountView", "PortView", "ImageFacts", "RecordedSeccompProfile",
      "EngineSecurity", "InspectParser", "SpecFacts", "CapabilitiesView", "ViewFields", "SourceText");
  static final List<String> RULES = List.of("Rule", "BuiltinRules", "Severity", "Violation", "Note", "Policy",
      "Profiles", "PolicyReport", "ReportRenderer", "SourceLocation", "LocatedViolation", "LocatedReport");
  static final List<String> CHECKS = List.of("PolicyCheck", "EngineAudit", "CapabilityMinimiser", "SelinuxModule",
      "PolicyViolationException", "SyscallRecorder", "SyscallRecording", "SyscallRecordingRefusedException",
      "RunLineAudit");

  private static final String POLICY = "dev.carapace.policy";

  @ArchTest
  static final ArchRule layersGoOneWay = layeredArchitecture().consideringOnlyDependenciesInLayers()
      .layer("views").definedBy(named("views", VIEWS).or(DescribedPredicate.describe(POLICY + ".internal",
          c -> c.getPackageName().startsWith(POLICY + ".internal"))))
      .layer("rules").definedBy(named("rules", RULES))
      .layer("checks and audits").definedBy(named("checks and audits", CHECKS))
      .whereLayer("checks and audits").mayNotBeAccessedByAnyLayer()
      .whereLayer("rules").mayOnlyBeAccessedByLayers("checks and audits")
      .because("a lower layer never imports a higher one (CONTRIBUTING.md, Layers)");

  @ArchTest
  static final ArchRule everyClassHasALayer = noClasses()
      .that(DescribedPredicate.describe("are in none of VIEWS, RULES, CHECKS",
          (JavaClass c) -> c.getPackageName().equals(POLICY) && !name(c).equals("package-info") && !VIEWS.contains(name(c))
              && !RULES.contains(name(c)) && !CHECKS.contains(name(c))))
      .should().resideInAPackage(POLICY + "..")
      .because("each class of the policy module is named in the list of its layer (PolicyLayersTest)")
      .allowEmptyShould(true);

  private static DescribedPredicate<JavaClass> named(String layer, List<String> names) {
    return DescribedPredicate.describe("the " + layer + " " + names,
        c -> c.getPackageName().equals(POLICY) && names.contains(name(c)));
  }

  /** {@code ContainerView} for {@code ContainerView$Builder} and for the generated {@code ImmutableContainerView}. */
  private static String name(JavaClass c) {
    String simple = c.getName().substring(c.getPackageName().length() + 1);
    int dollar = simple.indexOf('$');
    String top = dollar < 0 ? simple : simple.substring(0, dollar);
    return top.startsWith("Immutable") ? top.substring("Immutable".length()) : top;
  }
}
