package dev.carapace.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class HeldCertificateTest {
  private static final String BASIC_CONSTRAINTS = "2.5.29.19";
  private static final String KEY_USAGE = "2.5.29.15";
  private static final String SUBJECT_ALT_NAME = "2.5.29.17";
  private static final String EXTENDED_KEY_USAGE = "2.5.29.37";
  private static final String SUBJECT_KEY_ID = "2.5.29.14";
  private static final String AUTHORITY_KEY_ID = "2.5.29.35";
  private static final Instant NOW = Instant.parse("2030-06-01T12:00:00Z");

  @Test
  void defaultsToSelfSignedEcP256ValidFor24HoursWithRandom127BitSerial() throws Exception {
    HeldCertificate held = HeldCertificate.builder().commonName("alone")
        .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
    X509Certificate certificate = held.certificate();
    assertEquals("CN=alone", certificate.getSubjectX500Principal().getName());
    assertEquals("CN=alone", certificate.getIssuerX500Principal().getName());
    certificate.verify(certificate.getPublicKey());
    assertEquals(256, ((ECPublicKey) certificate.getPublicKey()).getParams().getOrder()
        .bitLength());
    assertEquals("SHA256withECDSA", certificate.getSigAlgName());
    assertEquals(NOW, certificate.getNotBefore().toInstant());
    assertEquals(NOW.plus(Duration.ofDays(1)), certificate.getNotAfter().toInstant());
    assertEquals(1, certificate.getSerialNumber().signum());
    assertEquals(127, certificate.getSerialNumber().bitLength());
    assertNotEquals(certificate.getSerialNumber(),
        HeldCertificate.builder().build().certificate().getSerialNumber());
    assertEquals(3, certificate.getVersion());
  }

  @Test
  void endEntityHasCriticalBasicConstraintsAndKeyUsageAndNoSanByDefault() {
    X509Certificate certificate = HeldCertificate.builder().build().certificate();
    assertEquals(-1, certificate.getBasicConstraints());
    assertEquals(Set.of(BASIC_CONSTRAINTS, KEY_USAGE), certificate.getCriticalExtensionOIDs());
    assertEquals(Set.of(SUBJECT_KEY_ID, AUTHORITY_KEY_ID),
        certificate.getNonCriticalExtensionOIDs());
    // digitalSignature only: no keyEncipherment for EC, no keyCertSign
    assertArrayEquals(new boolean[] {true, false, false, false, false, false, false, false,
        false}, certificate.getKeyUsage());
    assertTrue(certificate.getSubjectX500Principal().getName().matches(
        "CN=[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));
  }

  @Test
  void certificateAuthorityHasPathLengthAndCertSignKeyUsage() {
    X509Certificate ca = HeldCertificate.builder().commonName("docker-ca")
        .certificateAuthority(0).build().certificate();
    assertEquals(0, ca.getBasicConstraints());
    assertEquals(Set.of(BASIC_CONSTRAINTS, KEY_USAGE), ca.getCriticalExtensionOIDs());
    boolean[] usage = ca.getKeyUsage();
    assertTrue(usage[5], "keyCertSign");
    assertTrue(usage[6], "cRLSign");
    assertFalse(usage[0], "digitalSignature");
    assertEquals(2, HeldCertificate.builder().certificateAuthority(2).build().certificate()
        .getBasicConstraints());
  }

  @Test
  void serverCertificateHasServerAuthAndNonCriticalDnsAndIpSans() throws Exception {
    HeldCertificate ca = Fixtures.ca("docker-ca");
    X509Certificate server = HeldCertificate.builder().commonName("dockerd").serverAuth()
        .addSubjectAlternativeName("LocalHost").addSubjectAlternativeName("127.0.0.1")
        .addSubjectAlternativeName("::1").addSubjectAlternativeName("[fe80::2]")
        .addSubjectAlternativeName("*.docker.example").addSubjectAlternativeName("localhost")
        .signedBy(ca).build().certificate();
    assertEquals(List.of(List.of(2, "localhost"), List.of(2, "*.docker.example"),
        List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1"), List.of(7, "fe80:0:0:0:0:0:0:2")),
        List.copyOf(server.getSubjectAlternativeNames()));
    assertEquals(List.of("1.3.6.1.5.5.7.3.1"), server.getExtendedKeyUsage());
    assertEquals(Set.of(SUBJECT_ALT_NAME, EXTENDED_KEY_USAGE, SUBJECT_KEY_ID, AUTHORITY_KEY_ID),
        server.getNonCriticalExtensionOIDs());
    assertEquals("CN=docker-ca", server.getIssuerX500Principal().getName());
    server.verify(ca.certificate().getPublicKey());
  }

  @Test
  void clientCertificateHasClientAuthAndAuthorityKeyIdOfItsCa() throws Exception {
    HeldCertificate ca = Fixtures.ca("docker-ca");
    X509Certificate client = HeldCertificate.builder().commonName("client").clientAuth()
        .validFor(Duration.ofDays(30)).signedBy(ca).build().certificate();
    assertEquals(List.of("1.3.6.1.5.5.7.3.2"), client.getExtendedKeyUsage());
    assertEquals(Duration.ofDays(30), Duration.between(client.getNotBefore().toInstant(),
        client.getNotAfter().toInstant()));
    // AKI keyIdentifier [0] == CA's SKI: both end with the same 20-byte SHA-1 key id
    byte[] ski = ca.certificate().getExtensionValue(SUBJECT_KEY_ID);
    byte[] aki = client.getExtensionValue(AUTHORITY_KEY_ID);
    assertArrayEquals(Arrays.copyOfRange(ski, ski.length - 20, ski.length),
        Arrays.copyOfRange(aki, aki.length - 20, aki.length));
  }

  @Test
  void rsaOnRequestWithSha256WithRsaAndKeyEncipherment() {
    HeldCertificate held = HeldCertificate.builder().rsa(3072).serverAuth().build();
    assertEquals(3072, ((RSAPublicKey) held.certificate().getPublicKey()).getModulus()
        .bitLength());
    assertEquals("SHA256withRSA", held.certificate().getSigAlgName());
    assertTrue(held.certificate().getKeyUsage()[2], "keyEncipherment");
    HeldCertificate signedByRsa = HeldCertificate.builder()
        .signedBy(HeldCertificate.builder().rsa(2048).certificateAuthority(0).build()).build();
    assertEquals("SHA256withRSA", signedByRsa.certificate().getSigAlgName());
  }

  @Test
  void explicitValidityAndSerial() {
    X509Certificate certificate = HeldCertificate.builder()
        .validity(Instant.parse("2031-01-01T00:00:00Z"), Instant.parse("2051-01-01T00:00:00Z"))
        .serialNumber(BigInteger.valueOf(42)).build().certificate();
    assertEquals(Instant.parse("2031-01-01T00:00:00Z"), certificate.getNotBefore().toInstant());
    // after 2049: GeneralizedTime
    assertEquals(Instant.parse("2051-01-01T00:00:00Z"), certificate.getNotAfter().toInstant());
    assertEquals(BigInteger.valueOf(42), certificate.getSerialNumber());
  }

  @Test
  void settersRejectBadValuesEagerlyNamingTheValue() throws Exception {
    HeldCertificate.Builder builder = HeldCertificate.builder();
    assertMessage("rsa key size must be 2048, 3072 or 4096: 1024", () -> builder.rsa(1024));
    assertMessage("rsa key size must be 2048, 3072 or 4096: 8192", () -> builder.rsa(8192));
    assertMessage("commonName must be 1 to 64 characters: \"\"", () -> builder.commonName(""));
    assertMessage("subjectAlternativeName must be a DNS name or an IP address: \"no spaces\"",
        () -> builder.addSubjectAlternativeName("no spaces"));
    assertMessage("subjectAlternativeName must be a DNS name or an IP address: \"host:2376\"",
        () -> builder.addSubjectAlternativeName("host:2376"));
    assertMessage("maxIntermediateCas must be >= 0: -1", () -> builder.certificateAuthority(-1));
    assertMessage("validFor must be positive: PT0S", () -> builder.validFor(Duration.ZERO));
    assertMessage("notAfter must be after notBefore: 2030-01-01T00:00:00Z is not after"
        + " 2031-01-01T00:00:00Z", () -> builder.validity(
            Instant.parse("2031-01-01T00:00:00Z"), Instant.parse("2030-01-01T00:00:00Z")));
    assertMessage("serialNumber must be positive and at most 20 bytes: 0",
        () -> builder.serialNumber(BigInteger.ZERO));
    HeldCertificate leaf = HeldCertificate.builder().commonName("leaf").build();
    assertMessage("signedBy must be a certificate authority: CN=leaf",
        () -> builder.signedBy(leaf));
    KeyPairGenerator weak = KeyPairGenerator.getInstance("RSA");
    weak.initialize(1024);
    assertMessage("keyPair rsa key must be at least 2048 bits: 1024",
        () -> builder.keyPair(weak.generateKeyPair()));
    assertMessage("privateKey must match the certificate's public key: CN=leaf",
        () -> HeldCertificate.of(leaf.certificate(),
            HeldCertificate.builder().build().keyPair().getPrivate()));
  }

  @Test
  void toStringDescribesWithoutKeyMaterial() {
    HeldCertificate held = HeldCertificate.builder().commonName("client").clientAuth()
        .addSubjectAlternativeName("127.0.0.1").serialNumber(BigInteger.valueOf(255))
        .validity(Instant.parse("2030-01-01T00:00:00Z"), Instant.parse("2031-01-01T00:00:00Z"))
        .build();
    String text = held.toString();
    assertEquals("HeldCertificate{subject=CN=client, issuer=CN=client, serialNumber=ff,"
        + " notBefore=2030-01-01T00:00:00Z, notAfter=2031-01-01T00:00:00Z, key=EC 256,"
        + " certificateAuthority=false, subjectAlternativeNames=[IP:127.0.0.1],"
        + " extendedKeyUsages=[clientAuth]}", text);
    String privateKey =
        Base64.getEncoder().encodeToString(held.keyPair().getPrivate().getEncoded());
    assertFalse(text.contains(privateKey));
    for (String line : held.privateKeyPkcs8Pem().split("\n")) {
      assertFalse(text.contains(line), line);
    }
  }

  @Test
  void neverRegistersBouncyCastle() {
    HeldCertificate.builder().rsa(2048).build();
    assertNull(Security.getProvider("BC"));
  }

  private static void assertMessage(String expected, Executable executable) {
    assertEquals(expected, assertThrows(IllegalArgumentException.class, executable).getMessage());
  }
}
