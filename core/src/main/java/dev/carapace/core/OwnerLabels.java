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
 * <tr><td>{@value #CREATE}</td><td>a random id of the create request that made the container or
 *     network</td></tr>
 * <tr><td>{@value #HOST}</td><td>the host the creating JVM runs on (as in {@value #OWNER})</td></tr>
 * <tr><td>{@value #USER}</td><td>the OS user the creating JVM runs as ({@code user.name})</td></tr>
 * <tr><td>{@value #APPLICATION}</td><td>the creating application's name:
 *     {@link ContainerLauncher.Builder#applicationName(String)}, by default the main class</td></tr>
 * <tr><td>{@value #AT_EXIT}</td><td>{@code remove}, or {@code keep} when the creating launcher or
 *     deployer was built with {@code keepOnExit()}</td></tr>
 * </table>
 *
 * <p><b>Whose leftovers.</b> Host, user and application name are the owner's identity.
 * {@link ContainerLauncher#cleanupLeftovers()} removes what dead processes of the same identity left,
 * and only that: the leftovers of another application, or of the same one run by another user, stay
 * for their own cleanup (whose logs and exit codes they may still want to read).
 * {@link ContainerLauncher#cleanupLeftoversOfAllApplications()} removes what every dead process of this
 * host left. Containers made by Carapace 0.1 carry no {@value #HOST}, {@value #USER} or
 * {@value #APPLICATION}: whose they were cannot be told, so they are no application's and only
 * {@code cleanupLeftoversOfAllApplications()} (or {@code cleanupAll()}) removes them.
 *
 * <p>The keys and the value formats never change between releases (keys are added, never renamed):
 * a newer Carapace finds the containers an older one left behind. A spec cannot set a label under
 * {@code dev.carapace.}.
 */
public final class OwnerLabels {
  /** Set to {@code true} on every container Carapace creates. */
  public static final String MANAGED = "dev.carapace.managed";
  /** {@code <pid>@<host>@<process start millis>} of the creating JVM: see {@link #currentOwner()}. */
  public static final String OWNER = "dev.carapace.owner";
  /** The creating launcher's random id, {@link ContainerLauncher#id()}. */
  public static final String LAUNCHER = "dev.carapace.launcher";

  /**
   * A random id of the create request that made the container or network, one per request: how a
   * launcher tells the container or network of a create it gave up on (no answer within the response
   * timeout while the engine hung) from those of its creates still under way, and removes it once the
   * engine answers again. Since 0.2.
   */
  public static final String CREATE = "dev.carapace.create";

  /** The host the creating JVM runs on, the host part of {@value #OWNER}. Since 0.2. */
  public static final String HOST = "dev.carapace.host";
  /** The OS user the creating JVM runs as, its {@code user.name}. Since 0.2. */
  public static final String USER = "dev.carapace.user";
  /**
   * The name of the creating application, as its launcher's or deployer's builder set it
   * ({@code applicationName(String)}), by default its main class. Since 0.2.
   */
  public static final String APPLICATION = "dev.carapace.application";

  /**
   * What the creating owner does with the thing when its JVM ends without {@code close()}: {@code remove}
   * (the default), or {@code keep} when it was built with {@code keepOnExit()}. The start-up sweep of a
   * later launcher or deployer of the same identity removes only what a dead owner would have removed
   * itself ({@code remove}); {@link ContainerLauncher#cleanupLeftovers()} removes both. Since 0.2.
   */
  public static final String AT_EXIT = "dev.carapace.at-exit";

  private static final String HOST_NAME = LocalOwners.hostName();
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

  /** The host part of {@link #currentOwner()}. */
  static String hostName() {
    return HOST_NAME;
  }

  private static String ownerId() {
    ProcessHandle self = ProcessHandle.current();
    long start = self.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    return self.pid() + "@" + HOST_NAME + "@" + start;
  }
}
