package dev.carapace.tls;

import dev.carapace.tls.internal.CertificateSigner;
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
   * Follows {@code chain} (leaf first, then any intermediates from the same file) to one of
   * {@code cas}, checking the validity of every certificate on the way.
   */
  static void issuedBy(List<X509Certificate> chain, Path chainFile, List<X509Certificate> cas,
      Path caFile, Instant now) {
    X509Certificate current = chain.get(0);
    for (int depth = 0; depth < chain.size(); depth++) {
      for (X509Certificate ca : cas) {
        if (signs(ca, current)) {
          validity(ca, caFile, now);
          return;
        }
      }
      X509Certificate next = null;
      for (X509Certificate intermediate : chain.subList(1, chain.size())) {
        if (intermediate != current && signs(intermediate, current)) {
          next = intermediate;
        }
      }
      if (next == null) {
        break;
      }
      validity(next, chainFile, now);
      current = next;
    }
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

  private static boolean signs(X509Certificate issuer, X509Certificate certificate) {
    if (!certificate.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
      return false;
    }
    try {
      certificate.verify(issuer.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
