package dev.carapace.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.internal.registry.DockerConfigCredentials;
import dev.carapace.core.internal.registry.ImageReference;
import dev.carapace.core.internal.registry.RegistryAuth;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which credentials a pull sends, read as the docker CLI reads them: the registry of an image
 * reference, {@code config.json}'s {@code auths} (base64 {@code auth}, {@code username}/{@code password},
 * {@code identitytoken}, keys with a scheme or path), {@code credHelpers} before {@code credsStore},
 * credential helpers run as programs (small shell scripts here), and every failure named without a
 * secret. No engine needed; {@code RegistryIT} pulls with them from a real registry.
 */
class RegistryCredentialsTest {
  private static final String SECRET = "s3cret-9c1e47";

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static Path config(Path dir, String json) throws IOException {
    Files.writeString(dir.resolve("config.json"), json);
    return dir;
  }

  private static RegistryAuth only(Optional<RegistryAuth> found) {
    return found.orElseThrow(() -> new AssertionError("no credentials found"));
  }

  @Test
  void readsTheRegistryOfAnImageAsDockerDoes() {
    assertEquals("docker.io", ImageReference.registry("busybox"));
    assertEquals("docker.io", ImageReference.registry("busybox:1.36"));
    assertEquals("docker.io", ImageReference.registry("library/busybox:1.36"));
    assertEquals("docker.io", ImageReference.registry("team/app@sha256:" + "a".repeat(64)));
    assertEquals("docker.io", ImageReference.registry("index.docker.io/library/busybox"));
    assertEquals("127.0.0.1:5443", ImageReference.registry("127.0.0.1:5443/carapace-test/busybox:1"));
    assertEquals("localhost", ImageReference.registry("localhost/app"));
    assertEquals("ghcr.io", ImageReference.registry("ghcr.io/team/app:1"));
    assertEquals("[::1]:5000", ImageReference.registry("[::1]:5000/app"));
    assertEquals("https://index.docker.io/v1/", ImageReference.configKey("docker.io"));
    assertEquals("ghcr.io", ImageReference.configKey("ghcr.io"));
  }

  @Test
  void explicitCredentialsGoOnlyToTheirRegistry() {
    RegistryCredentials c = RegistryCredentials.of("127.0.0.1:5443", "ci", SECRET.toCharArray());
    RegistryAuth auth = only(c.lookup("127.0.0.1:5443"));
    assertEquals("ci", auth.username());
    assertEquals(SECRET, auth.password());
    assertEquals("127.0.0.1:5443", auth.serverAddress());
    assertTrue(c.lookup("docker.io").isEmpty());
    assertTrue(c.lookup("127.0.0.1:5444").isEmpty());
    RegistryAuth hub = only(RegistryCredentials.of("https://index.docker.io/v1/", "me", SECRET.toCharArray())
        .lookup("docker.io"));
    assertEquals("https://index.docker.io/v1/", hub.serverAddress());
    assertEquals("RegistryCredentials{127.0.0.1:5443 as ci}", c.toString());
    assertEquals("RegistryAuth{127.0.0.1:5443 as ci, from RegistryCredentials.of(..)}", auth.toString());
  }

  @Test
  void theArrayIsCopied() {
    char[] password = SECRET.toCharArray();
    RegistryCredentials c = RegistryCredentials.of("ghcr.io", "ci", password);
    java.util.Arrays.fill(password, '*');
    assertEquals(SECRET, only(c.lookup("ghcr.io")).password());
  }

  @Test
  void refusesWhatDockerLoginWouldRefuse() {
    assertEquals("registry must be a host with an optional :port, as in image references: https://ghcr.io"
        + " (such as registry.example:5000, or docker.io for Docker Hub)", assertThrows(IllegalArgumentException.class,
            () -> RegistryCredentials.of("https://ghcr.io", "ci", SECRET.toCharArray())).getMessage());
    assertEquals("registry must be a host with an optional :port, as in image references: ghcr.io/team"
        + " (such as registry.example:5000, or docker.io for Docker Hub)", assertThrows(IllegalArgumentException.class,
            () -> RegistryCredentials.of("ghcr.io/team", "ci", SECRET.toCharArray())).getMessage());
    assertEquals("registry username must be non-empty and without ':': a:b", assertThrows(
        IllegalArgumentException.class, () -> RegistryCredentials.of("ghcr.io", "a:b", SECRET.toCharArray()))
        .getMessage());
    assertEquals("registry username must be non-empty and without ':': \"\"", assertThrows(
        IllegalArgumentException.class, () -> RegistryCredentials.of("ghcr.io", "", SECRET.toCharArray()))
        .getMessage());
    assertEquals("registry password must be non-empty: empty for user ci", assertThrows(
        IllegalArgumentException.class, () -> RegistryCredentials.of("ghcr.io", "ci", new char[0])).getMessage());
    assertEquals("registry password", assertThrows(NullPointerException.class,
        () -> RegistryCredentials.of("ghcr.io", "ci", null)).getMessage());
    assertEquals("credentialHelperPath applies to fromDockerConfig(..) credentials: RegistryCredentials{ghcr.io"
        + " as ci} runs no helper", assertThrows(IllegalStateException.class,
            () -> RegistryCredentials.of("ghcr.io", "ci", SECRET.toCharArray()).credentialHelperPath(List.of()))
            .getMessage());
  }

  @Test
  void orFallsBackRegistryByRegistry(@TempDir Path dir) throws IOException {
    config(dir, "{\"auths\": {\"ghcr.io\": {\"auth\": \"" + b64("fromfile:" + SECRET) + "\"}}}");
    RegistryCredentials c = RegistryCredentials.of("127.0.0.1:5443", "ci", SECRET.toCharArray())
        .or(RegistryCredentials.fromDockerConfig(dir));
    assertEquals("ci", only(c.lookup("127.0.0.1:5443")).username());
    assertEquals("fromfile", only(c.lookup("ghcr.io")).username());
    assertTrue(c.lookup("docker.io").isEmpty());
    assertEquals("RegistryCredentials{127.0.0.1:5443 as ci, or docker config " + dir + "}", c.toString());
    assertEquals("RegistryCredentials{none}", RegistryCredentials.none().toString());
    assertEquals("RegistryCredentials{docker config $DOCKER_CONFIG or ~/.docker}",
        RegistryCredentials.fromDockerConfig().toString());
    assertEquals("RegistryCredentials{docker config $DOCKER_CONFIG or ~/.docker, helpers in [/opt/bin]}",
        RegistryCredentials.fromDockerConfig().credentialHelperPath(List.of(Path.of("/opt/bin"))).toString());
    assertTrue(RegistryCredentials.none().lookup("docker.io").isEmpty());
  }

  @Test
  void readsAuthsAsTheDockerCliWritesThem(@TempDir Path dir) throws IOException {
    config(dir, "{\"auths\": {"
        + "\"https://index.docker.io/v1/\": {\"auth\": \"" + b64("hubuser:" + SECRET) + "\"},"
        + "\"https://ghcr.io\": {\"auth\": \"" + b64("gh:pa:ss") + "\"},"
        + "\"http://old.example:5000/v1/\": {\"username\": \"u\", \"password\": \"p\"},"
        + "\"token.example\": {\"identitytoken\": \"tok\"},"
        + "\"empty.example\": {}}}");
    RegistryCredentials c = RegistryCredentials.fromDockerConfig(dir);
    RegistryAuth hub = only(c.lookup("docker.io"));
    assertEquals("hubuser", hub.username());
    assertEquals(SECRET, hub.password());
    assertEquals("https://index.docker.io/v1/", hub.serverAddress());
    assertEquals(dir.resolve("config.json").toString(), hub.source());
    RegistryAuth gh = only(c.lookup("ghcr.io")); // a key with a scheme, found by its host
    assertEquals("gh", gh.username());
    assertEquals("pa:ss", gh.password(), "the password is everything after the first colon");
    RegistryAuth old = only(c.lookup("old.example:5000"));
    assertEquals("u", old.username());
    assertEquals("p", old.password());
    RegistryAuth token = only(c.lookup("token.example"));
    assertEquals("tok", token.identityToken());
    assertNull(token.username());
    assertEquals("<identity token>", token.who());
    assertTrue(c.lookup("empty.example").isEmpty());
    assertTrue(c.lookup("quay.io").isEmpty());
  }

  @Test
  void readsAnAuthFileOfAnyNameAsSkopeoAuthfileDoes(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("auth.json"); // containers-auth.json: the auths of docker's config.json
    Files.writeString(file, "{\"auths\": {\"127.0.0.1:5443\": {\"auth\": \"" + b64("ci:" + SECRET) + "\"}}}");
    RegistryCredentials c = RegistryCredentials.fromAuthFile(file);
    RegistryAuth auth = only(c.lookup("127.0.0.1:5443"));
    assertEquals("ci", auth.username());
    assertEquals(SECRET, auth.password());
    assertEquals(file.toString(), auth.source());
    assertTrue(c.lookup("docker.io").isEmpty());
    assertEquals("RegistryCredentials{auth file " + file + "}", c.toString());
    assertEquals("RegistryCredentials{auth file " + file + ", helpers in [/opt/bin]}",
        c.credentialHelperPath(List.of(Path.of("/opt/bin"))).toString());
    assertTrue(RegistryCredentials.fromAuthFile(dir.resolve("absent.json")).lookup("docker.io").isEmpty());
    assertFalse(c.toString().contains(SECRET));
  }

  @Test
  void noConfigFileMeansAnonymous(@TempDir Path dir) {
    assertTrue(RegistryCredentials.fromDockerConfig(dir).lookup("docker.io").isEmpty());
  }

  @Test
  void findsTheConfigAsTheCliDoes() {
    assertEquals(Path.of("/cfg"), DockerConfigCredentials.defaultDir(Map.of("DOCKER_CONFIG", "/cfg"), Path.of("/home/u")));
    assertEquals(Path.of("/home/u/.docker"), DockerConfigCredentials.defaultDir(Map.of(), Path.of("/home/u")));
    assertEquals(List.of(Path.of("/a"), Path.of("/b")), DockerConfigCredentials.pathOf(Map.of("PATH", "/a::/b")));
  }

  @Test
  void namesAMalformedConfigWithoutShowingIt(@TempDir Path dir) throws IOException {
    config(dir, "{\"auths\": {\"ghcr.io\": {\"auth\": \"" + SECRET + "\"");
    DockerConfigCredentials.Unreadable e = assertThrows(DockerConfigCredentials.Unreadable.class,
        () -> RegistryCredentials.fromDockerConfig(dir).lookup("ghcr.io"));
    assertEquals("docker config must be JSON: " + dir.resolve("config.json") + " (not parseable)", e.getMessage());
    assertNull(e.getCause(), "Jackson's message may quote the file");
    config(dir, "{\"auths\": {\"ghcr.io\": {\"auth\": \"%%" + SECRET + "\"}}}");
    e = assertThrows(DockerConfigCredentials.Unreadable.class,
        () -> RegistryCredentials.fromDockerConfig(dir).lookup("ghcr.io"));
    assertEquals("auth must be base64 of user:password: auths entry ghcr.io in " + dir.resolve("config.json")
        + " (not base64)", e.getMessage());
    config(dir, "{\"auths\": {\"ghcr.io\": {\"auth\": \"" + b64(SECRET) + "\"}}}");
    e = assertThrows(DockerConfigCredentials.Unreadable.class,
        () -> RegistryCredentials.fromDockerConfig(dir).lookup("ghcr.io"));
    assertEquals("auth must be base64 of user:password: auths entry ghcr.io in " + dir.resolve("config.json")
        + " (no user:password in it)", e.getMessage());
    config(dir, "[]");
    e = assertThrows(DockerConfigCredentials.Unreadable.class,
        () -> RegistryCredentials.fromDockerConfig(dir).lookup("ghcr.io"));
    assertEquals("docker config must be a JSON object: " + dir.resolve("config.json"), e.getMessage());
    Files.delete(dir.resolve("config.json"));
    Files.createDirectory(dir.resolve("config.json"));
    e = assertThrows(DockerConfigCredentials.Unreadable.class,
        () -> RegistryCredentials.fromDockerConfig(dir).lookup("ghcr.io"));
    assertEquals("docker config must be a regular file: " + dir.resolve("config.json") + " (a directory)",
        e.getMessage());
  }

  private static Path helper(Path bin, String name, String body) throws IOException {
    Files.createDirectories(bin);
    Path script = bin.resolve("docker-credential-" + name);
    Files.writeString(script, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  @Test
  void runsCredHelpersBeforeCredsStoreBeforeAuths(@TempDir Path dir) throws IOException {
    Path bin = dir.resolve("bin");
    Path asked = dir.resolve("asked");
    helper(bin, "store", "read r; echo \"$1 $r\" >> '" + asked + "'\n"
        + "printf '{\"ServerURL\":\"%s\",\"Username\":\"store-user\",\"Secret\":\"" + SECRET + "\"}' \"$r\"\n");
    helper(bin, "gh", "cat > /dev/null\nprintf '{\"ServerURL\":\"ghcr.io\",\"Username\":\"<token>\",\"Secret\":\"tok\"}'\n");
    Path config = dir.resolve("cfg");
    Files.createDirectories(config);
    config(config, "{\"auths\": {\"quay.io\": {\"auth\": \"" + b64("file:pw") + "\"}},"
        + " \"credsStore\": \"store\", \"credHelpers\": {\"ghcr.io\": \"gh\"}}");
    RegistryCredentials c = RegistryCredentials.fromDockerConfig(config).credentialHelperPath(List.of(bin));
    RegistryAuth hub = only(c.lookup("docker.io"));
    assertEquals("store-user", hub.username());
    assertEquals(SECRET, hub.password());
    assertEquals("docker-credential-store", hub.source());
    assertEquals("store-user", only(c.lookup("quay.io")).username(), "credsStore wins over auths, as in docker");
    RegistryAuth gh = only(c.lookup("ghcr.io"));
    assertEquals("tok", gh.identityToken(), "user <token> makes the secret an identity token");
    assertNull(gh.password());
    assertEquals("get https://index.docker.io/v1/\nget quay.io\n", Files.readString(asked));
    assertEquals("RegistryCredentials{docker config " + config + ", helpers in [" + bin + "]}", c.toString());
  }

  @Test
  void aHelperWithoutCredentialsMeansAnonymous(@TempDir Path dir) throws IOException {
    Path bin = dir.resolve("bin");
    helper(bin, "empty", "cat > /dev/null\necho 'credentials not found in native keychain'\nexit 1\n");
    config(dir, "{\"credsStore\": \"empty\"}");
    assertTrue(RegistryCredentials.fromDockerConfig(dir).credentialHelperPath(List.of(bin)).lookup("ghcr.io").isEmpty());
  }

  @Test
  void namesAHelperThatIsAbsentFailsOrAnswersNonsenseNeverItsSecret(@TempDir Path dir) throws IOException {
    Path bin = dir.resolve("bin");
    Files.createDirectories(bin);
    Path file = dir.resolve("config.json");
    config(dir, "{\"credsStore\": \"absent\"}");
    RegistryCredentials c = RegistryCredentials.fromDockerConfig(dir).credentialHelperPath(List.of(bin));
    assertEquals("credential helper docker-credential-absent (credsStore in " + file + ") must be installed:"
        + " docker-credential-absent not found in [" + bin + "] (install it, or remove it from the docker config)",
        assertThrows(DockerConfigCredentials.Unreadable.class, () -> c.lookup("ghcr.io")).getMessage());

    Files.writeString(bin.resolve("docker-credential-absent"), "#!/bin/sh\n"); // not executable: not a helper
    assertTrue(assertThrows(DockerConfigCredentials.Unreadable.class, () -> c.lookup("ghcr.io")).getMessage()
        .contains(" must be installed: "));

    helper(bin, "json", "cat > /dev/null\necho '{\"Secret\":\"" + SECRET + "\"'\nexit 2\n");
    config(dir, "{\"credsStore\": \"json\"}");
    String m = assertThrows(DockerConfigCredentials.Unreadable.class, () -> c.lookup("ghcr.io")).getMessage();
    assertEquals("credential helper docker-credential-json (credsStore in " + file + ") failed with exit code 2"
        + " (it printed " + (SECRET.length() + 13) + " bytes on stdout and 0 bytes on stderr, not shown)", m);
    assertFalse(m.contains(SECRET));

    helper(bin, "garbled", "cat > /dev/null\necho 'User " + SECRET + "'\n");
    config(dir, "{\"credsStore\": \"garbled\"}");
    m = assertThrows(DockerConfigCredentials.Unreadable.class, () -> c.lookup("ghcr.io")).getMessage();
    assertEquals("credential helper docker-credential-garbled (credsStore in " + file + ") must answer JSON with"
        + " Username and Secret: it did not", m);

    config(dir, "{\"credHelpers\": {\"ghcr.io\": \"../../bin/sh\"}}");
    assertEquals("credential helper name must be letters, digits, . _ and -: ../../bin/sh (credHelpers in " + file
        + ")", assertThrows(DockerConfigCredentials.Unreadable.class, () -> c.lookup("ghcr.io")).getMessage());
  }

  @Test
  void theBuilderRefusesNull() {
    ContainerLauncher.Builder b = ContainerLauncher.builder();
    assertEquals("registry credentials", assertThrows(NullPointerException.class, () -> b.registryCredentials(null))
        .getMessage());
    assertEquals("pull progress listener", assertThrows(NullPointerException.class, () -> b.pullProgress(null))
        .getMessage());
    assertEquals("other registry credentials", assertThrows(NullPointerException.class,
        () -> RegistryCredentials.none().or(null)).getMessage());
  }

  @Test
  void toStringNeverShowsThePassword() {
    RegistryCredentials c = RegistryCredentials.of("ghcr.io", "ci", SECRET.toCharArray());
    assertFalse(c.toString().contains(SECRET));
    RegistryAuth auth = only(c.lookup("ghcr.io"));
    assertFalse(auth.toString().contains(SECRET));
    assertFalse(auth.toAuthConfig().toString().contains(SECRET), "docker-java's AuthConfig.toString");
    String header = new String(Base64.getUrlDecoder().decode(auth.header()), StandardCharsets.UTF_8);
    assertEquals("{\"username\":\"ci\",\"password\":\"" + SECRET + "\",\"serveraddress\":\"ghcr.io\"}", header);
  }
}
