package dev.carapace.core.testing;

import dev.carapace.core.SecureContainerSpec;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one list of the spec's fields that every target's rows are checked against (the verifier's
 * {@code RecordedField}, {@code SwarmField}, {@code KubernetesField}).
 */
public final class SpecAttributes {
  private SpecAttributes() {}

  /** The spec's attributes: accessors the Immutables implementation overrides (derived ones it does not). */
  public static Set<String> names() {
    Class<?> impl;
    try {
      impl = Class.forName("dev.carapace.core.ImmutableSecureContainerSpec");
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("the Immutables implementation of SecureContainerSpec is missing", e);
    }
    Set<String> names = new TreeSet<>();
    for (Method m : SecureContainerSpec.class.getDeclaredMethods()) {
      if (Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()) && m.getParameterCount() == 0) {
        try {
          impl.getDeclaredMethod(m.getName());
          names.add(m.getName());
        } catch (NoSuchMethodException derived) {
          // effectiveCapabilities(), securityOpts(), toBuilder(): not attributes
        }
      }
    }
    return names;
  }
}
