package dev.carapace.examples;

import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.Endpoint;
import dev.carapace.core.ProcStatus;
import dev.carapace.core.RunResult;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.tls.DockerPki;
import dev.carapace.tls.DockerPkiFiles;
import dev.carapace.tls.DockerTlsMaterial;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

/**
 * Step 4 of the README: the Docker Engine API over mutual TLS. First the whole PKI of Docker's
 * "Protect the Docker daemon socket" guide in one call ({@link DockerPki}): {@code ca.pem},
 * {@code ca-key.pem}, {@code server-cert.pem} and {@code server-key.pem} for {@code dockerd},
 * {@code cert.pem} and {@code key.pem} for clients, keys {@code rw-------}, with the matching
 * {@code dockerd} command line. Then a launch through {@code dockerd --tlsverify} on
 * 127.0.0.1:2376 with a client folder in the {@code DOCKER_CERT_PATH} layout.
 *
 * <p>With a daemon of your own, you would start {@code dockerd} with the printed flags and connect
 * with the folder just written. A running daemon cannot take new TLS material without a restart, so
 * the program connects with a second folder, by default the testbed's client material
 * ({@code /var/lib/carapace-testbed/pki}, written the same way by {@code testbed/peers.sh} with the
 * examples module's {@code DockerPkiCommand} before it started {@code dockerd}).
 *
 * <p>Run (after {@code testbed/setup.sh} and an install):
 * {@code mvn -B -ntp -q -pl examples exec:java -Dexec.mainClass=dev.carapace.examples.MutualTls}.
 * Arguments: the folder to write the new PKI to (default: a new temporary folder, removed at the end;
 * a folder given is kept) and the client folder to connect with.
 */
public final class MutualTls {
  private MutualTls() {}

  public static void main(String[] args) throws IOException {
    Path pkiDir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("carapace-pki");
    Path clientDir = Path.of(args.length > 1 ? args[1] : "/var/lib/carapace-testbed/pki");
    int code;
    try {
      code = run(pkiDir, clientDir, "carapace-test/busybox:1", System.out);
    } finally {
      if (args.length == 0) {
        removePki(pkiDir);
      }
    }
    System.exit(code);
  }

  /**
   * Writes a new PKI into {@code pkiDir} and prints its files and the {@code dockerd} command line,
   * then launches a hardened container on 127.0.0.1:2376 with the client material in
   * {@code clientDir}; returns 0 when it ran.
   */
  public static int run(Path pkiDir, Path clientDir, String image, PrintStream out) {
    // --- snippet: docker-pki
    DockerPkiFiles files = DockerPki.builder()
        .addServerName("localhost").addServerName("127.0.0.1")   // the names clients dial
        .validFor(Duration.ofDays(365))
        .build()                                                 // EC P-256 keys; rsa(3072) for RSA
        .writeTo(pkiDir);                  // ca.pem ca-key.pem server-cert.pem server-key.pem cert.pem key.pem
    out.println(files.dockerdCommandLine());   // dockerd --tlsverify --tlscacert=.../ca.pem ... -H tcp://127.0.0.1:2376
    // --- end snippet
    for (String name : new String[] {"ca.pem", "ca-key.pem", "server-cert.pem", "server-key.pem", "cert.pem",
        "key.pem"}) {
      out.printf("  %-16s %s%n", name, permissions(files.directory().resolve(name)));
    }

    SecureContainerSpec spec = SecureContainerSpec.builder().image(image).command("cat", "/proc/self/status").build();
    // --- snippet: tls-connect
    Endpoint endpoint = Endpoint.tls("127.0.0.1", 2376,
        DockerTlsMaterial.readClient(clientDir));   // ca.pem, cert.pem, key.pem, checked before dialling
    try (ContainerLauncher launcher = ContainerLauncher.connect(endpoint)) {
      RunResult result = launcher.run(spec, Duration.ofSeconds(30));
      out.println(endpoint + ": CapEff " + ProcStatus.parse(result.stdout()).effectiveHex());
    }
    // --- end snippet
    return 0;
  }

  private static String permissions(Path file) {
    try {
      return PosixFilePermissions.toString(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Removes the six files {@link DockerPki} wrote and their folder. */
  static void removePki(Path pkiDir) throws IOException {
    for (String name : new String[] {"ca.pem", "ca-key.pem", "server-cert.pem", "server-key.pem", "cert.pem",
        "key.pem"}) {
      Files.deleteIfExists(pkiDir.resolve(name));
    }
    Files.deleteIfExists(pkiDir);
  }
}
