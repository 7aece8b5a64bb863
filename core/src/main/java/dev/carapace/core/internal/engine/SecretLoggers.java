package dev.carapace.core.internal.engine;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The third-party loggers that print secrets at DEBUG, and the warning Carapace gives, once per JVM
 * for each one found at DEBUG, on the logger of whoever is about to send requests.
 *
 * <pre>{@code
 * SecretLoggers.warnAtDebug(LOG);   // before the first request: the Authorization header goes on each
 * }</pre>
 */
public final class SecretLoggers {
  /**
   * The loggers on the request path that print secrets at DEBUG, each with what it prints. Carapace
   * cannot stop a third-party logger from printing; it warns once per JVM for each one found at DEBUG.
   * docker-java logs every command with its fields, env values included; Apache HttpClient 5's wire
   * logger prints every byte sent and read (create bodies with env values, inspect responses with them,
   * the Authorization header), and its headers logger every header. Both print the
   * {@code X-Registry-Auth} header of a pull with registry credentials, base64 of a JSON holding the
   * password (docker-java's command logger does not log pulls). httpclient5's other loggers print
   * request lines and connection events, no bodies or headers.
   */
  public static final Map<String, String> PRINTING = Collections.unmodifiableSortedMap(new TreeMap<>(Map.of(
      "com.github.dockerjava.core.command.AbstrDockerCmd",
      "DEBUG logging of com.github.dockerjava.core.command prints create commands with their env values:"
          + " raise that logger to INFO where env holds secrets",
      "org.apache.hc.client5.http.wire",
      "DEBUG logging of org.apache.hc.client5.http.wire prints every byte exchanged with the engine, env values"
          + " and the Authorization header included: raise that logger to INFO where env or credentials are secrets",
      "org.apache.hc.client5.http.headers",
      "DEBUG logging of org.apache.hc.client5.http.headers prints every request header, the basic-auth"
          + " Authorization header included: raise that logger to INFO where credentials are secrets")));
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  private SecretLoggers() {}

  /** Warns on {@code log}, once per JVM, for each logger of {@link #PRINTING} found at DEBUG. */
  public static void warnAtDebug(Logger log) {
    for (Map.Entry<String, String> l : PRINTING.entrySet()) { // sorted: warnings in a fixed order
      if (LoggerFactory.getLogger(l.getKey()).isDebugEnabled() && WARNED.add(l.getKey())) {
        log.warn(l.getValue());
      }
    }
  }
}
