package dev.carapace.core;

import java.util.List;

/**
 * The daemon created the container but did not record what the spec asked for (an engine or proxy
 * that drops fields, a docker-java that does not send them). The container has been removed.
 */
public final class RecordedMismatchException extends LaunchException {
  private static final long serialVersionUID = 1L;
  private final List<String> mismatches;

  RecordedMismatchException(String image, String containerId, List<String> mismatches) {
    super(Step.VERIFY, image, containerId,
        "the daemon did not record what was asked: " + String.join("; ", mismatches), null, null);
    this.mismatches = List.copyOf(mismatches);
  }

  /** Each difference, {@code <field> recorded <x>, asked <y>}. */
  public List<String> mismatches() {
    return mismatches;
  }
}
