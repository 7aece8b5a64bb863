package dev.carapace.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemTest {
  @TempDir Path dir;

  @Test
  void writesKeyOwnerOnlyAndCertificateWorldReadableAndReadsThemBack() throws Exception {
    HeldCertificate held = HeldCertificate.builder().commonName("round-trip").build();
    Path key = dir.resolve("key.pem");
    Path cert = dir.resolve("cert.pem");
    held.writePrivateKey(key);
    held.writeCertificate(cert);
    assertEquals(PosixFilePermissions.fromString("rw-------"),
        Files.getPosixFilePermissions(key));
    assertEquals(PosixFilePermissions.fromString("rw-r--r--"),
        Files.getPosixFilePermissions(cert));
    assertEquals(held.keyPair().getPrivate(), Pem.readPrivateKey(key));
    assertEquals(held.certificate(), Pem.readCertificate(cert));
    assertEquals(held.privateKeyPkcs8Pem(), Files.readString(key));
    assertTrue(Files.readString(key).startsWith("-----BEGIN PRIVATE KEY-----\n"));
  }

  @Test
  void pemHas64ColumnLines() {
    String pem = HeldCertificate.builder().rsa(2048).build().certificatePem();
    List<String> lines = pem.lines().toList();
    assertEquals("-----BEGIN CERTIFICATE-----", lines.get(0));
    assertEquals("-----END CERTIFICATE-----", lines.get(lines.size() - 1));
    for (String line : lines.subList(1, lines.size() - 2)) {
      assertEquals(64, line.length(), line);
    }
    assertTrue(pem.endsWith("-----END CERTIFICATE-----\n"));
  }

  @Test
  void neverOverwritesAnExistingFile() throws Exception {
    Path key = dir.resolve("key.pem");
    Files.writeString(key, "precious");
    PrivateKey other = HeldCertificate.builder().build().keyPair().getPrivate();
    TlsMaterialException e = assertThrows(TlsMaterialException.class,
        () -> Pem.writePrivateKey(key, other));
    assertEquals("file already exists: " + key + " (it is never overwritten)", e.getMessage());
    assertEquals("precious", Files.readString(key));
  }

  @Test
  void failedWriteLeavesNoFile() {
    Path key = dir.resolve("missing-dir/key.pem");
    PrivateKey other = HeldCertificate.builder().build().keyPair().getPrivate();
    TlsMaterialException e = assertThrows(TlsMaterialException.class,
        () -> Pem.writePrivateKey(key, other));
    assertEquals("file could not be written: " + key + " (java.nio.file.NoSuchFileException: "
        + key + ")", e.getMessage());
    assertFalse(Files.exists(key));
  }

  @Test
  void readsABundleInOrderAndSkipsOtherBlocks() throws Exception {
    HeldCertificate a = Fixtures.ca("a");
    HeldCertificate b = Fixtures.ca("b");
    Path bundle = dir.resolve("bundle.pem");
    Files.writeString(bundle, "comment before\n" + a.certificatePem() + a.privateKeyPkcs8Pem()
        + "text between\n" + b.certificatePem());
    assertEquals(List.of(a.certificate(), b.certificate()), Pem.readCertificates(bundle));
    // a combined file: the key after the certificate is found too
    assertEquals(a.keyPair().getPrivate(), Pem.readPrivateKey(bundle));
  }

  @Test
  void rejectsMalformedCertificateNamingTheFile() throws Exception {
    Path file = dir.resolve("broken.pem");
    Files.writeString(file, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    TlsMaterialException e = assertThrows(TlsMaterialException.class,
        () -> Pem.readCertificates(file));
    assertTrue(e.getMessage().startsWith("certificate file is not valid PEM: " + file + " ("),
        e.getMessage());
  }

  @Test
  void rejectsMalformedKeyWithoutEchoingIt() throws Exception {
    Path file = dir.resolve("broken-key.pem");
    Files.writeString(file, "-----BEGIN PRIVATE KEY-----\nMAMCAQA=\n-----END PRIVATE KEY-----\n");
    TlsMaterialException e = assertThrows(TlsMaterialException.class,
        () -> Pem.readPrivateKey(file));
    assertEquals("private key file is malformed: " + file + " (PRIVATE KEY block is malformed)",
        e.getMessage());
  }
}
