/**
 * Internals of core's public value types: the Immutables style of the spec, the accessor to an
 * {@code Endpoint}'s credential, the owner label's values as this host judges them. Part of the values
 * layer: it imports only core's public value types and {@code internal.io}.
 *
 * <p>Not API: it may change in any release.
 */
package dev.carapace.core.internal.values;
