package dev.carapace.cluster;

import dev.carapace.cluster.ComposeYaml.Entry;
import dev.carapace.cluster.ComposeYaml.MapValue;
import dev.carapace.cluster.ComposeYaml.Scalar;
import dev.carapace.cluster.ComposeYaml.SeqValue;
import dev.carapace.cluster.ComposeYaml.Value;
import dev.carapace.policy.SourceLocation;
import dev.carapace.policy.SourceText;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a Compose file (the Compose specification, and docker-compose 1.29's file formats 2.x and 3.x) into
 * one {@code SecureContainerSpec} per service, each field where it was written. The spec of a service is what
 * docker-compose would run, as {@code DockerRunCommand.parse} reads a {@code docker run} line: where the file
 * is silent, Docker's defaults (its capabilities, privilege escalation allowed, no pids limit); judge it with
 * the policy module. Every service field maps to the spec as in {@code docs/compose.md}; a field the spec cannot
 * carry ({@code privileged: true}, {@code devices}, {@code pid: host}...) or does not know is refused, naming
 * the file, the line, the service and the field.
 *
 * <pre>{@code
 * ComposeFile file = ComposeReader.strict().read(Path.of("compose.yaml"));
 * for (ComposeService s : file.services()) {
 *   SecureContainerSpec spec = s.spec();
 *   s.location(SpecAttribute.PORTS).ifPresent(at -> System.out.println(at + " publishes ports"));
 * }
 * }</pre>
 *
 * <p>{@link #strict()} throws {@link InvalidComposeException} at the first service with a refused field (listing
 * all of that file's); {@link #lenient()} skips refused fields, lists them on {@link ComposeFile#refusals()}, and
 * leaves out a service whose spec cannot be built at all. A file that is not YAML, not a Compose file (a
 * Kubernetes manifest), larger than 16 MiB, binary, nested or expanded too deep is refused by both.
 *
 * <p>Variables ({@code ${TAG}}, {@code ${TAG:-latest}}, {@code $$}) are interpolated in values, as Compose does,
 * from {@link #environment(Map)} (empty unless given) and, with {@link #dotEnv(boolean)}, the {@code .env} file in
 * the Compose file's folder, the environment taking precedence: an unset variable without a default is refused
 * (docker-compose would use an empty string). A service's {@code env_file} is read from the Compose file's folder
 * (never outside it) and its variables overridden by {@code environment}, as Compose does ({@code docs/compose.md}
 * says which env-file syntax is read). A service's {@code extends} within the file is followed, merged as both
 * docker-compose 1.29 and Compose v2 merge it, or refused on the key they merge differently. Relative bind sources ({@code ./data}) and seccomp profile paths
 * are resolved against the file's directory. Names of networks and volumes the file declares get the project's
 * prefix ({@code PROJECT_NAME}) unless declared {@code external} or with a {@code name}; the project name is
 * {@link #projectName(String)}, or the file's directory name as Compose derives it.
 */
public final class ComposeReader {
  private final boolean lenient;
  private final Map<String, String> environment;
  private final String projectName;
  private final boolean dotEnv;

  private ComposeReader(boolean lenient, Map<String, String> environment, String projectName, boolean dotEnv) {
    this.lenient = lenient;
    this.environment = environment;
    this.projectName = projectName;
    this.dotEnv = dotEnv;
  }

  /** A reader that refuses the file at the first service with a refused field. */
  public static ComposeReader strict() {
    return new ComposeReader(false, Map.of(), null, false);
  }

  /** A reader that skips refused fields and lists them, for a linter that reports them as findings. */
  public static ComposeReader lenient() {
    return new ComposeReader(true, Map.of(), null, false);
  }

  /**
   * This reader, taking {@code ${VAR}}, and the value of a variable named alone under {@code environment:} or in an
   * env file, from {@code environment} (for example {@code System.getenv()}: Compose's process environment).
   */
  public ComposeReader environment(Map<String, String> environment) {
    return new ComposeReader(lenient, Map.copyOf(Objects.requireNonNull(environment, "environment")), projectName,
        dotEnv);
  }

  /**
   * This reader, also taking variables from the {@code .env} file in the Compose file's folder when {@code read}
   * is true, as Compose does (docker-compose 1.29 and Compose v2 without {@code --env-file}); the
   * {@link #environment(Map)} takes precedence over it. The file is read with the env-file syntax and bounds of
   * {@code env_file} (at most 1 MiB and 10,000 lines); a missing {@code .env} is no variable; one that links
   * outside the folder, or that the readers would read differently, is refused, naming its line. Unless set, no
   * {@code .env} is read.
   */
  public ComposeReader dotEnv(boolean read) {
    return new ComposeReader(lenient, environment, projectName, read);
  }

  /**
   * This reader, with Compose's project name {@code name} (what {@code -p} or {@code COMPOSE_PROJECT_NAME}
   * sets): the prefix of the networks and volumes the file declares.
   */
  public ComposeReader projectName(String name) {
    Objects.requireNonNull(name, "projectName");
    if (!name.matches("[a-z0-9][a-z0-9_-]*")) {
      throw new IllegalArgumentException("compose project name must match [a-z0-9][a-z0-9_-]*: "
          + ComposeValues.quote(name));
    }
    return new ComposeReader(lenient, environment, name, dotEnv);
  }

  /**
   * Reads {@code file}: at most 16 MiB (its size is checked before it is read), UTF-8.
   *
   * @throws InvalidComposeException naming the file and the line when it cannot be read as a Compose file
   * @throws IOException when the file cannot be read at all
   */
  public ComposeFile read(Path file) throws IOException {
    String name = file.toString();
    long size = Files.size(file);
    if (size > ManifestReader.MAX_CHARS) {
      throw new InvalidComposeException(List.of(new ComposeRefusal(name, SourceLocation.of(1, 1, ""), null,
          "compose file must be at most " + ManifestReader.MAX_CHARS + " bytes (16 MiB): " + size
              + " bytes, refused before reading")));
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(ManifestReader.MAX_CHARS + 1);
    }
    if (bytes.length > ManifestReader.MAX_CHARS) {
      throw new InvalidComposeException(List.of(new ComposeRefusal(name, SourceLocation.of(1, 1, ""), null,
          "compose file must be at most " + ManifestReader.MAX_CHARS + " bytes (16 MiB): longer (it grew while read)")));
    }
    Path dir = file.toAbsolutePath().normalize().getParent();
    return read(name, utf8(name, bytes), dir);
  }

  /**
   * Reads {@code yaml}, the text of the file called {@code fileName} (for messages and locations).
   *
   * @param baseDirectory the file's directory: relative bind sources and seccomp profiles are read from it,
   *     and the project name is derived from its name; null to refuse relative paths (project name
   *     {@code default} unless set)
   * @throws InvalidComposeException naming the file and the line
   */
  public ComposeFile read(String fileName, String yaml, Path baseDirectory) {
    Objects.requireNonNull(fileName, "fileName");
    Objects.requireNonNull(yaml, "yaml");
    Value root;
    try {
      root = ComposeYaml.read(yaml);
    } catch (ComposeYaml.Problem p) {
      throw new InvalidComposeException(List.of(new ComposeRefusal(fileName,
          SourceLocation.of(p.line, p.column, ""), null, p.getMessage())));
    }
    Path base = baseDirectory == null ? null : baseDirectory.toAbsolutePath().normalize();
    String project = projectName != null ? projectName : derivedProject(baseDirectory);
    Map<String, String> merged = environment;
    if (dotEnv && base != null) {
      merged = new HashMap<>(dotEnvVariables(fileName, base));
      merged.putAll(environment);
    }
    ComposeServiceReader.Context context = new ComposeServiceReader.Context(fileName, baseDirectory, merged,
        environment, project);
    return topLevel(context, root);
  }

  /** The variables {@code .env} in {@code base} sets (none when there is no such file). */
  private Map<String, String> dotEnvVariables(String fileName, Path base) {
    String shown = ComposeEnvFile.shownName(fileName, ".env");
    Map<String, String> out = new HashMap<>();
    try {
      Path file = ComposeEnvFile.locate(base, ".env");
      if (file == null) {
        return out;
      }
      ComposeEnvFile.Sources sources = new ComposeEnvFile.Sources(environment, environment, Map.of());
      ComposeEnvFile.resolve(ComposeEnvFile.parse(ComposeEnvFile.read(file)), sources, Map.of())
          .forEach((k, v) -> {
            if (v != null) {
              out.put(k, v);
            }
          });
      return out;
    } catch (java.nio.file.NoSuchFileException e) {
      return out;
    } catch (ComposeYaml.Problem p) {
      throw new InvalidComposeException(List.of(new ComposeRefusal(shown, SourceLocation.of(p.line, p.column, ""),
          null, p.getMessage())));
    } catch (IllegalArgumentException | IOException e) {
      throw new InvalidComposeException(List.of(new ComposeRefusal(shown, SourceLocation.of(1, 1, ""), null,
          e instanceof IOException ? "env file cannot be read: " + e.getClass().getSimpleName() : e.getMessage())));
    }
  }

  private ComposeFile topLevel(ComposeServiceReader.Context cx, Value root) {
    if (!(root instanceof MapValue)) {
      throw new InvalidComposeException(List.of(cx.refusal(root == null ? 1 : root.line, root == null ? 1
          : root.column, "", null, "compose file must be a mapping with services: " + (root == null ? "empty"
          : root.kind()))));
    }
    MapValue top = (MapValue) root;
    if (top.entries.containsKey("apiVersion") || top.entries.containsKey("kind")) {
      Entry e = top.entries.getOrDefault("apiVersion", top.entries.get("kind"));
      throw new InvalidComposeException(List.of(cx.refusal(e.line, e.column, e.key, null,
          "compose file must have services: this is a Kubernetes manifest (apiVersion, kind); lint it as one")));
    }
    Entry version = top.entries.get("version");
    if (version != null) {
      String v = version.value instanceof Scalar ? ((Scalar) version.value).text : "";
      if (!(v.startsWith("2") || v.startsWith("3"))) {
        throw new InvalidComposeException(List.of(cx.refusal(version.line, version.column, "version", null,
            "compose file version must be 2.x or 3.x (or absent, the Compose specification): "
                + ComposeValues.quote(v) + (v.startsWith("1") ? " (version 1 has no services: key)" : ""))));
      }
    }
    Entry services = top.entries.get("services");
    if (services == null || !(services.value instanceof MapValue)) {
      int line = services == null ? top.line : services.line;
      int column = services == null ? top.column : services.column;
      throw new InvalidComposeException(List.of(cx.refusal(line, column, "services", null,
          "compose file must have a mapping of services: " + (services == null ? "no services: key (version 1,"
              + " or not a Compose file)" : services.value.kind()))));
    }
    List<ComposeRefusal> fileRefusals = new ArrayList<>();
    for (Entry e : top.entries.values()) {
      if (!TOP_LEVEL.contains(e.key) && !e.key.startsWith("x-")) {
        fileRefusals.add(cx.refusal(e.line, e.column, e.key, null, "refused: not a top-level Compose key"
            + " (version, name, services, networks, volumes, secrets, configs, x-...)"));
      }
    }
    cx.declare(top.entries.get("networks"), cx.networks, fileRefusals);
    cx.declare(top.entries.get("volumes"), cx.volumes, fileRefusals);
    List<ComposeService> out = new ArrayList<>();
    List<ComposeRefusal> all = new ArrayList<>(fileRefusals);
    Map<String, Entry> declared = ((MapValue) services.value).entries;
    for (Entry s : declared.values()) {
      ComposeExtends.Resolved resolved = ComposeExtends.resolve(cx, declared, s);
      ComposeServiceReader.Result r = new ComposeServiceReader(cx, resolved.service, lenient, resolved.refusals,
          resolved.origin).read();
      all.addAll(r.refusals);
      if (!lenient && !r.refusals.isEmpty()) {
        throw new InvalidComposeException(all);
      }
      if (r.service != null) {
        out.add(r.service);
      }
    }
    if (!lenient && !all.isEmpty()) {
      throw new InvalidComposeException(all);
    }
    return new ComposeFile(cx.fileName, out, all);
  }

  /** How {@link SourceText#decode(byte[])} starts a refusal: the line of the first bad byte. */
  private static final Pattern LEADING_LINE = Pattern.compile("line (\\d+), column \\d+: ");
  private static final Set<String> TOP_LEVEL = Set.of("version", "name", "services", "networks", "volumes",
      "secrets", "configs");

  /** docker-compose 1.29's project name from a directory: lower case, only {@code [a-z0-9_-]}. */
  static String derivedProject(Path dir) {
    Path name = dir == null ? null : dir.getFileName();
    String n = name == null ? "" : name.toString().toLowerCase(Locale.ROOT).replaceAll("[^-_a-z0-9]", "");
    return n.isEmpty() || !Character.isLetterOrDigit(n.charAt(0)) ? "default" : n;
  }

  /** The library's text check ({@link SourceText#decode(byte[])}), its refusal as one of the file. */
  private static String utf8(String name, byte[] bytes) {
    try {
      return SourceText.decode(bytes);
    } catch (IllegalArgumentException e) {
      Matcher at = LEADING_LINE.matcher(e.getMessage());
      boolean located = at.lookingAt();
      throw new InvalidComposeException(List.of(new ComposeRefusal(name, SourceLocation.of(located
          ? Integer.parseInt(at.group(1)) : 1, 1, ""), null, "compose file " + e.getMessage().substring(located
          ? at.end() : 0))));
    }
  }

}
