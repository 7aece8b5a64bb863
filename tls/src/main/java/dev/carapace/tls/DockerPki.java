package dev.carapace.tls;

import dev.carapace.tls.internal.SecureFiles;
import dev.carapace.tls.internal.SubjectAltNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A complete PKI for a TLS-protected Docker Engine API, generated in one call: a CA, a server
 * certificate for {@code dockerd} and a client certificate for {@code docker} or Carapace.
 *
 * <p>This replaces the dozen {@code openssl} commands of Docker's "Protect the Docker daemon
 * socket" guide. {@link #writeTo(Path)} writes the guide's file set: {@code ca.pem},
 * {@code ca-key.pem}, {@code server-cert.pem}, {@code server-key.pem} for the daemon and
 * {@code ca.pem}, {@code cert.pem}, {@code key.pem} for clients (the {@code DOCKER_CERT_PATH}
 * layout), with every key file {@code rw-------}. The returned {@link DockerPkiFiles} gives the
 * matching {@code dockerd} flags and {@code daemon.json} fragment.
 *
 * <pre>{@code
 * DockerPkiFiles files = DockerPki.builder()
 *     .addServerName("localhost").addServerName("127.0.0.1")
 *     .validFor(Duration.ofDays(90))
 *     .build()
 *     .writeTo(Path.of("/etc/docker/tls"));
 * System.out.println(files.dockerdCommandLine());
 * // dockerd --tlsverify --tlscacert=/etc/docker/tls/ca.pem ... -H tcp://127.0.0.1:2376
 * }</pre>
 */
public final class DockerPki {
  private static final Pattern TCP_ADDRESS =
      Pattern.compile("tcp://(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+):[0-9]{1,5}");

  private final HeldCertificate ca;
  private final HeldCertificate server;
  private final HeldCertificate client;
  private final List<String> listenAddresses;

  private DockerPki(HeldCertificate ca, HeldCertificate server, HeldCertificate client,
      List<String> listenAddresses) {
    this.ca = ca;
    this.server = server;
    this.client = client;
    this.listenAddresses = List.copyOf(listenAddresses);
  }

  /** Returns a new builder; {@code builder().build()} gives a PKI for {@code localhost}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the CA ({@code CN=docker-ca}), which signs both other certificates. */
  public HeldCertificate ca() {
    return ca;
  }

  /** Returns the daemon's certificate (serverAuth, with the configured server names). */
  public HeldCertificate server() {
    return server;
  }

  /** Returns the client certificate ({@code CN=client}, clientAuth). */
  public HeldCertificate client() {
    return client;
  }

  /** Returns the {@code dockerd -H} addresses the flags and {@code daemon.json} name. */
  public List<String> listenAddresses() {
    return listenAddresses;
  }

  /**
   * Writes the six files into {@code directory}, creating it (and missing parents)
   * {@code rwx------} if absent: certificates {@code rw-r--r--}, keys {@code rw-------} from the
   * moment they exist. Nothing is overwritten: if any of the six files already exists, nothing
   * is written; if writing fails midway, the files written by this call are removed again.
   *
   * @return the absolute paths, with the matching {@code dockerd} flags and {@code daemon.json}
   * @throws TlsMaterialException if a file exists or the directory cannot be written
   */
  public DockerPkiFiles writeTo(Path directory) {
    Objects.requireNonNull(directory, "directory");
    DockerPkiFiles files = new DockerPkiFiles(directory.toAbsolutePath().normalize(),
        listenAddresses);
    try {
      SecureFiles.createPrivateDirectories(files.directory());
    } catch (IOException e) {
      throw new TlsMaterialException(
          "directory could not be created: " + files.directory() + " (" + e + ")", e);
    }
    for (Path file : files.all()) {
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new TlsMaterialException(
            "file already exists: " + file + " (remove the old PKI or choose another directory)");
      }
    }
    List<Path> written = new ArrayList<>();
    try {
      write(written, files.caCertificate(), () -> ca.writeCertificate(files.caCertificate()));
      write(written, files.caKey(), () -> ca.writePrivateKey(files.caKey()));
      write(written, files.serverCertificate(),
          () -> server.writeCertificate(files.serverCertificate()));
      write(written, files.serverKey(), () -> server.writePrivateKey(files.serverKey()));
      write(written, files.clientCertificate(),
          () -> client.writeCertificate(files.clientCertificate()));
      write(written, files.clientKey(), () -> client.writePrivateKey(files.clientKey()));
    } catch (RuntimeException e) {
      for (Path file : written) {
        SecureFiles.deleteQuietly(file, e);
      }
      throw e;
    }
    return files;
  }

  private static void write(List<Path> written, Path file, Runnable action) {
    action.run();
    written.add(file);
  }

  /**
   * Configures and generates a {@link DockerPki}. Setters validate immediately and throw
   * {@link IllegalArgumentException} naming the attribute and the value.
   */
  public static final class Builder {
    private final List<String> serverNames = new ArrayList<>();
    private final List<String> listenAddresses = new ArrayList<>();
    private Duration validFor = Duration.ofDays(365);
    private int rsaBits;

    private Builder() {}

    /**
     * Adds a name clients dial to reach the daemon: a DNS name ({@code docker.example.com}) or
     * an IP address ({@code 127.0.0.1}), written as a DNS or IP subject alternative name of the
     * server certificate. The first name is also its common name. If none is added, the server
     * certificate names {@code localhost} and {@code 127.0.0.1}.
     */
    public Builder addServerName(String name) {
      Objects.requireNonNull(name, "name");
      if (SubjectAltNames.ipLiteral(name) == null && !SubjectAltNames.isDnsName(name)) {
        throw new IllegalArgumentException(
            "serverName must be a DNS name or an IP address: \"" + name + "\"");
      }
      serverNames.add(name);
      return this;
    }

    /**
     * Adds an address for {@code dockerd -H} (and {@code "hosts"} in {@code daemon.json}):
     * {@code tcp://HOST:PORT}, {@code unix:///path} or {@code fd://}. TLS protects only the
     * {@code tcp://} ones. If none is added, {@code tcp://127.0.0.1:2376} is used; add
     * {@code unix:///var/run/docker.sock} to keep the local socket too.
     */
    public Builder addListenAddress(String address) {
      Objects.requireNonNull(address, "address");
      if (!TCP_ADDRESS.matcher(address).matches()
          && !(address.startsWith("unix:///") && address.length() > 8)
          && !address.startsWith("fd://")) {
        throw new IllegalArgumentException(
            "listenAddress must be tcp://HOST:PORT, unix:///PATH or fd://: \"" + address + "\"");
      }
      listenAddresses.add(address);
      return this;
    }

    /**
     * Sets how long all three certificates are valid, from {@link #build()}. If unset, 365 days.
     */
    public Builder validFor(Duration validFor) {
      Checks.requirePositive("validFor", validFor);
      this.validFor = validFor;
      return this;
    }

    /**
     * Uses RSA keys of {@code bits} bits (2048, 3072 or 4096) for all three certificates. If
     * unset, all keys are EC P-256.
     */
    public Builder rsa(int bits) {
      this.rsaBits = Checks.requireRsaKeySize(bits);
      return this;
    }

    /** Generates the three key pairs and certificates. */
    public DockerPki build() {
      List<String> names = serverNames.isEmpty() ? List.of("localhost", "127.0.0.1") : serverNames;
      HeldCertificate ca = keys(HeldCertificate.builder())
          .commonName("docker-ca").certificateAuthority(0).validFor(validFor).build();
      HeldCertificate.Builder server = keys(HeldCertificate.builder())
          .commonName(names.get(0)).serverAuth().validFor(validFor).signedBy(ca);
      for (String name : names) {
        server.addSubjectAlternativeName(name);
      }
      HeldCertificate client = keys(HeldCertificate.builder())
          .commonName("client").clientAuth().validFor(validFor).signedBy(ca).build();
      return new DockerPki(ca, server.build(), client,
          listenAddresses.isEmpty() ? List.of("tcp://127.0.0.1:2376") : listenAddresses);
    }

    private HeldCertificate.Builder keys(HeldCertificate.Builder builder) {
      return rsaBits == 0 ? builder.ec() : builder.rsa(rsaBits);
    }
  }
}
