package dev.carapace.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import dev.carapace.core.testing.TestPeers;
import dev.carapace.tls.DockerTlsMaterial;
import dev.carapace.tls.HeldCertificate;
import dev.carapace.tls.Pem;
import dev.carapace.tls.TlsMaterialException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Mutual TLS to the testbed's dockerd ({@code --tlsverify} on 127.0.0.1:2376): launches with material
 * made by the tls module and by openssl, and every way of getting it wrong refused before any
 * container exists. The testbed folder is {@code -Dcarapace.testbed.dir} (default
 * /var/lib/carapace-testbed), filled by {@code testbed/peers.sh}.
 */
class TlsEndpointIT {
  private static final String HOST = "127.0.0.1";
  private static DockerClient unixSocket;

  @BeforeAll
  static void connect() {
    unixSocket = TestPeers.unixSocket();
  }

  @AfterAll
  static void close() throws IOException {
    unixSocket.close();
  }

  private static void assertHardenedLaunch(Endpoint endpoint) {
    TestPeers.assertHardenedLaunch(endpoint, unixSocket);
  }

  private static <X extends Throwable> X refusedWithoutContainer(Class<X> type, Supplier<Endpoint> endpoint) {
    return TestPeers.refusedWithoutContainer(type, endpoint, unixSocket);
  }

  @Test
  void launchesHardenedContainerWithTlsModuleMaterial() {
    assertHardenedLaunch(Endpoint.tls(HOST, TestPeers.DOCKERD_TLS, DockerTlsMaterial.readClient(TestPeers.pki())));
  }

  @Test
  void launchesHardenedContainerAsLocalhostWithTlsModuleMaterial() {
    assertHardenedLaunch(Endpoint.tls("localhost", TestPeers.DOCKERD_TLS,
        DockerTlsMaterial.readClient(TestPeers.pki())));
  }

  @ParameterizedTest
  @ValueSource(strings = {"rsa-pkcs1", "ec-sec1", "pkcs8"})
  void launchesHardenedContainerWithOpensslMaterial(String kind) {
    Path dir = TestPeers.opensslClient(kind);
    assertHardenedLaunch(Endpoint.tls(HOST, TestPeers.DOCKERD_TLS, DockerTlsMaterial.readClient(dir)));
  }

  @Test
  void launchesHardenedContainerWithOpensslEncryptedPkcs8Key() {
    Path dir = TestPeers.opensslClient("pkcs8-encrypted");
    assertTrue(firstLine(dir.resolve("key.pem")).contains("ENCRYPTED PRIVATE KEY"));
    assertHardenedLaunch(Endpoint.tls(HOST, TestPeers.DOCKERD_TLS,
        DockerTlsMaterial.readClient(dir, TestPeers.passphrase())));
  }

  @Test
  void opensslKeysAreInTheirNativeEncodings() {
    assertEquals("-----BEGIN RSA PRIVATE KEY-----", firstLine(TestPeers.opensslClient("rsa-pkcs1").resolve("key.pem")));
    assertEquals("-----BEGIN EC PARAMETERS-----", firstLine(TestPeers.opensslClient("ec-sec1").resolve("key.pem")));
    assertEquals("-----BEGIN PRIVATE KEY-----", firstLine(TestPeers.opensslClient("pkcs8").resolve("key.pem")));
  }

  private static String firstLine(Path file) {
    try {
      return Files.readAllLines(file).get(0);
    } catch (IOException e) {
      throw new AssertionError("unreadable " + file, e);
    }
  }

  // ---- refusals ------------------------------------------------------------------------------

  @RepeatedTest(5)
  void plainHttpToTheTlsPortIsRefusedInTheEnginesOwnWords() {
    LaunchException e = refusedWithoutContainer(LaunchException.class,
        () -> Endpoint.plainTcp(HOST, TestPeers.DOCKERD_TLS));
    assertEquals(LaunchException.Step.CREATE, e.step());
    // dockerd answers "HTTP/1.0 400" and closes at once; a client reset while still sending the
    // create body asks again with a bodiless GET /_ping, and reads that answer: the same message
    assertEquals("create of carapace-test/busybox:1 failed: engine tcp://127.0.0.1:2376 speaks TLS"
        + " (use Endpoint.tls): daemon said: Client sent an HTTP request to an HTTPS server.", e.getMessage());
    assertEquals("Client sent an HTTP request to an HTTPS server.", e.daemonMessage().orElseThrow());
  }

  @Test
  void aClosedPortIsRefusedNotDropped() throws IOException {
    int closed = TestPeers.closedPort();
    DockerTlsMaterial material = DockerTlsMaterial.readClient(TestPeers.pki());
    LaunchException e = refusedWithoutContainer(LaunchException.class, () -> Endpoint.tls(HOST, closed, material));
    assertEquals(LaunchException.Step.CREATE, e.step());
    // before: "TLS connection to ... was dropped by the peer (client certificate refused?)"
    assertEquals("create of carapace-test/busybox:1 failed: engine tcp://127.0.0.1:" + closed + " (tls) refused"
        + " the connection (is it listening there?): HttpHostConnectException: Connect to https://127.0.0.1:"
        + closed + " failed: Connection refused", e.getMessage());
    e = refusedWithoutContainer(LaunchException.class, () -> Endpoint.plainTcp(HOST, closed));
    assertEquals("create of carapace-test/busybox:1 failed: engine tcp://127.0.0.1:" + closed + " refused"
        + " the connection (is it listening there?): HttpHostConnectException: Connect to http://127.0.0.1:"
        + closed + " failed: Connection refused", e.getMessage());
  }

  /**
   * Endpoint has no factory for TLS without a client certificate (it takes DockerTlsMaterial, which
   * always has one), so this handshake is raw JDK: trusting the CA, presenting nothing.
   */
  @Test
  void daemonRefusesTlsClientWithoutCertificate() throws Exception {
    SSLContext trustOnly = TestPeers.rawSslContext(Pem.readCertificates(TestPeers.pki().resolve("ca.pem")), null, null);
    assertDaemonRefusesHandshake(trustOnly, "tls: client didn't provide a certificate");
  }

  @Test
  void rawPingWithTheSameContextAndACertificateSucceeds() throws Exception {
    // the control for the raw refusals: the same code with a client certificate gets an answer
    SSLContext withCert = TestPeers.rawSslContext(Pem.readCertificates(TestPeers.pki().resolve("ca.pem")),
        Pem.readPrivateKey(TestPeers.pki().resolve("key.pem")), Pem.readCertificates(TestPeers.pki().resolve("cert.pem")));
    assertTrue(ping(withCert, TestPeers.DOCKERD_TLS).startsWith("HTTP/1.1 200 OK"));
  }

  @RepeatedTest(5)
  void refusesClientCertificateFromAnotherCa() {
    // untrusted/client: a certificate from a CA dockerd does not trust; ca.pem holds both CAs, so
    // Carapace's own checks pass and the daemon is the one refusing
    DockerTlsMaterial material = DockerTlsMaterial.readClient(TestPeers.untrustedClient());
    long mark = TestPeers.dockerdLogMark();
    LaunchException e = refusedWithoutContainer(LaunchException.class,
        () -> Endpoint.tls(HOST, TestPeers.DOCKERD_TLS, material));
    assertEquals(LaunchException.Step.CREATE, e.step());
    assertRefusedHandshakeMessage(e.getMessage(), "tcp://127.0.0.1:2376 (tls)");
    // the JDK's key manager withholds a certificate whose issuer is not among the CAs dockerd's
    // CertificateRequest names, so the daemon sees none (the raw test below sends it anyway)
    TestPeers.awaitDockerdLog(mark, "tls: client didn't provide a certificate");
  }

  @Test
  void daemonRefusesClientCertificateFromAnotherCa() throws Exception {
    Path dir = TestPeers.untrustedClient();
    SSLContext context = TestPeers.rawSslContext(Pem.readCertificates(TestPeers.pki().resolve("ca.pem")),
        Pem.readPrivateKey(dir.resolve("key.pem")), Pem.readCertificates(dir.resolve("cert.pem")));
    assertDaemonRefusesHandshake(context,
        "tls: failed to verify client certificate: x509: certificate signed by unknown authority");
  }

  /**
   * What Carapace says when the daemon refuses the client certificate: the TLS alert, whether it
   * arrived before the client's own write failed or (a race, about one run in two here) the create
   * was cut by a broken pipe or a reset and a bodiless {@code GET /_ping} read the alert.
   */
  private static void assertRefusedHandshakeMessage(String message, String endpoint) {
    assertEquals("create of carapace-test/busybox:1 failed: TLS handshake with " + endpoint
        + " failed: SSLHandshakeException: Received fatal alert: bad_certificate", message);
  }

  @Test
  void refusesExpiredClientCertificateBeforeDialling(@TempDir Path dir) throws Exception {
    HeldCertificate expired = expiredClient();
    Files.copy(TestPeers.pki().resolve("ca.pem"), dir.resolve("ca.pem"));
    expired.writeCertificate(dir.resolve("cert.pem"));
    expired.writePrivateKey(dir.resolve("key.pem"));
    int before = TestPeers.ownContainers(unixSocket);
    TlsMaterialException e = assertThrows(TlsMaterialException.class, () -> DockerTlsMaterial.readClient(dir));
    assertTrue(e.getMessage().contains(dir.resolve("cert.pem").toString()), e.getMessage());
    assertTrue(e.getMessage().contains("expired"), e.getMessage());
    assertTrue(e.getMessage().contains(expired.certificate().getNotAfter().toInstant().toString()), e.getMessage());
    assertEquals(before, TestPeers.ownContainers(unixSocket));
  }

  @Test
  void daemonRefusesExpiredClientCertificate() throws Exception {
    // Carapace never sends it (above); this shows dockerd would refuse it too
    HeldCertificate expired = expiredClient();
    SSLContext context = TestPeers.rawSslContext(Pem.readCertificates(TestPeers.pki().resolve("ca.pem")),
        expired.keyPair().getPrivate(), List.of(expired.certificate()));
    assertDaemonRefusesHandshake(context, "tls: failed to verify client certificate: x509: certificate has expired"
        + " or is not yet valid");
  }

  private static HeldCertificate expiredClient() {
    X509Certificate caCert = Pem.readCertificate(TestPeers.pki().resolve("ca.pem"));
    PrivateKey caKey = Pem.readPrivateKey(TestPeers.pki().resolve("ca-key.pem"));
    Instant now = Instant.now();
    return HeldCertificate.builder().commonName("expired-client").clientAuth()
        .validity(now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1)))
        .signedBy(HeldCertificate.of(caCert, caKey)).build();
  }

  @Test
  void refusesServerCertificateNamingAnotherHost() {
    DockerTlsMaterial material = DockerTlsMaterial.readClient(TestPeers.pki());
    LaunchException e = refusedWithoutContainer(LaunchException.class,
        () -> Endpoint.tls(HOST, TestPeers.NGINX_WRONG_NAME, material).basicAuth(TestPeers.USER, TestPeers.password()));
    assertEquals("create of carapace-test/busybox:1 failed: TLS handshake with tcp://127.0.0.1:2382 "
        + "(tls, basic auth as carapace) failed: CertificateException: server certificate does not match "
        + "host 127.0.0.1: SANs [DNS:wrong.example]", e.getMessage());
  }

  @Test
  void wrongNamePeerDiffersOnlyInTheName() throws Exception {
    // the same material expecting wrong.example gets through to the engine: chain and client
    // certificate are fine, only the name differs
    SSLContext context = DockerTlsMaterial.readClient(TestPeers.pki()).sslContext("wrong.example");
    String answer = ping(context, TestPeers.NGINX_WRONG_NAME,
        "Authorization: Basic " + java.util.Base64.getEncoder().encodeToString(
            (TestPeers.USER + ":" + new String(TestPeers.password())).getBytes(StandardCharsets.UTF_8)) + "\r\n");
    assertTrue(answer.startsWith("HTTP/1.1 200 OK"), answer);
  }

  @Test
  void refusesFolderWithoutKeyFile(@TempDir Path dir) throws IOException {
    Files.copy(TestPeers.pki().resolve("ca.pem"), dir.resolve("ca.pem"));
    Files.copy(TestPeers.pki().resolve("cert.pem"), dir.resolve("cert.pem"));
    int before = TestPeers.ownContainers(unixSocket);
    TlsMaterialException e = assertThrows(TlsMaterialException.class,
        () -> Endpoint.tls(HOST, TestPeers.DOCKERD_TLS, DockerTlsMaterial.readClient(dir)));
    assertTrue(e.getMessage().contains(dir.resolve("key.pem").toString()), e.getMessage());
    assertEquals(before, TestPeers.ownContainers(unixSocket));
  }

  @Test
  void refusesEncryptedKeyWithoutPassphrase() {
    Path dir = TestPeers.opensslClient("pkcs8-encrypted");
    TlsMaterialException e = assertThrows(TlsMaterialException.class, () -> DockerTlsMaterial.readClient(dir));
    assertTrue(e.getMessage().contains(dir.resolve("key.pem").toString()), e.getMessage());
  }

  // ---- what the tls module refuses at load, dockerd refuses in the handshake -------------------

  /**
   * A folder in the DOCKER_CERT_PATH layout trusting the testbed CA (pathlen 0), whose client
   * certificate is issued by an intermediate the testbed CA issued.
   */
  private static Path clientUnderIntermediate(Path dir) throws IOException {
    X509Certificate caCert = Pem.readCertificate(TestPeers.pki().resolve("ca.pem"));
    PrivateKey caKey = Pem.readPrivateKey(TestPeers.pki().resolve("ca-key.pem"));
    HeldCertificate intermediate = HeldCertificate.builder().commonName("intermediate-ca")
        .certificateAuthority(0).signedBy(HeldCertificate.of(caCert, caKey)).build();
    HeldCertificate client = HeldCertificate.builder().commonName("client-under-intermediate")
        .clientAuth().signedBy(intermediate).build();
    Files.copy(TestPeers.pki().resolve("ca.pem"), dir.resolve("ca.pem"));
    Pem.writeCertificates(dir.resolve("cert.pem"), List.of(client.certificate(), intermediate.certificate()));
    client.writePrivateKey(dir.resolve("key.pem"));
    return dir;
  }

  @Test
  void refusesAnIntermediateUnderThePathLenZeroCaBeforeDialling(@TempDir Path dir) throws Exception {
    clientUnderIntermediate(dir);
    TlsMaterialException e = assertThrows(TlsMaterialException.class, () -> DockerTlsMaterial.readClient(dir));
    assertEquals("ca path length must allow the intermediates below it: pathlen 0 (certificate "
        + dir.resolve("ca.pem") + ", subject CN=docker-ca; below it in " + dir.resolve("cert.pem")
        + ": 1 intermediate [CN=intermediate-ca]; Go crypto/x509 (dockerd, the docker CLI) refuses the chain:"
        + " too many intermediates for path length constraint; reissue CN=docker-ca with pathlen 1 or more,"
        + " or have it sign the leaf directly)", e.getMessage());
  }

  @Test
  void daemonRefusesAnIntermediateUnderThePathLenZeroCa(@TempDir Path dir) throws Exception {
    clientUnderIntermediate(dir);
    SSLContext context = TestPeers.rawSslContext(Pem.readCertificates(dir.resolve("ca.pem")),
        Pem.readPrivateKey(dir.resolve("key.pem")), Pem.readCertificates(dir.resolve("cert.pem")));
    assertDaemonRefusesHandshake(context,
        "tls: failed to verify client certificate: x509: too many intermediates for path length constraint");
  }

  /** Has openssl make key.pem with {@code genkey} and the testbed CA certify it, optionally with SHA-1. */
  private static Path opensslClient(Path dir, String name, String digest, String... genkey) throws Exception {
    openssl(dir, genkey);
    Files.writeString(dir.resolve("client.cnf"), "extendedKeyUsage = clientAuth\nbasicConstraints = critical, CA:FALSE\n");
    openssl(dir, "req", "-new", "-key", "key.pem", "-subj", "/CN=" + name, "-out", "client.csr");
    openssl(dir, "x509", "-req", "-" + digest, "-in", "client.csr", "-CA", TestPeers.pki().resolve("ca.pem").toString(),
        "-CAkey", TestPeers.pki().resolve("ca-key.pem").toString(), "-set_serial", "4711", "-days", "1",
        "-extfile", "client.cnf", "-out", "cert.pem");
    Files.copy(TestPeers.pki().resolve("ca.pem"), dir.resolve("ca.pem"));
    return dir;
  }

  private static void openssl(Path dir, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/openssl"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
    assertEquals(0, process.exitValue(), () -> "openssl " + String.join(" ", args) + ":\n" + output);
  }

  @Test
  void refusesAnRsaPssKeyBeforeDiallingAndDockerdCannotUseIt(@TempDir Path dir) throws Exception {
    opensslClient(dir, "rsa-pss-client", "sha256", "genpkey", "-algorithm", "RSA-PSS", "-pkeyopt",
        "rsa_keygen_bits:2048", "-out", "key.pem");
    TlsMaterialException e = assertThrows(TlsMaterialException.class, () -> DockerTlsMaterial.readClient(dir));
    assertEquals("certificate key type must be RSA, EC P-256, P-384 or P-521, or Ed25519: RSASSA-PSS 2048"
        + " (certificate " + dir.resolve("cert.pem") + ", subject CN=rsa-pss-client; Java "
        + Runtime.version().feature() + " can use RSA-PSS keys in TLS, but dockerd and the docker CLI (Go"
        + " crypto/tls) cannot: they offer no rsa_pss_pss signature scheme, so the certificate is never sent;"
        + " make an EC P-256 key (openssl ecparam -name prime256v1 -genkey -noout) or an RSA key (openssl"
        + " genpkey -algorithm RSA) and have it certified)", e.getMessage());
    // the key and certificate do match and Java would send them: dockerd never gets a certificate
    SSLContext context = TestPeers.rawSslContext(Pem.readCertificates(dir.resolve("ca.pem")),
        Pem.readPrivateKey(dir.resolve("key.pem")), Pem.readCertificates(dir.resolve("cert.pem")));
    assertDaemonRefusesHandshake(context, "tls: client didn't provide a certificate");
  }

  @Test
  void refusesASha1SignedCertificateBeforeDiallingAndDockerdRefusesItToo(@TempDir Path dir) throws Exception {
    opensslClient(dir, "sha1-client", "sha1", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "key.pem");
    TlsMaterialException e = assertThrows(TlsMaterialException.class, () -> DockerTlsMaterial.readClient(dir));
    assertEquals("certificate signature algorithm must not be SHA-1 or MD5: SHA1withECDSA (certificate "
        + dir.resolve("cert.pem") + ", subject CN=sha1-client, signed by CN=docker-ca; Go crypto/x509 (dockerd,"
        + " the docker CLI) refuses it; reissue it signed with SHA-256)", e.getMessage());
    SSLContext context = TestPeers.rawSslContext(Pem.readCertificates(dir.resolve("ca.pem")),
        Pem.readPrivateKey(dir.resolve("key.pem")), Pem.readCertificates(dir.resolve("cert.pem")));
    assertDaemonRefusesHandshake(context, "tls: failed to verify client certificate: x509: certificate signed by"
        + " unknown authority (possibly because of \"x509: cannot verify signature: insecure algorithm ECDSA-SHA1");
  }

  /**
   * Handshakes with dockerd and sends a ping, expecting a failure, and finds dockerd's reason for
   * exactly this connection (by its client port) in the daemon's log. What the client sees depends
   * on timing: the alert ({@code bad_certificate}, {@code certificate_required}) or, when dockerd
   * closes while the client still writes, a broken pipe or a reset.
   */
  private static void assertDaemonRefusesHandshake(SSLContext context, String reason) throws IOException {
    long mark = TestPeers.dockerdLogMark();
    int localPort;
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(HOST, TestPeers.DOCKERD_TLS)) {
      localPort = socket.getLocalPort();
      socket.setSoTimeout(5000);
      IOException e = assertThrows(IOException.class, () -> {
        socket.startHandshake();
        socket.getOutputStream().write("GET /_ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        if (socket.getInputStream().read() == -1) {
          throw new SSLException("connection closed without an answer");
        }
      });
      assertTrue(e instanceof SSLException || e instanceof java.net.SocketException, e.toString());
    }
    TestPeers.awaitDockerdLog(mark, "TLS handshake error from 127.0.0.1:" + localPort + ": " + reason);
  }

  /** GET /_ping over a raw TLS socket to 127.0.0.1:{@code port}; returns the status line and headers. */
  private static String ping(SSLContext context, int port) throws IOException {
    return ping(context, port, "");
  }

  private static String ping(SSLContext context, int port, String extraHeaders) throws IOException {
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(HOST, port)) {
      socket.setSoTimeout(5000);
      socket.startHandshake();
      OutputStream out = socket.getOutputStream();
      out.write(("GET /_ping HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extraHeaders + "Connection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      if (answer.isEmpty()) {
        throw new SSLException("connection closed without an answer");
      }
      return answer;
    }
  }
}
