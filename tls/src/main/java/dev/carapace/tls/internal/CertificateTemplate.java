package dev.carapace.tls.internal;

import java.math.BigInteger;
import java.net.InetAddress;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;

/**
 * Everything {@link CertificateSigner} needs to issue one certificate, already validated by the
 * public builder.
 *
 * @param commonName subject CN
 * @param dnsNames DNS subject alternative names
 * @param ipAddresses IP subject alternative names
 * @param maxIntermediateCas path length constraint of a CA, or -1 for an end-entity certificate
 * @param clientAuth whether to add the clientAuth extended key usage
 * @param serverAuth whether to add the serverAuth extended key usage
 * @param serialNumber positive serial number
 * @param notBefore start of validity
 * @param notAfter end of validity
 * @param subjectKey the public key to certify
 */
public record CertificateTemplate(
    String commonName,
    List<String> dnsNames,
    List<InetAddress> ipAddresses,
    int maxIntermediateCas,
    boolean clientAuth,
    boolean serverAuth,
    BigInteger serialNumber,
    Instant notBefore,
    Instant notAfter,
    PublicKey subjectKey) {

  /** Copies the lists. */
  public CertificateTemplate {
    dnsNames = List.copyOf(dnsNames);
    ipAddresses = List.copyOf(ipAddresses);
  }
}
