package dev.carapace.core;

import dev.carapace.core.internal.registry.DockerConfigCredentials;
import dev.carapace.core.internal.registry.ImageName;
import dev.carapace.core.internal.registry.RegistryAuth;
import dev.carapace.core.internal.registry.RegistryClient;
import dev.carapace.core.internal.registry.RegistryTls;
import dev.carapace.tls.Pem;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How Carapace itself talks to a registry's HTTP API (not through the engine): to resolve a tag to
 * its manifest digest, read and check signatures ({@link ImageTrust}) and push them
 * ({@link ImageSigner}). Credentials and trust are the engine's: the {@link RegistryCredentials} a
 * launcher pulls with, and the CAs dockerd trusts for the registry
 * ({@code /etc/docker/certs.d/<host:port>/*.crt}), besides the JDK's own CAs.
 *
 * <pre>{@code
 * RegistryAccess access = RegistryAccess.builder()
 *     .credentials(RegistryCredentials.of("registry.example:5000", "ci", password))
 *     .addCertificateAuthority(Path.of("/etc/ci/registry-ca.pem"))
 *     .timeout(Duration.ofSeconds(10))
 *     .build();
 * String digest = access.resolveDigest("registry.example:5000/team/app:1"); // sha256:...
 * String pinned = access.pinnedImage("registry.example:5000/team/app:1"); // registry.example:5000/team/app@sha256:...
 * }</pre>
 *
 * <p>Only {@code https} registries are read. Every exchange of one operation (a resolution, a
 * verification, a signing) shares one {@linkplain Builder#timeout timeout}; a manifest is at most
 * 4 MiB. A manifest or tag is read from the registry itself: a redirect there is refused. A blob
 * read follows at most 3 redirects to {@code https} locations (registries send blobs to a storage
 * service), sending credentials only to the registry's own host and port; a blob is always checked
 * against its digest. Immutable and thread-safe; it keeps one HTTP client per registry.
 */
public final class RegistryAccess {
  /** The timeout of one operation when none is given: 30 seconds. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  private static final RegistryAccess DEFAULTS = builder().build();

  /** Null: the launcher's credentials, or {@link RegistryCredentials#fromDockerConfig()} outside one. */
  private final RegistryCredentials credentials;
  /** Null: no certs.d folder is read. */
  private final Path certificatesDir;
  private final List<X509Certificate> extraCas;
  private final Duration timeout;
  private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();

  private RegistryAccess(RegistryCredentials credentials, Path certificatesDir, List<X509Certificate> extraCas,
      Duration timeout) {
    this.credentials = credentials;
    this.certificatesDir = certificatesDir;
    this.extraCas = List.copyOf(extraCas);
    this.timeout = timeout;
  }

  /**
   * The defaults: the docker CLI's credentials ({@link RegistryCredentials#fromDockerConfig()}; in a
   * launcher, the launcher's), the engine's CAs in {@code /etc/docker/certs.d}, a 30 second timeout.
   */
  public static RegistryAccess defaults() {
    return DEFAULTS;
  }

  /** A new builder, with the {@linkplain #defaults() defaults}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Configures a {@link RegistryAccess}. */
  public static final class Builder {
    private RegistryCredentials credentials;
    private Path certificatesDir = RegistryTls.ENGINE_CERTS_DIR;
    private final List<X509Certificate> extraCas = new ArrayList<>();
    private Duration timeout = DEFAULT_TIMEOUT;

    private Builder() {}

    /**
     * The credentials sent to a registry that asks for a login (HTTP Basic, or a token from its token
     * service). If unset: a launcher's own {@linkplain ContainerLauncher.Builder#registryCredentials
     * registry credentials}, else {@link RegistryCredentials#fromDockerConfig()}.
     */
    public Builder credentials(RegistryCredentials credentials) {
      this.credentials = Objects.requireNonNull(credentials, "registry credentials");
      return this;
    }

    /**
     * The folder holding one folder per registry ({@code <host:port>}) with its CAs as {@code *.crt}
     * files, as dockerd reads it. If unset, {@code /etc/docker/certs.d}, the engine's: a registry the
     * engine trusts is trusted here. An absent folder adds no CA.
     */
    public Builder certificatesDir(Path dir) {
      this.certificatesDir = Objects.requireNonNull(dir, "registry certificates dir");
      return this;
    }

    /**
     * Trusts no {@code certs.d} folder: only the JDK's CAs and those
     * {@linkplain #addCertificateAuthority added}.
     */
    public Builder withoutEngineCertificates() {
      this.certificatesDir = null;
      return this;
    }

    /**
     * Trusts the CA certificates in the PEM file {@code caPem} for every registry, besides the JDK's
     * and the engine's.
     *
     * @throws dev.carapace.tls.TlsMaterialException when the file is not PEM certificates
     */
    public Builder addCertificateAuthority(Path caPem) {
      extraCas.addAll(Pem.readCertificates(Objects.requireNonNull(caPem, "registry CA file")));
      return this;
    }

    /** Trusts {@code ca} for every registry, besides the JDK's and the engine's CAs. */
    public Builder addCertificateAuthority(X509Certificate ca) {
      extraCas.add(Objects.requireNonNull(ca, "registry CA"));
      return this;
    }

    /**
     * How long one operation (resolving a tag, verifying an image's signatures, signing) may take,
     * all its requests together; when it is over, the operation fails naming the request. If unset,
     * {@link RegistryAccess#DEFAULT_TIMEOUT}.
     *
     * @throws IllegalArgumentException when not positive
     */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "registry timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("registry timeout must be positive: " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /** The registry access. */
    public RegistryAccess build() {
      return new RegistryAccess(credentials, certificatesDir, extraCas, timeout);
    }
  }

  /**
   * The manifest digest {@code image} names now: its digest when it has one (the registry is not
   * asked), else the digest of the manifest its tag points to ({@code latest} without a tag), read
   * from the registry and computed from the manifest's bytes. For a multi-platform image this is the
   * index's digest, as {@code docker pull} prints it.
   *
   * @return {@code sha256:<hex>}
   * @throws IllegalArgumentException when {@code image} is not a registry reference
   * @throws RegistryException when the registry has no such tag, refuses, or does not answer in time
   */
  public String resolveDigest(String image) {
    ImageName name = ImageName.parse(image);
    if (name.digest() != null) {
      return name.digest();
    }
    return resolve(name, image, null);
  }

  /**
   * {@code image} pinned to the manifest digest it names now, as {@code docker pull} and a launch by
   * digest take it: {@code repository@sha256:<hex>}, the repository fully qualified and the tag dropped
   * ({@code 127.0.0.1:5443/team/app:1} becomes {@code 127.0.0.1:5443/team/app@sha256:...},
   * {@code busybox} becomes {@code docker.io/library/busybox@sha256:...}), the same reference as
   * {@link ImageVerification#pinnedImage()}. The digest is {@link #resolveDigest}'s: the image's own when
   * it names one (the registry is not asked), else the one its tag ({@code latest} without a tag)
   * points to now.
   *
   * @throws IllegalArgumentException when {@code image} is not a registry reference
   * @throws RegistryException when the registry has no such tag ({@linkplain RegistryException#status()
   *     status} 404), refuses, or does not answer in time
   */
  public String pinnedImage(String image) {
    ImageName name = ImageName.parse(image);
    return name.pinned(name.digest() != null ? name.digest() : resolve(name, image, null));
  }

  String resolve(ImageName name, String image, RegistryCredentials fallback) {
    RegistryClient client = client(name, image, fallback);
    try {
      return client.manifest(name.repository(), name.reference())
          .orElseThrow(() -> new RegistryException(image, name.registry(), "registry " + name.registry()
              + " has no manifest " + name.reference() + " in " + name.repository(), 404, null))
          .digest();
    } catch (RegistryClient.RegistryFailure e) {
      throw new RegistryException(image, name.registry(), e.getMessage(), e.status(), e);
    }
  }

  /** The timeout of one operation. */
  public Duration timeout() {
    return timeout;
  }

  /** A client for one operation on {@code name}'s registry, with the credentials found for it. */
  RegistryClient client(ImageName name, String image, RegistryCredentials fallback) {
    RegistryCredentials creds = credentials != null ? credentials
        : fallback != null ? fallback : RegistryCredentials.fromDockerConfig();
    RegistryAuth auth;
    try {
      auth = creds.lookup(name.registry()).orElse(null);
    } catch (DockerConfigCredentials.Unreadable e) {
      throw new RegistryException(image, name.registry(), "credentials for registry " + name.registry()
          + " could not be read: " + e.getMessage(), 0, e);
    }
    HttpClient http = clients.computeIfAbsent(name.apiHost(), host -> {
      List<X509Certificate> cas = new ArrayList<>(extraCas);
      if (certificatesDir != null) {
        cas.addAll(RegistryTls.engineCas(certificatesDir, name.registry()));
      }
      return RegistryClient.httpClient(RegistryTls.context(cas), timeout);
    });
    return new RegistryClient(http, name.registry(), name.apiHost(), auth, timeout);
  }

  @Override
  public String toString() {
    return "RegistryAccess{credentials " + (credentials == null ? "of the launcher" : credentials.toString())
        + ", CAs " + (certificatesDir == null ? "" : "of " + certificatesDir + " and ") + extraCas.size()
        + " added, timeout " + timeout + "}";
  }
}
