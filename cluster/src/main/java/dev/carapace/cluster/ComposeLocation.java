package dev.carapace.cluster;

import java.util.Objects;

/**
 * Where something was read in a Compose file: the file's name as given to {@link ComposeReader}, the line
 * and column (both 1-based, from the YAML parser's marks), and the field in the file's own terms
 * ({@code services.web.cap_add[1]}, {@code services.web.deploy.resources.limits.memory}).
 */
public final class ComposeLocation {
  private final String fileName;
  private final int line;
  private final int column;
  private final String field;

  ComposeLocation(String fileName, int line, int column, String field) {
    this.fileName = Objects.requireNonNull(fileName, "fileName");
    this.line = line;
    this.column = column;
    this.field = Objects.requireNonNull(field, "field");
  }

  /** The file's name, as given to the reader (a path, or a name such as {@code <stdin>}). */
  public String fileName() {
    return fileName;
  }

  /** The line, 1-based. */
  public int line() {
    return line;
  }

  /** The column, 1-based, in code points. */
  public int column() {
    return column;
  }

  /** The field in the file's own terms: {@code services.web.ports[0]}; empty for the file as a whole. */
  public String field() {
    return field;
  }

  ComposeLocation withField(String newField) {
    return new ComposeLocation(fileName, line, column, newField);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ComposeLocation)) {
      return false;
    }
    ComposeLocation that = (ComposeLocation) o;
    return line == that.line && column == that.column && fileName.equals(that.fileName) && field.equals(that.field);
  }

  @Override
  public int hashCode() {
    return Objects.hash(fileName, line, column, field);
  }

  /** {@code FILE:LINE:COLUMN}, as compilers and code scanning write a place. */
  @Override
  public String toString() {
    return fileName + ":" + line + ":" + column;
  }
}
