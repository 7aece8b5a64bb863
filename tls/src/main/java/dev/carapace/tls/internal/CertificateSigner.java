package dev.carapace.tls.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Issues X.509 v3 certificates with bcpkix's {@link JcaX509v3CertificateBuilder}. Signing and
 * certificate parsing use the JDK's own providers; no provider is ever registered.
 */
public final class CertificateSigner {
  private CertificateSigner() {}

  /**
   * Issues a certificate for {@code template}.
   *
   * @param issuer the issuing CA certificate, or {@code null} for a self-signed certificate
   * @param signingKey the issuer's private key (the subject's own key when self-signed)
   */
  public static X509Certificate sign(
      CertificateTemplate template, X509Certificate issuer, PrivateKey signingKey)
      throws GeneralSecurityException {
    try {
      X500Name subject =
          new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, template.commonName()).build();
      X500Name issuerName =
          issuer == null
              ? subject
              : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              issuerName,
              template.serialNumber(),
              Date.from(template.notBefore()),
              Date.from(template.notAfter()),
              subject,
              template.subjectKey());
      addExtensions(builder, template, issuer);
      ContentSigner signer =
          new JcaContentSignerBuilder(signatureAlgorithm(signingKey)).build(signingKey);
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (OperatorCreationException | IOException e) {
      throw new GeneralSecurityException("certificate could not be signed", e);
    }
  }

  private static void addExtensions(
      X509v3CertificateBuilder builder, CertificateTemplate template, X509Certificate issuer)
      throws GeneralSecurityException, CertIOException {
    JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
    boolean ca = template.maxIntermediateCas() >= 0;
    if (ca) {
      builder.addExtension(
          Extension.basicConstraints, true, new BasicConstraints(template.maxIntermediateCas()));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } else {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      int usage = KeyUsage.digitalSignature;
      if ("RSA".equals(template.subjectKey().getAlgorithm())) {
        usage |= KeyUsage.keyEncipherment; // TLS 1.2 RSA key exchange
      }
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
    }
    List<KeyPurposeId> purposes = new ArrayList<>();
    if (template.serverAuth()) {
      purposes.add(KeyPurposeId.id_kp_serverAuth);
    }
    if (template.clientAuth()) {
      purposes.add(KeyPurposeId.id_kp_clientAuth);
    }
    if (!purposes.isEmpty()) {
      builder.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(purposes.toArray(new KeyPurposeId[0])));
    }
    List<GeneralName> names = new ArrayList<>();
    for (String dns : template.dnsNames()) {
      names.add(new GeneralName(GeneralName.dNSName, dns));
    }
    for (InetAddress ip : template.ipAddresses()) {
      names.add(new GeneralName(GeneralName.iPAddress, new DEROctetString(ip.getAddress())));
    }
    if (!names.isEmpty()) {
      // RFC 5280 4.2.1.6: non-critical because the subject is never empty
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(names.toArray(new GeneralName[0])));
    }
    SubjectKeyIdentifier ski = utils.createSubjectKeyIdentifier(template.subjectKey());
    builder.addExtension(Extension.subjectKeyIdentifier, false, ski);
    builder.addExtension(
        Extension.authorityKeyIdentifier,
        false,
        issuer == null
            ? new AuthorityKeyIdentifier(ski.getKeyIdentifier())
            : authorityKeyIdentifier(utils, issuer));
  }

  private static AuthorityKeyIdentifier authorityKeyIdentifier(
      JcaX509ExtensionUtils utils, X509Certificate issuer) {
    byte[] extension = issuer.getExtensionValue(Extension.subjectKeyIdentifier.getId());
    if (extension != null) {
      byte[] keyId =
          SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(extension).getOctets())
              .getKeyIdentifier();
      return new AuthorityKeyIdentifier(keyId);
    }
    return utils.createAuthorityKeyIdentifier(issuer.getPublicKey());
  }

  /** Returns the JCA signature algorithm for certificates signed with {@code key}. */
  public static String signatureAlgorithm(PrivateKey key) throws GeneralSecurityException {
    switch (key.getAlgorithm()) {
      case "RSA":
        return "SHA256withRSA";
      case "EC":
        int bits = ((ECKey) key).getParams().getOrder().bitLength();
        return bits <= 256 ? "SHA256withECDSA" : bits <= 384 ? "SHA384withECDSA" : "SHA512withECDSA";
      case "Ed25519":
      case "Ed448":
      case "EdDSA":
        return key.getAlgorithm();
      default:
        throw new GeneralSecurityException("unsupported signing key algorithm: " + key.getAlgorithm());
    }
  }

  /**
   * Returns whether {@code privateKey} is the private half of {@code publicKey}, by signing a random
   * challenge and verifying it. Also false when this JDK cannot sign with the key (an EC key on a
   * curve SunEC no longer supports): check {@link KeyTypes#jdkCanSign} first to tell the two apart.
   */
  public static boolean keysMatch(PublicKey publicKey, PrivateKey privateKey) {
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature sign = challengeSignature(privateKey);
      sign.initSign(privateKey);
      sign.update(challenge);
      byte[] signature = sign.sign();
      Signature verify = challengeSignature(privateKey);
      verify.initVerify(publicKey);
      verify.update(challenge);
      return verify.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false; // e.g. an RSA private key against an EC certificate
    }
  }

  private static Signature challengeSignature(PrivateKey key) throws GeneralSecurityException {
    if (!"RSASSA-PSS".equals(key.getAlgorithm())) {
      return Signature.getInstance(signatureAlgorithm(key));
    }
    // an RSA-PSS key may restrict its parameters (openssl genpkey -pkeyopt rsa_pss_keygen_md:...)
    Signature signature = Signature.getInstance("RSASSA-PSS");
    AlgorithmParameterSpec restricted = ((RSAKey) key).getParams();
    signature.setParameter(restricted instanceof PSSParameterSpec pss ? pss
        : new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
    return signature;
  }
}
