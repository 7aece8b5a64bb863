package dev.carapace.cluster;

import java.util.Objects;
import java.util.Optional;

/**
 * One thing in a Compose file that Carapace does not read: a field the spec cannot carry or refuses
 * ({@code privileged}, {@code devices}, {@code pid: host}), a bad value, or a file that is not a Compose file
 * at all. It names the file, the line and column, the service and the field.
 */
public final class ComposeRefusal {
  private final ComposeLocation location;
  private final String service;
  private final String reason;

  ComposeRefusal(ComposeLocation location, String service, String reason) {
    this.location = Objects.requireNonNull(location, "location");
    this.service = service;
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** Where: file, line, column and field. */
  public ComposeLocation location() {
    return location;
  }

  /** The service, when the problem is inside one. */
  public Optional<String> service() {
    return Optional.ofNullable(service);
  }

  /** The field in the file's terms ({@code services.web.privileged}); empty for the file as a whole. */
  public String field() {
    return location.field();
  }

  /** Why, in Carapace's grammar: {@code refused: Carapace never runs privileged containers}. */
  public String reason() {
    return reason;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ComposeRefusal)) {
      return false;
    }
    ComposeRefusal that = (ComposeRefusal) o;
    return location.equals(that.location) && Objects.equals(service, that.service) && reason.equals(that.reason);
  }

  @Override
  public int hashCode() {
    return Objects.hash(location, service, reason);
  }

  /** One line: {@code FILE:LINE:COLUMN: FIELD: REASON}. */
  @Override
  public String toString() {
    return location + ": " + (location.field().isEmpty() ? "" : location.field() + ": ") + reason;
  }
}
