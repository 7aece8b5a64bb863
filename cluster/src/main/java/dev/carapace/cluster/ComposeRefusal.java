package dev.carapace.cluster;

import dev.carapace.policy.SourceLocation;
import java.util.Objects;
import java.util.Optional;

/**
 * One thing in a Compose file that Carapace does not read: a field the spec cannot carry or refuses
 * ({@code privileged}, {@code devices}, {@code pid: host}), a bad value, or a file that is not a Compose file
 * at all. It names the file, the line and column, the service and the field.
 */
public final class ComposeRefusal {
  private final String fileName;
  private final SourceLocation location;
  private final String service;
  private final String reason;
  private final String value;

  ComposeRefusal(String fileName, SourceLocation location, String service, String reason) {
    this(fileName, location, service, reason, null);
  }

  ComposeRefusal(String fileName, SourceLocation location, String service, String reason, String value) {
    this.fileName = Objects.requireNonNull(fileName, "fileName");
    this.location = Objects.requireNonNull(location, "location");
    this.service = service;
    this.reason = Objects.requireNonNull(reason, "reason");
    this.value = value;
  }

  /** The file's name, as given to the reader (a path, or a name such as {@code <stdin>}). */
  public String fileName() {
    return fileName;
  }

  /** Where in the file: line, column (from the YAML parser's marks) and field. */
  public SourceLocation location() {
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

  /**
   * The refused value as written (after interpolation), where a rule can still judge it: {@code host} for
   * {@code pid: host}, {@code container:db} for {@code ipc: container:db}, {@code true} for
   * {@code privileged: true}; empty for other refusals.
   */
  public Optional<String> value() {
    return Optional.ofNullable(value);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ComposeRefusal)) {
      return false;
    }
    ComposeRefusal that = (ComposeRefusal) o;
    return fileName.equals(that.fileName) && location.equals(that.location) && Objects.equals(service, that.service)
        && reason.equals(that.reason) && Objects.equals(value, that.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(fileName, location, service, reason, value);
  }

  /** One line: {@code FILE:LINE:COLUMN: FIELD: REASON}. */
  @Override
  public String toString() {
    return fileName + ":" + location.line() + ":" + location.column() + ": "
        + (location.field().isEmpty() ? "" : location.field() + ": ") + reason;
  }
}
