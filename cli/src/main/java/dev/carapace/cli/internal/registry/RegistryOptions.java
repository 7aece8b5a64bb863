package dev.carapace.cli.internal.registry;

import dev.carapace.cli.internal.InputException;
import dev.carapace.cli.internal.Messages;
import dev.carapace.cli.internal.engine.EndpointOptions;
import dev.carapace.core.RegistryAccess;
import dev.carapace.core.RegistryCredentials;
import dev.carapace.core.RegistryException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * How a subcommand reaches a registry's HTTP API itself ({@code @Mixin RegistryOptions registry;}), as skopeo and
 * the docker CLI do: credentials from a file, never from a flag's value (which {@code ps} would show):
 * {@code --authfile FILE}, else {@code REGISTRY_AUTH_FILE} (skopeo's and podman's), else the docker CLI's
 * {@code config.json} ({@code DOCKER_CONFIG}, else {@code ~/.docker}), each in {@code config.json}'s format
 * ({@code auths}, {@code credHelpers}, {@code credsStore}); the CAs of the JDK, of the engine
 * ({@code /etc/docker/certs.d/HOST:PORT/*.crt}) and of {@code --ca-cert}; {@code --timeout} for each image's
 * requests together. The library's {@link RegistryAccess} does the rest.
 */
public final class RegistryOptions {
  /** skopeo's and podman's variable naming the auth file. */
  public static final String AUTH_FILE_VARIABLE = "REGISTRY_AUTH_FILE";

  @Option(names = "--authfile", paramLabel = "FILE",
      description = "registry credentials in the docker CLI's config.json format (auths, credHelpers, credsStore),"
          + " as skopeo --authfile takes them; default: $REGISTRY_AUTH_FILE, else config.json in $DOCKER_CONFIG,"
          + " else ~/.docker/config.json")
  Path authFile;

  @Option(names = "--ca-cert", paramLabel = "FILE",
      description = "also trust the CA certificates of this PEM file for the registry (repeatable), besides the"
          + " JDK's and the engine's (/etc/docker/certs.d/HOST:PORT/*.crt)")
  List<Path> caCerts = new ArrayList<>();

  @Option(names = "--timeout", paramLabel = "DURATION", converter = EndpointOptions.DurationConverter.class,
      description = "the longest the registry's answers about one image may take together, such as 500ms, 30s,"
          + " 2m; default: 30s")
  Duration timeout;

  /** Whether any of these options was given. */
  public boolean given() {
    return authFile != null || !caCerts.isEmpty() || timeout != null;
  }

  /**
   * The registry access these options and {@code environment} name.
   *
   * @throws InputException for an auth file that is not a readable file, a CA file that is not PEM certificates
   */
  public RegistryAccess access(Map<String, String> environment, Path home) {
    RegistryAccess.Builder b = RegistryAccess.builder().credentials(credentials(environment, home));
    for (Path ca : caCerts) {
      try {
        b.addCertificateAuthority(ca);
      } catch (RuntimeException e) {
        throw InputException.of("--ca-cert " + ca + ": " + Messages.describe(e), e);
      }
    }
    if (timeout != null) {
      b.timeout(timeout);
    }
    return b.build();
  }

  private RegistryCredentials credentials(Map<String, String> environment, Path home) {
    if (authFile != null) {
      return RegistryCredentials.fromAuthFile(readable(authFile, "--authfile " + authFile));
    }
    String variable = environment.get(AUTH_FILE_VARIABLE);
    if (variable != null && !variable.isBlank()) {
      Path file = Path.of(variable);
      return RegistryCredentials.fromAuthFile(readable(file, AUTH_FILE_VARIABLE + " " + file));
    }
    String config = environment.get("DOCKER_CONFIG");
    return RegistryCredentials.fromDockerConfig(config == null || config.isBlank() ? home.resolve(".docker")
        : Path.of(config));
  }

  /**
   * {@code image} as {@code NAME@sha256:...}, pinned to the digest its tag (or {@code latest}) points to now, or to
   * its own digest when it names one (the registry is not asked): {@link RegistryAccess#pinnedImage}, the name fully
   * qualified as {@link dev.carapace.core.ImageVerification#pinnedImage()} gives it.
   *
   * @param notFoundIsAnError whether a registry answering 404 (no such tag or repository) is an error; if not,
   *     the image is returned as given
   * @throws InputException naming the image and the reason when the registry does not answer within the timeout,
   *     refuses the credentials or fails (the library's {@link RegistryException} message), or when {@code image}
   *     is not a registry reference
   */
  public static String pinned(RegistryAccess access, String image, boolean notFoundIsAnError) {
    try {
      return access.pinnedImage(image);
    } catch (RegistryException e) {
      if (!notFoundIsAnError && e.status().isPresent() && e.status().getAsInt() == 404) {
        return image;
      }
      throw InputException.of(Messages.oneLine(e.getMessage()), e);
    } catch (IllegalArgumentException e) {
      throw InputException.of(Messages.oneLine(image) + ": not an image reference: " + Messages.oneLine(e.getMessage()),
          e);
    }
  }

  /**
   * {@code file} when it is a readable regular file (an auth file named by the user must be there, as podman checks
   * it: a missing one is a mistake, not anonymity).
   *
   * @throws InputException {@code NAMED: no such file}, {@code not a regular file} or {@code permission denied}
   */
  public static Path readable(Path file, String named) {
    if (!Files.isRegularFile(file)) {
      throw InputException.of(named + ": " + (Files.exists(file) ? "not a regular file" : "no such file"));
    }
    if (!Files.isReadable(file)) {
      throw InputException.of(named + ": permission denied");
    }
    return file;
  }
}
