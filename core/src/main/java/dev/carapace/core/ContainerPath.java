package dev.carapace.core;

import java.util.ArrayList;
import java.util.List;

/**
 * An absolute path inside a container (the target of {@code -v}, {@code --tmpfs}, {@code -w}),
 * normalised: {@code //data/./x/} becomes {@code /data/x}.
 *
 * <pre>{@code
 * ContainerPath.of("/data");
 * }</pre>
 *
 * <p>Paths that climb with {@code ..}, that are relative, or that hold NUL, newline or {@code :}
 * (Docker's volume separator) are refused.
 */
public final class ContainerPath implements Comparable<ContainerPath> {
  private final String path;

  private ContainerPath(String path) {
    this.path = path;
  }

  /** @throws IllegalArgumentException naming the value and the rule */
  public static ContainerPath of(String path) {
    return new ContainerPath(normalize("container path", path));
  }

  /**
   * Normalises an absolute path for {@code attribute}: collapses {@code //}, drops {@code .} and
   * trailing slashes, refuses {@code ..}, control characters and {@code :}.
   */
  static String normalize(String attribute, String path) {
    if (path == null) {
      throw new NullPointerException(attribute);
    }
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException(attribute + " must be absolute: " + path
          + " (use ContainerPath.of(\"/" + path + "\"))");
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new IllegalArgumentException(attribute + " must not contain control characters: "
            + path.replaceAll("\\p{Cntrl}", "?"));
      }
      if (c == ':') {
        throw new IllegalArgumentException(attribute + " must not contain ':': " + path);
      }
    }
    List<String> parts = new ArrayList<>();
    for (String p : path.split("/")) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        throw new IllegalArgumentException(attribute + " must not contain '..': " + path);
      }
      parts.add(p);
    }
    return "/" + String.join("/", parts);
  }

  /** Whether this is {@code other} or lies below it. */
  public boolean startsWith(ContainerPath other) {
    return other.path.equals("/") || path.equals(other.path) || path.startsWith(other.path + "/");
  }

  @Override
  public String toString() {
    return path;
  }

  @Override
  public int compareTo(ContainerPath o) {
    return path.compareTo(o.path);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ContainerPath && ((ContainerPath) o).path.equals(path);
  }

  @Override
  public int hashCode() {
    return path.hashCode();
  }
}
