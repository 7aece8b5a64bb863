/**
 * Carapace policy: judges containers, before launch and while they run, against named rules from
 * the CIS Docker Benchmark 1.6, the Kubernetes Pod Security Standards (mapped onto Docker's
 * fields) and Carapace's own; minimises capabilities against the real engine; generates SELinux
 * policy modules.
 *
 * <p>Every rule reads a {@link dev.carapace.policy.ContainerView}, a neutral set of facts built
 * from a {@link dev.carapace.core.SecureContainerSpec} or from a running container's inspect JSON,
 * so the same rule judges both.
 *
 * <pre>{@code
 * PolicyReport report = Profiles.carapaceDefault().evaluate(spec);
 * System.out.println(report.toText());
 * }</pre>
 *
 * <p>Types under {@code dev.carapace.policy.internal} are not API: they may change in any release.
 */
@Value.Style(
    visibility = Value.Style.ImplementationVisibility.PACKAGE,
    overshadowImplementation = true,
    builderVisibility = Value.Style.BuilderVisibility.PACKAGE,
    jdkOnly = true,
    // no annotation taken from the class path (Guava brings errorprone's, which the module does not
    // read); Override is a placeholder, as an empty list allows all
    allowedClasspathAnnotations = {Override.class},
    depluralize = true,
    depluralizeDictionary = {"capability:capabilities"},
    validationMethod = Value.Style.ValidationMethod.NONE,
    defaults = @Value.Immutable(copy = false))
package dev.carapace.policy;

import org.immutables.value.Value;
