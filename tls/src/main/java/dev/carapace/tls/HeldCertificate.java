package dev.carapace.tls;

import dev.carapace.tls.internal.CertificateSigner;
import dev.carapace.tls.internal.CertificateTemplate;
import dev.carapace.tls.internal.KeyTypes;
import dev.carapace.tls.internal.SubjectAltNames;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * A certificate and its private key: a Docker CA, a daemon's server certificate or a client
 * certificate, generated in memory.
 *
 * <p>In the spirit of okhttp-tls: a builder names the subject, the role (certificate authority,
 * server, client), the subject alternative names and the validity, then either self-signs or is
 * {@linkplain Builder#signedBy(HeldCertificate) signed by} a CA. Keys are EC P-256 unless
 * {@linkplain Builder#rsa(int) RSA} is asked for. Certificates carry a random positive 127-bit
 * serial number, critical basic constraints and key usage, serverAuth/clientAuth extended key
 * usage as requested, non-critical subject alternative names (RFC 5280 4.2.1.6) and subject and
 * authority key identifiers. This is what {@code openssl} commands in Docker's "Protect the Docker
 * daemon socket" guide produce, without the shell session.
 *
 * <pre>{@code
 * HeldCertificate ca = HeldCertificate.builder().commonName("docker-ca").certificateAuthority(0).build();
 * HeldCertificate server = HeldCertificate.builder().commonName("dockerd").serverAuth()
 *     .addSubjectAlternativeName("localhost").addSubjectAlternativeName("127.0.0.1")
 *     .signedBy(ca).build();
 * HeldCertificate client = HeldCertificate.builder().commonName("client").clientAuth()
 *     .validFor(Duration.ofDays(30)).signedBy(ca).build();
 * }</pre>
 *
 * <p>{@link #toString()} describes the certificate but never shows key material.
 */
public final class HeldCertificate {
  private final X509Certificate certificate;
  private final KeyPair keyPair;

  private HeldCertificate(X509Certificate certificate, KeyPair keyPair) {
    this.certificate = certificate;
    this.keyPair = keyPair;
  }

  /** Returns a new builder for a self-signed or CA-signed certificate. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Holds an existing certificate and its private key, for example a CA read with {@link Pem}
   * to sign new certificates.
   *
   * @throws IllegalArgumentException if {@code privateKey} does not belong to {@code certificate},
   *     or the certificate's key is one this JDK cannot sign with (an EC key on a curve other than
   *     P-256, P-384 and P-521)
   */
  public static HeldCertificate of(X509Certificate certificate, PrivateKey privateKey) {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(privateKey, "privateKey");
    if (!KeyTypes.jdkCanSign(certificate.getPublicKey())) {
      throw new IllegalArgumentException(
          "certificate key must be one this JDK can sign with: "
              + KeyTypes.describe(certificate.getPublicKey()) + " ("
              + certificate.getSubjectX500Principal().getName()
              + "; " + KeyTypes.JAVA + " signs with EC keys on P-256, P-384 and P-521 only)");
    }
    if (!CertificateSigner.keysMatch(certificate.getPublicKey(), privateKey)) {
      throw new IllegalArgumentException(
          "privateKey must match the certificate's public key: "
              + certificate.getSubjectX500Principal().getName());
    }
    return new HeldCertificate(certificate, new KeyPair(certificate.getPublicKey(), privateKey));
  }

  /** Returns the certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** Returns the key pair; its private half is a secret. */
  public KeyPair keyPair() {
    return keyPair;
  }

  /** Returns the certificate as a {@code CERTIFICATE} PEM block. */
  public String certificatePem() {
    return Pem.certificatePem(certificate);
  }

  /** Returns the private key as an unencrypted PKCS#8 {@code PRIVATE KEY} PEM block: a secret. */
  public String privateKeyPkcs8Pem() {
    return Pem.privateKeyPem(keyPair.getPrivate());
  }

  /**
   * Writes the certificate to the new file {@code file} ({@code rw-r--r--}).
   *
   * @throws TlsMaterialException if the file exists or cannot be written
   */
  public void writeCertificate(Path file) {
    Pem.writeCertificate(file, certificate);
  }

  /**
   * Writes the private key as PKCS#8 to the new file {@code file}, created {@code rw-------}.
   *
   * @throws TlsMaterialException if the file exists or cannot be written
   */
  public void writePrivateKey(Path file) {
    Pem.writePrivateKey(file, keyPair.getPrivate());
  }

  /**
   * Describes the certificate: subject, issuer, serial, validity, key type, SANs and extended key
   * usages. Never includes key material.
   */
  @Override
  public String toString() {
    return "HeldCertificate{subject=" + certificate.getSubjectX500Principal().getName()
        + ", issuer=" + certificate.getIssuerX500Principal().getName()
        + ", serialNumber=" + certificate.getSerialNumber().toString(16)
        + ", notBefore=" + certificate.getNotBefore().toInstant()
        + ", notAfter=" + certificate.getNotAfter().toInstant()
        + ", key=" + Checks.describeKey(certificate.getPublicKey())
        + ", certificateAuthority=" + (certificate.getBasicConstraints() >= 0)
        + ", subjectAlternativeNames=" + SubjectAltNames.describe(certificate)
        + ", extendedKeyUsages=" + Checks.extendedKeyUsages(certificate)
        + "}";
  }

  /**
   * Builds a {@link HeldCertificate}. Every setter validates its argument immediately and throws
   * {@link IllegalArgumentException} naming the attribute and the rejected value. A builder can
   * build several certificates; each gets a fresh key pair unless {@link #keyPair(KeyPair)} is set.
   */
  public static final class Builder {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration DEFAULT_VALIDITY = Duration.ofDays(1);

    private String commonName;
    private final List<String> dnsNames = new ArrayList<>();
    private final List<InetAddress> ipAddresses = new ArrayList<>();
    private int maxIntermediateCas = -1;
    private boolean clientAuth;
    private boolean serverAuth;
    private BigInteger serialNumber;
    private Duration validFor;
    private Instant notBefore;
    private Instant notAfter;
    private int rsaBits; // 0 means EC P-256
    private KeyPair keyPair;
    private HeldCertificate issuer;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Sets the subject common name ({@code CN}), 1 to 64 characters. If unset, a random UUID is
     * used. Hostname verification never looks at the CN; use {@link
     * #addSubjectAlternativeName(String)} for the names clients dial.
     */
    public Builder commonName(String commonName) {
      Objects.requireNonNull(commonName, "commonName");
      if (commonName.isEmpty() || commonName.length() > 64) {
        throw new IllegalArgumentException(
            "commonName must be 1 to 64 characters: \"" + commonName + "\"");
      }
      this.commonName = commonName;
      return this;
    }

    /**
     * Adds a subject alternative name: an IPv4 or IPv6 literal becomes an IP SAN ({@code
     * IP:127.0.0.1}), anything else must be a DNS name ({@code localhost}, {@code
     * *.example.com}) and becomes a DNS SAN. This is what {@code extfile.cnf}'s {@code
     * subjectAltName = DNS:...,IP:...} does in Docker's guide. If none is added, the
     * certificate has no SAN extension and no client will accept it as a server certificate.
     */
    public Builder addSubjectAlternativeName(String name) {
      Objects.requireNonNull(name, "name");
      InetAddress address = SubjectAltNames.ipLiteral(name);
      if (address != null) {
        if (!ipAddresses.contains(address)) {
          ipAddresses.add(address);
        }
      } else if (SubjectAltNames.isDnsName(name)) {
        String dns = name.toLowerCase(Locale.ROOT);
        if (!dnsNames.contains(dns)) {
          dnsNames.add(dns);
        }
      } else {
        throw new IllegalArgumentException(
            "subjectAlternativeName must be a DNS name or an IP address: \"" + name + "\"");
      }
      return this;
    }

    /**
     * Makes this a certificate authority that may sign certificates, with at most {@code
     * maxIntermediateCas} intermediate CAs below it (0: it signs only end-entity certificates).
     * Adds critical basic constraints {@code CA:TRUE, pathlen:maxIntermediateCas} and key usage
     * {@code keyCertSign, cRLSign}. If unset, the certificate is an end entity ({@code CA:FALSE},
     * key usage {@code digitalSignature}, plus {@code keyEncipherment} for RSA).
     */
    public Builder certificateAuthority(int maxIntermediateCas) {
      if (maxIntermediateCas < 0) {
        throw new IllegalArgumentException("maxIntermediateCas must be >= 0: " + maxIntermediateCas);
      }
      this.maxIntermediateCas = maxIntermediateCas;
      return this;
    }

    /**
     * Adds the {@code clientAuth} extended key usage: the certificate may authenticate a client
     * such as the {@code docker} CLI ({@code --tlscert}). If unset (and {@link #serverAuth()} is
     * unset too), the certificate has no extended key usage extension, which
     * {@link DockerTlsMaterial} rejects.
     */
    public Builder clientAuth() {
      this.clientAuth = true;
      return this;
    }

    /**
     * Adds the {@code serverAuth} extended key usage: the certificate may authenticate a server
     * such as {@code dockerd --tlscert}. If unset, see {@link #clientAuth()}.
     */
    public Builder serverAuth() {
      this.serverAuth = true;
      return this;
    }

    /**
     * Sets the serial number, which must be positive and at most 20 bytes (RFC 5280 4.1.2.2).
     * If unset, a random positive 127-bit number is used.
     */
    public Builder serialNumber(BigInteger serialNumber) {
      Objects.requireNonNull(serialNumber, "serialNumber");
      if (serialNumber.signum() <= 0 || serialNumber.bitLength() > 159) {
        throw new IllegalArgumentException(
            "serialNumber must be positive and at most 20 bytes: " + serialNumber);
      }
      this.serialNumber = serialNumber;
      return this;
    }

    /**
     * Makes the certificate valid from the moment {@link #build()} runs for {@code duration}.
     * Replaces an earlier {@link #validity(Instant, Instant)}. If neither is set, the
     * certificate is valid for 24 hours from {@code build()}.
     */
    public Builder validFor(Duration duration) {
      Checks.requirePositive("validFor", duration);
      this.validFor = duration;
      this.notBefore = null;
      this.notAfter = null;
      return this;
    }

    /**
     * Makes the certificate valid from {@code notBefore} to {@code notAfter} (second precision,
     * rounded down). Replaces an earlier {@link #validFor(Duration)}. If neither is set, the
     * certificate is valid for 24 hours from {@link #build()}.
     */
    public Builder validity(Instant notBefore, Instant notAfter) {
      Objects.requireNonNull(notBefore, "notBefore");
      Objects.requireNonNull(notAfter, "notAfter");
      if (!notAfter.isAfter(notBefore)) {
        throw new IllegalArgumentException(
            "notAfter must be after notBefore: " + notAfter + " is not after " + notBefore);
      }
      this.notBefore = notBefore;
      this.notAfter = notAfter;
      this.validFor = null;
      return this;
    }

    /**
     * Generates an EC key on curve P-256 (secp256r1). This is the default: if neither this nor
     * {@link #rsa(int)} nor {@link #keyPair(KeyPair)} is called, the key is EC P-256.
     */
    public Builder ec() {
      this.rsaBits = 0;
      this.keyPair = null;
      return this;
    }

    /**
     * Generates an RSA key of {@code bits} bits: 2048, 3072 or 4096. If unset, the key is EC
     * P-256 (see {@link #ec()}).
     */
    public Builder rsa(int bits) {
      this.rsaBits = Checks.requireRsaKeySize(bits);
      this.keyPair = null;
      return this;
    }

    /**
     * Certifies an existing key pair instead of generating one. If unset, a fresh key pair is
     * generated by every {@link #build()} (see {@link #ec()} and {@link #rsa(int)}).
     */
    public Builder keyPair(KeyPair keyPair) {
      Objects.requireNonNull(keyPair, "keyPair");
      Checks.requireStrongKey(keyPair.getPublic(), "keyPair");
      this.keyPair = keyPair;
      return this;
    }

    /**
     * Has {@code issuer}, a certificate authority, sign the certificate. If unset, the
     * certificate is self-signed (what a root CA is).
     *
     * @throws IllegalArgumentException if {@code issuer} is not a certificate authority
     */
    public Builder signedBy(HeldCertificate issuer) {
      Objects.requireNonNull(issuer, "issuer");
      if (issuer.certificate().getBasicConstraints() < 0) {
        throw new IllegalArgumentException(
            "signedBy must be a certificate authority: "
                + issuer.certificate().getSubjectX500Principal().getName());
      }
      this.issuer = issuer;
      return this;
    }

    /** Uses {@code clock} for "now" in {@link #validFor(Duration)}; for tests. */
    Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Generates the key pair (unless given), then issues and signs the certificate.
     *
     * @throws IllegalStateException if the JDK cannot generate or sign (a broken JDK)
     */
    public HeldCertificate build() {
      Instant start = notBefore;
      Instant end = notAfter;
      if (start == null) {
        start = clock.instant();
        end = start.plus(validFor == null ? DEFAULT_VALIDITY : validFor);
      }
      try {
        KeyPair subjectKeys = keyPair != null ? keyPair : generateKeyPair();
        CertificateTemplate template =
            new CertificateTemplate(
                commonName != null ? commonName : UUID.randomUUID().toString(),
                dnsNames,
                ipAddresses,
                maxIntermediateCas,
                clientAuth,
                serverAuth,
                serialNumber != null ? serialNumber : new BigInteger(127, RANDOM).setBit(126),
                start,
                end,
                subjectKeys.getPublic());
        X509Certificate certificate =
            issuer == null
                ? CertificateSigner.sign(template, null, subjectKeys.getPrivate())
                : CertificateSigner.sign(
                    template, issuer.certificate(), issuer.keyPair().getPrivate());
        return new HeldCertificate(certificate, subjectKeys);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("certificate could not be issued: " + e.getMessage(), e);
      }
    }

    private KeyPair generateKeyPair() throws GeneralSecurityException {
      if (rsaBits > 0) {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(rsaBits, RANDOM);
        return generator.generateKeyPair();
      }
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    }
  }
}
