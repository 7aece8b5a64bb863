package dev.carapace.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real TLS handshakes on 127.0.0.1 between SSLContexts built by this module. */
class TlsHandshakeTest {
  @TempDir Path temp;
  private HeldCertificate ca;
  private DockerTlsMaterial serverMaterial;

  @BeforeEach
  void setUp() throws IOException {
    ca = Fixtures.ca("docker-ca");
    serverMaterial = DockerTlsMaterial.readServer(Fixtures.serverDirectory(
        Files.createDirectory(temp.resolve("server")), ca,
        Fixtures.server(ca, "localhost", "127.0.0.1")));
  }

  private DockerTlsMaterial client(HeldCertificate clientCa, HeldCertificate client)
      throws IOException {
    return DockerTlsMaterial.readClient(
        Fixtures.clientDirectory(Files.createDirectory(temp.resolve("client")), clientCa, client));
  }

  /** Server material from the same CA whose certificate names only other.example. */
  private DockerTlsMaterial otherServer() throws IOException {
    return DockerTlsMaterial.readServer(Fixtures.serverDirectory(
        Files.createDirectory(temp.resolve("other-server")), ca,
        Fixtures.server(ca, "other.example")));
  }

  @Test
  void mutualTlsExchangesALineOverTls13() throws Exception {
    DockerTlsMaterial client = client(ca, Fixtures.client(ca));
    try (TlsTestServer server = new TlsTestServer(serverMaterial.serverSslContext())) {
      assertEquals("echo ping", server.exchange(client.sslContext("127.0.0.1"), "ping"));
      assertEquals("TLSv1.3", server.result().get());
    }
  }

  @Test
  void mutualTlsWorksOverTls12AndWithDnsHostname() throws Exception {
    DockerTlsMaterial client = client(ca, Fixtures.client(ca));
    try (TlsTestServer server =
        new TlsTestServer(serverMaterial.serverSslContext(), "TLSv1.2")) {
      // dials 127.0.0.1 but expects the certificate to name localhost: a DNS SAN match
      assertEquals("echo ping", server.exchange(client.sslContext("LOCALHOST"), "ping"));
      assertEquals("TLSv1.2", server.result().get());
    }
  }

  @Test
  void serverRejectsClientWithoutCertificate() throws Exception {
    SSLContext noCertificate = SSLContext.getInstance("TLS");
    noCertificate.init(null, trusting(ca).getTrustManagers(), null);
    try (TlsTestServer server = new TlsTestServer(serverMaterial.serverSslContext())) {
      assertThrows(IOException.class, () -> server.exchange(noCertificate, "ping"));
      Throwable failure = server.serverFailure();
      assertEquals(SSLHandshakeException.class, failure.getClass());
      assertEquals("Empty client certificate chain", failure.getMessage());
    }
  }

  @Test
  void trustOnlyMaterialPresentsNoCertificateButStillChecksTheServer() throws Exception {
    Path caFile = temp.resolve("ca.pem");
    Pem.writeCertificate(caFile, ca.certificate());
    DockerTlsMaterial trustOnly = DockerTlsMaterial.readTrustOnly(caFile);
    assertEquals(false, trustOnly.hasCertificate());
    assertEquals("DockerTlsMaterial{role=CLIENT, trustOnly=" + caFile + ", caCertificates=1}", trustOnly.toString());
    assertEquals("trust-only material has no certificate: " + caFile,
        assertThrows(IllegalStateException.class, trustOnly::certificate).getMessage());
    // a server that needs a client certificate refuses it
    try (TlsTestServer server = new TlsTestServer(serverMaterial.serverSslContext())) {
      assertThrows(IOException.class, () -> server.exchange(trustOnly.sslContext("127.0.0.1"), "ping"));
      assertEquals("Empty client certificate chain", server.serverFailure().getMessage());
    }
    // and the hostname is still verified
    try (TlsTestServer server = new TlsTestServer(otherServer().serverSslContext())) {
      IOException e = assertThrows(IOException.class,
          () -> server.exchange(trustOnly.sslContext("127.0.0.1"), "ping"));
      assertTrue(String.valueOf(rootCause(e).getMessage()).contains("server certificate does not match host 127.0.0.1"),
          String.valueOf(rootCause(e).getMessage()));
    }
  }

  @Test
  void clientDoesNotOfferACertificateFromAnotherCaAndTheServerRejectsIt() throws Exception {
    HeldCertificate otherCa = Fixtures.ca("other-ca");
    HeldCertificate foreign = Fixtures.client(otherCa);
    // the module itself refuses this material; build it unchecked to see what the server does
    DockerTlsMaterial client = DockerTlsMaterial.unchecked(DockerTlsMaterial.Role.CLIENT,
        List.of(ca.certificate()), List.of(foreign.certificate()), foreign.keyPair().getPrivate());
    try (TlsTestServer server = new TlsTestServer(serverMaterial.serverSslContext())) {
      assertThrows(IOException.class,
          () -> server.exchange(client.sslContext("127.0.0.1"), "ping"));
      // the server's CertificateRequest names CN=docker-ca, so the key manager finds no match
      assertEquals("Empty client certificate chain", server.serverFailure().getMessage());
    }
  }

  @Test
  void serverRejectsAPresentedClientCertificateFromAnotherCa() throws Exception {
    HeldCertificate otherCa = Fixtures.ca("other-ca");
    HeldCertificate foreign = Fixtures.client(otherCa);
    SSLContext forcing = SSLContext.getInstance("TLS");
    forcing.init(new KeyManager[] {new ForcedKeyManager(foreign)},
        trusting(ca).getTrustManagers(), null);
    try (TlsTestServer server = new TlsTestServer(serverMaterial.serverSslContext())) {
      assertThrows(IOException.class, () -> server.exchange(forcing, "ping"));
      Throwable failure = server.serverFailure();
      assertEquals(SSLHandshakeException.class, failure.getClass());
      assertEquals("PKIX path building failed: "
          + "sun.security.provider.certpath.SunCertPathBuilderException: "
          + "unable to find valid certification path to requested target",
          failure.getMessage());
    }
  }

  @Test
  void serverRejectsExpiredClientCertificate() throws Exception {
    HeldCertificate expired = HeldCertificate.builder().commonName("client").clientAuth()
        .validity(Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2020-01-31T00:00:00Z"))
        .signedBy(ca).build();
    DockerTlsMaterial client = DockerTlsMaterial.unchecked(DockerTlsMaterial.Role.CLIENT,
        List.of(ca.certificate()), List.of(expired.certificate()),
        expired.keyPair().getPrivate());
    try (TlsTestServer server = new TlsTestServer(serverMaterial.serverSslContext())) {
      assertThrows(IOException.class,
          () -> server.exchange(client.sslContext("127.0.0.1"), "ping"));
      Throwable failure = server.serverFailure();
      assertEquals(SSLHandshakeException.class, failure.getClass());
      assertEquals("PKIX path validation failed: "
          + "java.security.cert.CertPathValidatorException: validity check failed",
          failure.getMessage());
    }
  }

  @Test
  void clientRejectsServerCertificateForAnotherHost() throws Exception {
    DockerTlsMaterial otherServer = otherServer();
    DockerTlsMaterial client = client(ca, Fixtures.client(ca));
    try (TlsTestServer server = new TlsTestServer(otherServer.serverSslContext())) {
      SSLHandshakeException e = assertThrows(SSLHandshakeException.class,
          () -> server.exchange(client.sslContext("127.0.0.1"), "ping"));
      assertEquals("server certificate does not match host 127.0.0.1: SANs [DNS:other.example]",
          rootCause(e).getMessage());
      assertEquals(CertificateException.class, rootCause(e).getClass());
    }
  }

  @Test
  void insecureSkipHostnameVerificationAcceptsAnotherHostFromTheSameCa() throws Exception {
    DockerTlsMaterial otherServer = otherServer();
    DockerTlsMaterial client = client(ca, Fixtures.client(ca));
    SSLContext insecure = client.sslContextBuilder().insecureSkipHostnameVerification().build();
    try (TlsTestServer server = new TlsTestServer(otherServer.serverSslContext())) {
      assertEquals("echo ping", server.exchange(insecure, "ping"));
    }
  }

  @Test
  void clientTrustsOnlyTheGivenCaNotTheJdkTrustStore() throws Exception {
    HeldCertificate otherCa = Fixtures.ca("other-ca");
    DockerTlsMaterial client = client(otherCa, Fixtures.client(otherCa));
    try (TlsTestServer server = new TlsTestServer(serverMaterial.serverSslContext())) {
      SSLHandshakeException e = assertThrows(SSLHandshakeException.class,
          () -> server.exchange(client.sslContext("127.0.0.1"), "ping"));
      assertTrue(e.getMessage().startsWith("PKIX path building failed"), e.getMessage());
    }
  }

  @Test
  void socketsEnableOnlyTls13AndTls12AndServersNeedClientAuth() throws Exception {
    DockerTlsMaterial client = client(ca, Fixtures.client(ca));
    SSLContext clientContext = client.sslContext("127.0.0.1");
    String[] expected = {"TLSv1.3", "TLSv1.2"};
    assertArrayEquals(expected, clientContext.getDefaultSSLParameters().getProtocols());
    try (SSLSocket socket = (SSLSocket) clientContext.getSocketFactory().createSocket()) {
      assertArrayEquals(expected, socket.getEnabledProtocols());
    }
    assertArrayEquals(expected, clientContext.createSSLEngine("127.0.0.1", 2376)
        .getEnabledProtocols());
    try (SSLServerSocket socket = (SSLServerSocket) serverMaterial.serverSslContext()
        .getServerSocketFactory().createServerSocket(0)) {
      assertArrayEquals(expected, socket.getEnabledProtocols());
      assertTrue(socket.getNeedClientAuth());
    }
  }

  @Test
  void clientContextRequiresAnExpectedHostOrAnExplicitOptOut() throws Exception {
    DockerTlsMaterial client = client(ca, Fixtures.client(ca));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> client.sslContextBuilder().build());
    assertEquals("expectedHost must be set (or insecureSkipHostnameVerification() called) for"
        + " client material: " + temp.resolve("client/cert.pem"), e.getMessage());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> client.sslContext("127.0.0.1:2376"));
    assertEquals("expectedHost must be a DNS name or an IP address: \"127.0.0.1:2376\"",
        bad.getMessage());
    IllegalStateException server = assertThrows(IllegalStateException.class,
        () -> serverMaterial.sslContext("127.0.0.1"));
    assertEquals("expectedHost applies to client material only: server material from "
        + temp.resolve("server/server-cert.pem"), server.getMessage());
  }

  private static TrustManagerFactory trusting(HeldCertificate ca) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("ca", ca.certificate());
    TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
    factory.init(store);
    return factory;
  }

  /** Presents {@code held} whatever CAs the server asks for. */
  private static final class ForcedKeyManager extends X509ExtendedKeyManager {
    private final HeldCertificate held;

    ForcedKeyManager(HeldCertificate held) {
      this.held = held;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {"forced"};
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return "forced";
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return new X509Certificate[] {held.certificate()};
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return held.keyPair().getPrivate();
    }
  }

  private static Throwable rootCause(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

}
