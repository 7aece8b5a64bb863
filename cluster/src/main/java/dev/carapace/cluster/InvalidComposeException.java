package dev.carapace.cluster;

import java.util.List;

/**
 * A Compose file {@link ComposeReader} cannot read, or (strict reading) a field in it that Carapace refuses.
 * The message is one line naming the file, the line and column, the field and the problem
 * ({@code compose.yaml:7:5: services.web.privileged: refused: Carapace never runs privileged containers});
 * {@link #refusals()} lists every problem found.
 */
public final class InvalidComposeException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final transient List<ComposeRefusal> refusals;

  InvalidComposeException(List<ComposeRefusal> refusals) {
    super(message(refusals));
    this.refusals = List.copyOf(refusals);
  }

  /** Every problem found, in the file's order; never empty. */
  public List<ComposeRefusal> refusals() {
    return refusals;
  }

  private static String message(List<ComposeRefusal> refusals) {
    if (refusals.isEmpty()) {
      throw new IllegalArgumentException("refusals must not be empty");
    }
    return refusals.get(0) + (refusals.size() > 1 ? " (and " + (refusals.size() - 1) + " more)" : "");
  }
}
