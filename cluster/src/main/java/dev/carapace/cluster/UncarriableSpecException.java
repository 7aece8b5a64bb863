package dev.carapace.cluster;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A spec asks for fields a target cannot carry, and the caller accepted none of those losses. Thrown
 * before any call to the engine (or before any manifest is written), listing every such field at once.
 */
public final class UncarriableSpecException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final transient List<Loss> losses;

  /**
   * @param target the target and its version, as in {@link Loss#target()}
   * @param losses every field the target cannot carry, never empty
   */
  UncarriableSpecException(String target, List<Loss> losses) {
    super(message(target, losses));
    this.losses = List.copyOf(losses);
  }

  /** Every field the target cannot carry, in the spec's attribute order. */
  public List<Loss> losses() {
    return losses;
  }

  private static String message(String target, List<Loss> losses) {
    if (losses.isEmpty()) {
      throw new IllegalArgumentException("losses must not be empty");
    }
    return losses.size() + " field(s) of the spec cannot be carried by " + target + ": "
        + losses.stream().map(Loss::toString).collect(Collectors.joining("; "))
        + " (remove them from the spec, or accept each loss by name)";
  }
}
