package dev.carapace.policy.internal;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.immutables.value.Value;

/**
 * The Immutables style of the policy module's value types: generated classes hidden, JDK-only code,
 * singular adders. {@code SOURCE} retention, so that users' javac never meets Immutables' enum
 * constants in the class files (Immutables is a compile-only dependency).
 */
@Target({ElementType.PACKAGE, ElementType.TYPE})
@Retention(RetentionPolicy.SOURCE)
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
public @interface ValueStyle {}
