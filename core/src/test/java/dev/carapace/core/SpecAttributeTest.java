package dev.carapace.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The enum is the spec's attributes, exactly: a new attribute without a constant fails here. */
class SpecAttributeTest {
  /** The spec's attributes, in declaration order: accessors the Immutables implementation overrides. */
  private static List<String> specAttributes() throws ClassNotFoundException {
    Class<?> impl = Class.forName("dev.carapace.core.ImmutableSecureContainerSpec");
    List<String> names = new ArrayList<>();
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

  @Test
  void oneConstantPerSpecAttribute() throws Exception {
    List<String> constants = new ArrayList<>();
    for (SpecAttribute a : SpecAttribute.values()) {
      constants.add(a.builderName());
    }
    List<String> attributes = specAttributes();
    assertEquals(47, attributes.size(), attributes.toString());
    assertEquals(new java.util.TreeSet<>(attributes), new java.util.TreeSet<>(constants),
        "SpecAttribute constants and SecureContainerSpec attributes differ (add a constant for each attribute)");
    assertEquals(constants.size(), new java.util.HashSet<>(constants).size(), "a builder name twice: " + constants);
  }

  @Test
  void constantNamesAreTheBuilderNamesInUpperSnakeCase() {
    for (SpecAttribute a : SpecAttribute.values()) {
      assertEquals(a.name(), a.builderName().replaceAll("([A-Z])", "_$1").toUpperCase(java.util.Locale.ROOT));
      assertEquals(a, SpecAttribute.ofBuilderName(a.builderName()));
      assertEquals(a.builderName(), a.toString());
      a.dockerRunFlag().ifPresent(f -> assertEquals(true, f.matches("--[a-z]+(-[a-z]+)*"), a + ": " + f));
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SpecAttribute.ofBuilderName("cpuset"));
    assertEquals("attribute must be a SecureContainerSpec attribute: cpuset", e.getMessage());
  }
}
