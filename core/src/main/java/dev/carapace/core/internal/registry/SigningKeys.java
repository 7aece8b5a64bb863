package dev.carapace.core.internal.registry;

import dev.carapace.core.internal.io.Strings;
import dev.carapace.tls.internal.KeyTypes;
import dev.carapace.tls.internal.PemBlocks;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.RSAKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * The keys cosign signs images with, and its signature algorithms as sigstore's Go library applies
 * them to a key given by file ({@code signature.LoadVerifier(key, crypto.SHA256)}, which cosign and
 * containers/image (skopeo, podman) use): ECDSA on P-256, P-384 or P-521 with SHA-256 and an ASN.1
 * signature, RSA PKCS#1 v1.5 with SHA-256 (2048 bits or more), Ed25519 over the payload itself. Keys
 * are read by the JDK from their {@code PUBLIC KEY} PEM block (SubjectPublicKeyInfo).
 */
public final class SigningKeys {
  /** The key types a trusted key may have, for messages. */
  public static final String USABLE = "ECDSA P-256, P-384 or P-521, RSA of 2048 bits or more, or Ed25519";
  private static final Map<String, String> KEY_FACTORIES = Map.of(
      "1.2.840.10045.2.1", "EC", "1.2.840.113549.1.1.1", "RSA", "1.3.101.112", "Ed25519");
  private static final int MIN_RSA_BITS = 2048;
  /** How many keys one PEM text may hold. */
  static final int MAX_KEYS = 64;

  private SigningKeys() {}

  /**
   * Every public key of {@code pem}, from its {@code PUBLIC KEY} blocks.
   *
   * @param source what the text is, for messages ({@code /etc/cosign.pub}, {@code trusted key PEM})
   * @throws IllegalArgumentException when the text is not PEM, holds another block type (a private
   *     key, a certificate), no key, or a key of an unusable type; the message names the source and
   *     never a key's bytes
   */
  public static List<PublicKey> parsePublicKeys(String pem, String source) {
    List<PemObject> blocks;
    try {
      blocks = PemBlocks.read(new String(pem.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
    } catch (PemBlocks.PemSyntaxException e) {
      throw new IllegalArgumentException("trusted key must be PEM: " + source + " (" + e.getMessage() + ")", e);
    }
    if (blocks.isEmpty()) {
      throw new IllegalArgumentException("trusted key must be a PEM PUBLIC KEY block: " + source + " holds no PEM block");
    }
    if (blocks.size() > MAX_KEYS) {
      throw new IllegalArgumentException("trusted key PEM must hold at most " + MAX_KEYS + " keys: " + source
          + " holds " + blocks.size() + " blocks");
    }
    List<PublicKey> keys = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      PemObject b = blocks.get(i);
      String where = source + (blocks.size() > 1 ? " (block " + (i + 1) + ")" : "");
      if (!b.getType().equals("PUBLIC KEY")) {
        throw new IllegalArgumentException("trusted key must be a PEM PUBLIC KEY block: " + where + " is "
            + Strings.show(b.getType()) + (b.getType().contains("PRIVATE") ? " (give the public key only: a private"
            + " key is a secret)" : ""));
      }
      keys.add(publicKey(b.getContent(), where));
    }
    return List.copyOf(keys);
  }

  /** The key in the SubjectPublicKeyInfo {@code der}. */
  static PublicKey publicKey(byte[] der, String where) {
    String oid;
    try {
      oid = SubjectPublicKeyInfo.getInstance(der).getAlgorithm().getAlgorithm().getId();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("trusted key must be a SubjectPublicKeyInfo: " + where + " is not one", e);
    }
    String factory = KEY_FACTORIES.get(oid);
    if (factory == null) {
      throw new IllegalArgumentException("trusted key must be " + USABLE + ": " + where + " is " + named(oid));
    }
    PublicKey key;
    try {
      key = KeyFactory.getInstance(factory).generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("trusted key must be " + USABLE + ": " + where + " is a " + factory
          + " key this JDK cannot read (" + e.getMessage() + ")", e);
    }
    requireUsable(key, where);
    return key;
  }

  /**
   * Refuses a key of another type.
   *
   * @throws IllegalArgumentException naming {@code where} and the key's type
   */
  public static void requireUsable(PublicKey key, String where) {
    String d = KeyTypes.describe(key);
    boolean ok = d.equals("EC P-256") || d.equals("EC P-384") || d.equals("EC P-521") || d.equals("Ed25519")
        || d.startsWith("RSA ") && key instanceof RSAKey rsa && rsa.getModulus().bitLength() >= MIN_RSA_BITS;
    if (!ok) {
      throw new IllegalArgumentException("trusted key must be " + USABLE + ": " + where + " is " + d);
    }
  }

  private static String named(String oid) {
    switch (oid) {
      case "1.3.101.113":
        return "Ed448 (" + oid + ")";
      case "1.3.101.110":
        return "X25519 (" + oid + ")";
      case "1.2.840.10040.4.1":
        return "DSA (" + oid + ")";
      case "1.2.840.113549.1.1.10":
        return "RSASSA-PSS (" + oid + ")";
      default:
        return "a key of algorithm " + oid;
    }
  }

  /** The JDK signature algorithm for {@code key}: SHA256withECDSA, SHA256withRSA or Ed25519. */
  static String algorithm(java.security.Key key) {
    switch (key.getAlgorithm()) {
      case "EC":
        return "SHA256withECDSA";
      case "RSA":
        return "SHA256withRSA";
      case "EdDSA":
      case "Ed25519":
        return "Ed25519";
      default:
        throw new IllegalArgumentException("signing key must be " + USABLE + ": " + key.getAlgorithm());
    }
  }

  /** Whether {@code signature} is {@code key}'s over {@code payload}; a malformed signature does not verify. */
  public static boolean verifies(PublicKey key, byte[] payload, byte[] signature) {
    try {
      Signature s = Signature.getInstance(algorithm(key));
      s.initVerify(key);
      s.update(payload);
      return s.verify(signature);
    } catch (SignatureException | InvalidKeyException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot verify " + algorithm(key) + ": " + e, e);
    }
  }

  /** {@code key}'s signature over {@code payload}, as cosign makes it. */
  public static byte[] sign(PrivateKey key, byte[] payload) {
    try {
      Signature s = Signature.getInstance(algorithm(key));
      s.initSign(key);
      s.update(payload);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("signing key must be " + USABLE + " that this JDK can use: "
          + e.getMessage(), e);
    }
  }

  /**
   * The public key of {@code key}: computed for EC (the curve's generator times the secret, by
   * BouncyCastle's curve arithmetic) and Ed25519 (BouncyCastle), read from an RSA CRT key; empty
   * when it cannot be had (an RSA key without its public exponent).
   */
  public static java.util.Optional<PublicKey> publicKeyOf(PrivateKey key) {
    try {
      if (key instanceof java.security.interfaces.ECPrivateKey ec) {
        org.bouncycastle.jce.spec.ECParameterSpec spec =
            org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util.convertSpec(ec.getParams());
        org.bouncycastle.math.ec.ECPoint q = spec.getG().multiply(ec.getS()).normalize();
        return java.util.Optional.of(KeyFactory.getInstance("EC").generatePublic(new java.security.spec.ECPublicKeySpec(
            new java.security.spec.ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger()),
            ec.getParams())));
      }
      if (key instanceof java.security.interfaces.RSAPrivateCrtKey rsa) {
        return java.util.Optional.of(KeyFactory.getInstance("RSA").generatePublic(
            new java.security.spec.RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent())));
      }
      if (key.getAlgorithm().equals("EdDSA") || key.getAlgorithm().equals("Ed25519")) {
        org.bouncycastle.asn1.pkcs.PrivateKeyInfo info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(
            key.getEncoded());
        byte[] secret = org.bouncycastle.asn1.ASN1OctetString.getInstance(info.parsePrivateKey()).getOctets();
        byte[] pub = new org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters(secret, 0).generatePublicKey()
            .getEncoded();
        byte[] der = new SubjectPublicKeyInfo(info.getPrivateKeyAlgorithm(), pub).getEncoded();
        return java.util.Optional.of(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der)));
      }
    } catch (GeneralSecurityException | java.io.IOException | RuntimeException e) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.empty();
  }

  /** {@code EC P-256 key SHA256:0123456789abcdef}: its type and the start of its SubjectPublicKeyInfo's SHA-256. */
  public static String describe(PublicKey key) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
      return KeyTypes.describe(key) + " key SHA256:" + HexFormat.of().formatHex(h, 0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
