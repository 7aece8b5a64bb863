package dev.carapace.tls.internal;

import java.security.Key;
import java.security.PublicKey;
import java.security.interfaces.RSAKey;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;

/**
 * Which public keys both ends of a Docker TLS connection can use: this JDK (Java 17's SunEC signs
 * and verifies only on P-256, P-384 and P-521) and Go's {@code crypto/tls} and {@code crypto/x509}
 * in dockerd and the docker CLI (RSA, ECDSA on P-256, P-384 and P-521, and Ed25519; no RSA-PSS
 * keys, no Ed448, no DSA). What is left: RSA, EC P-256, P-384, P-521 and Ed25519.
 */
public final class KeyTypes {
  /** The key types both ends can use, as said in messages. */
  public static final String USABLE = "RSA, EC P-256, P-384 or P-521, or Ed25519";

  private static final String RSA_PSS_OID = "1.2.840.113549.1.1.10";
  private static final Map<String, String> NIST_CURVES =
      Map.of(
          "1.2.840.10045.3.1.7", "P-256",
          "1.3.132.0.34", "P-384",
          "1.3.132.0.35", "P-521");
  /** This JDK, as messages name it: {@code Java 17}. */
  public static final String JAVA = "Java " + Runtime.version().feature();
  private static final String GO = "dockerd and the docker CLI (Go crypto/tls)";
  private static final String GO_X509 = "Go crypto/x509 (dockerd, the docker CLI)";

  private KeyTypes() {}

  /**
   * Describes {@code key} for a message: {@code RSA 2048}, {@code RSASSA-PSS 2048}, {@code EC P-256},
   * {@code EC secp256k1}, {@code Ed25519}, {@code Ed448}.
   */
  public static String describe(PublicKey key) {
    String algorithm = algorithm(key);
    if (key instanceof RSAKey rsa) {
      return algorithm + " " + rsa.getModulus().bitLength();
    }
    if (algorithm.equals("EC")) {
      return "EC " + curve(key);
    }
    return algorithm;
  }

  /**
   * Why {@code key} cannot be used here, or {@code null} when it can.
   *
   * @param signsCertificates {@code true} for a CA key, whose signatures on certificates are
   *     verified; {@code false} for a leaf key, which signs in the TLS handshake
   */
  public static String unusable(PublicKey key, boolean signsCertificates) {
    String algorithm = algorithm(key);
    switch (algorithm) {
      case "RSA":
      case "Ed25519":
        return null;
      case "RSASSA-PSS":
        return signsCertificates
            ? JAVA + " verifies signatures made with RSA-PSS keys, but " + GO_X509 + " cannot"
            : JAVA + " can use RSA-PSS keys in TLS, but " + GO + " cannot: they offer no"
                + " rsa_pss_pss signature scheme, so the certificate is never sent";
      case "EC":
        String curve = curve(key);
        if (NIST_CURVES.containsValue(curve)) {
          return null;
        }
        if (curve.equals("explicit parameters")) {
          return "Go crypto/x509 reads only named curves; write the key with named curve"
              + " parameters (openssl ec -param_enc named_curve)";
        }
        return JAVA + " signs and verifies with EC keys on P-256, P-384 and P-521 only (the"
            + " legacy curves were removed from SunEC), and " + (signsCertificates ? GO_X509 + " knows"
            : GO + " know") + " no " + curve + " either";
      case "Ed448":
        return JAVA + " can use Ed448 keys, but " + (signsCertificates ? GO_X509 : GO) + " cannot";
      case "DSA":
        return signsCertificates ? GO_X509 + " no longer verifies DSA signatures"
            : "TLS 1.3 has no DSA signatures, and " + GO + " cannot use DSA keys at all";
      default:
        return "neither Java nor " + (signsCertificates ? GO_X509 : GO) + " knows the key algorithm "
            + algorithm;
    }
  }

  /** Whether this JDK can sign and verify with {@code key} (for key matching). */
  public static boolean jdkCanSign(PublicKey key) {
    String algorithm = algorithm(key);
    if (algorithm.equals("EC")) {
      return NIST_CURVES.containsValue(curve(key));
    }
    return true;
  }

  /**
   * The key algorithm by its encoding: {@code RSASSA-PSS} for an RSA-PSS key (which some JDK
   * builds call RSA), {@code Ed25519} and {@code Ed448} (which the JDK calls EdDSA).
   */
  static String algorithm(Key key) {
    try {
      String oid = SubjectPublicKeyInfo.getInstance(key.getEncoded()).getAlgorithm().getAlgorithm()
          .getId();
      switch (oid) {
        case RSA_PSS_OID:
          return "RSASSA-PSS";
        case "1.3.101.112":
          return "Ed25519";
        case "1.3.101.113":
          return "Ed448";
        case "1.2.840.10045.2.1":
          return "EC";
        case "1.2.840.113549.1.1.1":
          return "RSA";
        case "1.2.840.10040.4.1":
          return "DSA";
        default:
          return key.getAlgorithm() + " (" + oid + ")";
      }
    } catch (RuntimeException e) {
      return key.getAlgorithm();
    }
  }

  /** {@code P-256}, {@code P-384}, {@code P-521}, another curve's name or OID, or explicit. */
  static String curve(Key key) {
    try {
      ASN1Encodable parameters =
          SubjectPublicKeyInfo.getInstance(key.getEncoded()).getAlgorithm().getParameters();
      if (parameters instanceof ASN1ObjectIdentifier oid) {
        String nist = NIST_CURVES.get(oid.getId());
        if (nist != null) {
          return nist;
        }
        String name = ECNamedCurveTable.getName(oid);
        return name != null ? name : oid.getId();
      }
      return "explicit parameters";
    } catch (RuntimeException e) {
      return "unknown curve";
    }
  }
}
