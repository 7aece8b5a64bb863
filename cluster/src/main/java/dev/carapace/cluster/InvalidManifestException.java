package dev.carapace.cluster;

/**
 * A manifest handed to {@link ManifestAudit} is not one it can judge: not YAML, a document without a kind
 * or of a kind that holds no pod template ({@code Service}, {@code ConfigMap}...), a document that does
 * not match its kind's model, or no workload at all. The message names the document and the problem.
 */
public final class InvalidManifestException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** @param message what is wrong, in Carapace's grammar ({@code manifest document 2 kind must be ...: Service}) */
  InvalidManifestException(String message) {
    super(message);
  }
}
