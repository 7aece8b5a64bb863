package dev.carapace.policy;

import java.util.Objects;

/**
 * Where a finding is in the text it was read from: a line and a column, both counted from 1 (columns in
 * UTF-16 code units, as SARIF counts them by default), and the field found there in the text's own terms
 * ({@code spec.containers[0].securityContext.privileged} in a manifest, {@code --privileged} on a
 * {@code docker run} line, {@code services.web.privileged} in a Compose file).
 *
 * <pre>{@code
 * SourceLocation at = SourceLocation.of(12, 9, "spec.containers[0].securityContext.privileged");
 * }</pre>
 */
public final class SourceLocation {
  private final int line;
  private final int column;
  private final String field;

  private SourceLocation(int line, int column, String field) {
    this.line = line;
    this.column = column;
    this.field = field;
  }

  /**
   * A location.
   *
   * @param line the line, from 1
   * @param column the column, from 1
   * @param field the field there, in the text's own terms; empty when the finding is about the whole text
   * @throws IllegalArgumentException when the line or the column is below 1
   */
  public static SourceLocation of(int line, int column, String field) {
    Objects.requireNonNull(field, "field must not be null");
    if (line < 1) {
      throw new IllegalArgumentException("line must be at least 1: " + line);
    }
    if (column < 1) {
      throw new IllegalArgumentException("column must be at least 1: " + column);
    }
    return new SourceLocation(line, column, field);
  }

  /** The line, counted from 1. */
  public int line() {
    return line;
  }

  /** The column, counted from 1. */
  public int column() {
    return column;
  }

  /** The field at this place, in the text's own terms; empty for the whole text. */
  public String field() {
    return field;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SourceLocation && ((SourceLocation) o).line == line && ((SourceLocation) o).column == column
        && ((SourceLocation) o).field.equals(field);
  }

  @Override
  public int hashCode() {
    return Objects.hash(line, column, field);
  }

  /** {@code 12:9 spec.containers[0].securityContext.privileged}. */
  @Override
  public String toString() {
    return line + ":" + column + (field.isEmpty() ? "" : " " + field);
  }
}
