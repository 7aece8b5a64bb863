package dev.carapace.core;

import dev.carapace.core.internal.registry.DockerConfigCredentials;
import dev.carapace.core.internal.registry.ImageReference;
import dev.carapace.core.internal.registry.RegistryAuth;
import dev.carapace.core.internal.io.Strings;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a launcher finds the credentials for pulling an image from a registry that needs a login,
 * as {@code docker login} and {@code docker pull} do. The registry is read from the image reference
 * as docker reads it ({@code 127.0.0.1:5443/team/app:1} is pulled from {@code 127.0.0.1:5443};
 * {@code busybox} from Docker Hub, {@code docker.io}), and only that registry's credentials are sent.
 *
 * <pre>{@code
 * ContainerLauncher launcher = ContainerLauncher.builder()
 *     .registryCredentials(RegistryCredentials.of("registry.example:5000", "ci", password)
 *         .or(RegistryCredentials.fromDockerConfig()))
 *     .build();
 * }</pre>
 *
 * <p>{@link #fromDockerConfig()} reads the docker CLI's {@code config.json} at each pull, as the CLI
 * does: a {@code credHelpers} entry for the registry, else {@code credsStore}, runs the credential
 * helper {@code docker-credential-<name> get}; otherwise the {@code auths} entry gives the user and
 * password (its base64 {@code auth}, or {@code username} and {@code password}) or an identity token.
 *
 * <p>Passwords and tokens never appear in {@code toString}, messages or Carapace's logs. They do
 * travel to the engine in the {@code X-Registry-Auth} header, which docker-java's and Apache
 * HttpClient's DEBUG loggers print (see {@link ContainerLauncher}).
 */
public final class RegistryCredentials {
  private static final Pattern REGISTRY = Pattern.compile("(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?"
      + "(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?");
  private static final RegistryCredentials NONE = new RegistryCredentials(null, null, null, null, null, null, null);
  /** The {@code configDir} of {@link #fromDockerConfig()}: {@code DOCKER_CONFIG} or {@code ~/.docker}, at each pull. */
  private static final Path FROM_ENVIRONMENT = Path.of("$DOCKER_CONFIG or ~/.docker");

  // explicit
  private final String registry;
  private final String username;
  private final char[] password;
  // docker config: dir FROM_ENVIRONMENT = DOCKER_CONFIG or ~/.docker at each pull; helperPath null = PATH
  private final Path configDir;
  /** Whether {@code configDir} is the file itself ({@link #fromAuthFile}), not the folder of {@code config.json}. */
  private final boolean authFile;
  private final List<Path> helperPath;
  // or
  private final RegistryCredentials first;
  private final RegistryCredentials second;

  private RegistryCredentials(String registry, String username, char[] password, Path configDir,
      List<Path> helperPath, RegistryCredentials first, RegistryCredentials second) {
    this(registry, username, password, configDir, false, helperPath, first, second);
  }

  private RegistryCredentials(String registry, String username, char[] password, Path configDir, boolean authFile,
      List<Path> helperPath, RegistryCredentials first, RegistryCredentials second) {
    this.authFile = authFile;
    this.registry = registry;
    this.username = username;
    this.password = password;
    this.configDir = configDir;
    this.helperPath = helperPath;
    this.first = first;
    this.second = second;
  }

  /** No credentials: every pull is anonymous. */
  public static RegistryCredentials none() {
    return NONE;
  }

  /**
   * A user and password for one registry, as {@code docker login REGISTRY -u USER}; sent only when
   * pulling from that registry. The array is copied.
   *
   * @param registry the host and optional port as in image references ({@code registry.example:5000},
   *     {@code 127.0.0.1:5443}); {@code docker.io}, {@code index.docker.io} or
   *     {@code https://index.docker.io/v1/} for Docker Hub
   * @throws IllegalArgumentException when the registry is not a host[:port], or the user is empty or
   *     holds a {@code :}, or the password is empty
   */
  public static RegistryCredentials of(String registry, String username, char[] password) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(username, "registry username");
    Objects.requireNonNull(password, "registry password");
    String r = registry.equals(ImageReference.DOCKER_HUB_KEY) || registry.equals("index.docker.io")
        ? ImageReference.DOCKER_HUB : registry;
    if (!REGISTRY.matcher(r).matches()) {
      throw new IllegalArgumentException("registry must be a host with an optional :port, as in image references: "
          + Strings.show(registry) + " (such as registry.example:5000, or docker.io for Docker Hub)");
    }
    if (username.isEmpty() || username.indexOf(':') >= 0) {
      throw new IllegalArgumentException("registry username must be non-empty and without ':': "
          + Strings.show(username));
    }
    if (password.length == 0) {
      throw new IllegalArgumentException("registry password must be non-empty: empty for user " + username);
    }
    return new RegistryCredentials(r, username, password.clone(), null, null, null, null);
  }

  /**
   * The docker CLI's credentials: {@code config.json} in {@code DOCKER_CONFIG}, else in
   * {@code ~/.docker}, read at each pull (a later {@code docker login} is seen). No file, or no entry
   * for the registry, means an anonymous pull. The default of a launcher on an {@link Endpoint}.
   */
  public static RegistryCredentials fromDockerConfig() {
    return NONE.configBased(FROM_ENVIRONMENT, null);
  }

  /**
   * The docker CLI's credentials from {@code dir/config.json} ({@code dir} as {@code DOCKER_CONFIG}),
   * read at each pull.
   */
  public static RegistryCredentials fromDockerConfig(Path dir) {
    Objects.requireNonNull(dir, "docker config dir");
    return NONE.configBased(dir, null);
  }

  /**
   * The credentials of the file {@code file}, in the docker CLI's {@code config.json} format whatever its
   * name: an auth file as {@code skopeo --authfile}, {@code podman login --authfile} and
   * {@code REGISTRY_AUTH_FILE} name it (containers-auth.json, whose {@code auths} entries are the docker
   * CLI's), read at each pull as {@link #fromDockerConfig()} reads {@code config.json}, credential helpers
   * included. No such file means an anonymous pull.
   */
  public static RegistryCredentials fromAuthFile(Path file) {
    Objects.requireNonNull(file, "registry auth file");
    return new RegistryCredentials(null, null, null, file, true, null, null, null);
  }

  private RegistryCredentials configBased(Path dir, List<Path> path) {
    return new RegistryCredentials(null, null, null, dir, path, null, null);
  }

  /**
   * Where to look for credential helpers ({@code docker-credential-<name>}), in order. If unset, the
   * directories of the {@code PATH} environment variable, as the docker CLI. As for the docker CLI
   * since Go 1.19, a helper is never looked for in the current directory, and one found first in a
   * relative directory is refused, not run. A helper runs within 30 seconds, its child processes
   * included; a failing helper's output is never shown (it may hold the secret).
   *
   * @throws IllegalStateException when these are not {@link #fromDockerConfig()} credentials
   */
  public RegistryCredentials credentialHelperPath(List<Path> directories) {
    Objects.requireNonNull(directories, "credential helper path");
    directories.forEach(d -> Objects.requireNonNull(d, "credential helper path element"));
    if (configDir == null) {
      throw new IllegalStateException("credentialHelperPath applies to fromDockerConfig(..) credentials: "
          + this + " runs no helper");
    }
    return new RegistryCredentials(null, null, null, configDir, authFile, List.copyOf(directories), null, null);
  }

  /** These credentials, and for a registry they have none for, {@code other}'s. */
  public RegistryCredentials or(RegistryCredentials other) {
    Objects.requireNonNull(other, "other registry credentials");
    return new RegistryCredentials(null, null, null, null, null, this, other);
  }

  /**
   * The credentials for {@code registry}, or empty for an anonymous pull.
   *
   * @throws DockerConfigCredentials.Unreadable when the docker config or a helper fails
   */
  Optional<RegistryAuth> lookup(String registry) {
    if (first != null) {
      Optional<RegistryAuth> found = first.lookup(registry);
      return found.isPresent() ? found : second.lookup(registry);
    }
    if (username != null) {
      return this.registry.equals(registry)
          ? Optional.of(RegistryAuth.basic(ImageReference.configKey(registry), username, new String(password),
              "RegistryCredentials.of(..)"))
          : Optional.empty();
    }
    if (configDir != null) {
      java.util.Map<String, String> env = System.getenv();
      Path dir = configDir == FROM_ENVIRONMENT
          ? DockerConfigCredentials.defaultDir(env, Path.of(System.getProperty("user.home")))
          : configDir;
      List<Path> helpers = helperPath != null ? helperPath : DockerConfigCredentials.pathOf(env);
      return authFile ? DockerConfigCredentials.lookupFile(configDir, registry, helpers)
          : DockerConfigCredentials.lookup(dir, registry, helpers);
    }
    return Optional.empty();
  }

  /** {@code RegistryCredentials{127.0.0.1:5443 as ci}}, {@code RegistryCredentials{docker config ~/.docker}}: never a password. */
  @Override
  public String toString() {
    return "RegistryCredentials{" + describe() + "}";
  }

  private String describe() {
    if (first != null) {
      return first.describe() + ", or " + second.describe();
    }
    if (username != null) {
      return registry + " as " + username;
    }
    if (configDir != null) {
      return (authFile ? "auth file " : "docker config ") + configDir
          + (helperPath == null ? "" : ", helpers in " + helperPath);
    }
    return "none";
  }
}
