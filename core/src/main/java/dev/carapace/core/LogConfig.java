package dev.carapace.core;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where the engine sends the container's output: any log driver by name, with its options, as
 * {@code docker run --log-driver syslog --log-opt syslog-address=udp://127.0.0.1:514}.
 *
 * <p>Driver names are free text, so plugins ({@code grafana/loki}) work too. The common options are
 * checked here, before anything reaches the daemon: {@code syslog-address} (scheme udp, tcp,
 * tcp+tls, unix or unixgram; a port for network schemes), {@code tag}, {@code max-size},
 * {@code max-file}. Whether the engine has the driver (journald needs systemd-journald) is only
 * known at create, and reported then.
 *
 * <pre>{@code
 * LogConfig.syslog("udp://127.0.0.1:5514");
 * LogConfig.builder("json-file").option("max-size", "10m").option("max-file", "3").build();
 * }</pre>
 *
 * @param driver the log driver's name
 * @param options the driver's options ({@code --log-opt})
 */
public record LogConfig(String driver, Map<String, String> options) {
  private static final Pattern DRIVER = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.:/-]*");
  private static final Set<String> SYSLOG_SCHEMES = Set.of("udp", "tcp", "tcp+tls", "unix", "unixgram");

  public LogConfig {
    Objects.requireNonNull(driver, "log driver");
    if (!DRIVER.matcher(driver).matches()) {
      throw new IllegalArgumentException("log driver must match [a-zA-Z0-9][a-zA-Z0-9_.:/-]*: " + driver);
    }
    options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
    if (driver.equals("none") && !options.isEmpty()) {
      throw new IllegalArgumentException("log driver none takes no options: " + options.keySet());
    }
    for (Map.Entry<String, String> e : options.entrySet()) {
      checkOption(e.getKey(), Objects.requireNonNull(e.getValue(), "log option " + e.getKey()));
    }
  }

  private static void checkOption(String key, String value) {
    if (key.isEmpty() || !key.matches("[a-zA-Z0-9_.-]+")) {
      throw new IllegalArgumentException("log option name must match [a-zA-Z0-9_.-]+: " + key);
    }
    switch (key) {
      case "syslog-address":
        checkSyslogAddress(value);
        break;
      case "tag":
        if (value.isEmpty() || value.chars().anyMatch(c -> c < 0x20)) {
          throw new IllegalArgumentException("log option tag must be non-empty printable text: " + value);
        }
        break;
      case "max-size":
        if (!value.equals("-1")) {
          MemorySize size;
          try {
            size = MemorySize.parse(value);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("log option max-size must be a size like 10m: " + value);
          }
          if (size.bytes() == 0) {
            throw new IllegalArgumentException("log option max-size must be positive: " + value);
          }
        }
        break;
      case "max-file":
        int n;
        try {
          if (!value.matches("[+-]?[0-9]+")) { // Integer.parseInt also takes other scripts' digits
            throw new NumberFormatException(value);
          }
          n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("log option max-file must be a whole number: " + value);
        }
        if (n < 1) {
          throw new IllegalArgumentException("log option max-file must be at least 1: " + value);
        }
        break;
      default:
        break;
    }
  }

  private static void checkSyslogAddress(String value) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("log option syslog-address must be a URI like udp://127.0.0.1:514: "
          + value);
    }
    String scheme = uri.getScheme();
    if (scheme == null || !SYSLOG_SCHEMES.contains(scheme)) {
      throw new IllegalArgumentException(
          "log option syslog-address scheme must be udp, tcp, tcp+tls, unix or unixgram: " + value);
    }
    if (scheme.startsWith("unix")) {
      if (uri.getRawAuthority() != null || uri.getPath() == null || !uri.getPath().startsWith("/")) {
        throw new IllegalArgumentException("log option syslog-address needs an absolute socket path: " + value);
      }
      return;
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException("log option syslog-address needs a host: " + value);
    }
    if (uri.getPort() < 1 || uri.getPort() > 65535) {
      throw new IllegalArgumentException(
          "log option syslog-address port must be between 1 and 65535: " + value);
    }
  }

  /** The syslog driver sending to {@code address} ({@code udp://host:port}, {@code tcp://...}, {@code unix:///dev/log}). */
  public static LogConfig syslog(String address) {
    return builder("syslog").option("syslog-address", address).build();
  }

  /** The json-file driver, rotating at {@code maxSize} and keeping {@code maxFiles} files. */
  public static LogConfig jsonFile(MemorySize maxSize, int maxFiles) {
    Objects.requireNonNull(maxSize, "log option max-size must not be null");
    return builder("json-file").option("max-size", maxSize.toDockerString())
        .option("max-file", Integer.toString(maxFiles)).build();
  }

  /** The journald driver (needs systemd-journald on the engine's host). */
  public static LogConfig journald() {
    return new LogConfig("journald", Map.of());
  }

  /** No logs kept: {@code docker logs} shows nothing. */
  public static LogConfig none() {
    return new LogConfig("none", Map.of());
  }

  /** Starts a config for any driver, built-in or plugin. */
  public static Builder builder(String driver) {
    Objects.requireNonNull(driver, "log driver must not be null");
    return new Builder(driver);
  }

  /** Collects a driver's options; {@link #build()} checks them. */
  public static final class Builder {
    private final String driver;
    private final Map<String, String> options = new LinkedHashMap<>();

    private Builder(String driver) {
      this.driver = driver;
    }

    /** Sets option {@code key} ({@code --log-opt key=value}). */
    public Builder option(String key, String value) {
      options.put(key, value);
      return this;
    }

    public LogConfig build() {
      return new LogConfig(driver, options);
    }
  }
}
