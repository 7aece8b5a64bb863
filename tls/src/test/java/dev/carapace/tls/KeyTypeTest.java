package dev.carapace.tls;

import static dev.carapace.tls.Fixtures.openssl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.tls.DockerTlsMaterial.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Keys that match their certificates but that one end of a Docker TLS connection cannot use (RSA-PSS
 * keys, which Go's crypto/tls never offers to sign with; secp256k1, P-224 and brainpool, which Java
 * 17's SunEC no longer signs with; Ed448, which Go lacks) are refused with the real cause, never as
 * "private key does not match certificate". All keys and certificates are made by openssl, as a
 * user would make them; real JDK handshakes show which of them Java itself can use.
 */
class KeyTypeTest {
  private static final String JAVA = "Java " + Runtime.version().feature();
  private static final String USABLE = "RSA, EC P-256, P-384 or P-521, or Ed25519";
  private static final String NEW_KEY = "make an EC P-256 key (openssl ecparam -name prime256v1"
      + " -genkey -noout) or an RSA key (openssl genpkey -algorithm RSA) and have it certified";
  private static final String GO_TLS = "dockerd and the docker CLI (Go crypto/tls)";

  @TempDir Path dir;
  private HeldCertificate ca;

  @BeforeEach
  void writeCa() {
    ca = Fixtures.ca("docker-ca");
    ca.writeCertificate(dir.resolve("ca.pem"));
    ca.writePrivateKey(dir.resolve("ca-key.pem"));
  }

  /** Makes {@code key.pem} with {@code genkey} (openssl arguments) and cert.pem for it from the CA. */
  private void opensslClient(String name, String... genkey) throws Exception {
    openssl(dir, genkey);
    Files.setPosixFilePermissions(dir.resolve("key.pem"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    Files.writeString(dir.resolve("client.cnf"), "extendedKeyUsage = clientAuth\n"
        + "basicConstraints = critical, CA:FALSE\n");
    openssl(dir, "req", "-new", "-key", "key.pem", "-subj", "/CN=" + name, "-out", "client.csr");
    openssl(dir, "x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
        "-set_serial", "1001", "-days", "30", "-extfile", "client.cnf", "-out", "cert.pem");
  }

  private static String[] genkey(String kind) {
    switch (kind) {
      case "rsa-pss":
        return new String[] {"genpkey", "-algorithm", "RSA-PSS", "-pkeyopt",
            "rsa_keygen_bits:2048", "-out", "key.pem"};
      case "ed448":
      case "ed25519":
        return new String[] {"genpkey", "-algorithm", kind, "-out", "key.pem"};
      case "rsa":
        return new String[] {"genpkey", "-algorithm", "RSA", "-out", "key.pem"};
      default: // a curve
        return new String[] {"ecparam", "-name", kind, "-genkey", "-out", "key.pem"};
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "rsa-pss|RSASSA-PSS 2048|can use RSA-PSS keys in TLS, but " + GO_TLS + " cannot: they offer"
          + " no rsa_pss_pss signature scheme, so the certificate is never sent",
      "secp256k1|EC secp256k1|signs and verifies with EC keys on P-256, P-384 and P-521 only (the"
          + " legacy curves were removed from SunEC), and " + GO_TLS + " know no secp256k1 either",
      "secp224r1|EC secp224r1|signs and verifies with EC keys on P-256, P-384 and P-521 only (the"
          + " legacy curves were removed from SunEC), and " + GO_TLS + " know no secp224r1 either",
      "brainpoolP256r1|EC brainpoolP256r1|signs and verifies with EC keys on P-256, P-384 and"
          + " P-521 only (the legacy curves were removed from SunEC), and " + GO_TLS
          + " know no brainpoolP256r1 either",
      "ed448|Ed448|can use Ed448 keys, but " + GO_TLS + " cannot"})
  void refusesAMatchingKeyOfATypeOneEndCannotUseNamingTheRealCause(String kind, String described,
      String reason) throws Exception {
    opensslClient(kind, genkey(kind));
    TlsMaterialException e = assertThrows(TlsMaterialException.class,
        () -> DockerTlsMaterial.readClient(dir));
    assertEquals("certificate key type must be " + USABLE + ": " + described + " (certificate "
        + dir.resolve("cert.pem") + ", subject CN=" + kind + "; " + JAVA + " " + reason + "; "
        + NEW_KEY + ")", e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"rsa", "prime256v1", "secp384r1", "secp521r1", "ed25519"})
  void loadsEveryKeyTypeBothEndsCanUse(String kind) throws Exception {
    opensslClient(kind, genkey(kind));
    DockerTlsMaterial material = DockerTlsMaterial.readClient(dir);
    assertEquals("CN=" + kind, Checks.subject(material.certificate()));
  }

  @Test
  void aMismatchedKeyIsStillCalledAMismatch() throws Exception {
    opensslClient("mismatch", genkey("prime256v1"));
    Files.delete(dir.resolve("key.pem"));
    openssl(dir, genkey("secp256k1"));
    TlsMaterialException e = assertThrows(TlsMaterialException.class,
        () -> DockerTlsMaterial.readClient(dir));
    assertEquals("private key does not match certificate: " + dir.resolve("key.pem")
        + " (certificate " + dir.resolve("cert.pem") + ", subject CN=mismatch, certificate key"
        + " EC 256, private key EC)", e.getMessage());
  }

  @Test
  void refusesACaWhoseKeyGoCannotVerifyWith() throws Exception {
    // an RSA-PSS CA: Java verifies its signatures, Go's crypto/x509 does not
    openssl(dir, "genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048",
        "-out", "pss-ca-key.pem");
    openssl(dir, "req", "-x509", "-key", "pss-ca-key.pem", "-subj", "/CN=pss-ca", "-days", "30",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign",
        "-out", "ca.pem.new");
    Files.move(dir.resolve("ca.pem.new"), dir.resolve("ca.pem"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.copy(dir.resolve("pss-ca-key.pem"), dir.resolve("ca-key.pem"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    opensslClient("client", genkey("prime256v1"));
    TlsMaterialException e = assertThrows(TlsMaterialException.class,
        () -> DockerTlsMaterial.readClient(dir));
    assertEquals("issuing certificate key type must be " + USABLE + ": RSASSA-PSS 2048"
        + " (certificate " + dir.resolve("ca.pem") + ", subject CN=pss-ca, issues CN=client; "
        + JAVA + " verifies signatures made with RSA-PSS keys, but Go crypto/x509 (dockerd, the"
        + " docker CLI) cannot; reissue the ca with an RSA or EC P-256 key)", e.getMessage());
  }

  @Test
  void refusesACaOnACurveJavaCannotVerifyWithInsteadOfCallingItAnotherIssuer() throws Exception {
    openssl(dir, "ecparam", "-name", "secp256k1", "-genkey", "-noout", "-out", "k1-ca-key.pem");
    openssl(dir, "req", "-x509", "-key", "k1-ca-key.pem", "-subj", "/CN=k1-ca", "-days", "30",
        "-addext", "basicConstraints=critical,CA:TRUE", "-out", "ca.pem.new");
    Files.move(dir.resolve("ca.pem.new"), dir.resolve("ca.pem"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.copy(dir.resolve("k1-ca-key.pem"), dir.resolve("ca-key.pem"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    opensslClient("client", genkey("prime256v1"));
    TlsMaterialException e = assertThrows(TlsMaterialException.class,
        () -> DockerTlsMaterial.readClient(dir));
    assertEquals("issuing certificate key type must be " + USABLE + ": EC secp256k1"
        + " (certificate " + dir.resolve("ca.pem") + ", subject CN=k1-ca, issues CN=client; "
        + JAVA + " signs and verifies with EC keys on P-256, P-384 and P-521 only (the legacy"
        + " curves were removed from SunEC), and Go crypto/x509 (dockerd, the docker CLI) knows"
        + " no secp256k1 either; reissue the ca with an RSA or EC P-256 key)", e.getMessage());
  }

  @Test
  void heldCertificateTakesAnRsaPssKeyAndNamesACurveJavaCannotSignWith() throws Exception {
    openssl(dir, genkey("rsa-pss"));
    openssl(dir, "req", "-x509", "-key", "key.pem", "-subj", "/CN=pss", "-days", "1",
        "-out", "pss.pem");
    PrivateKey pss = Pem.readPrivateKey(dir.resolve("key.pem"));
    assertEquals("RSASSA-PSS", pss.getAlgorithm());
    HeldCertificate.of(Pem.readCertificate(dir.resolve("pss.pem")), pss); // matches: no exception

    Files.delete(dir.resolve("key.pem"));
    openssl(dir, genkey("secp256k1"));
    openssl(dir, "req", "-x509", "-key", "key.pem", "-subj", "/CN=k1", "-days", "1",
        "-out", "k1.pem");
    X509Certificate k1 = Pem.readCertificate(dir.resolve("k1.pem"));
    PrivateKey k1Key = Pem.readPrivateKey(dir.resolve("key.pem"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HeldCertificate.of(k1, k1Key));
    assertEquals("certificate key must be one this JDK can sign with: EC secp256k1 (CN=k1; "
        + JAVA + " signs with EC keys on P-256, P-384 and P-521 only)", e.getMessage());
  }

  /**
   * What the messages claim of Java, shown by real handshakes with unchecked material: an RSA-PSS
   * client key works in TLS 1.3 and 1.2 (so refusing it is about Go), a secp256k1 one cannot sign.
   */
  @ParameterizedTest(name = "{0} over {1}")
  @CsvSource({"rsa-pss,TLSv1.3,", "rsa-pss,TLSv1.2,", "ed448,TLSv1.3,",
      "secp256k1,TLSv1.3,No supported CertificateVerify signature algorithm for EC  key",
      "secp256k1,TLSv1.2,No supported CertificateVerify signature algorithm for EC  key"})
  void javaHandshakesAsTheMessagesSay(String kind, String protocol, String failure)
      throws Exception {
    opensslClient(kind, genkey(kind));
    Path serverDir = Files.createDirectory(dir.resolve("server"));
    DockerTlsMaterial server = DockerTlsMaterial.readServer(
        Fixtures.serverDirectory(serverDir, ca, Fixtures.server(ca, "localhost")));
    DockerTlsMaterial client = DockerTlsMaterial.unchecked(Role.CLIENT, List.of(ca.certificate()),
        Pem.readCertificates(dir.resolve("cert.pem")), Pem.readPrivateKey(dir.resolve("key.pem")));
    SSLContext context = client.sslContext("localhost");
    try (TlsTestServer peer = new TlsTestServer(server.serverSslContext(), protocol)) {
      String answer;
      try {
        answer = peer.exchange(context, "ping");
      } catch (Exception e) {
        answer = e.toString();
      }
      if (failure == null) {
        assertEquals("echo ping", answer);
        assertEquals(protocol, peer.result().get(10, TimeUnit.SECONDS));
      } else {
        assertTrue(answer.contains(failure), answer);
        assertThrows(ExecutionException.class, () -> peer.result().get(10, TimeUnit.SECONDS));
      }
    }
  }
}
