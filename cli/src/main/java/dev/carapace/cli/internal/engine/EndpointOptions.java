package dev.carapace.cli.internal.engine;

import dev.carapace.cli.internal.InputException;
import dev.carapace.core.Endpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Where the engine is, as the docker CLI finds it ({@code @Mixin EndpointOptions engine;}): {@code -H/--host},
 * {@code --tlsverify}, {@code --cert-path}, {@code -c/--context} override {@code DOCKER_HOST},
 * {@code DOCKER_TLS_VERIFY}, {@code DOCKER_CERT_PATH}, {@code DOCKER_CONTEXT}; then the library's
 * {@link Endpoint#fromEnvironment(Map, Path)} decides. {@code --timeout} bounds the connection and each
 * answer.
 */
public final class EndpointOptions {
  private static final Pattern DURATION = Pattern.compile("([0-9]{1,6})(ms|s|m)");

  @Option(names = {"-H", "--host"}, paramLabel = "URI",
      description = "the engine: unix:///path or tcp://host:port (default: DOCKER_HOST, else the docker"
          + " context, else unix:///var/run/docker.sock)")
  String host;

  @Option(names = "--tlsverify", description = "mutual TLS with the material in --cert-path (DOCKER_TLS_VERIFY)")
  boolean tlsVerify;

  @Option(names = "--cert-path", paramLabel = "DIR",
      description = "ca.pem, cert.pem, key.pem for --tlsverify (DOCKER_CERT_PATH; default ~/.docker)")
  Path certPath;

  @Option(names = {"-c", "--context"}, paramLabel = "NAME", description = "a docker context (DOCKER_CONTEXT)")
  String context;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "15s",
      converter = DurationConverter.class,
      description = "the longest wait to connect and for each answer of the engine, such as 500ms, 15s,"
          + " 2m; default: ${DEFAULT-VALUE}")
  Duration timeout;

  /**
   * The endpoint these options and {@code environment} name, with {@code --timeout}.
   *
   * @throws InputException for a malformed host, an unknown context, missing or bad TLS files
   */
  public Endpoint endpoint(Map<String, String> environment, Path home) {
    Map<String, String> env = new HashMap<>(environment);
    if (context != null) {
      if (host != null) {
        throw InputException.of("--host and --context exclude each other");
      }
      env.remove("DOCKER_HOST");
      env.put("DOCKER_CONTEXT", context);
    }
    if (host != null) {
      env.put("DOCKER_HOST", host);
      env.remove("DOCKER_TLS_VERIFY");
    }
    if (tlsVerify) {
      env.put("DOCKER_TLS_VERIFY", "1");
    }
    if (certPath != null) {
      env.put("DOCKER_CERT_PATH", certPath.toString());
    }
    try {
      return Endpoint.fromEnvironment(env, home).connectTimeout(timeout).responseTimeout(timeout);
    } catch (RuntimeException e) {
      throw InputException.of("cannot use the engine endpoint: " + e.getMessage(), e);
    }
  }

  /** {@code 500ms}, {@code 15s}, {@code 2m}: from 100 ms to 10 minutes. */
  public static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      Matcher m = DURATION.matcher(value);
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          default -> Duration.ofMinutes(n);
        };
        if (d.compareTo(Duration.ofMillis(100)) >= 0 && d.compareTo(Duration.ofMinutes(10)) <= 0) {
          return d;
        }
      }
      throw new CommandLine.TypeConversionException(
          "must be a duration from 100ms to 10m such as 500ms, 15s or 2m: '" + value + "'");
    }
  }
}
