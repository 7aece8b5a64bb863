package consumer;

import dev.carapace.cli.Carapace;

/** Compiles against the artifact's public API with the class path the consumer's build resolved. */
public final class Uses {
  private Uses() {}

  /** A type of the artifact's public package. */
  public static Class<?> type() {
    return Carapace.class;
  }
}
