package dev.carapace.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.tls.DockerTlsMaterial.Role;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v1CertificateBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v1CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chain is checked as Go's crypto/x509 checks it in dockerd and the docker CLI (and as openssl
 * does): basic constraints and path length, keyCertSign, the leaf's purpose in the issuers'
 * extended key usages, no SHA-1 signatures, no CA as the leaf, and the leaf first in the file.
 * Exact messages for each rule; then generated chains (issuers of every kind, up to two
 * intermediates) on which loading must agree with {@code openssl verify -purpose sslclient}.
 */
class ChainCheckTest {
  private static final String GO = "Go crypto/x509 (dockerd, the docker CLI)";

  @TempDir Path dir;

  /** What an issuer certificate says about itself. */
  private enum Kind {
    CA, CA_PATHLEN_0, CA_PATHLEN_1, NOT_CA, NO_BASIC_CONSTRAINTS, NO_KEY_CERT_SIGN,
    EKU_SERVER_AUTH, EKU_CLIENT_AUTH
  }

  /** A certificate with its key. */
  private record Held(X509Certificate certificate, KeyPair keys) {}

  private static KeyPair ecKey() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static int serial = 1;

  /** Issues a version 3 certificate for {@code cn}: an issuer of {@code kind}, or a client leaf. */
  private static Held issue(String cn, Kind kind, Held issuer, String signature) throws Exception {
    KeyPair keys = ecKey();
    X500Name subject = new X500Name("CN=" + cn);
    Instant now = Instant.now();
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
        issuer == null ? subject : X500Name.getInstance(
            issuer.certificate().getSubjectX500Principal().getEncoded()),
        BigInteger.valueOf(serial++), Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(Duration.ofDays(30))), subject, keys.getPublic());
    int caUsage = KeyUsage.keyCertSign | KeyUsage.cRLSign;
    if (kind == null) { // a client leaf
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
    } else {
      switch (kind) {
        case CA_PATHLEN_0 -> builder.addExtension(Extension.basicConstraints, true,
            new BasicConstraints(0));
        case CA_PATHLEN_1 -> builder.addExtension(Extension.basicConstraints, true,
            new BasicConstraints(1));
        case NOT_CA -> builder.addExtension(Extension.basicConstraints, true,
            new BasicConstraints(false));
        case NO_BASIC_CONSTRAINTS -> { }
        default -> builder.addExtension(Extension.basicConstraints, true,
            new BasicConstraints(true));
      }
      if (kind == Kind.NO_KEY_CERT_SIGN) {
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      } else if (kind != Kind.NOT_CA && kind != Kind.NO_BASIC_CONSTRAINTS) {
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(caUsage));
      }
      if (kind == Kind.EKU_SERVER_AUTH || kind == Kind.EKU_CLIENT_AUTH) {
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
            kind == Kind.EKU_SERVER_AUTH ? KeyPurposeId.id_kp_serverAuth
                : KeyPurposeId.id_kp_clientAuth));
      }
    }
    PrivateKey signingKey = issuer == null ? keys.getPrivate() : issuer.keys().getPrivate();
    X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder(signature).build(signingKey)));
    return new Held(certificate, keys);
  }

  private static final Kind NO_KIND = null;

  private static Held issue(String cn, Kind kind, Held issuer) throws Exception {
    return issue(cn, kind, issuer, "SHA256withECDSA");
  }

  /** Writes ca.pem (the root), cert.pem ({@code chain} in this order) and key.pem. */
  private Path write(String name, Held root, List<Held> chain, Held keyOf) throws Exception {
    Path folder = Files.createDirectories(dir.resolve(name));
    Pem.writeCertificate(folder.resolve("ca.pem"), root.certificate());
    List<X509Certificate> certificates = new ArrayList<>();
    for (Held held : chain) {
      certificates.add(held.certificate());
    }
    Pem.writeCertificates(folder.resolve("cert.pem"), certificates);
    Pem.writePrivateKey(folder.resolve("key.pem"), keyOf.keys().getPrivate());
    return folder;
  }

  private static String refused(Path folder) {
    return assertThrows(TlsMaterialException.class, () -> DockerTlsMaterial.readClient(folder))
        .getMessage();
  }

  @Test
  void refusesAnIntermediateUnderACaWithPathLengthZeroNamingBoth() throws Exception {
    Held root = issue("root-ca", Kind.CA_PATHLEN_0, null);
    Held intermediate = issue("intermediate-ca", Kind.CA, root);
    Held leaf = issue("client", NO_KIND, intermediate);
    Path folder = write("pathlen", root, List.of(leaf, intermediate), leaf);
    assertEquals("ca path length must allow the intermediates below it: pathlen 0 (certificate "
        + folder.resolve("ca.pem") + ", subject CN=root-ca; below it in "
        + folder.resolve("cert.pem") + ": 1 intermediate [CN=intermediate-ca]; " + GO
        + " refuses the chain: too many intermediates for path length constraint; reissue"
        + " CN=root-ca with pathlen 1 or more, or have it sign the leaf directly)",
        refused(folder));
  }

  @Test
  void refusesTwoIntermediatesUnderAnIntermediateWithPathLengthZero() throws Exception {
    Held root = issue("root-ca", Kind.CA, null);
    Held upper = issue("upper-ca", Kind.CA_PATHLEN_0, root);
    Held lower = issue("lower-ca", Kind.CA, upper);
    Held leaf = issue("client", NO_KIND, lower);
    Path folder = write("pathlen2", root, List.of(leaf, lower, upper), leaf);
    assertEquals("ca path length must allow the intermediates below it: pathlen 0 (certificate "
        + folder.resolve("cert.pem") + ", subject CN=upper-ca; below it in "
        + folder.resolve("cert.pem") + ": 1 intermediate [CN=lower-ca]; " + GO
        + " refuses the chain: too many intermediates for path length constraint; reissue"
        + " CN=upper-ca with pathlen 1 or more, or have it sign the leaf directly)",
        refused(folder));
  }

  @Test
  void refusesANonCaCertificateUsedAsACa() throws Exception {
    Held root = issue("root-ca", Kind.CA, null);
    Held notCa = issue("not-a-ca", Kind.NOT_CA, root);
    Held leaf = issue("client", NO_KIND, notCa);
    Path folder = write("notca", root, List.of(leaf, notCa), leaf);
    assertEquals("issuing certificate must be a ca: basicConstraints CA:FALSE (certificate "
        + folder.resolve("cert.pem") + ", subject CN=not-a-ca, issues CN=client; " + GO
        + " refuses the chain: parent certificate cannot sign this kind of certificate; reissue"
        + " it with basicConstraints CA:TRUE)", refused(folder));

    Held plainRoot = issue("plain-root", Kind.NO_BASIC_CONSTRAINTS, null);
    Held leaf2 = issue("client", NO_KIND, plainRoot);
    Path folder2 = write("plainroot", plainRoot, List.of(leaf2), leaf2);
    assertEquals("issuing certificate must be a ca: no basicConstraints (certificate "
        + folder2.resolve("ca.pem") + ", subject CN=plain-root, issues CN=client; RFC 5280"
        + " forbids verifying certificate signatures with a key that is not a ca's; reissue it"
        + " with basicConstraints CA:TRUE)", refused(folder2));
  }

  @Test
  void refusesACaCertificateAsTheLeaf() throws Exception {
    Held root = issue("root-ca", Kind.CA, null);
    Held caLeaf = issue("ca-as-client", Kind.EKU_CLIENT_AUTH, root);
    Path folder = write("caleaf", root, List.of(caLeaf), caLeaf);
    assertEquals("client certificate must not be a ca: basicConstraints CA:TRUE (certificate "
        + folder.resolve("cert.pem") + ", subject CN=ca-as-client; a client key that may sign"
        + " certificates is a ca key outside the ca; reissue it with CA:FALSE)", refused(folder));
  }

  @Test
  void refusesACaWithoutKeyCertSign() throws Exception {
    Held root = issue("root-ca", Kind.NO_KEY_CERT_SIGN, null);
    Held leaf = issue("client", NO_KIND, root);
    Path folder = write("nokcs", root, List.of(leaf), leaf);
    assertEquals("issuing certificate key usage must include keyCertSign: [digitalSignature]"
        + " (certificate " + folder.resolve("ca.pem") + ", subject CN=root-ca, issues CN=client;"
        + " RFC 5280, the JDK and openssl refuse a ca key that may not sign certificates;"
        + " reissue it with keyUsage keyCertSign)", refused(folder));
  }

  @Test
  void refusesAnIntermediateWhoseExtendedKeyUsageExcludesTheLeafsPurpose() throws Exception {
    Held root = issue("root-ca", Kind.CA, null);
    Held serverOnly = issue("server-ca", Kind.EKU_SERVER_AUTH, root);
    Held leaf = issue("client", NO_KIND, serverOnly);
    Path folder = write("eku", root, List.of(leaf, serverOnly), leaf);
    assertEquals("issuing certificate extended key usage must include clientAuth: [serverAuth]"
        + " (certificate " + folder.resolve("cert.pem") + ", subject CN=server-ca, issues"
        + " CN=client; " + GO + " refuses a chain whose cas allow other purposes only:"
        + " incompatible key usage; reissue it with clientAuth, or without extended key usage)",
        refused(folder));
  }

  @Test
  void refusesASha1Signature() throws Exception {
    Held root = issue("root-ca", Kind.CA, null);
    Held leaf = issue("client", NO_KIND, root, "SHA1withECDSA");
    Path folder = write("sha1", root, List.of(leaf), leaf);
    assertEquals("certificate signature algorithm must not be SHA-1 or MD5: SHA1withECDSA"
        + " (certificate " + folder.resolve("cert.pem") + ", subject CN=client, signed by"
        + " CN=root-ca; " + GO + " refuses it; reissue it signed with SHA-256)", refused(folder));
  }

  @Test
  void hintsAtAChainWrittenInReverseOrder() throws Exception {
    Held root = issue("root-ca", Kind.CA, null);
    Held intermediate = issue("intermediate-ca", Kind.CA, root);
    Held leaf = issue("client", NO_KIND, intermediate);
    Path folder = write("reverse", root, List.of(intermediate, leaf), leaf);
    assertEquals("certificate chain must start with the leaf: " + folder.resolve("cert.pem")
        + " (the private key matches certificate 2 of 2, subject CN=client; certificates in"
        + " cert.pem are in reverse order: leaf first, then intermediates)", refused(folder));

    Path withRoot = write("reverse-with-root", root, List.of(root, intermediate, leaf), leaf);
    assertEquals("certificate chain must start with the leaf: " + withRoot.resolve("cert.pem")
        + " (the private key matches certificate 3 of 3, subject CN=client; certificates in"
        + " cert.pem are in reverse order: leaf first, then intermediates)", refused(withRoot));

    Held lower = issue("lower-ca", Kind.CA, intermediate);
    Held leaf2 = issue("client", NO_KIND, lower);
    Path shuffled = write("shuffled", root, List.of(lower, leaf2, intermediate), leaf2);
    assertEquals("certificate chain must start with the leaf: " + shuffled.resolve("cert.pem")
        + " (the private key matches certificate 2 of 3, subject CN=client; put the leaf first"
        + " in cert.pem, then its intermediates)", refused(shuffled));

    // the key of none of them: the ca flags still tell the order
    Held stranger = issue("stranger", NO_KIND, root);
    Path noKey = write("reverse-no-key", root, List.of(intermediate, leaf), stranger);
    assertEquals("certificate chain must start with the leaf: " + noKey.resolve("cert.pem")
        + " (the first certificate, subject CN=intermediate-ca, is a ca and the last, subject"
        + " CN=client, is not; certificates in cert.pem are in reverse order: leaf first, then"
        + " intermediates)", refused(noKey));

    // in order, with the root at the end as some tools write it: loads
    Path inOrder = write("in-order", root, List.of(leaf, intermediate, root), leaf);
    assertEquals(3, DockerTlsMaterial.readClient(inOrder).certificateChain().size());
  }

  @Test
  void acceptsWhatGoAccepts() throws Exception {
    // a version 1 root (no extensions), as old openssl recipes make
    KeyPair rootKeys = ecKey();
    Instant now = Instant.now();
    X509v1CertificateBuilder v1 = new JcaX509v1CertificateBuilder(new X500Name("CN=v1-root"),
        BigInteger.TEN, Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(Duration.ofDays(30))), new X500Name("CN=v1-root"), rootKeys.getPublic());
    Held v1Root = new Held(new JcaX509CertificateConverter().getCertificate(
        v1.build(new JcaContentSignerBuilder("SHA256withECDSA").build(rootKeys.getPrivate()))),
        rootKeys);
    assertEquals(1, v1Root.certificate().getVersion());
    Held leaf = issue("client", NO_KIND, v1Root);
    DockerTlsMaterial.readClient(write("v1", v1Root, List.of(leaf), leaf));

    // a root and an intermediate with path length 1 and 0, exactly enough
    Held root = issue("root-ca", Kind.CA_PATHLEN_1, null);
    Held intermediate = issue("intermediate-ca", Kind.CA_PATHLEN_0, root);
    Held leaf2 = issue("client", NO_KIND, intermediate);
    DockerTlsMaterial.readClient(write("exact", root, List.of(leaf2, intermediate), leaf2));
  }

  @Test
  void checksServerMaterialTheSameWay() throws Exception {
    Held root = issue("root-ca", Kind.CA_PATHLEN_0, null);
    Held intermediate = issue("intermediate-ca", Kind.CA, root);
    HeldCertificate server = HeldCertificate.builder().commonName("dockerd").serverAuth()
        .addSubjectAlternativeName("localhost")
        .signedBy(HeldCertificate.of(intermediate.certificate(), intermediate.keys().getPrivate()))
        .build();
    Path folder = Files.createDirectories(dir.resolve("server"));
    Pem.writeCertificate(folder.resolve("ca.pem"), root.certificate());
    Pem.writeCertificates(folder.resolve("server-cert.pem"),
        List.of(server.certificate(), intermediate.certificate()));
    server.writePrivateKey(folder.resolve("server-key.pem"));
    TlsMaterialException e = assertThrows(TlsMaterialException.class,
        () -> DockerTlsMaterial.read(Role.SERVER, folder.resolve("ca.pem"),
            folder.resolve("server-cert.pem"), folder.resolve("server-key.pem"), null));
    assertTrue(e.getMessage().startsWith("ca path length must allow the intermediates below it:"
        + " pathlen 0 (certificate " + folder.resolve("ca.pem") + ", subject CN=root-ca; below"
        + " it in " + folder.resolve("server-cert.pem") + ": 1 intermediate [CN=intermediate-ca]"),
        e.getMessage());
  }

  /** Whether {@code openssl verify} accepts cert.pem's first certificate for TLS client use. */
  private boolean opensslVerifies(Path folder) throws Exception {
    Process process = new ProcessBuilder("/usr/bin/openssl", "verify", "-CAfile", "ca.pem",
        "-untrusted", "cert.pem", "-purpose", "sslclient", "cert.pem").directory(folder.toFile())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    process.getOutputStream().close();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    return process.exitValue() == 0;
  }

  @Test
  void generatedChainsLoadExactlyWhenOpensslVerifiesThem() throws Exception {
    Kind[] kinds = Kind.values();
    List<Kind[]> cases = new ArrayList<>();
    for (Kind a : kinds) {
      cases.add(new Kind[] {a});
      for (Kind b : kinds) {
        cases.add(new Kind[] {a, b});
      }
    }
    Random random = new Random(5280);
    for (int i = 0; i < 60; i++) {
      cases.add(new Kind[] {kinds[random.nextInt(kinds.length)], kinds[random.nextInt(kinds.length)],
          kinds[random.nextInt(kinds.length)]});
    }
    List<String> rules = List.of("ca path length must allow", "issuing certificate must be a ca",
        "issuing certificate key usage must include keyCertSign",
        "issuing certificate extended key usage must include clientAuth");
    List<String> disagreements = new ArrayList<>();
    int loaded = 0;
    int n = 0;
    for (Kind[] issuers : cases) {
      // issuers[0] is the root; each next one is issued by the one before; the leaf by the last
      Held root = issue("ca-0", issuers[0], null);
      List<Held> intermediates = new ArrayList<>();
      Held issuer = root;
      for (int k = 1; k < issuers.length; k++) {
        issuer = issue("ca-" + k, issuers[k], issuer);
        intermediates.add(0, issuer);
      }
      Held leaf = issue("client", NO_KIND, issuer);
      List<Held> chain = new ArrayList<>(List.of(leaf));
      chain.addAll(intermediates);
      Path folder = write("case-" + n++, root, chain, leaf);
      boolean openssl = opensslVerifies(folder);
      String ours = null;
      try {
        DockerTlsMaterial.readClient(folder);
        loaded++;
      } catch (TlsMaterialException e) {
        ours = e.getMessage();
        String message = ours;
        assertTrue(rules.stream().anyMatch(message::startsWith), message);
      }
      if (openssl != (ours == null)) {
        disagreements.add(List.of(issuers) + ": openssl " + (openssl ? "verifies" : "refuses")
            + ", Carapace " + (ours == null ? "loads" : "refuses: " + ours));
      }
    }
    assertEquals(List.of(), disagreements);
    assertTrue(loaded > 10 && loaded < n - 10, loaded + " of " + n + " loaded");
  }
}
