package dev.carapace.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import dev.carapace.core.testing.TestPeers;
import dev.carapace.tls.DockerTlsMaterial;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP basic auth to the seed's docker-authenticate proxy: the testbed's nginx on 127.0.0.1 with
 * {@code auth_basic} and an htpasswd file, {@code proxy_pass} to the engine's unix socket; plain HTTP
 * on 2380, and TLS with a required client certificate on 2381.
 */
class BasicAuthEndpointIT {
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

  @Test
  void launchesThroughTheSeedsBasicAuthProxy() {
    assertHardenedLaunch(Endpoint.plainTcp(HOST, TestPeers.NGINX_BASIC).basicAuth(TestPeers.USER, TestPeers.password()));
  }

  @Test
  void launchesThroughTheTlsTerminatingProxyWithClientCertificateAndBasicAuth() {
    assertHardenedLaunch(Endpoint.tls(HOST, TestPeers.NGINX_TLS, DockerTlsMaterial.readClient(TestPeers.pki()))
        .basicAuth(TestPeers.USER, TestPeers.password()));
  }

  @Test
  void launchesThroughAnHttpsProxyThatAsksNoClientCertificate() {
    // the usual HTTPS reverse proxy: the client checks the server, the proxy checks the password
    assertHardenedLaunch(Endpoint.tls(HOST, TestPeers.NGINX_TLS_NO_CLIENT_CERT,
        DockerTlsMaterial.readTrustOnly(TestPeers.pki().resolve("ca.pem")))
        .basicAuth(TestPeers.USER, TestPeers.password()));
  }

  @Test
  void dockerdRefusesATrustOnlyClient() {
    LaunchException e = TestPeers.refusedWithoutContainer(LaunchException.class,
        () -> Endpoint.tls(HOST, TestPeers.DOCKERD_TLS, DockerTlsMaterial.readTrustOnly(TestPeers.pki().resolve("ca.pem"))),
        unixSocket);
    String endpoint = "tcp://127.0.0.1:2376 (tls)";
    // a create cut by a broken pipe asks again with GET /_ping, which reads the alert: always the handshake
    assertEquals("create of carapace-test/busybox:1 failed: TLS handshake with " + endpoint
        + " failed: SSLHandshakeException: Received fatal alert: bad_certificate", e.getMessage());
  }

  @Test
  void refusesWrongPasswordWithoutShowingIt() {
    String wrong = "wrong-" + new String(TestPeers.password()).substring(0, 8) + "-pw";
    Endpoint endpoint = Endpoint.plainTcp(HOST, TestPeers.NGINX_BASIC).basicAuth(TestPeers.USER, wrong.toCharArray());
    EngineAuthenticationException e = refusedWithoutContainer(endpoint);
    assertEquals("create of carapace-test/busybox:1 failed: authentication failed at tcp://127.0.0.1:2380 "
        + "(basic auth as carapace): HTTP 401 (wrong or missing basic-auth credentials)", e.getMessage());
    assertNoSecret(e, wrong);
    assertNoSecret(e, new String(TestPeers.password()));
    assertFalse(endpoint.toString().contains(wrong), endpoint.toString());
  }

  @Test
  void refusesWrongPasswordOverTls() {
    String wrong = "not-the-password";
    Endpoint endpoint = Endpoint.tls(HOST, TestPeers.NGINX_TLS, DockerTlsMaterial.readClient(TestPeers.pki()))
        .basicAuth(TestPeers.USER, wrong.toCharArray());
    EngineAuthenticationException e = refusedWithoutContainer(endpoint);
    assertEquals("create of carapace-test/busybox:1 failed: authentication failed at tcp://127.0.0.1:2381 "
        + "(tls, basic auth as carapace): HTTP 401 (wrong or missing basic-auth credentials)", e.getMessage());
    assertNoSecret(e, wrong);
  }

  @Test
  void refusesMissingCredentials() {
    EngineAuthenticationException e = refusedWithoutContainer(EngineAuthenticationException.class, Endpoint.plainTcp(HOST, TestPeers.NGINX_BASIC));
    assertTrue(e.getMessage().startsWith("create of carapace-test/busybox:1 failed: "), e.getMessage());
    assertTrue(e.getMessage().contains("401"), e.getMessage());
  }

  @Test
  void refusesBasicAuthOverPlainTcpToNonLoopbackWithoutExplicitAllow() {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never dialled, the refusal comes before any connection
    char[] password = "s3cret-never-sent".toCharArray();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Endpoint.plainTcp("192.0.2.1", 2375).basicAuth(TestPeers.USER, password));
    assertEquals("basic auth over plain TCP must stay on loopback: tcp://192.0.2.1:2375 "
        + "(use TLS, or call allowCredentialsOverPlainTcp() to send the password in clear)", e.getMessage());
    Endpoint allowed = Endpoint.plainTcp("192.0.2.1", 2375).allowCredentialsOverPlainTcp()
        .basicAuth(TestPeers.USER, password);
    assertEquals("tcp://192.0.2.1:2375 (basic auth as carapace)", allowed.toString());
  }

  private static EngineAuthenticationException refusedWithoutContainer(Endpoint endpoint) {
    return refusedWithoutContainer(EngineAuthenticationException.class, endpoint);
  }

  private static <X extends Throwable> X refusedWithoutContainer(Class<X> type, Endpoint endpoint) {
    return TestPeers.refusedWithoutContainer(type, () -> endpoint, unixSocket);
  }

  /** Neither the message nor any cause's message nor the stack trace text holds {@code secret}. */
  private static void assertNoSecret(Throwable t, String secret) {
    StringWriter trace = new StringWriter();
    t.printStackTrace(new PrintWriter(trace));
    assertFalse(trace.toString().contains(secret), "the exception or a cause shows the password");
    String basic = java.util.Base64.getEncoder().encodeToString(
        (TestPeers.USER + ":" + secret).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertFalse(trace.toString().contains(basic), "the exception or a cause shows the Authorization header");
  }
}
