package dev.carapace.core.internal.values;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.immutables.value.Value;

/**
 * The Immutables style of core's value types: generated classes hidden behind the abstract types,
 * JDK-only code, redacted attributes masked. A meta-annotation of {@code SOURCE} retention, so that
 * no Immutables annotation with enum values reaches the class files users compile against (their
 * javac would warn about unknown enum constants, Immutables being a compile-only dependency).
 */
@Target({ElementType.PACKAGE, ElementType.TYPE})
@Retention(RetentionPolicy.SOURCE)
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
public @interface ValueStyle {
  /**
   * {@link ValueStyle} with the generated builder made by its constructor, for a hand-written
   * builder to wrap ({@code SecureContainerSpec.Builder}).
   */
  @Target({ElementType.PACKAGE, ElementType.TYPE})
  @Retention(RetentionPolicy.SOURCE)
  @Value.Style(
      visibility = Value.Style.ImplementationVisibility.PACKAGE,
      overshadowImplementation = true,
      builderVisibility = Value.Style.BuilderVisibility.PACKAGE,
      builder = "new",
      redactedMask = "****",
      jdkOnly = true,
      allowedClasspathAnnotations = {Override.class},
      validationMethod = Value.Style.ValidationMethod.NONE,
      defaults = @Value.Immutable(copy = false))
  @interface WrappedBuilder {}
}
