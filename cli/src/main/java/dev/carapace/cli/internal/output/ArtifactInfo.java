package dev.carapace.cli.internal.output;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Something a subcommand judged that is not a file and that it resolved to an exact version: an image
 * named by tag and the digest it points to ({@code carapace image verify}). JSON's {@code artifacts[]},
 * SARIF's {@code run.artifacts} (with {@code hashes}), a text line after the heading, a JUnit property.
 *
 * @param name what was judged, as given on the command line ({@code registry.example/app:1})
 * @param reference what it resolved to ({@code registry.example/app@sha256:...}), or null when it was not resolved
 * @param digest the content digest, {@code sha256:<hex>}, or null
 * @param properties what else was found, in order (for an image: {@code rule}, {@code signature}); one line each
 */
public record ArtifactInfo(String name, String reference, String digest, Map<String, String> properties) {

  /** Checks the name; copies the properties in their order. */
  public ArtifactInfo {
    Objects.requireNonNull(name, "name");
    if (digest != null && !digest.matches("sha256:[0-9a-f]{64}")) {
      throw new IllegalArgumentException("digest must be sha256:<64 hex>: " + digest);
    }
    properties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(properties));
  }

  /** {@code NAME: REFERENCE (key: value; ...)}, or {@code NAME: not resolved (...)}: the text line. */
  public String line() {
    StringBuilder b = new StringBuilder(name).append(": ").append(reference == null ? "not resolved" : reference);
    if (!properties.isEmpty()) {
      b.append(" (");
      properties.forEach((k, v) -> b.append(b.charAt(b.length() - 1) == '(' ? "" : "; ").append(k).append(": ")
          .append(v));
      b.append(')');
    }
    return b.toString();
  }
}
