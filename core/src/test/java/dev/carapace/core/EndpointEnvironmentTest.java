package dev.carapace.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.tls.DockerPki;
import dev.carapace.tls.TlsMaterialException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Endpoint#fromEnvironment(Map, Path)} as the docker CLI reads it: DOCKER_HOST,
 * DOCKER_TLS_VERIFY, DOCKER_CERT_PATH (default ~/.docker), DOCKER_CONTEXT and config.json's
 * currentContext with the context store under ~/.docker/contexts. No engine needed: nothing dials.
 */
class EndpointEnvironmentTest {
  private static final String CONTEXT = "carapace-remote";
  private static DockerPki pki;

  @TempDir Path home;

  @BeforeAll
  static void generate() {
    pki = DockerPki.builder().build();
  }

  private static Path certs(Path dir) {
    pki.writeTo(dir);
    return dir;
  }

  private Path dockerConfig() {
    return home.resolve(".docker");
  }

  @Test
  void dockerHostAloneIsPlainTcp() {
    Endpoint e = Endpoint.fromEnvironment(Map.of("DOCKER_HOST", "tcp://127.0.0.1:2375"), home);
    assertEquals(URI.create("tcp://127.0.0.1:2375"), e.uri());
    assertFalse(e.isTls());
    assertEquals("tcp://127.0.0.1:2375", e.toString());
  }

  @Test
  void dockerHostUnixSocket() {
    Endpoint e = Endpoint.fromEnvironment(Map.of("DOCKER_HOST", "unix:///run/user/1000/docker.sock"), home);
    assertEquals(URI.create("unix:///run/user/1000/docker.sock"), e.uri());
    assertFalse(e.isTls());
  }

  @Test
  void nothingSetIsTheDefaultSocket() {
    Endpoint e = Endpoint.fromEnvironment(Map.of(), home);
    assertEquals(Endpoint.DEFAULT_UNIX_SOCKET, e.uri());
  }

  @Test
  void tlsVerifyReadsCertPath() {
    Path certs = certs(home.resolve("elsewhere"));
    Endpoint e = Endpoint.fromEnvironment(Map.of("DOCKER_HOST", "tcp://127.0.0.1:2376", "DOCKER_TLS_VERIFY", "1",
        "DOCKER_CERT_PATH", certs.toString()), home);
    assertEquals(URI.create("tcp://127.0.0.1:2376"), e.uri());
    assertTrue(e.isTls());
    assertTrue(e.sslContext().isPresent());
    assertEquals("tcp://127.0.0.1:2376 (tls)", e.toString());
  }

  @Test
  void tlsVerifyDefaultsCertPathToHomeDotDocker() {
    certs(dockerConfig());
    Endpoint e = Endpoint.fromEnvironment(Map.of("DOCKER_HOST", "tcp://localhost:2376", "DOCKER_TLS_VERIFY", "1"),
        home);
    assertEquals(URI.create("tcp://localhost:2376"), e.uri());
    assertTrue(e.isTls());
  }

  @Test
  void tlsVerifyWithoutCertFolderFailsClosed() {
    TlsMaterialException e = assertThrows(TlsMaterialException.class, () -> Endpoint.fromEnvironment(
        Map.of("DOCKER_HOST", "tcp://127.0.0.1:2376", "DOCKER_TLS_VERIFY", "1"), home));
    assertEquals("docker cert directory does not exist: " + dockerConfig(), e.getMessage());
  }

  @Test
  void tlsVerifyWithEmptyCertFolderNamesTheMissingFile() throws IOException {
    Path certs = Files.createDirectories(home.resolve("empty"));
    TlsMaterialException e = assertThrows(TlsMaterialException.class, () -> Endpoint.fromEnvironment(
        Map.of("DOCKER_HOST", "tcp://127.0.0.1:2376", "DOCKER_TLS_VERIFY", "1", "DOCKER_CERT_PATH", certs.toString()),
        home));
    assertTrue(e.getMessage().contains(certs.resolve("ca.pem").toString()), e.getMessage());
  }

  @Test
  void tlsVerifyWithoutKeyFileNamesIt() throws IOException {
    Path certs = certs(home.resolve("nokey"));
    Files.delete(certs.resolve("key.pem"));
    TlsMaterialException e = assertThrows(TlsMaterialException.class, () -> Endpoint.fromEnvironment(
        Map.of("DOCKER_HOST", "tcp://127.0.0.1:2376", "DOCKER_TLS_VERIFY", "1", "DOCKER_CERT_PATH", certs.toString()),
        home));
    assertTrue(e.getMessage().contains(certs.resolve("key.pem").toString()), e.getMessage());
  }

  @Test
  void tlsVerifyNeedsTcp() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Endpoint.fromEnvironment(
        Map.of("DOCKER_HOST", "unix:///var/run/docker.sock", "DOCKER_TLS_VERIFY", "1"), home));
    assertEquals("DOCKER_TLS_VERIFY needs a tcp:// DOCKER_HOST: unix:///var/run/docker.sock", e.getMessage());
  }

  @Test
  void malformedDockerHostIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Endpoint.fromEnvironment(Map.of("DOCKER_HOST", "ssh://me@host"), home));
    assertEquals("DOCKER_HOST must be unix:///path or tcp://host:port: ssh://me@host", e.getMessage());
  }

  // ---- contexts ------------------------------------------------------------------------------

  private Path writeContext(String name, String host, boolean skipTlsVerify, boolean withTls) throws IOException {
    String id = sha256(name);
    Path meta = dockerConfig().resolve("contexts").resolve("meta").resolve(id);
    Files.createDirectories(meta);
    Files.writeString(meta.resolve("meta.json"), "{\"Name\":\"" + name + "\",\"Metadata\":{},"
        + "\"Endpoints\":{\"docker\":{\"Host\":\"" + host + "\",\"SkipTLSVerify\":" + skipTlsVerify + "}}}");
    Path tls = dockerConfig().resolve("contexts").resolve("tls").resolve(id).resolve("docker");
    if (withTls) {
      certs(tls);
    }
    return tls;
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void contextIdIsTheSha256OfItsName() {
    // docker CLI's store: contexts/meta/<hex sha256 of the name>/meta.json
    assertEquals("37a8eec1ce19687d132fe29051dca629d164e2c4958ba141d5f4133a33f0688f", sha256("default"));
  }

  @Test
  void dockerContextWithTlsFolder() throws IOException {
    writeContext(CONTEXT, "tcp://127.0.0.1:2376", false, true);
    Endpoint e = Endpoint.fromEnvironment(Map.of("DOCKER_CONTEXT", CONTEXT), home);
    assertEquals(URI.create("tcp://127.0.0.1:2376"), e.uri());
    assertTrue(e.isTls());
    assertEquals("tcp://127.0.0.1:2376 (tls)", e.toString());
  }

  @Test
  void currentContextFromConfigJson() throws IOException {
    writeContext(CONTEXT, "tcp://127.0.0.1:2376", false, true);
    Files.writeString(dockerConfig().resolve("config.json"), "{\"currentContext\":\"" + CONTEXT + "\"}");
    Endpoint e = Endpoint.fromEnvironment(Map.of(), home);
    assertEquals(URI.create("tcp://127.0.0.1:2376"), e.uri());
    assertTrue(e.isTls());
  }

  @Test
  void dockerConfigVariableMovesTheStore() throws IOException {
    writeContext(CONTEXT, "tcp://127.0.0.1:2376", false, true);
    Path moved = Files.move(dockerConfig(), home.resolve("moved-config"));
    Endpoint e = Endpoint.fromEnvironment(Map.of("DOCKER_CONFIG", moved.toString(), "DOCKER_CONTEXT", CONTEXT),
        home.resolve("nowhere"));
    assertTrue(e.isTls());
  }

  @Test
  void dockerHostWinsOverContext() throws IOException {
    writeContext(CONTEXT, "tcp://127.0.0.1:2376", false, true);
    Endpoint e = Endpoint.fromEnvironment(Map.of("DOCKER_HOST", "tcp://127.0.0.1:2375", "DOCKER_CONTEXT", CONTEXT),
        home);
    assertEquals(URI.create("tcp://127.0.0.1:2375"), e.uri());
    assertFalse(e.isTls());
  }

  @Test
  void defaultContextIsTheDefaultSocket() throws IOException {
    Files.createDirectories(dockerConfig());
    Files.writeString(dockerConfig().resolve("config.json"), "{\"currentContext\":\"default\"}");
    assertEquals(Endpoint.DEFAULT_UNIX_SOCKET, Endpoint.fromEnvironment(Map.of(), home).uri());
  }

  @Test
  void contextWithoutTlsFolderIsPlain() throws IOException {
    writeContext(CONTEXT, "tcp://127.0.0.1:2375", false, false);
    Endpoint e = Endpoint.fromEnvironment(Map.of("DOCKER_CONTEXT", CONTEXT), home);
    assertFalse(e.isTls());
  }

  @Test
  void contextTlsFolderWithoutKeyFailsClosed() throws IOException {
    Path tls = writeContext(CONTEXT, "tcp://127.0.0.1:2376", false, true);
    Files.delete(tls.resolve("key.pem"));
    TlsMaterialException e = assertThrows(TlsMaterialException.class,
        () -> Endpoint.fromEnvironment(Map.of("DOCKER_CONTEXT", CONTEXT), home));
    assertTrue(e.getMessage().contains(tls.resolve("key.pem").toString()), e.getMessage());
  }

  @Test
  void contextSkippingTlsVerificationIsRefused() throws IOException {
    writeContext(CONTEXT, "tcp://127.0.0.1:2376", true, true);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Endpoint.fromEnvironment(Map.of("DOCKER_CONTEXT", CONTEXT), home));
    assertEquals("docker context skips TLS verification, which Carapace refuses: " + CONTEXT, e.getMessage());
  }

  @Test
  void unknownContextIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Endpoint.fromEnvironment(Map.of("DOCKER_CONTEXT", "nope"), home));
    assertTrue(e.getMessage().startsWith("docker context must exist: nope (no readable "), e.getMessage());
    assertTrue(e.getMessage().contains(sha256("nope")), e.getMessage());
  }

  // ---- secrets -------------------------------------------------------------------------------

  @Test
  void toStringNeverShowsThePassword() throws IOException {
    char[] password = "hunter2-very-secret".toCharArray();
    Endpoint plain = Endpoint.fromEnvironment(Map.of("DOCKER_HOST", "tcp://127.0.0.1:2380"), home)
        .basicAuth("carapace", password);
    assertEquals("tcp://127.0.0.1:2380 (basic auth as carapace)", plain.toString());
    writeContext(CONTEXT, "tcp://127.0.0.1:2381", false, true);
    Endpoint tls = Endpoint.fromEnvironment(Map.of("DOCKER_CONTEXT", CONTEXT), home).basicAuth("carapace", password);
    assertEquals("tcp://127.0.0.1:2381 (tls, basic auth as carapace)", tls.toString());
    for (Endpoint e : new Endpoint[] {plain, tls, plain.connectTimeout(java.time.Duration.ofSeconds(1))}) {
      assertFalse(e.toString().contains("hunter2"), e.toString());
    }
  }

  @Test
  void passwordArrayIsCopied() {
    char[] password = "hunter2-very-secret".toCharArray();
    Endpoint e = Endpoint.plainTcp("127.0.0.1", 2380).basicAuth("carapace", password);
    java.util.Arrays.fill(password, 'x');
    String expected = "Basic " + java.util.Base64.getEncoder().encodeToString(
        "carapace:hunter2-very-secret".getBytes(StandardCharsets.UTF_8));
    assertEquals(expected, e.authorizationHeader());
  }
}
