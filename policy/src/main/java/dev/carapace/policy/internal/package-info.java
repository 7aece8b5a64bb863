/**
 * Not API: host paths read the way the engine resolves them, and the module's Immutables style.
 * They may change in any release.
 *
 * <p>Nothing here uses a type of {@code dev.carapace.policy}: that package depends on this one,
 * never the reverse, so the two form no cycle. Code that needs the public types (the built-in
 * rules, the spec and inspect readers, the report renderer) lives in {@code dev.carapace.policy}
 * as package-private classes. {@code InternalPackageTest} fails if a reference comes back.
 */
package dev.carapace.policy.internal;
