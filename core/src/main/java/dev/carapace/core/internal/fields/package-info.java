/**
 * The spec's fields on the Engine API: the translator from a spec to a create request, the
 * verifier's rows (the daemon's record against the request) and the reader of a create request back
 * into a spec. The fields layer: it imports the values layer only.
 *
 * <p>Not API: it may change in any release.
 */
package dev.carapace.core.internal.fields;
