package dev.carapace.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Shared helpers: directories of PEM files and the real openssl CLI. */
final class Fixtures {
  private Fixtures() {}

  /** Writes ca.pem, cert.pem and key.pem (the DOCKER_CERT_PATH layout) into {@code dir}. */
  static Path clientDirectory(Path dir, HeldCertificate ca, HeldCertificate client) {
    ca.writeCertificate(dir.resolve("ca.pem"));
    client.writeCertificate(dir.resolve("cert.pem"));
    client.writePrivateKey(dir.resolve("key.pem"));
    return dir;
  }

  /** Writes ca.pem, server-cert.pem and server-key.pem into {@code dir}. */
  static Path serverDirectory(Path dir, HeldCertificate ca, HeldCertificate server) {
    ca.writeCertificate(dir.resolve("ca.pem"));
    server.writeCertificate(dir.resolve("server-cert.pem"));
    server.writePrivateKey(dir.resolve("server-key.pem"));
    return dir;
  }

  static HeldCertificate ca(String name) {
    return HeldCertificate.builder().commonName(name).certificateAuthority(0).build();
  }

  static HeldCertificate client(HeldCertificate ca) {
    return HeldCertificate.builder().commonName("client").clientAuth().signedBy(ca).build();
  }

  static HeldCertificate server(HeldCertificate ca, String... names) {
    HeldCertificate.Builder builder =
        HeldCertificate.builder().commonName("dockerd").serverAuth().signedBy(ca);
    for (String name : names) {
      builder.addSubjectAlternativeName(name);
    }
    return builder.build();
  }

  /** Runs {@code /usr/bin/openssl args} in {@code dir}, asserts success, returns its output. */
  static String openssl(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("/usr/bin/openssl");
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor(60, TimeUnit.SECONDS);
    assertEquals(0, process.exitValue(), () -> "openssl " + args[0] + " failed:\n" + output);
    return output;
  }
}
