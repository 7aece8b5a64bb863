/**
 * Testcontainers integration: {@link dev.carapace.testcontainers.CarapaceHardening} hardens one
 * {@code GenericContainer} with a {@link dev.carapace.core.SecureContainerSpec}'s hardening and judges it
 * with launch checks before create; {@link dev.carapace.testcontainers.SuiteHardening} does it for
 * every container of a test suite, on explicit opt-in.
 *
 * <p>This is the {@code carapace-testcontainers} artifact, which brings Testcontainers
 * ({@code org.testcontainers:testcontainers} 2.0) with it; add it in test scope. carapace-core does not
 * depend on Testcontainers.
 */
package dev.carapace.testcontainers;
