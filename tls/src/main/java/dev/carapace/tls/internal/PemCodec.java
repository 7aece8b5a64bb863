package dev.carapace.tls.internal;

import dev.carapace.tls.internal.KeyDecodingException.Reason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * Decodes and encodes PEM text. Certificates become JDK {@link X509Certificate}s and private keys
 * JDK {@link PrivateKey}s (the JDK's own {@link KeyFactory}), whatever their PEM flavour: PKCS#1
 * {@code RSA PRIVATE KEY}, SEC1 {@code EC PRIVATE KEY} (named or explicit curve parameters, with or
 * without an {@code EC PARAMETERS} block), PKCS#8 {@code PRIVATE KEY} and PKCS#8
 * {@code ENCRYPTED PRIVATE KEY}. Decryption uses an unregistered BouncyCastle provider.
 */
public final class PemCodec {
  private static final List<String> KEY_TYPES =
      List.of("PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY");
  /** What {@code openssl x509 -in} reads: PEM_STRING_X509, PEM_STRING_X509_OLD, PEM_STRING_X509_TRUSTED. */
  private static final List<String> CERTIFICATE_TYPES =
      List.of("CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE");
  private static final List<String> JDK_CURVES = List.of("secp256r1", "secp384r1", "secp521r1");
  private static final Map<String, String> KEY_ALGORITHMS =
      Map.of(
          PKCSObjectIdentifiers.rsaEncryption.getId(), "RSA",
          PKCSObjectIdentifiers.id_RSASSA_PSS.getId(), "RSASSA-PSS",
          X9ObjectIdentifiers.id_ecPublicKey.getId(), "EC",
          "1.3.101.112", "Ed25519",
          "1.3.101.113", "Ed448");

  private PemCodec() {}

  /** Returns {@code -----BEGIN type-----}, the base64 of {@code der} in 64-column lines, END. */
  public static String encode(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  /** Returns the types of the PEM blocks in {@code text}, in order. */
  public static List<String> types(String text) throws IOException {
    List<String> types = new ArrayList<>();
    for (PemObject block : blocks(text)) {
      types.add(block.getType());
    }
    return types;
  }

  /**
   * Returns every {@code CERTIFICATE} (and {@code X509 CERTIFICATE}, {@code TRUSTED CERTIFICATE})
   * block in {@code text}, in order; other blocks are skipped. Blocks are read as openssl reads them
   * (see {@link PemBlocks}).
   */
  public static List<X509Certificate> certificates(String text)
      throws IOException, CertificateException {
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    List<X509Certificate> certificates = new ArrayList<>();
    for (PemObject block : blocks(text)) {
      if (CERTIFICATE_TYPES.contains(block.getType())) {
        certificates.add(
            (X509Certificate)
                factory.generateCertificate(new ByteArrayInputStream(block.getContent())));
      }
    }
    return certificates;
  }

  /**
   * Returns the first private key in {@code text}. {@code EC PARAMETERS} and certificate blocks are
   * skipped.
   *
   * @param passphrase needed only when the key is encrypted; may be {@code null}
   */
  public static PrivateKey privateKey(String text, char[] passphrase) throws KeyDecodingException {
    List<PemObject> blocks;
    try {
      blocks = blocks(text);
    } catch (IOException e) {
      throw new KeyDecodingException(Reason.MALFORMED, "not valid PEM: " + e.getMessage(), null);
    }
    List<String> seen = new ArrayList<>();
    for (PemObject block : blocks) {
      String type = block.getType();
      if (KEY_TYPES.contains(type)) {
        return toJdk(privateKeyInfo(block, passphrase));
      }
      if (type.endsWith("PRIVATE KEY")) {
        throw new KeyDecodingException(Reason.UNSUPPORTED_TYPE, type, null);
      }
      seen.add(type);
    }
    String hint = seen.isEmpty() ? PemBlocks.hint(text) : "";
    throw new KeyDecodingException(Reason.NO_KEY,
        !seen.isEmpty() ? "found " + seen : hint.isEmpty() ? "" : "no PEM block; " + hint, null);
  }

  private static PrivateKeyInfo privateKeyInfo(PemObject block, char[] passphrase)
      throws KeyDecodingException {
    Object parsed;
    try (PEMParser parser = new PEMParser(new StringReader(reencode(block)))) {
      parsed = parser.readObject();
    } catch (IOException | RuntimeException e) {
      throw new KeyDecodingException(Reason.MALFORMED, block.getType() + " block is malformed", e);
    }
    if (parsed instanceof PrivateKeyInfo info) {
      return info;
    }
    if (parsed instanceof PEMKeyPair pair) {
      return keyPairInfo(pair, block);
    }
    if (passphrase == null
        && (parsed instanceof PKCS8EncryptedPrivateKeyInfo || parsed instanceof PEMEncryptedKeyPair)) {
      throw new KeyDecodingException(Reason.NEEDS_PASSPHRASE, "", null);
    }
    try {
      if (parsed instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
        return encrypted.decryptPrivateKeyInfo(
            new JceOpenSSLPKCS8DecryptorProviderBuilder()
                .setProvider(Bc.provider())
                .build(passphrase));
      }
      if (parsed instanceof PEMEncryptedKeyPair encrypted) {
        return encrypted
            .decryptKeyPair(
                new JcePEMDecryptorProviderBuilder().setProvider(Bc.provider()).build(passphrase))
            .getPrivateKeyInfo();
      }
    } catch (PKCSException | OperatorCreationException | IOException | RuntimeException e) {
      // A wrong passphrase shows up as bad padding, or as garbage that fails to parse.
      // The cause is dropped on purpose: decryption errors can echo decrypted bytes.
      throw new KeyDecodingException(Reason.WRONG_PASSPHRASE, "", null);
    }
    throw new KeyDecodingException(Reason.MALFORMED, block.getType() + " block is malformed", null);
  }

  private static PrivateKeyInfo keyPairInfo(PEMKeyPair pair, PemObject block)
      throws KeyDecodingException {
    try {
      return pair.getPrivateKeyInfo();
    } catch (RuntimeException e) {
      throw new KeyDecodingException(Reason.MALFORMED, block.getType() + " block is malformed", e);
    }
  }

  private static PrivateKey toJdk(PrivateKeyInfo info) throws KeyDecodingException {
    AlgorithmIdentifier algorithm = info.getPrivateKeyAlgorithm();
    String oid = algorithm.getAlgorithm().getId();
    String name = KEY_ALGORITHMS.get(oid);
    if (name == null) {
      throw new KeyDecodingException(Reason.UNSUPPORTED_ALGORITHM, "algorithm " + oid, null);
    }
    try {
      if (name.equals("EC")) {
        info = withNamedCurve(info);
      }
      return KeyFactory.getInstance(name).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      throw new KeyDecodingException(Reason.MALFORMED, name + " key is malformed", null);
    }
  }

  /**
   * The JDK only reads EC keys whose parameters are a named curve OID. {@code openssl ecparam
   * -param_enc explicit} writes the curve out in full; map it back to its name.
   */
  private static PrivateKeyInfo withNamedCurve(PrivateKeyInfo info)
      throws IOException, KeyDecodingException {
    ASN1Encodable parameters = info.getPrivateKeyAlgorithm().getParameters();
    if (parameters instanceof ASN1ObjectIdentifier) {
      return info;
    }
    X9ECParameters explicit = X9ECParameters.getInstance(parameters);
    for (String curve : JDK_CURVES) {
      X9ECParameters named = ECNamedCurveTable.getByName(curve);
      if (named.getCurve().equals(explicit.getCurve())
          && named.getG().equals(explicit.getG())
          && named.getN().equals(explicit.getN())) {
        ASN1ObjectIdentifier oid = ECNamedCurveTable.getOID(curve);
        BigInteger d = ECPrivateKey.getInstance(info.parsePrivateKey()).getKey();
        return new PrivateKeyInfo(
            new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, oid),
            new ECPrivateKey(named.getN().bitLength(), d, oid));
      }
    }
    throw new KeyDecodingException(
        Reason.UNSUPPORTED_ALGORITHM, "explicit EC parameters of an unknown curve", null);
  }

  private static List<PemObject> blocks(String text) throws IOException {
    return PemBlocks.read(text);
  }

  private static String reencode(PemObject block) throws IOException {
    StringWriter out = new StringWriter();
    try (PemWriter writer = new PemWriter(out)) {
      writer.writeObject(block);
    }
    return out.toString();
  }
}
