/**
 * Docker PKI: generate, write, read and check the PEM files of a TLS-protected Docker Engine, and
 * turn them into an {@link javax.net.ssl.SSLContext}.
 *
 * <ul>
 *   <li>{@link dev.carapace.tls.HeldCertificate}: an okhttp-tls style certificate builder.
 *   <li>{@link dev.carapace.tls.DockerPki}: the whole CA + server + client file set of Docker's TLS
 *       guide in one call, with the matching {@code dockerd} flags and {@code daemon.json}.
 *   <li>{@link dev.carapace.tls.Pem}: PEM certificates and keys in every common openssl format.
 *   <li>{@link dev.carapace.tls.DockerTlsMaterial}: the {@code DOCKER_CERT_PATH} layout, loaded
 *       fail-closed and checked before any connection, as an {@code SSLContext} that verifies the
 *       daemon's hostname itself.
 * </ul>
 *
 * <p>Only this package is API. {@code dev.carapace.tls.internal} is not, and its types never
 * appear in a signature here; neither do BouncyCastle's. No JCA provider is ever registered. Failures
 * are {@link dev.carapace.tls.TlsMaterialException}, a {@link dev.carapace.CarapaceException}.
 *
 * <pre>{@code
 * DockerPkiFiles files = DockerPki.builder().build().writeTo(Path.of("/etc/docker/tls"));
 * SSLContext ssl = DockerTlsMaterial.readClient(files.directory()).sslContext("127.0.0.1");
 * }</pre>
 */
package dev.carapace.tls;
