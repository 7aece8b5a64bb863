package dev.carapace.cluster;

/**
 * A manifest handed to {@link ManifestAudit} is not one it can judge: not YAML, a document without a kind
 * or of a kind that holds no pod template ({@code Service}, {@code ConfigMap}...), a document that does
 * not match its kind's model, or no workload at all. The message names the document and the problem.
 */
public final class InvalidManifestException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** Where in the text, when known (0 when not): the message names it where it does. */
  private final int line;
  private final int column;

  /** @param message what is wrong, in Carapace's grammar ({@code manifest document 2 kind must be ...: Service}) */
  InvalidManifestException(String message) {
    this(message, 0, 0);
  }

  /** {@code message}, about the text at {@code line} and {@code column} (from 1; 0 when unknown). */
  InvalidManifestException(String message, int line, int column) {
    super(message);
    this.line = line;
    this.column = column;
  }

  /** The line the problem is on, from 1; 0 when unknown. */
  int line() {
    return line;
  }

  /** The column, from 1; 0 when unknown. */
  int column() {
    return column;
  }
}
