/**
 * Registry credentials as {@code docker login} stores them and as the engine takes them
 * ({@code X-Registry-Auth}), and the grammar of image references. Part of the values layer (the public
 * {@code RegistryCredentials} reads through it); the pull itself is the engine's ({@code internal.engine}).
 * Carapace's own, bounded client of the registry HTTP API ({@code RegistryClient}, the JDK's
 * {@code java.net.http}), the trust of the registry's CA as dockerd has it ({@code RegistryTls}), and
 * cosign's key-based signatures ({@code CosignSignatures}, {@code SigningKeys}) for image provenance.
 *
 * <p>Not API: it may change in any release.
 */
package dev.carapace.core.internal.registry;
