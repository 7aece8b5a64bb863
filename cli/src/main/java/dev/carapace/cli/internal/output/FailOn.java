package dev.carapace.cli.internal.output;

import dev.carapace.policy.Severity;

/**
 * {@code --fail-on}: the lowest severity that makes the command exit 1, or {@code never}.
 * Read case-insensitively ({@code high}, {@code HIGH}).
 */
public enum FailOn {
  /** Any finding fails (the default). */
  LOW(Severity.LOW),
  /** Medium, high and critical findings fail. */
  MEDIUM(Severity.MEDIUM),
  /** High and critical findings fail. */
  HIGH(Severity.HIGH),
  /** Only critical findings fail. */
  CRITICAL(Severity.CRITICAL),
  /** No finding fails: exit 0 unless the input was bad. */
  NEVER(null);

  private final Severity lowest;

  FailOn(Severity lowest) {
    this.lowest = lowest;
  }

  /** Whether {@code finding} is at or above this threshold. */
  public boolean fails(Finding finding) {
    return lowest != null && finding.severity().compareTo(lowest) >= 0;
  }

  /** The option's value as written on the command line: {@code low}, ..., {@code never}. */
  public String optionValue() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
