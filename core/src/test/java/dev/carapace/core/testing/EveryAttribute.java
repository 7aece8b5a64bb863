package dev.carapace.core.testing;

import static org.junit.jupiter.api.Assertions.fail;

import dev.carapace.core.SpecAttribute;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one check every target's test makes: its table decides every {@link SpecAttribute}, saying how
 * it carries the attribute or why it cannot. A new constant without a decision in some target fails
 * that target's test, naming the constant.
 *
 * <pre>{@code
 * EveryAttribute.assertDecided("swarm", a -> SwarmField.of(a).carriage(SwarmApi.V1_41));
 * }</pre>
 */
public final class EveryAttribute {
  private EveryAttribute() {}

  /**
   * Fails unless {@code decision} gives, for every constant, a non-blank description: how {@code target}
   * carries it, or why it does not. A decision is missing when the function returns null, an empty
   * {@link Optional}, a blank text, or throws.
   */
  public static void assertDecided(String target, Function<SpecAttribute, ?> decision) {
    List<String> missing = new ArrayList<>();
    for (SpecAttribute a : SpecAttribute.values()) {
      Object d;
      try {
        d = decision.apply(a);
      } catch (RuntimeException e) {
        missing.add(a.name() + " (" + e.getMessage() + ")");
        continue;
      }
      if (d instanceof Optional<?> o) {
        d = o.orElse(null);
      }
      if (d == null || d.toString().isBlank()) {
        missing.add(a.name());
      }
    }
    if (!missing.isEmpty()) {
      fail(target + " decides nothing for " + missing.size() + " spec attribute(s): " + String.join(", ", missing)
          + " (add a row saying how it is carried, or why it is not)");
    }
  }
}
