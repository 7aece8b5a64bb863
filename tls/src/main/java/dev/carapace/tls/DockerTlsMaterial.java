package dev.carapace.tls;

import dev.carapace.tls.internal.HostnameVerifyingTrustManager;
import dev.carapace.tls.internal.RestrictedSslContext;
import dev.carapace.tls.internal.SubjectAltNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The checked TLS material of one side of a Docker Engine connection: the CA certificates to
 * trust, this side's certificate chain and its private key, turned into an {@link SSLContext}.
 *
 * <p>A client loads the {@code DOCKER_CERT_PATH} layout ({@code ca.pem}, {@code cert.pem},
 * {@code key.pem}: what {@code docker --tlsverify} reads from {@code ~/.docker}); a daemon, or a
 * test standing in for one, loads {@code ca.pem}, {@code server-cert.pem} and
 * {@code server-key.pem} ({@code dockerd --tlscacert --tlscert --tlskey}). Loading <b>fails
 * closed</b>: a missing or unreadable file is a {@link TlsMaterialException} naming the file,
 * never a silent fallback to plain HTTP. Before any connection, loading also checks that the
 * certificate is valid now, matches the private key, chains to a CA in {@code ca.pem}, carries the
 * clientAuth (client) or serverAuth (server) extended key usage, and that no RSA key is under 2048
 * bits.
 *
 * <p>It also checks what the peer (dockerd and the docker CLI, with Go's {@code crypto/tls} and
 * {@code crypto/x509}) would refuse only during the handshake, and says the real cause: a key type
 * or curve one end cannot use (RSA-PSS keys, secp256k1, Ed448: only RSA, EC P-256, P-384, P-521
 * and Ed25519 work on both ends), a leaf that is itself a CA, an issuer that is not a CA or lacks
 * {@code keyCertSign}, a path length constraint the intermediates exceed, an issuer whose extended
 * key usages exclude the leaf's purpose, a SHA-1 or MD5 signature, and a chain file written root
 * first. A private key file that group or others may read loads with a warning.
 *
 * <p>The {@link SSLContext} built from it enables only TLS 1.3 and 1.2, trusts only the given CAs
 * (never the JDK's default trust store), presents this side's certificate, and, for a client,
 * verifies in its trust manager that the server certificate names the dialled host, so an HTTP
 * client that brings its own (or no) hostname verifier cannot skip the check.
 *
 * <pre>{@code
 * DockerTlsMaterial material = DockerTlsMaterial.readClient(Path.of(System.getenv("DOCKER_CERT_PATH")));
 * SSLContext sslContext = material.sslContext("127.0.0.1"); // for tcp://127.0.0.1:2376
 * }</pre>
 */
public final class DockerTlsMaterial {
  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  /** Which end of the connection the material authenticates. */
  public enum Role {
    /** A Docker client: {@code ca.pem}, {@code cert.pem}, {@code key.pem}; needs clientAuth. */
    CLIENT("cert.pem", "key.pem", "clientAuth"),
    /**
     * A Docker daemon: {@code ca.pem}, {@code server-cert.pem}, {@code server-key.pem}; needs
     * serverAuth.
     */
    SERVER("server-cert.pem", "server-key.pem", "serverAuth");

    private final String certificateFile;
    private final String keyFile;
    private final String extendedKeyUsage;

    Role(String certificateFile, String keyFile, String extendedKeyUsage) {
      this.certificateFile = certificateFile;
      this.keyFile = keyFile;
      this.extendedKeyUsage = extendedKeyUsage;
    }
  }

  static {
    dev.carapace.tls.internal.MaterialWire.install(m -> ((DockerTlsMaterial) m).toWire(), DockerTlsMaterial::fromWire);
  }

  private final Role role;
  private final Path certificateFile;
  private final List<X509Certificate> caCertificates;
  private final List<X509Certificate> certificateChain;
  private final PrivateKey privateKey;

  private DockerTlsMaterial(Role role, Path certificateFile, List<X509Certificate> caCertificates,
      List<X509Certificate> certificateChain, PrivateKey privateKey) {
    this.role = role;
    this.certificateFile = certificateFile;
    this.caCertificates = List.copyOf(caCertificates);
    this.certificateChain = List.copyOf(certificateChain);
    this.privateKey = privateKey;
  }

  /**
   * Loads and checks client material from {@code directory} in the {@code DOCKER_CERT_PATH}
   * layout: {@code ca.pem}, {@code cert.pem} and an unencrypted {@code key.pem}.
   *
   * @throws TlsMaterialException if the directory or a file is missing or unreadable, or a check
   *     fails; the message names the file
   */
  public static DockerTlsMaterial readClient(Path directory) {
    return readClient(directory, null);
  }

  /**
   * Loads and checks client material from {@code directory} ({@code ca.pem}, {@code cert.pem},
   * {@code key.pem}), decrypting an encrypted {@code key.pem} with {@code keyPassphrase}.
   *
   * @param keyPassphrase passphrase of {@code key.pem}, or {@code null} if it is not encrypted
   * @throws TlsMaterialException as {@link #readClient(Path)}, or if the key cannot be decrypted
   */
  public static DockerTlsMaterial readClient(Path directory, char[] keyPassphrase) {
    return readDirectory(Role.CLIENT, directory, keyPassphrase, Clock.systemUTC());
  }

  /**
   * Loads only CA certificates to trust, for a TLS peer that authenticates the server but asks no
   * client certificate (an HTTPS reverse proxy with basic auth in front of the engine). The client
   * presents no certificate; the server's certificate must still chain to {@code caFile} and name
   * the dialled host. A {@code dockerd --tlsverify} refuses such a client.
   *
   * @throws TlsMaterialException if {@code caFile} is missing, unreadable, holds no certificate, or
   *     an RSA key under 2048 bits
   */
  public static DockerTlsMaterial readTrustOnly(Path caFile) {
    List<X509Certificate> cas = Pem.readCaCertificates(caFile);
    for (X509Certificate ca : cas) {
      Checks.rsaKeySize(ca, caFile);
    }
    return new DockerTlsMaterial(Role.CLIENT, caFile, cas, List.of(), null);
  }

  /** Whether this material presents a certificate (false for {@link #readTrustOnly(Path)}). */
  public boolean hasCertificate() {
    return !certificateChain.isEmpty();
  }

  /**
   * Loads and checks server material from {@code directory}: {@code ca.pem} (the CA that signs
   * client certificates), {@code server-cert.pem} and an unencrypted {@code server-key.pem}, as
   * written by {@link DockerPki}.
   *
   * @throws TlsMaterialException if the directory or a file is missing or unreadable, or a check
   *     fails
   */
  public static DockerTlsMaterial readServer(Path directory) {
    return readServer(directory, null);
  }

  /**
   * Loads and checks server material from {@code directory}, decrypting an encrypted
   * {@code server-key.pem} with {@code keyPassphrase}.
   *
   * @param keyPassphrase passphrase of {@code server-key.pem}, or {@code null}
   * @throws TlsMaterialException as {@link #readServer(Path)}
   */
  public static DockerTlsMaterial readServer(Path directory, char[] keyPassphrase) {
    return readDirectory(Role.SERVER, directory, keyPassphrase, Clock.systemUTC());
  }

  /**
   * Loads and checks material from explicitly named files, as given to {@code docker} or
   * {@code dockerd} with {@code --tlscacert}, {@code --tlscert} and {@code --tlskey}.
   *
   * @param caFile one or more CA certificates to trust (a bundle)
   * @param certificateFile this side's certificate, optionally followed by intermediates
   * @param keyFile this side's private key
   * @param keyPassphrase passphrase of an encrypted {@code keyFile}, or {@code null}
   * @throws TlsMaterialException if a file is missing or unreadable, or a check fails
   */
  public static DockerTlsMaterial read(Role role, Path caFile, Path certificateFile, Path keyFile,
      char[] keyPassphrase) {
    return read(role, caFile, certificateFile, keyFile, keyPassphrase, Clock.systemUTC());
  }

  static DockerTlsMaterial readDirectory(Role role, Path directory, char[] keyPassphrase,
      Clock clock) {
    Objects.requireNonNull(directory, "directory");
    if (!Files.isDirectory(directory)) {
      throw new TlsMaterialException(
          (Files.exists(directory) ? "docker cert directory is not a directory: "
              : "docker cert directory does not exist: ") + directory);
    }
    return read(role, directory.resolve("ca.pem"), directory.resolve(role.certificateFile),
        directory.resolve(role.keyFile), keyPassphrase, clock);
  }

  static DockerTlsMaterial read(Role role, Path caFile, Path certificateFile, Path keyFile,
      char[] keyPassphrase, Clock clock) {
    Objects.requireNonNull(role, "role");
    List<X509Certificate> cas = Pem.readCaCertificates(caFile);
    List<X509Certificate> chain = Pem.readCertificates(certificateFile);
    PrivateKey key = Pem.readPrivateKey(keyFile, keyPassphrase);
    var now = clock.instant();
    for (X509Certificate ca : cas) {
      Checks.rsaKeySize(ca, caFile);
    }
    Checks.chainOrder(chain, certificateFile, key);
    X509Certificate leaf = chain.get(0);
    Checks.rsaKeySize(leaf, certificateFile);
    Checks.keyType(leaf, certificateFile);
    Checks.notCa(leaf, certificateFile, role == Role.CLIENT ? "client" : "server");
    Checks.validity(leaf, certificateFile, now);
    Checks.extendedKeyUsage(leaf, certificateFile, role.extendedKeyUsage);
    Checks.keyMatches(leaf, certificateFile, key, keyFile);
    Checks.issuedBy(chain, certificateFile, cas, caFile, now, role.extendedKeyUsage);
    return new DockerTlsMaterial(role, certificateFile, cas, chain, key);
  }

  /** Material that skips every check; only for tests that show what a peer rejects. */
  static DockerTlsMaterial unchecked(Role role, List<X509Certificate> caCertificates,
      List<X509Certificate> certificateChain, PrivateKey privateKey) {
    return new DockerTlsMaterial(role, Path.of("<unchecked>"), caCertificates, certificateChain,
        privateKey);
  }

  /**
   * This material whole, private key included, as {@link dev.carapace.tls.internal.MaterialWire} hands
   * it to a child process: role, certificate file name, the CA and chain certificates (DER) and the
   * key (its algorithm and PKCS#8 encoding), each length-prefixed.
   */
  private byte[] toWire() {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
      out.writeUTF(role.name());
      out.writeUTF(certificateFile.toString());
      out.writeInt(caCertificates.size());
      for (X509Certificate c : caCertificates) {
        writeBlock(out, c.getEncoded());
      }
      out.writeInt(certificateChain.size());
      for (X509Certificate c : certificateChain) {
        writeBlock(out, c.getEncoded());
      }
      out.writeBoolean(privateKey != null);
      if (privateKey != null) {
        out.writeUTF(privateKey.getAlgorithm());
        writeBlock(out, privateKey.getEncoded());
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot encode TLS material " + this + ": " + e.getMessage(), e);
    }
    return bytes.toByteArray();
  }

  private static void writeBlock(java.io.DataOutputStream out, byte[] block) throws IOException {
    out.writeInt(block.length);
    out.write(block);
  }

  private static byte[] readBlock(java.io.DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > (1 << 20)) {
      throw new IOException("block of " + length + " bytes");
    }
    return in.readNBytes(length);
  }

  /** The material {@link #toWire} wrote; checked already in the process that wrote it. */
  private static DockerTlsMaterial fromWire(byte[] wire) {
    try (java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(wire))) {
      Role role = Role.valueOf(in.readUTF());
      Path file = Path.of(in.readUTF());
      java.security.cert.CertificateFactory x509 = java.security.cert.CertificateFactory.getInstance("X.509");
      List<X509Certificate> cas = new java.util.ArrayList<>();
      for (int i = in.readInt(); i > 0; i--) {
        cas.add((X509Certificate) x509.generateCertificate(new java.io.ByteArrayInputStream(readBlock(in))));
      }
      List<X509Certificate> chain = new java.util.ArrayList<>();
      for (int i = in.readInt(); i > 0; i--) {
        chain.add((X509Certificate) x509.generateCertificate(new java.io.ByteArrayInputStream(readBlock(in))));
      }
      PrivateKey key = null;
      if (in.readBoolean()) {
        String algorithm = in.readUTF();
        key = java.security.KeyFactory.getInstance(algorithm.equals("ECDSA") ? "EC" : algorithm)
            .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(readBlock(in)));
      }
      return new DockerTlsMaterial(role, file, cas, chain, key);
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not the wire form of TLS material: " + e.getClass().getSimpleName());
    }
  }

  /** Returns which end of the connection this material authenticates. */
  public Role role() {
    return role;
  }

  /** Returns the trusted CA certificates, from {@code ca.pem}. */
  public List<X509Certificate> caCertificates() {
    return caCertificates;
  }

  /** Returns this side's certificate followed by any intermediates from the same file. */
  public List<X509Certificate> certificateChain() {
    return certificateChain;
  }

  /**
   * Returns this side's (leaf) certificate.
   *
   * @throws IllegalStateException for trust-only material, which has none
   */
  public X509Certificate certificate() {
    if (certificateChain.isEmpty()) {
      throw new IllegalStateException("trust-only material has no certificate: " + certificateFile);
    }
    return certificateChain.get(0);
  }

  /**
   * Returns a client {@link SSLContext} that also verifies that the server certificate's subject
   * alternative names match {@code expectedHost}: the host part of the Docker host URI being
   * dialled ({@code 127.0.0.1} for {@code tcp://127.0.0.1:2376}). A mismatch fails the
   * handshake with a {@link java.security.cert.CertificateException} such as {@code server
   * certificate does not match host 127.0.0.1: SANs [DNS:other.example]}.
   *
   * @throws IllegalArgumentException if {@code expectedHost} is neither a DNS name nor an IP
   *     address
   * @throws IllegalStateException if this is server material
   */
  public SSLContext sslContext(String expectedHost) {
    return sslContextBuilder().expectedHost(expectedHost).build();
  }

  /**
   * Returns a server {@link SSLContext}: it presents the server certificate, requires a client
   * certificate issued by a CA in {@code ca.pem} (server sockets and server-mode engines from it
   * have {@code needClientAuth} set, like {@code dockerd --tlsverify}) and enables only TLS 1.3
   * and 1.2.
   *
   * @throws IllegalStateException if this is client material
   */
  public SSLContext serverSslContext() {
    if (role != Role.SERVER) {
      throw new IllegalStateException(
          "serverSslContext() needs server material: client material from " + certificateFile);
    }
    return sslContextBuilder().build();
  }

  /**
   * Returns a builder for an {@link SSLContext} from this material, for the rare caller that
   * must opt out of hostname verification. Prefer {@link #sslContext(String)} and
   * {@link #serverSslContext()}.
   */
  public SslContextBuilder sslContextBuilder() {
    return new SslContextBuilder(this);
  }

  /** Describes the role, certificate file, subject and validity; never key material. */
  @Override
  public String toString() {
    if (certificateChain.isEmpty()) {
      return "DockerTlsMaterial{role=CLIENT, trustOnly=" + certificateFile
          + ", caCertificates=" + caCertificates.size() + "}";
    }
    X509Certificate leaf = certificate();
    return "DockerTlsMaterial{role=" + role + ", certificate=" + certificateFile
        + ", subject=" + Checks.subject(leaf)
        + ", notAfter=" + leaf.getNotAfter().toInstant()
        + ", caCertificates=" + caCertificates.size() + "}";
  }

  /**
   * Builds an {@link SSLContext} from {@link DockerTlsMaterial}. For client material exactly one
   * of {@link #expectedHost(String)} and {@link #insecureSkipHostnameVerification()} must be
   * called; server material takes neither.
   */
  public static final class SslContextBuilder {
    private final DockerTlsMaterial material;
    private String expectedHost;
    private boolean skipHostnameVerification;

    private SslContextBuilder(DockerTlsMaterial material) {
      this.material = material;
    }

    /**
     * Verifies that the server certificate names {@code expectedHost} (DNS or IP SAN; the CN is
     * ignored). If unset on client material, {@link #build()} fails unless
     * {@link #insecureSkipHostnameVerification()} was called.
     *
     * @param expectedHost a DNS name or an IP literal, without port (IPv6 may be bracketed)
     * @throws IllegalArgumentException if it is neither a DNS name nor an IP address
     * @throws IllegalStateException if this is server material
     */
    public SslContextBuilder expectedHost(String expectedHost) {
      Objects.requireNonNull(expectedHost, "expectedHost");
      requireClient("expectedHost");
      if (SubjectAltNames.ipLiteral(expectedHost) == null
          && !SubjectAltNames.isDnsName(expectedHost)) {
        throw new IllegalArgumentException(
            "expectedHost must be a DNS name or an IP address: \"" + expectedHost + "\"");
      }
      this.expectedHost = expectedHost;
      return this;
    }

    /**
     * <b>Insecure: accepts a server certificate issued by the CA for any host.</b> Any machine
     * holding a server certificate from the same CA can then impersonate the daemon, read
     * everything sent to it and answer in its name (including with a malicious image). The
     * certificate chain is still verified against {@code ca.pem}. Use only when the caller's
     * own HTTP client verifies the hostname itself. If unset, {@link #build()} requires
     * {@link #expectedHost(String)}. This is {@code docker --tls} without the name check.
     *
     * @throws IllegalStateException if this is server material
     */
    public SslContextBuilder insecureSkipHostnameVerification() {
      requireClient("insecureSkipHostnameVerification()");
      this.skipHostnameVerification = true;
      return this;
    }

    /**
     * Builds the {@link SSLContext}: TLS 1.3 and 1.2 only, trusting only the CA certificates of
     * the material, presenting its certificate chain.
     *
     * @throws IllegalStateException for client material without exactly one of
     *     {@link #expectedHost(String)} and {@link #insecureSkipHostnameVerification()}
     */
    public SSLContext build() {
      boolean client = material.role == Role.CLIENT;
      if (client && (expectedHost == null) == !skipHostnameVerification) {
        throw new IllegalStateException(
            expectedHost == null
                ? "expectedHost must be set (or insecureSkipHostnameVerification() called) for"
                    + " client material: " + material.certificateFile
                : "expectedHost and insecureSkipHostnameVerification() exclude each other: "
                    + expectedHost);
      }
      try {
        X509ExtendedTrustManager trustManager = trustManager(material.caCertificates);
        if (expectedHost != null) {
          trustManager = new HostnameVerifyingTrustManager(trustManager, expectedHost);
        }
        char[] password = new char[0];
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        KeyManagerFactory keyManagers = null;
        if (material.privateKey != null) {
          keys.setKeyEntry("identity", material.privateKey, password,
              material.certificateChain.toArray(new X509Certificate[0]));
          keyManagers = KeyManagerFactory.getInstance("PKIX");
          keyManagers.init(keys, password);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers == null ? null : keyManagers.getKeyManagers(),
            new TrustManager[] {trustManager}, new SecureRandom());
        return new RestrictedSslContext(context, PROTOCOLS, !client);
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException("SSLContext could not be built: " + e, e);
      }
    }

    private void requireClient(String attribute) {
      if (material.role != Role.CLIENT) {
        throw new IllegalStateException(
            attribute + " applies to client material only: server material from "
                + material.certificateFile);
      }
    }

    private static X509ExtendedTrustManager trustManager(List<X509Certificate> cas)
        throws GeneralSecurityException, IOException {
      KeyStore trusted = KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        trusted.setCertificateEntry("ca-" + i, cas.get(i));
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(trusted);
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509ExtendedTrustManager x509) {
          return x509;
        }
      }
      throw new GeneralSecurityException("PKIX trust manager factory has no X509 trust manager");
    }
  }
}
