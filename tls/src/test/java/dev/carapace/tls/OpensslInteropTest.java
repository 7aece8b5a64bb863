package dev.carapace.tls;

import static dev.carapace.tls.Fixtures.openssl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys and certificates made by the real openssl CLI, and openssl reading ours. */
class OpensslInteropTest {
  @TempDir Path dir;

  private String firstLine(String file) throws Exception {
    return Files.readAllLines(dir.resolve(file)).get(0);
  }

  /** Makes a self-signed certificate for {@code keyFile} with openssl and checks our key fits. */
  private void assertMatchesOpensslCertificate(String keyFile, PrivateKey key) throws Exception {
    openssl(dir, "req", "-x509", "-key", keyFile, "-subj", "/CN=" + keyFile, "-days", "1",
        "-out", keyFile + ".crt");
    X509Certificate certificate = Pem.readCertificate(dir.resolve(keyFile + ".crt"));
    assertEquals("CN=" + keyFile, certificate.getSubjectX500Principal().getName());
    HeldCertificate held = HeldCertificate.of(certificate, key); // throws unless the keys match
    assertEquals(key, held.keyPair().getPrivate());
  }

  /** {@code openssl pkcs8 -topk8 -v2 aes-256-cbc}: PBES2 with PBKDF2 and AES-256-CBC. */
  private void encryptPkcs8(String plain, String passphrase, String encrypted) throws Exception {
    openssl(dir, "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", plain,
        "-passout", "pass:" + passphrase, "-out", encrypted);
  }

  @Test
  void readsPkcs1RsaKeyFromGenrsaTraditional() throws Exception {
    openssl(dir, "genrsa", "-traditional", "-out", "rsa.pem", "2048");
    assertEquals("-----BEGIN RSA PRIVATE KEY-----", firstLine("rsa.pem"));
    PrivateKey key = Pem.readPrivateKey(dir.resolve("rsa.pem"));
    assertEquals(2048, ((RSAPrivateKey) key).getModulus().bitLength());
    assertMatchesOpensslCertificate("rsa.pem", key);
  }

  @Test
  void readsSec1EcKeyWithEcParametersBlock() throws Exception {
    openssl(dir, "ecparam", "-name", "prime256v1", "-genkey", "-out", "ec.pem");
    List<String> lines = Files.readAllLines(dir.resolve("ec.pem"));
    assertEquals("-----BEGIN EC PARAMETERS-----", lines.get(0));
    assertTrue(lines.contains("-----BEGIN EC PRIVATE KEY-----"), lines.toString());
    PrivateKey key = Pem.readPrivateKey(dir.resolve("ec.pem"));
    assertEquals(256, ((ECPrivateKey) key).getParams().getOrder().bitLength());
    assertMatchesOpensslCertificate("ec.pem", key);
  }

  @Test
  void readsSec1EcKeyWithoutParametersBlock() throws Exception {
    openssl(dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ec.pem");
    assertEquals("-----BEGIN EC PRIVATE KEY-----", firstLine("ec.pem"));
    assertMatchesOpensslCertificate("ec.pem", Pem.readPrivateKey(dir.resolve("ec.pem")));
  }

  @Test
  void readsSec1EcKeyWithExplicitCurveParameters() throws Exception {
    openssl(dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-param_enc",
        "explicit", "-out", "explicit.pem");
    String text = openssl(dir, "ec", "-in", "explicit.pem", "-noout", "-text");
    assertTrue(text.contains("Field Type: prime-field"), text); // really explicit parameters
    PrivateKey key = Pem.readPrivateKey(dir.resolve("explicit.pem"));
    assertEquals(256, ((ECPrivateKey) key).getParams().getOrder().bitLength());
    openssl(dir, "ec", "-in", "explicit.pem", "-param_enc", "named_curve", "-out", "named.pem");
    openssl(dir, "req", "-x509", "-key", "named.pem", "-subj", "/CN=named", "-days", "1",
        "-out", "named.crt");
    HeldCertificate.of(Pem.readCertificate(dir.resolve("named.crt")), key);
  }

  @Test
  void readsSec1EcKeyWithNamedCurveParamEnc() throws Exception {
    openssl(dir, "ecparam", "-name", "secp384r1", "-genkey", "-param_enc", "named_curve",
        "-out", "ec384.pem");
    PrivateKey key = Pem.readPrivateKey(dir.resolve("ec384.pem"));
    assertEquals(384, ((ECPrivateKey) key).getParams().getOrder().bitLength());
    assertMatchesOpensslCertificate("ec384.pem", key);
  }

  @Test
  void readsPkcs8KeysFromGenpkey() throws Exception {
    openssl(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072",
        "-out", "rsa8.pem");
    openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
        "-out", "ec8.pem");
    openssl(dir, "genpkey", "-algorithm", "ed25519", "-out", "ed.pem");
    assertEquals("-----BEGIN PRIVATE KEY-----", firstLine("rsa8.pem"));
    PrivateKey rsa = Pem.readPrivateKey(dir.resolve("rsa8.pem"));
    assertEquals(3072, ((RSAPrivateKey) rsa).getModulus().bitLength());
    assertMatchesOpensslCertificate("rsa8.pem", rsa);
    assertMatchesOpensslCertificate("ec8.pem", Pem.readPrivateKey(dir.resolve("ec8.pem")));
    assertMatchesOpensslCertificate("ed.pem", Pem.readPrivateKey(dir.resolve("ed.pem")));
  }

  @Test
  void readsEncryptedPkcs8WithPassphrase() throws Exception {
    openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
        "-out", "plain.pem");
    encryptPkcs8("plain.pem", "correct horse battery", "encrypted.pem");
    assertEquals("-----BEGIN ENCRYPTED PRIVATE KEY-----", firstLine("encrypted.pem"));
    PrivateKey key = Pem.readPrivateKey(dir.resolve("encrypted.pem"),
        "correct horse battery".toCharArray());
    assertEquals(Pem.readPrivateKey(dir.resolve("plain.pem")), key);
  }

  @Test
  void readsLegacyEncryptedPkcs1WithPassphrase() throws Exception {
    openssl(dir, "genrsa", "-traditional", "-aes256", "-passout", "pass:s3cret",
        "-out", "legacy.pem", "2048");
    assertTrue(Files.readString(dir.resolve("legacy.pem")).contains("Proc-Type: 4,ENCRYPTED"));
    PrivateKey key = Pem.readPrivateKey(dir.resolve("legacy.pem"), "s3cret".toCharArray());
    assertEquals(2048, ((RSAPrivateKey) key).getModulus().bitLength());
  }

  @Test
  void wrongPassphraseGivesAClearErrorWithoutThePassphrase() throws Exception {
    openssl(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
        "-out", "plain.pem");
    encryptPkcs8("plain.pem", "right-passphrase", "encrypted.pem");
    Path file = dir.resolve("encrypted.pem");
    TlsMaterialException e = assertThrows(TlsMaterialException.class,
        () -> Pem.readPrivateKey(file, "wrong-passphrase".toCharArray()));
    assertEquals("private key file cannot be decrypted with the given passphrase: " + file,
        e.getMessage());
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    assertFalse(trace.toString().contains("wrong-passphrase"), trace.toString());
    assertFalse(trace.toString().contains("right-passphrase"), trace.toString());
    assertNull(e.getCause());

    TlsMaterialException missing = assertThrows(TlsMaterialException.class,
        () -> Pem.readPrivateKey(file));
    assertEquals("private key file is encrypted and needs a passphrase: " + file,
        missing.getMessage());
  }

  @Test
  void loadsEncryptedClientKeyWithPassphrase() throws Exception {
    HeldCertificate ca = Fixtures.ca("docker-ca");
    HeldCertificate client = Fixtures.client(ca);
    ca.writeCertificate(dir.resolve("ca.pem"));
    client.writeCertificate(dir.resolve("cert.pem"));
    client.writePrivateKey(dir.resolve("plain-key.pem"));
    encryptPkcs8("plain-key.pem", "pw", "key.pem");
    DockerTlsMaterial material = DockerTlsMaterial.readClient(dir, "pw".toCharArray());
    assertEquals(client.certificate(), material.certificate());
    TlsMaterialException e = assertThrows(TlsMaterialException.class,
        () -> DockerTlsMaterial.readClient(dir));
    assertEquals("private key file is encrypted and needs a passphrase: "
        + dir.resolve("key.pem"), e.getMessage());
  }

  @Test
  void loadsClientCertificateIssuedByOpensslAndRejectsRsa1024() throws Exception {
    HeldCertificate ca = Fixtures.ca("docker-ca");
    ca.writeCertificate(dir.resolve("ca.pem"));
    ca.writePrivateKey(dir.resolve("ca-key.pem"));
    Files.writeString(dir.resolve("ext.cnf"), "extendedKeyUsage = clientAuth\n");
    openssl(dir, "req", "-new", "-newkey", "rsa:1024", "-nodes", "-keyout", "key.pem",
        "-subj", "/CN=weak", "-out", "weak.csr");
    openssl(dir, "x509", "-req", "-in", "weak.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
        "-set_serial", "4242", "-days", "30", "-extfile", "ext.cnf", "-out", "cert.pem");
    TlsMaterialException e = assertThrows(TlsMaterialException.class,
        () -> DockerTlsMaterial.readClient(dir));
    assertEquals("rsa key must be at least 2048 bits: 1024 (certificate "
        + dir.resolve("cert.pem") + ", subject CN=weak)", e.getMessage());

    Files.delete(dir.resolve("key.pem"));
    Files.delete(dir.resolve("cert.pem"));
    openssl(dir, "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem",
        "-subj", "/CN=openssl-client", "-out", "good.csr");
    openssl(dir, "x509", "-req", "-in", "good.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
        "-set_serial", "4243", "-days", "30", "-extfile", "ext.cnf", "-out", "cert.pem");
    DockerTlsMaterial material = DockerTlsMaterial.readClient(dir);
    assertEquals("CN=openssl-client", material.certificate().getSubjectX500Principal().getName());
  }

  @Test
  void opensslVerifiesAndReadsWhatWeWrite() throws Exception {
    DockerPkiFiles files = DockerPki.builder().build().writeTo(dir.resolve("pki"));
    Path pki = files.directory();
    assertEquals("server-cert.pem: OK\n", openssl(pki, "verify", "-CAfile", "ca.pem",
        "-purpose", "sslserver", "server-cert.pem"));
    assertEquals("cert.pem: OK\n", openssl(pki, "verify", "-CAfile", "ca.pem",
        "-purpose", "sslclient", "cert.pem"));
    for (String key : List.of("ca-key.pem", "server-key.pem", "key.pem")) {
      assertEquals("Key is valid\n", openssl(pki, "pkey", "-in", key, "-check", "-noout"));
    }
    String server = openssl(pki, "x509", "-in", "server-cert.pem", "-noout", "-ext",
        "basicConstraints,keyUsage,extendedKeyUsage,subjectAltName");
    assertEquals(String.join("\n",
        "X509v3 Basic Constraints: critical",
        "    CA:FALSE",
        "X509v3 Key Usage: critical",
        "    Digital Signature",
        "X509v3 Extended Key Usage: ",
        "    TLS Web Server Authentication",
        "X509v3 Subject Alternative Name: ",
        "    DNS:localhost, IP Address:127.0.0.1",
        ""), server);
    String ca = openssl(pki, "x509", "-in", "ca.pem", "-noout", "-ext",
        "basicConstraints,keyUsage");
    assertEquals(String.join("\n",
        "X509v3 Basic Constraints: critical",
        "    CA:TRUE, pathlen:0",
        "X509v3 Key Usage: critical",
        "    Certificate Sign, CRL Sign",
        ""), ca);
  }

  @Test
  void rejectsUnsupportedKeyTypeNamingIt() throws Exception {
    Path file = dir.resolve("id_ed25519");
    Files.writeString(file, "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n"
        + "-----END OPENSSH PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
    TlsMaterialException e = assertThrows(TlsMaterialException.class,
        () -> Pem.readPrivateKey(file));
    assertEquals("private key file has an unsupported PEM type: " + file
        + " (OPENSSH PRIVATE KEY; expected PRIVATE KEY, ENCRYPTED PRIVATE KEY,"
        + " RSA PRIVATE KEY or EC PRIVATE KEY)", e.getMessage());
  }
}
