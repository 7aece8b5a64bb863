package dev.carapace.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.carapace.core.internal.io.BoundedFiles;
import dev.carapace.core.internal.values.JsonTrees;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The seccomp filter on the container's system calls ({@code --security-opt seccomp=...}).
 *
 * <ul>
 *   <li>{@link #engineDefault()}: the engine's default profile (the default here);
 *   <li>{@link #profile(Path)} / {@link #profileJson(String)}: a custom profile, checked to be a JSON
 *       object with a {@code defaultAction}, and sent inline as the CLI does;
 *   <li>{@link #unconfined()}: <b>no filter at all; every system call the capabilities allow is
 *       open to the container.</b> Logged as a warning at every launch.
 * </ul>
 */
public final class Seccomp {
  private static final Seccomp DEFAULT = new Seccomp(Kind.DEFAULT, null, "default");
  private static final Seccomp UNCONFINED = new Seccomp(Kind.UNCONFINED, null, "unconfined");

  /** Which kind of filter. */
  public enum Kind { DEFAULT, PROFILE, UNCONFINED }

  private final Kind kind;
  private final String json;
  private final String description;
  private final Path source;

  private Seccomp(Kind kind, String json, String description) {
    this(kind, json, description, null);
  }

  private Seccomp(Kind kind, String json, String description, Path source) {
    this.kind = kind;
    this.json = json;
    this.description = description;
    this.source = source;
  }

  /** The file a {@link #profile(Path)} profile was read from; empty for the others and for inline JSON. */
  public Optional<Path> source() {
    return Optional.ofNullable(source);
  }

  /** The engine's default profile: the secure default. */
  public static Seccomp engineDefault() {
    return DEFAULT;
  }

  /**
   * <b>Warning: disables seccomp.</b> The container may make every system call its capabilities
   * allow. Matches {@code --security-opt seccomp=unconfined}.
   */
  public static Seccomp unconfined() {
    return UNCONFINED;
  }

  /**
   * A profile read from {@code file} now, checked, and sent inline. The file must be a regular file
   * (a symbolic link to one is followed) of at most 1 MiB, UTF-8; {@code /dev/zero}, a FIFO, a
   * directory or a socket is refused before it is opened.
   *
   * @throws IllegalArgumentException naming the file when missing, unreadable, not a regular file,
   *     over 1 MiB or not a profile
   */
  public static Seccomp profile(Path file) {
    Objects.requireNonNull(file, "seccomp profile file must not be null");
    String text;
    try {
      byte[] bytes =
          BoundedFiles.readRegularFile(file, "seccomp profile", BoundedFiles.MAX_JSON_BYTES);
      text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (IOException e) {
      throw new IllegalArgumentException("seccomp profile must be a readable file: " + file
          + " (" + e.getClass().getSimpleName() + ")", e);
    }
    return new Seccomp(Kind.PROFILE, check(text, file.toString()), file.toString(), file);
  }

  /** A profile given as JSON text, checked and sent inline. */
  public static Seccomp profileJson(String json) {
    return new Seccomp(Kind.PROFILE, check(json, "inline"), "inline");
  }

  private static String check(String text, String source) {
    JsonNode node;
    try {
      node = JsonTrees.read(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("seccomp profile must be JSON: " + source + " ("
          + e.getOriginalMessage() + ")");
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("seccomp profile must be JSON: " + source);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("seccomp profile must be a JSON object: " + source);
    }
    JsonNode action = node.get("defaultAction");
    if (action == null || !action.isTextual() || !action.asText().startsWith("SCMP_ACT_")) {
      throw new IllegalArgumentException(
          "seccomp profile must have a defaultAction like SCMP_ACT_ERRNO: " + source);
    }
    return text;
  }

  /**
   * A profile as an engine recorded it ({@code seccomp=VALUE}), unchecked: inline JSON or the name of
   * a profile on the engine's host. Only {@link SecurityOptions} reads one.
   */
  static Seccomp recorded(String value) {
    return new Seccomp(Kind.PROFILE, value, value.trim().startsWith("{") ? "inline" : value);
  }


  public Kind kind() {
    return kind;
  }

  /**
   * The profile's JSON, for {@link Kind#PROFILE}; for a profile read from an engine's record by
   * {@link SecurityOptions#seccomp()}, the value as recorded (JSON, or a profile's name).
   */
  public Optional<String> json() {
    return Optional.ofNullable(json);
  }

  /** {@code default}, {@code unconfined} or the profile's source (never the whole JSON). */
  @Override
  public String toString() {
    return description;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Seccomp && ((Seccomp) o).kind == kind && Objects.equals(((Seccomp) o).json, json);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, json);
  }
}
