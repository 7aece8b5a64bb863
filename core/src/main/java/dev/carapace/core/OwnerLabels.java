package dev.carapace.core;

import dev.carapace.core.internal.values.LocalOwners;
import java.time.Instant;
import java.util.Map;

/**
 * The labels Carapace puts on every container it creates, so that it (and you) can find them again
 * on the engine, even after the process that created them died.
 *
 * <pre>{@code
 * docker.listContainersCmd().withShowAll(true)
 *     .withLabelFilter(Map.of(OwnerLabels.MANAGED, "true"))   // every container Carapace made
 *     .exec();
 * docker.listContainersCmd().withShowAll(true)
 *     .withLabelFilter(Map.of(OwnerLabels.OWNER, OwnerLabels.currentOwner()))   // this JVM's
 *     .exec();
 * }</pre>
 *
 * <table>
 * <caption>The labels</caption>
 * <tr><th>key</th><th>value</th></tr>
 * <tr><td>{@value #MANAGED}</td><td>{@code true}</td></tr>
 * <tr><td>{@value #OWNER}</td><td>{@code <pid>@<host>@<process start millis>} of the creating JVM</td></tr>
 * <tr><td>{@value #LAUNCHER}</td><td>the creating launcher's {@link ContainerLauncher#id()}</td></tr>
 * </table>
 *
 * <p>The keys and the value formats never change between releases: a newer Carapace's
 * {@link ContainerLauncher#cleanupLeftovers()} finds the containers an older one left behind. A spec
 * cannot set a label under {@code dev.carapace.}.
 */
public final class OwnerLabels {
  /** Set to {@code true} on every container Carapace creates. */
  public static final String MANAGED = "dev.carapace.managed";
  /** {@code <pid>@<host>@<process start millis>} of the creating JVM: see {@link #currentOwner()}. */
  public static final String OWNER = "dev.carapace.owner";
  /** The creating launcher's random id, {@link ContainerLauncher#id()}. */
  public static final String LAUNCHER = "dev.carapace.launcher";

  private static final String HOST = LocalOwners.hostName();
  private static final String CURRENT_OWNER = ownerId();

  private OwnerLabels() {}

  /**
   * This JVM's value of {@value #OWNER}: {@code <pid>@<host>@<process start millis>}. The start time
   * tells this process from a later one that reuses its pid.
   */
  public static String currentOwner() {
    return CURRENT_OWNER;
  }

  /** The three labels of a container created by launcher {@code launcherId} in this JVM. */
  static Map<String, String> of(String launcherId) {
    return Map.of(MANAGED, "true", OWNER, CURRENT_OWNER, LAUNCHER, launcherId);
  }

  /**
   * Whether {@code owner}, a value of {@value #OWNER}, names a process of this host that is gone (its
   * pid is free, or now belongs to a process started at another time). Other hosts' owners and values
   * that do not parse are never dead: their containers are left alone.
   */
  static boolean isDeadLocalOwner(String owner) {
    return LocalOwners.isDead(owner);
  }

  /** The host part of {@link #currentOwner()}. */
  static String hostName() {
    return HOST;
  }

  private static String ownerId() {
    ProcessHandle self = ProcessHandle.current();
    long start = self.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    return self.pid() + "@" + HOST + "@" + start;
  }
}
