package dev.carapace.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.carapace.tls.internal.SubjectAltNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerPkiTest {
  @TempDir Path temp;

  @Test
  void writesTheSixFilesWithOwnerOnlyKeysInANewPrivateDirectory() throws Exception {
    Path dir = temp.resolve("tls");
    DockerPkiFiles files = DockerPki.builder().build().writeTo(dir);
    assertEquals(dir, files.directory());
    assertEquals(PosixFilePermissions.fromString("rwx------"),
        Files.getPosixFilePermissions(dir));
    try (var listing = Files.list(dir)) {
      assertEquals(List.of("ca-key.pem", "ca.pem", "cert.pem", "key.pem", "server-cert.pem",
          "server-key.pem"), listing.map(p -> p.getFileName().toString()).sorted().toList());
    }
    for (String key : List.of("ca-key.pem", "server-key.pem", "key.pem")) {
      assertEquals(PosixFilePermissions.fromString("rw-------"),
          Files.getPosixFilePermissions(dir.resolve(key)), key);
    }
    for (String cert : List.of("ca.pem", "server-cert.pem", "cert.pem")) {
      assertEquals(PosixFilePermissions.fromString("rw-r--r--"),
          Files.getPosixFilePermissions(dir.resolve(cert)), cert);
    }
  }

  @Test
  void flagsAndDaemonJsonReferenceTheWrittenFiles() {
    Path dir = temp.resolve("tls");
    DockerPkiFiles files = DockerPki.builder().build().writeTo(dir);
    assertEquals(List.of("--tlsverify", "--tlscacert=" + dir + "/ca.pem",
        "--tlscert=" + dir + "/server-cert.pem", "--tlskey=" + dir + "/server-key.pem",
        "-H", "tcp://127.0.0.1:2376"), files.dockerdFlags());
    assertEquals("dockerd --tlsverify --tlscacert=" + dir + "/ca.pem --tlscert=" + dir
        + "/server-cert.pem --tlskey=" + dir + "/server-key.pem -H tcp://127.0.0.1:2376",
        files.dockerdCommandLine());
    assertEquals("{\n"
        + "  \"tlsverify\": true,\n"
        + "  \"tlscacert\": \"" + dir + "/ca.pem\",\n"
        + "  \"tlscert\": \"" + dir + "/server-cert.pem\",\n"
        + "  \"tlskey\": \"" + dir + "/server-key.pem\",\n"
        + "  \"hosts\": [\"tcp://127.0.0.1:2376\"]\n"
        + "}\n", files.daemonJson());
    assertEquals("docker --tlsverify --tlscacert=" + dir + "/ca.pem --tlscert=" + dir
        + "/cert.pem --tlskey=" + dir + "/key.pem -H tcp://127.0.0.1:2376",
        files.dockerClientCommandLine());
  }

  @Test
  void quotesPathsForShellAndJson() {
    Path dir = temp.resolve("my \"pki\"");
    DockerPkiFiles files = DockerPki.builder().addListenAddress("unix:///var/run/docker.sock")
        .addListenAddress("tcp://[::1]:2376").build().writeTo(dir);
    assertEquals("dockerd --tlsverify '--tlscacert=" + dir + "/ca.pem' '--tlscert=" + dir
        + "/server-cert.pem' '--tlskey=" + dir + "/server-key.pem'"
        + " -H unix:///var/run/docker.sock -H 'tcp://[::1]:2376'", files.dockerdCommandLine());
    String escaped = dir.toString().replace("\"", "\\\"");
    assertEquals("{\n"
        + "  \"tlsverify\": true,\n"
        + "  \"tlscacert\": \"" + escaped + "/ca.pem\",\n"
        + "  \"tlscert\": \"" + escaped + "/server-cert.pem\",\n"
        + "  \"tlskey\": \"" + escaped + "/server-key.pem\",\n"
        + "  \"hosts\": [\"unix:///var/run/docker.sock\", \"tcp://[::1]:2376\"]\n"
        + "}\n", files.daemonJson());
  }

  @Test
  void writtenMaterialLoadsOnBothSidesAndShakesHands() throws Exception {
    DockerPkiFiles files = DockerPki.builder().build().writeTo(temp.resolve("tls"));
    DockerTlsMaterial server = DockerTlsMaterial.readServer(files.directory());
    DockerTlsMaterial client = DockerTlsMaterial.readClient(files.directory());
    assertEquals("CN=client", Checks.subject(client.certificate()));
    assertEquals("CN=localhost", Checks.subject(server.certificate()));
    assertEquals(List.of("DNS:localhost", "IP:127.0.0.1"),
        SubjectAltNames.describe(server.certificate()));
    try (TlsTestServer tls = new TlsTestServer(server.serverSslContext())) {
      assertEquals("echo docker", tls.exchange(client.sslContext("127.0.0.1"), "docker"));
    }
  }

  @Test
  void serverNamesValidityAndRsaAreConfigurable() {
    DockerPki pki = DockerPki.builder().addServerName("docker.test").addServerName("10.0.0.7")
        .validFor(Duration.ofDays(30)).rsa(3072).build();
    assertEquals(List.of("DNS:docker.test", "IP:10.0.0.7"),
        SubjectAltNames.describe(pki.server().certificate()));
    assertEquals("CN=docker.test", Checks.subject(pki.server().certificate()));
    for (HeldCertificate held : List.of(pki.ca(), pki.server(), pki.client())) {
      assertEquals(3072, ((RSAPublicKey) held.certificate().getPublicKey()).getModulus()
          .bitLength());
      assertEquals(Duration.ofDays(30), Duration.between(
          held.certificate().getNotBefore().toInstant(),
          held.certificate().getNotAfter().toInstant()));
    }
    assertEquals(0, pki.ca().certificate().getBasicConstraints());
  }

  @Test
  void writesNothingWhenAnyFileExists() throws Exception {
    Path dir = Files.createDirectory(temp.resolve("tls"));
    Files.writeString(dir.resolve("key.pem"), "old key");
    TlsMaterialException e = assertThrows(TlsMaterialException.class,
        () -> DockerPki.builder().build().writeTo(dir));
    assertEquals("file already exists: " + dir.resolve("key.pem")
        + " (remove the old PKI or choose another directory)", e.getMessage());
    try (var listing = Files.list(dir)) {
      assertEquals(List.of(dir.resolve("key.pem")), listing.toList());
    }
    assertEquals("old key", Files.readString(dir.resolve("key.pem")));
  }

  @Test
  void builderRejectsBadValues() {
    assertEquals("serverName must be a DNS name or an IP address: \"tcp://x:1\"",
        assertThrows(IllegalArgumentException.class,
            () -> DockerPki.builder().addServerName("tcp://x:1")).getMessage());
    assertEquals("listenAddress must be tcp://HOST:PORT, unix:///PATH or fd://: \"http://x\"",
        assertThrows(IllegalArgumentException.class,
            () -> DockerPki.builder().addListenAddress("http://x")).getMessage());
    assertEquals("rsa key size must be 2048, 3072 or 4096: 1024",
        assertThrows(IllegalArgumentException.class,
            () -> DockerPki.builder().rsa(1024)).getMessage());
    assertEquals("validFor must be positive: PT-24H",
        assertThrows(IllegalArgumentException.class,
            () -> DockerPki.builder().validFor(Duration.ofDays(-1))).getMessage());
    assertFalse(DockerPki.builder().build().listenAddresses().isEmpty());
  }
}
