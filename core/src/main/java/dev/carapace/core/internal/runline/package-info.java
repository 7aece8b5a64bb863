/**
 * The {@code docker run} command line: the flag table, its parser and renderer, shell words. The
 * fields layer, as a target of {@code internal.fields}: it may use that package, never the reverse.
 *
 * <p>Not API: it may change in any release.
 */
package dev.carapace.core.internal.runline;
