package dev.carapace.tls;

import dev.carapace.tls.internal.CertificateSigner;
import dev.carapace.tls.internal.KeyTypes;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** The checks made on TLS material before any connection, with their messages. */
final class Checks {
  static final int MIN_RSA_BITS = 2048;
  private static final Map<String, String> KEY_PURPOSES =
      Map.of(
          "1.3.6.1.5.5.7.3.1", "serverAuth",
          "1.3.6.1.5.5.7.3.2", "clientAuth",
          "1.3.6.1.5.5.7.3.3", "codeSigning",
          "1.3.6.1.5.5.7.3.4", "emailProtection",
          "1.3.6.1.5.5.7.3.8", "timeStamping",
          "1.3.6.1.5.5.7.3.9", "OCSPSigning",
          "2.5.29.37.0", "anyExtendedKeyUsage");

  private static final String GO_X509 = "Go crypto/x509 (dockerd, the docker CLI)";
  private static final String NEW_KEY = "make an EC P-256 key (openssl ecparam -name prime256v1"
      + " -genkey -noout) or an RSA key (openssl genpkey -algorithm RSA) and have it certified";
  private static final String BASIC_CONSTRAINTS = "2.5.29.19";
  private static final int KEY_CERT_SIGN = 5;
  private static final List<String> KEY_USAGES =
      List.of("digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment",
          "keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly");

  private Checks() {}

  static String subject(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().getName();
  }

  static String describeKey(PublicKey key) {
    if (key instanceof RSAKey rsa) {
      return "RSA " + rsa.getModulus().bitLength();
    }
    if (key instanceof ECKey ec) {
      return "EC " + ec.getParams().getOrder().bitLength();
    }
    return key.getAlgorithm();
  }

  /** Returns the extended key usages by name (OID when unnamed); empty if there are none. */
  static List<String> extendedKeyUsages(X509Certificate certificate) {
    List<String> names = new ArrayList<>();
    try {
      List<String> oids = certificate.getExtendedKeyUsage();
      if (oids != null) {
        for (String oid : oids) {
          names.add(KEY_PURPOSES.getOrDefault(oid, oid));
        }
      }
    } catch (CertificateParsingException e) {
      names.add("unparseable");
    }
    return names;
  }

  /** Throws unless {@code duration} is positive. */
  static void requirePositive(String attribute, Duration duration) {
    Objects.requireNonNull(duration, attribute);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(attribute + " must be positive: " + duration);
    }
  }

  /** Returns {@code bits} if it is an RSA key size this module generates. */
  static int requireRsaKeySize(int bits) {
    if (bits != 2048 && bits != 3072 && bits != 4096) {
      throw new IllegalArgumentException("rsa key size must be 2048, 3072 or 4096: " + bits);
    }
    return bits;
  }

  /** Builder-time check: a programmer error, so an {@link IllegalArgumentException}. */
  static void requireStrongKey(PublicKey key, String attribute) {
    if (key instanceof RSAKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
      throw new IllegalArgumentException(
          attribute + " rsa key must be at least " + MIN_RSA_BITS + " bits: "
              + rsa.getModulus().bitLength());
    }
  }

  static void rsaKeySize(X509Certificate certificate, Path file) {
    if (certificate.getPublicKey() instanceof RSAKey rsa
        && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
      throw new TlsMaterialException(
          "rsa key must be at least " + MIN_RSA_BITS + " bits: " + rsa.getModulus().bitLength()
              + " (certificate " + file + ", subject " + subject(certificate) + ")");
    }
  }

  static void validity(X509Certificate certificate, Path file, Instant now) {
    Instant notBefore = certificate.getNotBefore().toInstant();
    Instant notAfter = certificate.getNotAfter().toInstant();
    String rule;
    if (now.isBefore(notBefore)) {
      rule = "certificate is not yet valid: ";
    } else if (now.isAfter(notAfter)) {
      rule = "certificate has expired: ";
    } else {
      return;
    }
    throw new TlsMaterialException(
        rule + file + " (subject " + subject(certificate) + ", notBefore " + notBefore
            + ", notAfter " + notAfter + ", now " + now.truncatedTo(ChronoUnit.SECONDS) + ")");
  }

  static void extendedKeyUsage(X509Certificate certificate, Path file, String purpose) {
    List<String> usages = extendedKeyUsages(certificate);
    if (!usages.contains(purpose) && !usages.contains("anyExtendedKeyUsage")) {
      throw new TlsMaterialException(
          "certificate lacks extended key usage " + purpose + ": " + file + " (subject "
              + subject(certificate) + ", extended key usages "
              + (usages.isEmpty() ? "none" : usages.toString()) + ")");
    }
  }

  static void keyMatches(X509Certificate certificate, Path certificateFile, PrivateKey key,
      Path keyFile) {
    if (!CertificateSigner.keysMatch(certificate.getPublicKey(), key)) {
      throw new TlsMaterialException(
          "private key does not match certificate: " + keyFile + " (certificate "
              + certificateFile + ", subject " + subject(certificate) + ", certificate key "
              + describeKey(certificate.getPublicKey()) + ", private key " + key.getAlgorithm()
              + ")");
    }
  }

  /**
   * Throws unless the key of {@code certificate}, which signs in the handshake, is one both this
   * JDK and Go's {@code crypto/tls} (dockerd, the docker CLI) can use.
   */
  static void keyType(X509Certificate certificate, Path file) {
    String reason = KeyTypes.unusable(certificate.getPublicKey(), false);
    if (reason != null) {
      throw new TlsMaterialException(
          "certificate key type must be " + KeyTypes.USABLE + ": "
              + KeyTypes.describe(certificate.getPublicKey()) + " (certificate " + file
              + ", subject " + subject(certificate) + "; " + reason + "; " + NEW_KEY + ")");
    }
  }

  /** Throws if the leaf is a CA: its key, handed to a client or a daemon, could sign certificates. */
  static void notCa(X509Certificate leaf, Path file, String side) {
    if (leaf.getBasicConstraints() >= 0) {
      throw new TlsMaterialException(
          side + " certificate must not be a ca: basicConstraints CA:TRUE (certificate " + file
              + ", subject " + subject(leaf) + "; a " + side + " key that may sign certificates is"
              + " a ca key outside the ca; reissue it with CA:FALSE)");
    }
  }

  /**
   * Throws when the private key belongs to a certificate other than the first in {@code chain}
   * (or, failing a match, when the first is a CA and the last is not): the file lists the chain in
   * another order than leaf first, which TLS needs.
   */
  static void chainOrder(List<X509Certificate> chain, Path file, PrivateKey key) {
    int n = chain.size();
    if (n < 2 || CertificateSigner.keysMatch(chain.get(0).getPublicKey(), key)) {
      return;
    }
    int leaf = -1;
    String why = null;
    for (int i = 1; i < n && leaf < 0; i++) {
      // a ca's key is a wrong key.pem, not a misordered chain: the key check names it
      if (chain.get(i).getBasicConstraints() < 0
          && CertificateSigner.keysMatch(chain.get(i).getPublicKey(), key)) {
        leaf = i;
        why = "the private key matches certificate " + (i + 1) + " of " + n + ", subject "
            + subject(chain.get(i));
      }
    }
    if (leaf < 0 && chain.get(0).getBasicConstraints() >= 0
        && chain.get(n - 1).getBasicConstraints() < 0) {
      leaf = n - 1;
      why = "the first certificate, subject " + subject(chain.get(0)) + ", is a ca and the last,"
          + " subject " + subject(chain.get(n - 1)) + ", is not";
    }
    if (leaf < 0) {
      return;
    }
    String name = String.valueOf(file.getFileName());
    String hint = leaf == n - 1 && reversed(chain)
        ? "certificates in " + name + " are in reverse order: leaf first, then intermediates"
        : "put the leaf first in " + name + ", then its intermediates";
    throw new TlsMaterialException(
        "certificate chain must start with the leaf: " + file + " (" + why + "; " + hint + ")");
  }

  /** Whether each certificate names the one before it as its issuer: a chain root first. */
  private static boolean reversed(List<X509Certificate> chain) {
    for (int i = 1; i < chain.size(); i++) {
      if (!chain.get(i).getIssuerX500Principal()
          .equals(chain.get(i - 1).getSubjectX500Principal())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Follows {@code chain} (leaf first, then any intermediates from the same file) to one of
   * {@code cas}, checking the validity of every certificate on the way, then checks the path as
   * Go's {@code crypto/x509} will on the other end (see {@link #path}).
   *
   * @param purpose the extended key usage the leaf is for: clientAuth or serverAuth
   */
  static void issuedBy(List<X509Certificate> chain, Path chainFile, List<X509Certificate> cas,
      Path caFile, Instant now, String purpose) {
    List<X509Certificate> path = new ArrayList<>();
    X509Certificate current = chain.get(0);
    path.add(current);
    X509Certificate anchor = null;
    for (int depth = 0; depth < chain.size() && anchor == null; depth++) {
      for (X509Certificate ca : cas) {
        if (signs(ca, caFile, current)) {
          anchor = ca;
          break;
        }
      }
      if (anchor != null) {
        break;
      }
      X509Certificate next = null;
      for (X509Certificate intermediate : chain.subList(1, chain.size())) {
        if (!path.contains(intermediate) && signs(intermediate, chainFile, current)) {
          next = intermediate;
        }
      }
      if (next == null) {
        break;
      }
      validity(next, chainFile, now);
      path.add(next);
      current = next;
    }
    if (anchor == null) {
      List<String> caSubjects = new ArrayList<>();
      for (X509Certificate ca : cas) {
        caSubjects.add(subject(ca));
      }
      X509Certificate leaf = chain.get(0);
      throw new TlsMaterialException(
          "certificate is not issued by the ca: " + chainFile + " (subject " + subject(leaf)
              + ", issuer " + leaf.getIssuerX500Principal().getName() + "; " + caFile + " holds "
              + caSubjects + ")");
    }
    intermediateNotInCaFile(anchor, chain, chainFile, cas, caFile);
    validity(anchor, caFile, now);
    path.add(anchor);
    path(path, chainFile, caFile, purpose);
  }

  /**
   * Checks {@code path} (leaf, intermediates, the CA from {@code ca.pem}) as Go's
   * {@code crypto/x509} verifies it in dockerd and the docker CLI, so material that loads is not
   * refused by the peer: no SHA-1 or MD5 signature below the CA; every issuer a CA with a key Go
   * can verify, with {@code keyCertSign} when it has a key usage (RFC 5280, as the JDK and openssl
   * check), with a path length that allows the intermediates below it (counted as Go counts them),
   * and with {@code purpose} (or any) among its extended key usages when it has some. The root may
   * also be a version 1 certificate, or have no basic constraints but keyCertSign, as openssl
   * allows.
   */
  private static void path(List<X509Certificate> path, Path chainFile, Path caFile,
      String purpose) {
    for (int k = 1; k < path.size(); k++) {
      X509Certificate issued = path.get(k - 1);
      X509Certificate issuer = path.get(k);
      boolean isAnchor = k == path.size() - 1;
      Path file = isAnchor ? caFile : chainFile;
      String where = " (certificate " + file + ", subject " + subject(issuer) + ", issues "
          + subject(issued) + "; ";
      String algorithm = issued.getSigAlgName();
      String upper = algorithm.toUpperCase(Locale.ROOT);
      if (upper.startsWith("SHA1") || upper.startsWith("MD5") || upper.startsWith("MD2")) {
        throw new TlsMaterialException(
            "certificate signature algorithm must not be SHA-1 or MD5: " + algorithm
                + " (certificate " + chainFile + ", subject " + subject(issued) + ", signed by "
                + subject(issuer) + "; " + GO_X509 + " refuses it; reissue it signed with SHA-256)");
      }
      String reason = KeyTypes.unusable(issuer.getPublicKey(), true);
      if (reason != null) {
        throw new TlsMaterialException(
            "issuing certificate key type must be " + KeyTypes.USABLE + ": "
                + KeyTypes.describe(issuer.getPublicKey()) + where + reason
                + "; reissue the ca with an RSA or EC P-256 key)");
      }
      if (issuer.getBasicConstraints() < 0 && !(isAnchor && legacyRoot(issuer))) {
        String actual = issuer.getExtensionValue(BASIC_CONSTRAINTS) == null
            ? "no basicConstraints" : "basicConstraints CA:FALSE";
        throw new TlsMaterialException(
            "issuing certificate must be a ca: " + actual + where
                + (isAnchor
                    ? "RFC 5280 forbids verifying certificate signatures with a key that is not a"
                        + " ca's"
                    : GO_X509 + " refuses the chain: parent certificate cannot sign this kind of"
                        + " certificate")
                + "; reissue it with basicConstraints CA:TRUE)");
      }
      boolean[] keyUsage = issuer.getKeyUsage();
      if (keyUsage != null && (keyUsage.length <= KEY_CERT_SIGN || !keyUsage[KEY_CERT_SIGN])) {
        throw new TlsMaterialException(
            "issuing certificate key usage must include keyCertSign: " + keyUsages(keyUsage)
                + where + "RFC 5280, the JDK and openssl refuse a ca key that may not sign"
                + " certificates; reissue it with keyUsage keyCertSign)");
      }
      int below = k - 1;
      if (issuer.getBasicConstraints() >= 0 && below > issuer.getBasicConstraints()) {
        List<String> intermediates = new ArrayList<>();
        for (X509Certificate intermediate : path.subList(1, k)) {
          intermediates.add(subject(intermediate));
        }
        throw new TlsMaterialException(
            "ca path length must allow the intermediates below it: pathlen "
                + issuer.getBasicConstraints() + " (certificate " + file + ", subject "
                + subject(issuer) + "; below it in " + chainFile + ": " + below
                + (below == 1 ? " intermediate " : " intermediates ") + intermediates + "; "
                + GO_X509 + " refuses the chain: too many intermediates for path length"
                + " constraint; reissue " + subject(issuer) + " with pathlen " + below
                + " or more, or have it sign the leaf directly)");
      }
      List<String> usages = extendedKeyUsages(issuer);
      if (!usages.isEmpty() && !usages.contains(purpose)
          && !usages.contains("anyExtendedKeyUsage")) {
        throw new TlsMaterialException(
            "issuing certificate extended key usage must include " + purpose + ": " + usages
                + where + GO_X509 + " refuses a chain whose cas allow other purposes only:"
                + " incompatible key usage; reissue it with " + purpose
                + ", or without extended key usage)");
      }
    }
  }

  /**
   * Whether a CA certificate without {@code CA:TRUE} may still be a root, as openssl allows: a
   * version 1 certificate, or one without basic constraints whose key usage has keyCertSign.
   */
  private static boolean legacyRoot(X509Certificate root) {
    if (root.getVersion() == 1) {
      return true;
    }
    boolean[] keyUsage = root.getKeyUsage();
    return root.getExtensionValue(BASIC_CONSTRAINTS) == null && keyUsage != null
        && keyUsage.length > KEY_CERT_SIGN && keyUsage[KEY_CERT_SIGN];
  }

  private static String keyUsages(boolean[] keyUsage) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < keyUsage.length && i < KEY_USAGES.size(); i++) {
      if (keyUsage[i]) {
        names.add(KEY_USAGES.get(i));
      }
    }
    return names.toString();
  }

  /**
   * Whether {@code issuer} signed {@code certificate}. An issuer with the right name but a key this
   * JDK cannot verify with is named as such, not passed over.
   */
  /**
   * Refuses an intermediate CA placed in {@code ca.pem} beside the root that issued it instead of in
   * the chain file: it loads, but the peer, which trusts only the root, never receives it, so the
   * handshake fails. An intermediate alone in {@code ca.pem} is a deliberate trust anchor and passes.
   */
  private static void intermediateNotInCaFile(X509Certificate anchor, List<X509Certificate> chain,
      Path chainFile, List<X509Certificate> cas, Path caFile) {
    if (anchor.getIssuerX500Principal().equals(anchor.getSubjectX500Principal())
        || chain.contains(anchor)) {
      return;
    }
    for (X509Certificate ca : cas) {
      if (ca != anchor && anchor.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
        throw new TlsMaterialException("certificate chain must include its intermediate ca: "
            + chainFile + " (its issuer " + subject(anchor) + " is an intermediate found in " + caFile
            + " below " + subject(ca) + "; the peer trusts the root and never receives " + caFile
            + ", so the handshake would fail: append the intermediate to " + chainFile
            + " after the certificate)");
      }
    }
  }

  private static boolean signs(X509Certificate issuer, Path issuerFile,
      X509Certificate certificate) {
    if (!certificate.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
      return false;
    }
    if (!KeyTypes.jdkCanSign(issuer.getPublicKey())) {
      throw new TlsMaterialException(
          "issuing certificate key type must be " + KeyTypes.USABLE + ": "
              + KeyTypes.describe(issuer.getPublicKey()) + " (certificate " + issuerFile
              + ", subject " + subject(issuer) + ", issues " + subject(certificate) + "; "
              + KeyTypes.unusable(issuer.getPublicKey(), true)
              + "; reissue the ca with an RSA or EC P-256 key)");
    }
    try {
      certificate.verify(issuer.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
