package consumer;

import dev.carapace.testcontainers.CarapaceHardening;

/** carapace-testcontainers, in test scope as the README adds it. */
public final class UsesInTests {
  private UsesInTests() {}

  /** A type of its public package. */
  public static Class<?> type() {
    return CarapaceHardening.class;
  }
}
