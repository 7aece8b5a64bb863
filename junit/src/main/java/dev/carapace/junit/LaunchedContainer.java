package dev.carapace.junit;

import dev.carapace.core.RunningContainer;
import dev.carapace.core.SecureContainerSpec;
import java.util.Objects;

/**
 * A container that {@link CarapaceExtension} launches from a {@link Launch} field: the spec it is made of,
 * and, while a test runs, its {@link RunningContainer}.
 *
 * <pre>{@code
 * @Launch
 * final LaunchedContainer app = LaunchedContainer.of(spec);   // a new container for each test
 * }</pre>
 */
public final class LaunchedContainer {
  private final SecureContainerSpec spec;
  private volatile RunningContainer running;

  private LaunchedContainer(SecureContainerSpec spec) {
    this.spec = spec;
  }

  /** A handle for {@code spec}, not launched yet: the extension launches it. */
  public static LaunchedContainer of(SecureContainerSpec spec) {
    return new LaunchedContainer(Objects.requireNonNull(spec, "spec must not be null"));
  }

  /** The spec the container is launched from. */
  public SecureContainerSpec spec() {
    return spec;
  }

  /**
   * The running container.
   *
   * @throws IllegalStateException before the extension launched it or after it removed it (a static
   *     field's container outside its class, an instance field's outside its test)
   */
  public RunningContainer running() {
    RunningContainer r = running;
    if (r == null) {
      throw new IllegalStateException("container of " + spec.image() + " must be launched: not running"
          + " (annotate the field with @Launch and the class with @CarapaceContainers)");
    }
    return r;
  }

  /** Whether the extension has launched it and not removed it yet. */
  public boolean isRunning() {
    return running != null;
  }

  void started(RunningContainer value) {
    this.running = value;
  }

  /** Removes the container, if running; the handle can be launched again. */
  void remove() {
    RunningContainer r = running;
    running = null;
    if (r != null) {
      r.close();
    }
  }

  /** {@code LaunchedContainer[image=..., id=...]}, the id only while running. */
  @Override
  public String toString() {
    RunningContainer r = running;
    return "LaunchedContainer[image=" + spec.image() + (r == null ? ", not running" : ", id=" + r.id()) + "]";
  }
}
