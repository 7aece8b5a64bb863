/**
 * Bytes and text from outside, bounded: a whole file a caller named ({@code BoundedFiles}), the tar
 * streams of {@code copyInto} and {@code copyFrom} ({@code SafeTar}), values shown safely in messages
 * ({@code Strings}). Part of the values layer, at its bottom: it imports nothing else of core.
 *
 * <p>Not API: it may change in any release.
 */
package dev.carapace.core.internal.io;
