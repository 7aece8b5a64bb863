/**
 * Registry credentials as {@code docker login} stores them and as the engine takes them
 * ({@code X-Registry-Auth}), and the grammar of image references. Part of the values layer (the public
 * {@code RegistryCredentials} reads through it); the pull itself is the engine's ({@code internal.engine}).
 *
 * <p>Not API: it may change in any release.
 */
package dev.carapace.core.internal.registry;
