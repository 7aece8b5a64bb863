package dev.carapace.policy;

import dev.carapace.core.Mount;
import java.util.Objects;

/**
 * One mount as a rule sees it. The type stays the engine's word ({@code bind}, {@code volume},
 * {@code tmpfs}, {@code npipe}, {@code cluster}, {@code image}...): the engine's list grows with its API
 * version, and a rule must still judge a type Carapace does not model, by name.
 *
 * @param type {@code bind}, {@code volume}, {@code tmpfs} (or {@code npipe}, {@code cluster})
 * @param source the host path for a bind mount as written (rules canonicalise it), the volume's
 *     name, or empty
 * @param target the path in the container
 * @param readOnly whether the container may only read it
 * @param propagation bind propagation ({@code rprivate}, {@code shared}, {@code rshared}...), or empty
 */
public record MountView(String type, String source, String target, boolean readOnly, String propagation) {
  public MountView {
    Objects.requireNonNull(type, "mount type");
    Objects.requireNonNull(source, "mount source");
    Objects.requireNonNull(target, "mount target");
    Objects.requireNonNull(propagation, "mount propagation");
  }

  /** The mount a spec asks for, as the engine will record it. */
  public static MountView of(Mount mount) {
    Objects.requireNonNull(mount, "mount must not be null");
    return new MountView(mount.type().dockerName(), mount.source(), mount.target().toString(), mount.readOnly(), "");
  }

  /** A writable bind mount of host path {@code source} at {@code target}. */
  public static MountView bind(String source, String target) {
    return new MountView("bind", source, target, false, "");
  }

  /** This mount, read-only. */
  public MountView asReadOnly() {
    return new MountView(type, source, target, true, propagation);
  }

  /** The {@code -v} form. */
  @Override
  public String toString() {
    return type.equals("tmpfs") ? "--tmpfs " + target : source + ":" + target + (readOnly ? ":ro" : "");
  }
}
