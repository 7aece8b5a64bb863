package dev.carapace.cluster;

import dev.carapace.core.SpecAttribute;
import java.util.Objects;

/**
 * One field of a {@code SecureContainerSpec} that a target cannot carry: the spec attribute, the
 * target that lacks it, and why.
 *
 * <p>A target refuses a spec with such a field before any call ({@link UncarriableSpecException}),
 * unless the caller accepted that loss by name; an accepted loss is logged as a warning and reported by
 * the policy module.
 */
public final class Loss {
  private final SpecAttribute attribute;
  private final String target;
  private final String reason;

  Loss(SpecAttribute attribute, String target, String reason) {
    Objects.requireNonNull(attribute, "attribute");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(reason, "reason");
    this.attribute = attribute;
    this.target = target;
    this.reason = reason;
  }

  /** The spec attribute, for example {@link SpecAttribute#CPUSET_CPUS}. */
  public SpecAttribute attribute() {
    return attribute;
  }

  /** The target and its version, for example {@code swarm on API 1.41 (engine 20.10.24)}. */
  public String target() {
    return target;
  }

  /** Why the target cannot carry it, for example {@code swarm services have no cpuset}. */
  public String reason() {
    return reason;
  }

  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (!(o instanceof Loss)) {
      return false;
    }
    Loss that = (Loss) o;
    return Objects.equals(attribute, that.attribute)
        && Objects.equals(target, that.target) && Objects.equals(reason, that.reason);
  }

  @Override
  public int hashCode() {
    return Objects.hash(attribute, target, reason);
  }

  @Override
  public String toString() {
    return attribute.builderName() + ": " + reason;
  }
}
