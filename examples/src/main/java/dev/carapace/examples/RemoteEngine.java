package dev.carapace.examples;

import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.Endpoint;
import dev.carapace.core.ProcStatus;
import dev.carapace.core.RunResult;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.tls.DockerTlsMaterial;
import dev.carapace.tls.HeldCertificate;
import dev.carapace.tls.Pem;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A remote engine, the seed's two ways: over mutual TLS ({@code dockerd --tlsverify}), with a client
 * certificate freshly issued by the daemon's CA; and through the seed's nginx proxy with HTTP basic
 * auth in front of {@code docker.sock}. Each way launches a hardened container.
 *
 * <p>Run (after {@code testbed/setup.sh}, which starts those peers on 127.0.0.1):
 * {@code mvn -q -pl examples exec:java -Dexec.mainClass=dev.carapace.examples.RemoteEngine}. Argument:
 * the testbed folder (default {@code /var/lib/carapace-testbed}: {@code pki/ca.pem}, {@code pki/ca-key.pem},
 * {@code nginx/password}).
 */
public final class RemoteEngine {
  private RemoteEngine() {}

  public static void main(String[] args) throws IOException {
    Path testbed = Path.of(args.length > 0 ? args[0] : "/var/lib/carapace-testbed");
    System.exit(run(testbed, "carapace-test/busybox:1", System.out));
  }

  public static int run(Path testbed, String image, PrintStream out) throws IOException {
    SecureContainerSpec spec = SecureContainerSpec.builder().image(image)
        .command("cat", "/proc/self/status").build();
    Path certs = Files.createTempDirectory("carapace-client");
    try {
      // --- snippet: mutual-tls
      HeldCertificate ca = HeldCertificate.of(Pem.readCertificate(testbed.resolve("pki/ca.pem")),
          Pem.readPrivateKey(testbed.resolve("pki/ca-key.pem")));
      HeldCertificate client = HeldCertificate.builder().commonName("carapace-example").clientAuth()
          .validFor(Duration.ofHours(1)).signedBy(ca).build();
      Pem.writeCertificate(certs.resolve("ca.pem"), ca.certificate());    // the DOCKER_CERT_PATH layout
      client.writeCertificate(certs.resolve("cert.pem"));
      client.writePrivateKey(certs.resolve("key.pem"));                   // rw------- from creation
      Endpoint tls = Endpoint.tls("127.0.0.1", 2376, DockerTlsMaterial.readClient(certs));
      try (ContainerLauncher launcher = ContainerLauncher.connect(tls)) {
        RunResult r = launcher.run(spec, Duration.ofSeconds(30));
        out.println("mutual TLS  " + tls + ": CapEff " + ProcStatus.parse(r.stdout()).effectiveHex());
      }
      // --- end snippet
    } finally {
      for (String f : new String[] {"ca.pem", "cert.pem", "key.pem"}) {
        Files.deleteIfExists(certs.resolve(f));
      }
      Files.deleteIfExists(certs);
    }
    char[] password = Files.readString(testbed.resolve("nginx/password")).trim().toCharArray();
    // --- snippet: basic-auth
    Endpoint proxy = Endpoint.plainTcp("127.0.0.1", 2380).basicAuth("carapace", password);
    try (ContainerLauncher launcher = ContainerLauncher.connect(proxy)) {
      RunResult r = launcher.run(spec, Duration.ofSeconds(30));
      out.println("basic auth  " + proxy + ": CapEff " + ProcStatus.parse(r.stdout()).effectiveHex());
    }
    // --- end snippet
    java.util.Arrays.fill(password, '\0');
    return 0;
  }
}
