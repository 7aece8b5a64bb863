package dev.carapace.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.carapace.tls.DockerTlsMaterial.Role;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks made when loading material, each with its exact message. */
class DockerTlsMaterialTest {
  private static final Instant NOW = Instant.parse("2030-06-01T12:00:00.750Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final Instant JAN_2030 = Instant.parse("2030-01-01T00:00:00Z");
  private static final Instant JAN_2031 = Instant.parse("2031-01-01T00:00:00Z");

  @TempDir Path dir;

  private final HeldCertificate ca = HeldCertificate.builder().commonName("docker-ca")
      .certificateAuthority(0).validity(JAN_2030, JAN_2031).build();

  private HeldCertificate.Builder client() {
    return HeldCertificate.builder().commonName("client").clientAuth()
        .validity(JAN_2030, JAN_2031).signedBy(ca);
  }

  private static HeldCertificate rootCa() {
    return HeldCertificate.builder().commonName("root-ca")
        .certificateAuthority(1).validity(JAN_2030, JAN_2031).build();
  }

  private static HeldCertificate intermediateCa(HeldCertificate root) {
    return HeldCertificate.builder().commonName("intermediate-ca")
        .certificateAuthority(0).validity(JAN_2030, JAN_2031).signedBy(root).build();
  }

  private DockerTlsMaterial loadClient() {
    return DockerTlsMaterial.readDirectory(Role.CLIENT, dir, null, CLOCK);
  }

  private TlsMaterialException loadClientFails() {
    return assertThrows(TlsMaterialException.class, this::loadClient);
  }

  @Test
  void loadsValidClientMaterialInTheDockerCertPathLayout() {
    HeldCertificate client = client().build();
    Fixtures.clientDirectory(dir, ca, client);
    DockerTlsMaterial material = loadClient();
    assertEquals(Role.CLIENT, material.role());
    assertEquals(client.certificate(), material.certificate());
    assertEquals(List.of(ca.certificate()), material.caCertificates());
    String key = Base64.getEncoder().encodeToString(client.keyPair().getPrivate().getEncoded());
    assertEquals("DockerTlsMaterial{role=CLIENT, certificate=" + dir.resolve("cert.pem")
        + ", subject=CN=client, notAfter=2031-01-01T00:00:00Z, caCertificates=1}",
        material.toString());
    assertFalse(material.toString().contains(key));
  }

  @Test
  void rejectsExpiredCertificate() {
    Fixtures.clientDirectory(dir, ca, client()
        .validity(JAN_2030, Instant.parse("2030-05-31T23:59:59Z")).build());
    assertEquals("certificate has expired: " + dir.resolve("cert.pem")
        + " (subject CN=client, notBefore 2030-01-01T00:00:00Z,"
        + " notAfter 2030-05-31T23:59:59Z, now 2030-06-01T12:00:00Z)",
        loadClientFails().getMessage());
  }

  @Test
  void rejectsCertificateNotYetValid() {
    Fixtures.clientDirectory(dir, ca, client()
        .validity(Instant.parse("2030-06-02T00:00:00Z"), JAN_2031).build());
    assertEquals("certificate is not yet valid: " + dir.resolve("cert.pem")
        + " (subject CN=client, notBefore 2030-06-02T00:00:00Z,"
        + " notAfter 2031-01-01T00:00:00Z, now 2030-06-01T12:00:00Z)",
        loadClientFails().getMessage());
  }

  @Test
  void rejectsExpiredCa() {
    HeldCertificate oldCa = HeldCertificate.builder().commonName("old-ca")
        .certificateAuthority(0).validity(Instant.parse("2029-01-01T00:00:00Z"), JAN_2030)
        .build();
    Fixtures.clientDirectory(dir, oldCa, client().signedBy(oldCa).build());
    assertEquals("certificate has expired: " + dir.resolve("ca.pem")
        + " (subject CN=old-ca, notBefore 2029-01-01T00:00:00Z,"
        + " notAfter 2030-01-01T00:00:00Z, now 2030-06-01T12:00:00Z)",
        loadClientFails().getMessage());
  }

  @Test
  void rejectsKeyThatDoesNotMatchCertificate() {
    ca.writeCertificate(dir.resolve("ca.pem"));
    client().build().writeCertificate(dir.resolve("cert.pem"));
    client().build().writePrivateKey(dir.resolve("key.pem"));
    assertEquals("private key does not match certificate: " + dir.resolve("key.pem")
        + " (certificate " + dir.resolve("cert.pem") + ", subject CN=client,"
        + " certificate key EC 256, private key EC)",
        loadClientFails().getMessage());
  }

  @Test
  void rejectsRsaKeyForEcCertificate() {
    ca.writeCertificate(dir.resolve("ca.pem"));
    client().build().writeCertificate(dir.resolve("cert.pem"));
    client().rsa(2048).build().writePrivateKey(dir.resolve("key.pem"));
    assertEquals("private key does not match certificate: " + dir.resolve("key.pem")
        + " (certificate " + dir.resolve("cert.pem") + ", subject CN=client,"
        + " certificate key EC 256, private key RSA)",
        loadClientFails().getMessage());
  }

  @Test
  void rejectsCertificateNotIssuedByTheCa() {
    HeldCertificate otherCa = HeldCertificate.builder().commonName("other-ca")
        .certificateAuthority(0).validity(JAN_2030, JAN_2031).build();
    Fixtures.clientDirectory(dir, ca, client().signedBy(otherCa).build());
    assertEquals("certificate is not issued by the ca: " + dir.resolve("cert.pem")
        + " (subject CN=client, issuer CN=other-ca; " + dir.resolve("ca.pem")
        + " holds [CN=docker-ca])",
        loadClientFails().getMessage());
  }

  @Test
  void rejectsCertificateFromAnImpostorCaWithTheSameName() {
    HeldCertificate impostor = HeldCertificate.builder().commonName("docker-ca")
        .certificateAuthority(0).validity(JAN_2030, JAN_2031).build();
    Fixtures.clientDirectory(dir, ca, client().signedBy(impostor).build());
    assertEquals("certificate is not issued by the ca: " + dir.resolve("cert.pem")
        + " (subject CN=client, issuer CN=docker-ca; " + dir.resolve("ca.pem")
        + " holds [CN=docker-ca])",
        loadClientFails().getMessage());
  }

  @Test
  void rejectsClientCertificateWithoutClientAuth() {
    Fixtures.clientDirectory(dir, ca, HeldCertificate.builder().commonName("dockerd")
        .serverAuth().validity(JAN_2030, JAN_2031).signedBy(ca).build());
    assertEquals("certificate lacks extended key usage clientAuth: " + dir.resolve("cert.pem")
        + " (subject CN=dockerd, extended key usages [serverAuth])",
        loadClientFails().getMessage());
  }

  @Test
  void rejectsCertificateWithoutAnyExtendedKeyUsage() {
    Fixtures.clientDirectory(dir, ca, HeldCertificate.builder().commonName("anything")
        .validity(JAN_2030, JAN_2031).signedBy(ca).build());
    assertEquals("certificate lacks extended key usage clientAuth: " + dir.resolve("cert.pem")
        + " (subject CN=anything, extended key usages none)",
        loadClientFails().getMessage());
  }

  @Test
  void rejectsServerCertificateWithoutServerAuth() {
    Fixtures.serverDirectory(dir, ca, client().build());
    TlsMaterialException e = assertThrows(TlsMaterialException.class,
        () -> DockerTlsMaterial.readDirectory(Role.SERVER, dir, null, CLOCK));
    assertEquals("certificate lacks extended key usage serverAuth: "
        + dir.resolve("server-cert.pem") + " (subject CN=client, extended key usages"
        + " [clientAuth])", e.getMessage());
  }

  @Test
  void loadsServerMaterial() {
    HeldCertificate server = HeldCertificate.builder().commonName("dockerd").serverAuth()
        .addSubjectAlternativeName("localhost").validity(JAN_2030, JAN_2031).signedBy(ca).build();
    Fixtures.serverDirectory(dir, ca, server);
    DockerTlsMaterial material = DockerTlsMaterial.readDirectory(Role.SERVER, dir, null, CLOCK);
    assertEquals(Role.SERVER, material.role());
    assertEquals(server.certificate(), material.certificate());
  }

  @Test
  void acceptsCaBundleAndIntermediateChain() {
    HeldCertificate root = rootCa();
    HeldCertificate intermediate = intermediateCa(root);
    HeldCertificate client = client().signedBy(intermediate).build();
    Pem.writeCertificates(dir.resolve("ca.pem"), List.of(ca.certificate(), root.certificate()));
    Pem.writeCertificates(dir.resolve("cert.pem"),
        List.of(client.certificate(), intermediate.certificate()));
    client.writePrivateKey(dir.resolve("key.pem"));
    DockerTlsMaterial material = loadClient();
    assertEquals(List.of(client.certificate(), intermediate.certificate()),
        material.certificateChain());
    assertEquals(2, material.caCertificates().size());
  }

  @Test
  void refusesAnIntermediateCaPlacedInCaPemInsteadOfCertPem() {
    HeldCertificate root = rootCa();
    HeldCertificate intermediate = intermediateCa(root);
    HeldCertificate client = client().signedBy(intermediate).build();
    Pem.writeCertificates(dir.resolve("ca.pem"), List.of(root.certificate(), intermediate.certificate()));
    client.writeCertificate(dir.resolve("cert.pem"));
    client.writePrivateKey(dir.resolve("key.pem"));
    assertEquals("certificate chain must include its intermediate ca: " + dir.resolve("cert.pem")
        + " (its issuer CN=intermediate-ca is an intermediate found in " + dir.resolve("ca.pem")
        + " below CN=root-ca; the peer trusts the root and never receives " + dir.resolve("ca.pem")
        + ", so the handshake would fail: append the intermediate to " + dir.resolve("cert.pem")
        + " after the certificate)", loadClientFails().getMessage());
    // the fix the message names: the intermediate follows the certificate in cert.pem
    Pem.writeCertificates(dir.resolve("cert2.pem"), List.of(client.certificate(), intermediate.certificate()));
    DockerTlsMaterial fixed = DockerTlsMaterial.read(Role.CLIENT, dir.resolve("ca.pem"), dir.resolve("cert2.pem"),
        dir.resolve("key.pem"), null, CLOCK);
    assertEquals(2, fixed.certificateChain().size());
    // an intermediate alone in ca.pem is a chosen trust anchor, not a misplaced one
    Pem.writeCertificate(dir.resolve("only-intermediate.pem"), intermediate.certificate());
    assertEquals(client.certificate(), DockerTlsMaterial.read(Role.CLIENT, dir.resolve("only-intermediate.pem"),
        dir.resolve("cert.pem"), dir.resolve("key.pem"), null, CLOCK).certificate());
  }

  @Test
  void refusesAPrivateKeyInTheCaBundleWithoutShowingIt() throws Exception {
    HeldCertificate client = client().build();
    Fixtures.clientDirectory(dir, ca, client);
    String key = Files.readString(dir.resolve("key.pem"), StandardCharsets.US_ASCII);
    Files.writeString(dir.resolve("ca.pem"), Files.readString(dir.resolve("ca.pem")) + key);
    String expected = "ca file must not contain a private key: " + dir.resolve("ca.pem")
        + " (block 2 of 2 is PRIVATE KEY; remove it, keep the key in its own file only its owner reads,"
        + " and replace the key if others could read this one)";
    TlsMaterialException e = loadClientFails();
    assertEquals(expected, e.getMessage());
    String base64 = Base64.getEncoder().encodeToString(client.keyPair().getPrivate().getEncoded());
    assertFalse(e.getMessage().contains(base64.substring(0, 40)));
    assertEquals(expected, assertThrows(TlsMaterialException.class,
        () -> DockerTlsMaterial.readTrustOnly(dir.resolve("ca.pem"))).getMessage());
  }

  @Test
  void loadsExplicitlyNamedFilesLikeTlsFlags() {
    DockerPkiFiles files = DockerPki.builder().build().writeTo(dir.resolve("pki"));
    DockerTlsMaterial material = DockerTlsMaterial.read(Role.SERVER, files.caCertificate(),
        files.serverCertificate(), files.serverKey(), null);
    assertEquals("CN=localhost", Checks.subject(material.certificate()));
    TlsMaterialException e = assertThrows(TlsMaterialException.class,
        () -> DockerTlsMaterial.read(Role.CLIENT, files.caCertificate(),
            files.serverCertificate(), files.serverKey(), null));
    assertEquals("certificate lacks extended key usage clientAuth: " + files.serverCertificate()
        + " (subject CN=localhost, extended key usages [serverAuth])", e.getMessage());
  }

  @Test
  void failsClosedOnMissingDirectory() {
    Path missing = dir.resolve("nope");
    TlsMaterialException e = assertThrows(TlsMaterialException.class,
        () -> DockerTlsMaterial.readClient(missing));
    assertEquals("docker cert directory does not exist: " + missing, e.getMessage());
  }

  @Test
  void failsClosedOnMissingFiles() throws Exception {
    assertEquals("certificate file does not exist: " + dir.resolve("ca.pem"),
        loadClientFails().getMessage());
    ca.writeCertificate(dir.resolve("ca.pem"));
    assertEquals("certificate file does not exist: " + dir.resolve("cert.pem"),
        loadClientFails().getMessage());
    client().build().writeCertificate(dir.resolve("cert.pem"));
    assertEquals("private key file does not exist: " + dir.resolve("key.pem"),
        loadClientFails().getMessage());
    Files.createDirectory(dir.resolve("key.pem"));
    assertEquals("private key file is a directory: " + dir.resolve("key.pem"),
        loadClientFails().getMessage());
  }

  @Test
  void failsClosedOnFilesWithoutPem() throws Exception {
    Files.writeString(dir.resolve("ca.pem"), "not a certificate\n", StandardCharsets.US_ASCII);
    assertEquals("certificate file contains no CERTIFICATE block: " + dir.resolve("ca.pem")
        + " (no PEM block)", loadClientFails().getMessage());
    Files.delete(dir.resolve("ca.pem"));
    ca.writeCertificate(dir.resolve("ca.pem"));
    ca.writeCertificate(dir.resolve("cert.pem"));
    ca.writeCertificate(dir.resolve("key.pem"));
    assertEquals("private key file contains no private key: " + dir.resolve("key.pem")
        + " (found [CERTIFICATE])", loadClientFails().getMessage());
  }
}
