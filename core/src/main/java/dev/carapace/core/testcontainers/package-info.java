/**
 * Testcontainers integration: {@link dev.carapace.core.testcontainers.CarapaceHardening} hardens one
 * {@code GenericContainer} with a {@link dev.carapace.core.SecureContainerSpec}'s hardening and judges it
 * with launch checks before create; {@link dev.carapace.core.testcontainers.SuiteHardening} does it for
 * every container of a test suite, on explicit opt-in.
 *
 * <p>Testcontainers ({@code org.testcontainers:testcontainers} 2.0) is an optional dependency of
 * carapace-core: bring it yourself, usually in test scope. Without it, this package is unusable and the
 * rest of Carapace works as before.
 */
package dev.carapace.core.testcontainers;
