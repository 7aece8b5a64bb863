/**
 * Implementation details of {@code dev.carapace.tls}: BouncyCastle glue, bounded reading of
 * regular files, PEM decoding as openssl does it, which key types both ends of a Docker TLS
 * connection can use, hostname matching and the protocol-restricting
 * {@link javax.net.ssl.SSLContext} wrapper.
 *
 * <p><b>Not an API.</b> Nothing in this package is covered by compatibility promises, and no type
 * from it appears in a public signature of {@code dev.carapace.tls}. The module's
 * {@code Automatic-Module-Name} is {@code dev.carapace.tls}; callers must only import the root
 * package. Classes here never refer back to the root package, so there is no package cycle: they
 * report failures with JDK exceptions or {@link dev.carapace.tls.internal.KeyDecodingException},
 * and the root package turns those into messages that name the file.
 */
package dev.carapace.tls.internal;
