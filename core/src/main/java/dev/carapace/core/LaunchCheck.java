package dev.carapace.core;

/**
 * A judgement the launcher makes of every spec before any call reaches the daemon. The policy
 * module's enforcement plugs in here; a check refuses a spec by throwing.
 *
 * <pre>{@code
 * ContainerLauncher launcher = ContainerLauncher.builder()
 *     .addCheck(spec -> { if (spec.user().isEmpty()) throw new IllegalStateException("user unset"); })
 *     .build();
 * }</pre>
 */
@FunctionalInterface
public interface LaunchCheck {
  /**
   * Judges {@code spec}.
   *
   * @throws RuntimeException to refuse the launch; the launcher passes it on unchanged and
   *     creates nothing
   */
  void check(SecureContainerSpec spec);
}
