package dev.carapace.policy;

/** How much a violated rule weakens the container's isolation, lowest first. */
public enum Severity {
  /** Hygiene: little direct risk, but it hides problems or wastes a defence. */
  LOW,
  /** Weakens a defence in depth, or lets one container starve others. */
  MEDIUM,
  /** Opens a known path to the host or to other containers. */
  HIGH,
  /** Amounts to root on the host. */
  CRITICAL
}
