package dev.carapace.core.internal.values;

import java.time.Instant;
import java.util.Optional;

/**
 * The values of the owner label ({@code dev.carapace.owner}, {@code <pid>@<host>@<process start millis>})
 * as this host judges them, and the parts of an owner's identity (host, OS user, application name):
 * one place for {@code OwnerLabels} and {@code ContainerLauncher.cleanupLeftovers()} in core and for
 * the cluster module's {@code SwarmDeployer.cleanupLeftovers()}.
 */
public final class LocalOwners {
  /** The application name when none is set and none can be derived from the command line. */
  public static final String UNNAMED = "unnamed";

  private static final String HOST = lookUpHostName();
  private static final String USER = lookUpUserName();
  private static final String DEFAULT_APPLICATION = applicationNameOf(System.getProperty("sun.java.command"));

  private LocalOwners() {}

  /** This host's name as owner values spell it: the kernel's host name. */
  public static String hostName() {
    return HOST;
  }

  /** The OS user this JVM runs as ({@code user.name}), or {@code unknown}. */
  public static String userName() {
    return USER;
  }

  /**
   * The application name of an owner whose builder set none: derived from this JVM's command line,
   * {@link #applicationNameOf}.
   */
  public static String defaultApplicationName() {
    return DEFAULT_APPLICATION;
  }

  /**
   * The application name a JVM started with {@code command} (the {@code sun.java.command} property:
   * the main class or the jar, then the arguments) gets by default: the main class's fully qualified
   * name ({@code com.example.Main}), or for {@code java -jar app.jar} the jar's file name without
   * {@code .jar} ({@code app}); {@value #UNNAMED} when there is none, or it is not a
   * {@linkplain #requireApplicationName valid name}.
   */
  public static String applicationNameOf(String command) {
    if (command == null || command.isBlank()) {
      return UNNAMED;
    }
    String first = command.strip().split("\\s+", 2)[0];
    if (first.endsWith(".jar")) {
      first = first.substring(Math.max(first.lastIndexOf('/'), first.lastIndexOf('\\')) + 1, first.length() - 4);
    }
    return problemWithApplicationName(first) == null ? first : UNNAMED;
  }

  /**
   * {@code name} if it can be the value of the application label: not empty, at most 255 characters,
   * no control character (NUL included), no space at either end.
   *
   * @throws IllegalArgumentException naming what is wrong, the value shown escaped
   */
  public static String requireApplicationName(String name) {
    java.util.Objects.requireNonNull(name, "applicationName");
    String problem = problemWithApplicationName(name);
    if (problem != null) {
      throw new IllegalArgumentException("application name \"" + escape(name) + "\" " + problem);
    }
    return name;
  }

  private static String problemWithApplicationName(String name) {
    if (name.isEmpty()) {
      return "is empty";
    }
    if (name.length() > 255) {
      return "is longer than 255 characters (" + name.length() + ")";
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.isISOControl(name.charAt(i))) {
        return "holds a control character at index " + i;
      }
    }
    if (!name.strip().equals(name)) {
      return "begins or ends with white space";
    }
    return null;
  }

  private static String escape(String s) {
    StringBuilder out = new StringBuilder();
    s.codePoints().limit(300).forEach(c -> {
      if (Character.isISOControl(c)) {
        out.append(String.format("\\u%04x", c));
      } else {
        out.appendCodePoint(c);
      }
    });
    return out.toString();
  }

  /**
   * Whether {@code owner}, a value of the owner label, names a process of this host that is gone (its
   * pid is free, or now belongs to a process started at another time). Other hosts' owners and values
   * that do not parse are never dead: what they own is left alone.
   */
  public static boolean isDead(String owner) {
    String[] parts = owner.split("@");
    if (parts.length != 3 || !parts[1].equals(HOST)) {
      return false;
    }
    long pid;
    long start;
    try {
      pid = Long.parseLong(parts[0]);
      start = Long.parseLong(parts[2]);
    } catch (NumberFormatException e) {
      return false;
    }
    Optional<ProcessHandle> p = ProcessHandle.of(pid);
    if (p.isEmpty() || !p.get().isAlive()) {
      return true;
    }
    Optional<Instant> started = p.get().info().startInstant();
    return started.isPresent() && Math.abs(started.get().toEpochMilli() - start) > 2000;
  }

  private static String lookUpUserName() {
    String user = System.getProperty("user.name");
    return user == null || user.isBlank() ? "unknown" : user;
  }

  /** The kernel's host name, without a DNS lookup (which can stall a cold start). */
  private static String lookUpHostName() {
    try {
      String name = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).trim();
      if (!name.isEmpty()) {
        return name;
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not Linux: ask the JDK
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      String env = System.getenv("HOSTNAME");
      return env == null ? "localhost" : env;
    }
  }
}
