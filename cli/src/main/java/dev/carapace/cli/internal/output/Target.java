package dev.carapace.cli.internal.output;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * What a finding without a file is about (an engine, one of its containers, a workload read from stdin), so
 * that SARIF can still give it a location: GitHub code scanning refuses a whole upload when one result has no
 * {@code locations[0].physicalLocation.artifactLocation.uri} ({@code locationFromSarifResult: expected at least
 * one location}), shows only relative or {@code file:} URIs, and needs a {@code region.startLine}.
 *
 * <p>So a target is written as a relative artifact URI that names it stably across runs ({@link #uri()}, such
 * as {@code docker/unix/var/run/docker.sock/containers/web}; no file of that name needs to exist), a logical
 * location ({@link #kind()}, {@link #name()}, {@link #qualifiedName()}), and a fingerprint of the URI and
 * {@link #key()} (the attribute the finding is about) so that code scanning matches the same finding across
 * runs ({@link #fingerprint()}).
 *
 * @param kind the SARIF logical location kind ({@code resource})
 * @param name the short name (the container's name, {@code engine}, the workload's name)
 * @param qualifiedName the name with what it belongs to ({@code unix:///var/run/docker.sock/containers/web})
 * @param uri the relative artifact URI, percent-encoded segments separated by {@code /}
 * @param key what within the target the finding is about (an attribute such as {@code capAdd}); may be empty
 */
public record Target(String kind, String name, String qualifiedName, String uri, String key) {

  /** Checks the fields: a relative URI without a scheme. */
  public Target {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(qualifiedName, "qualifiedName");
    Objects.requireNonNull(uri, "uri");
    key = key == null ? "" : key;
    if (uri.isEmpty() || uri.startsWith("/") || uri.contains(":")) {
      throw new IllegalArgumentException("uri must be a relative reference without a colon: " + uri);
    }
  }

  /** The engine at {@code endpoint} itself (its settings): {@code docker/unix/var/run/docker.sock/engine}. */
  public static Target engine(URI endpoint, String key) {
    String e = display(endpoint);
    return new Target("resource", "engine", e, engineUri(endpoint) + "/engine", key);
  }

  /** Container {@code name} of the engine at {@code endpoint}: {@code docker/tcp/127.0.0.1%3A2376/containers/web}. */
  public static Target container(URI endpoint, String name, String key) {
    return new Target("resource", name, display(endpoint) + "/containers/" + name,
        engineUri(endpoint) + "/containers/" + segment(name), key);
  }

  /**
   * An image as the user named it ({@code image verify}): {@code images/registry.example%3A5000%2Fteam%2Fapp%3A1},
   * the whole name one percent-encoded segment, so a tag and a digest of one repository are two targets.
   */
  public static Target image(String image, String key) {
    return new Target("resource", image, "images/" + image, "images/" + segment(image), key);
  }

  /** A workload that has no file (read from stdin): {@code workloads/NAME}. */
  public static Target workload(String name, String key) {
    return new Target("resource", name, "workloads/" + name, "workloads/" + segment(name), key);
  }

  /**
   * A stable identity of what the finding is about, in the form code scanning's {@code primaryLocationLineHash}
   * takes ({@code HEX:1}): the first 8 bytes of SHA-256 over the URI and the key. The same container's same
   * attribute gives the same value in every run, whatever its value or the finding's wording.
   */
  public String fingerprint() {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest((uri + "\u0000" + key).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8) + ":1";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The endpoint as the user would write it, without user info, query or fragment. */
  private static String display(URI endpoint) {
    return endpoint.getScheme() + "://" + (endpoint.getRawAuthority() == null ? "" : endpoint.getHost()
        + (endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort())) + (endpoint.getPath() == null ? "" : endpoint.getPath());
  }

  /** {@code docker/SCHEME/HOST:PORT} or {@code docker/SCHEME/PATH...}, each segment percent-encoded. */
  private static String engineUri(URI endpoint) {
    StringBuilder b = new StringBuilder("docker/").append(segment(String.valueOf(endpoint.getScheme())));
    if (endpoint.getHost() != null) {
      b.append('/').append(segment(endpoint.getHost() + (endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort())));
    }
    if (endpoint.getPath() != null) {
      for (String s : endpoint.getPath().split("/")) {
        if (!s.isEmpty()) {
          b.append('/').append(segment(s));
        }
      }
    }
    return b.toString();
  }

  /** One path segment, percent-encoded: unreserved characters kept, everything else (also {@code /} and {@code :}) encoded. */
  static String segment(String text) {
    StringBuilder b = new StringBuilder();
    for (byte x : text.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0)) {
        b.append((char) c);
      } else {
        b.append('%').append(String.format("%02X", c));
      }
    }
    return b.length() == 0 ? "_" : b.toString();
  }
}
