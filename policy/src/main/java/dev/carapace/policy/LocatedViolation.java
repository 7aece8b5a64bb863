package dev.carapace.policy;

import java.util.Objects;

/** A {@link Violation} and where it is in the text the container was read from. */
public final class LocatedViolation {
  private final Violation violation;
  private final SourceLocation location;

  private LocatedViolation(Violation violation, SourceLocation location) {
    this.violation = violation;
    this.location = location;
  }

  /** {@code violation}, found at {@code location}. */
  public static LocatedViolation of(Violation violation, SourceLocation location) {
    return new LocatedViolation(Objects.requireNonNull(violation, "violation must not be null"),
        Objects.requireNonNull(location, "location must not be null"));
  }

  /** The violation. */
  public Violation violation() {
    return violation;
  }

  /** Where it is. */
  public SourceLocation location() {
    return location;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LocatedViolation && ((LocatedViolation) o).violation.equals(violation)
        && ((LocatedViolation) o).location.equals(location);
  }

  @Override
  public int hashCode() {
    return Objects.hash(violation, location);
  }

  /** {@code 12:9 spec.containers[0].securityContext.privileged [CRITICAL] privileged: ...}. */
  @Override
  public String toString() {
    return location + " " + violation;
  }
}
