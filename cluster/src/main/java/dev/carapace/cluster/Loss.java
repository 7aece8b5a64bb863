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
 *
 * @param attribute the spec attribute, for example {@link SpecAttribute#CPUSET_CPUS}
 * @param target the target and its version, for example {@code swarm on API 1.41 (engine 20.10.24)}
 * @param reason why the target cannot carry it, for example {@code swarm services have no cpuset}
 */
public record Loss(SpecAttribute attribute, String target, String reason) {
  public Loss {
    Objects.requireNonNull(attribute, "attribute");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(reason, "reason");
  }

  @Override
  public String toString() {
    return attribute.builderName() + ": " + reason;
  }
}
