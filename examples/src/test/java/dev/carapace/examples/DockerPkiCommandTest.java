package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.tls.DockerPki;
import dev.carapace.tls.DockerPkiFiles;
import dev.carapace.tls.DockerTlsMaterial;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerPkiCommandTest {
  @TempDir Path temp;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return DockerPkiCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void writesPkiAndPrintsFlagsAndDaemonJson() throws Exception {
    Path dir = temp.resolve("pki");
    assertEquals(0, run("--out", dir.toString(), "--host", "docker.test", "--ip", "127.0.0.1",
        "--days", "10"));
    // the same files' flags, for a PKI written elsewhere with the default listen address
    Path other = temp.resolve("other");
    DockerPkiFiles written = DockerPki.builder().build().writeTo(other);
    assertEquals(List.of("tcp://127.0.0.1:2376"), written.listenAddresses());
    Expected expected = new Expected(written, other, dir);
    assertEquals("Wrote " + dir + ": ca.pem ca-key.pem server-cert.pem server-key.pem cert.pem"
        + " key.pem\n"
        + "\n"
        + "dockerd flags:\n"
        + "  " + expected.dockerdCommandLine() + "\n"
        + "\n"
        + "or daemon.json (not both):\n"
        + expected.daemonJson()
        + "\n"
        + "client (or DOCKER_CERT_PATH=" + dir + " DOCKER_TLS_VERIFY=1):\n"
        + "  " + expected.dockerClientCommandLine() + " version\n", out());
    assertEquals("", err());
    DockerTlsMaterial server = DockerTlsMaterial.readServer(dir);
    assertEquals(List.of("DNS:docker.test", "IP:127.0.0.1"),
        subjectAltNames(server.certificate()));
    assertEquals(Duration.ofDays(10), Duration.between(
        server.certificate().getNotBefore().toInstant(),
        server.certificate().getNotAfter().toInstant()));
    DockerTlsMaterial.readClient(dir);
  }

  /** {@code DNS:name} and {@code IP:address} entries, in the certificate's order. */
  private static List<String> subjectAltNames(X509Certificate certificate) throws CertificateParsingException {
    List<String> out = new ArrayList<>();
    for (List<?> entry : certificate.getSubjectAlternativeNames()) {
      int type = (Integer) entry.get(0);
      if (type == 2) {
        out.add("DNS:" + entry.get(1));
      } else if (type == 7) {
        out.add("IP:" + entry.get(1));
      }
    }
    return out;
  }

  /** What {@code written}'s flags say with its directory {@code from} read as {@code to}. */
  private record Expected(DockerPkiFiles written, Path from, Path to) {
    String dockerdCommandLine() {
      return written.dockerdCommandLine().replace(from.toString(), to.toString());
    }

    String daemonJson() {
      return written.daemonJson().replace(from.toString(), to.toString());
    }

    String dockerClientCommandLine() {
      return written.dockerClientCommandLine().replace(from.toString(), to.toString());
    }
  }

  @Test
  void badArgumentsPrintUsageAndExit2() {
    assertUsageError("--out is required");
    assertUsageError("unknown option: --bogus", "--bogus");
    assertUsageError("--out needs a value", "--out");
    assertUsageError("--days must be an integer from 1 to 36500: ten", "--out", "x", "--days",
        "ten");
    assertUsageError("--days must be an integer from 1 to 36500: 0", "--days", "0");
    assertUsageError("rsa key size must be 2048, 3072 or 4096: 1024", "--rsa", "1024");
    assertUsageError("--rsa must be 2048, 3072 or 4096: big", "--rsa", "big");
    assertUsageError("--ip must be an IP address: localhost", "--ip", "localhost");
    assertUsageError("--host must be a DNS name (use --ip): 127.0.0.1", "--host", "127.0.0.1");
    assertUsageError("serverName must be a DNS name or an IP address: \"bad_name\"",
        "--host", "bad_name");
  }

  private void assertUsageError(String message, String... args) {
    out.reset();
    err.reset();
    assertEquals(2, run(args), message);
    assertEquals("error: " + message + "\n" + DockerPkiCommand.USAGE, err());
    assertEquals("", out());
  }

  @Test
  void helpPrintsUsageAndExits0() {
    assertEquals(0, run("--help"));
    assertEquals(DockerPkiCommand.USAGE, out());
  }

  @Test
  void existingFilesExit1WithoutUsage() throws Exception {
    Path dir = Files.createDirectory(temp.resolve("pki"));
    Files.writeString(dir.resolve("ca.pem"), "old");
    assertEquals(1, run("--out", dir.toString()));
    assertEquals("error: file already exists: " + dir.resolve("ca.pem")
        + " (remove the old PKI or choose another directory)\n", err());
  }

  @Test
  void mainRunsInItsOwnJvmWithExitCodes() throws Exception {
    Path dir = temp.resolve("main");
    Process ok = java("--out", dir.toString(), "--rsa", "2048");
    String okOutput = new String(ok.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(ok.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, ok.exitValue(), okOutput);
    assertTrue(okOutput.startsWith("Wrote " + dir + ": "), okOutput);
    DockerTlsMaterial.readClient(dir);

    Process bad = java("--days");
    String badOutput = new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(bad.waitFor(60, TimeUnit.SECONDS));
    assertEquals(2, bad.exitValue(), badOutput);
    assertEquals("error: --days needs a value\n" + DockerPkiCommand.USAGE, badOutput);
  }

  private static Process java(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(DockerPkiCommand.class.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }
}
