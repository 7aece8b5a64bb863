/**
 * Carapace core: {@link dev.carapace.core.SecureContainerSpec}, a validated, hardened-by-default
 * description of a container, and {@link dev.carapace.core.ContainerLauncher}, which runs it on a
 * Docker Engine and never leaks it.
 *
 * <p>Types under {@code dev.carapace.core.internal} are not API: they may change in any release.
 */
@Value.Style(
    visibility = Value.Style.ImplementationVisibility.PACKAGE,
    overshadowImplementation = true,
    builderVisibility = Value.Style.BuilderVisibility.PACKAGE,
    redactedMask = "****",
    jdkOnly = true,
    // no annotation taken from the class path (Guava brings errorprone's, which the module does not
    // read); Override is a placeholder, as an empty list allows all
    allowedClasspathAnnotations = {Override.class},
    validationMethod = Value.Style.ValidationMethod.NONE,
    defaults = @Value.Immutable(copy = false))
package dev.carapace.core;

import org.immutables.value.Value;
