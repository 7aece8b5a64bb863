package dev.carapace.core;

import dev.carapace.core.internal.engine.SecretLoggers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.carapace.core.testing.TestEngine;
import dev.carapace.core.testing.TestPeers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pulls from the testbed's Docker Registry v2 ({@code testbed/registry.sh}: 127.0.0.1:5443, TLS from
 * its own CA that the engine trusts through {@code /etc/docker/certs.d}, htpasswd basic auth):
 * explicit credentials, a docker config's base64 {@code auth}, a credential helper, and the
 * failures (wrong password, no credentials, an unknown image, a helper absent or failing), each
 * with its exact message and never a secret. Every image a test pulls is removed from the engine
 * afterwards (the registry's tags of the engine's own test images are only tags: the images stay).
 */
class RegistryIT {
  private static final String REGISTRY = TestPeers.REGISTRY;
  /** The engine's own carapace-test/busybox:1, pushed by the testbed. */
  private static final String BUSYBOX = REGISTRY + "/carapace-test/busybox:1";
  /** Only the registry holds its top layer (1 MiB of random bytes): pulling it downloads that. */
  private static final String REGISTRY_ONLY = REGISTRY + "/carapace-test/registry-only:1";
  private static final String ABSENT = REGISTRY + "/carapace-test/absent:1";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private static DockerClient docker;

  @BeforeAll
  static void connect() {
    docker = TestPeers.unixSocket();
    TestPeers.registryPassword(); // fails, never skips, without the testbed's registry
  }

  @AfterAll
  static void close() throws IOException {
    removeImages();
    docker.close();
  }

  /** Removes what these tests pull; the engine's own test images keep their names. */
  private static void removeImages() {
    for (String image : List.of(BUSYBOX, REGISTRY_ONLY)) {
      try {
        docker.removeImageCmd(image).exec();
      } catch (NotFoundException e) {
        // not pulled
      }
    }
  }

  private static boolean present(String image) {
    try {
      docker.inspectImageCmd(image).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  private static RegistryCredentials explicit() {
    return RegistryCredentials.of(REGISTRY, TestPeers.REGISTRY_USER, TestPeers.registryPassword());
  }

  private static ContainerLauncher launcher(RegistryCredentials credentials) {
    return ContainerLauncher.builder().endpoint(TestEngine.endpoint()).registryCredentials(credentials).build();
  }

  @Test
  void pullsWithExplicitCredentialsThenLaunchesTheImage() {
    removeImages();
    assertFalse(present(BUSYBOX), "the pulled tag was removed first");
    try (ContainerLauncher launcher = launcher(explicit())) {
      // PullPolicy.IF_MISSING: the create finds no image, the launcher pulls it with the credentials
      RunResult r = launcher.run(SecureContainerSpec.builder().image(BUSYBOX).command("echo", "from the registry")
          .build(), TIMEOUT);
      assertEquals(0, r.exitCode(), r.stderr());
      assertEquals("from the registry\n", r.stdout());
      assertTrue(present(BUSYBOX));
      assertEquals(0, TestPeers.containersOf(docker, launcher.id()));
    } finally {
      removeImages();
    }
  }

  @Test
  void reportsProgressOfEveryLayerWithBytes() {
    removeImages();
    List<PullProgress> events = new CopyOnWriteArrayList<>();
    try (ContainerLauncher launcher = ContainerLauncher.builder().endpoint(TestEngine.endpoint())
        .registryCredentials(explicit()).pullProgress(events::add).build()) {
      launcher.pull(REGISTRY_ONLY);
      assertTrue(present(REGISTRY_ONLY));
    } finally {
      removeImages();
    }
    List<String> statuses = events.stream().map(PullProgress::status).toList();
    assertTrue(events.stream().allMatch(e -> e.image().equals(REGISTRY_ONLY)), events.toString());
    assertTrue(statuses.contains("Pull complete"), statuses.toString());
    assertEquals("Status: Downloaded newer image for " + REGISTRY_ONLY, statuses.get(statuses.size() - 1));
    // the registry-only layer (1 MiB of random bytes, about as much gzipped) is downloaded with its size
    PullProgress downloading = events.stream().filter(e -> e.status().equals("Downloading")).reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no Downloading event: " + statuses));
    assertTrue(downloading.totalBytes() > 1_000_000, downloading.toString());
    assertTrue(downloading.currentBytes() > 0 && downloading.currentBytes() <= downloading.totalBytes(),
        downloading.toString());
    assertFalse(downloading.layerId().isEmpty(), downloading.toString());
    assertTrue(events.stream().anyMatch(e -> e.status().equals("Pull complete")
        && e.layerId().equals(downloading.layerId())), events.toString());
    assertTrue(events.stream().filter(e -> !e.status().equals("Downloading") && !e.status().equals("Extracting"))
        .allMatch(e -> e.currentBytes() == -1 && e.totalBytes() == -1), events.toString());
  }

  @Test
  void wrongPasswordIsRefusedNamingTheRegistryAndTheUser() {
    removeImages();
    String wrong = "wrong-" + new String(TestPeers.registryPassword());
    try (ContainerLauncher launcher = launcher(RegistryCredentials.of(REGISTRY, TestPeers.REGISTRY_USER,
        wrong.toCharArray()))) {
      RegistryAuthenticationException e = assertThrows(RegistryAuthenticationException.class,
          () -> launcher.pull(BUSYBOX));
      assertEquals("pull of " + BUSYBOX + " failed: registry " + REGISTRY + " refused the credentials of user"
          + " carapace from RegistryCredentials.of(..) (wrong password, expired token, or no access to this"
          + " repository): daemon said: unauthorized: authentication required", e.getMessage());
      assertEquals(REGISTRY, e.registry());
      assertEquals("carapace", e.username().orElseThrow());
      assertEquals(LaunchException.Step.PULL, e.step());
      assertNoSecret(wrong, e, launcher.toString());
    }
    assertFalse(present(BUSYBOX));
  }

  @Test
  void noCredentialsFailsNamingTheRegistry(@TempDir Path emptyConfig) {
    removeImages();
    RegistryCredentials none = RegistryCredentials.fromDockerConfig(emptyConfig);
    int before = TestPeers.ownContainers(docker);
    try (ContainerLauncher launcher = launcher(none)) {
      // through a launch: the pull after create's "no such image", and nothing left
      RegistryAuthenticationException e = assertThrows(RegistryAuthenticationException.class,
          () -> launcher.launch(SecureContainerSpec.builder().image(BUSYBOX).command("true").build()));
      assertEquals("pull of " + BUSYBOX + " failed: registry " + REGISTRY + " needs a login and no credentials"
          + " were found for it in RegistryCredentials{docker config " + emptyConfig + "} (docker login " + REGISTRY
          + ", or give ContainerLauncher.builder().registryCredentials(..)): daemon said: Head"
          + " \"https://" + REGISTRY + "/v2/carapace-test/busybox/manifests/1\": no basic auth credentials",
          e.getMessage());
      assertEquals(REGISTRY, e.registry());
      assertTrue(e.username().isEmpty());
      assertEquals(0, TestPeers.containersOf(docker, launcher.id()));
    }
    assertEquals(before, TestPeers.ownContainers(docker));
    try (ContainerLauncher launcher = launcher(RegistryCredentials.none())) {
      RegistryAuthenticationException e = assertThrows(RegistryAuthenticationException.class,
          () -> launcher.pull(BUSYBOX));
      assertTrue(e.getMessage().contains(" needs a login and no credentials were found for it in"
          + " RegistryCredentials{none} "), e.getMessage());
    }
    assertFalse(present(BUSYBOX));
  }

  @Test
  void aRegistryNothingListensOnIsUnreachableNotImageNotFound() throws IOException {
    int closed = TestPeers.closedPort();
    String image = "127.0.0.1:" + closed + "/x:1";
    try (ContainerLauncher launcher = launcher(explicit())) {
      LaunchException e = assertThrows(LaunchException.class, () -> launcher.pull(image));
      assertFalse(e instanceof ImageNotFoundException, e.getClass().getName());
      assertEquals(LaunchException.Step.PULL, e.step());
      assertEquals("pull of " + image + " failed: registry 127.0.0.1:" + closed + " could not be reached from the"
          + " engine (is it running, and is the address right?): daemon said: Get \"http://127.0.0.1:" + closed
          + "/v2/\": dial tcp 127.0.0.1:" + closed + ": connect: connection refused", e.getMessage());
    }
  }

  @Test
  void unknownImageIsNotFoundNamingTheImageAndTheRegistry() {
    try (ContainerLauncher launcher = launcher(explicit())) {
      ImageNotFoundException e = assertThrows(ImageNotFoundException.class, () -> launcher.pull(ABSENT));
      assertEquals("pull of " + ABSENT + " failed: image not found in registry " + REGISTRY + " (check the"
          + " repository name and the tag): daemon said: manifest for " + ABSENT + " not found: manifest unknown:"
          + " manifest unknown", e.getMessage());
      String unknownTag = REGISTRY + "/carapace-test/busybox:404";
      e = assertThrows(ImageNotFoundException.class, () -> launcher.pull(unknownTag));
      assertEquals("pull of " + unknownTag + " failed: image not found in registry " + REGISTRY + " (check the"
          + " repository name and the tag): daemon said: manifest for " + unknownTag + " not found: manifest"
          + " unknown: manifest unknown", e.getMessage());
    }
  }

  @Test
  void readsBase64AuthFromADockerConfig(@TempDir Path config) throws IOException {
    removeImages();
    String auth = Base64.getEncoder().encodeToString((TestPeers.REGISTRY_USER + ":"
        + new String(TestPeers.registryPassword())).getBytes(StandardCharsets.UTF_8));
    Files.writeString(config.resolve("config.json"), "{\"auths\": {\"" + REGISTRY + "\": {\"auth\": \"" + auth
        + "\"}, \"https://index.docker.io/v1/\": {\"auth\": \"" + Base64.getEncoder().encodeToString(
            "hub:not-this-one".getBytes(StandardCharsets.UTF_8)) + "\"}}}");
    try (ContainerLauncher launcher = launcher(RegistryCredentials.fromDockerConfig(config))) {
      launcher.pull(BUSYBOX);
      assertTrue(present(BUSYBOX));
    } finally {
      removeImages();
    }
  }

  /** A credential helper script that answers for the testbed registry and records what it was asked. */
  private static Path helper(Path bin, String name, String body) throws IOException {
    Files.createDirectories(bin);
    Path script = bin.resolve("docker-credential-" + name);
    Files.writeString(script, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  @Test
  void runsACredentialHelper(@TempDir Path dir) throws IOException {
    removeImages();
    Path bin = dir.resolve("bin");
    Path asked = dir.resolve("asked");
    Path password = TestPeers.dir().resolve("registry").resolve("password");
    helper(bin, "carapacetest", "[ \"$1\" = get ] || exit 3\ncat > '" + asked + "'\n"
        + "printf '{\"ServerURL\":\"%s\",\"Username\":\"carapace\",\"Secret\":\"%s\"}' \"$(cat '" + asked + "')\""
        + " \"$(cat '" + password + "')\"\n");
    Path config = dir.resolve("config");
    Files.createDirectories(config);
    Files.writeString(config.resolve("config.json"), "{\"auths\": {\"" + REGISTRY + "\": {}},"
        + " \"credsStore\": \"carapacetest\"}");
    try (ContainerLauncher launcher = launcher(RegistryCredentials.fromDockerConfig(config)
        .credentialHelperPath(List.of(dir.resolve("elsewhere"), bin)))) {
      launcher.pull(BUSYBOX);
      assertTrue(present(BUSYBOX));
    } finally {
      removeImages();
    }
    assertEquals(REGISTRY, Files.readString(asked), "the helper was asked for the registry, on stdin");
  }

  @Test
  void anAbsentOrFailingHelperIsNamedWithTheRegistry(@TempDir Path dir) throws IOException {
    Path bin = dir.resolve("bin");
    Files.createDirectories(bin);
    Path config = dir.resolve("config");
    Files.createDirectories(config);
    Files.writeString(config.resolve("config.json"), "{\"credHelpers\": {\"" + REGISTRY + "\": \"absent\"}}");
    try (ContainerLauncher launcher = launcher(RegistryCredentials.fromDockerConfig(config)
        .credentialHelperPath(List.of(bin)))) {
      RegistryAuthenticationException e = assertThrows(RegistryAuthenticationException.class,
          () -> launcher.pull(BUSYBOX));
      assertEquals("pull of " + BUSYBOX + " failed: credentials for registry " + REGISTRY + " could not be read:"
          + " credential helper docker-credential-absent (credHelpers in " + config.resolve("config.json") + ")"
          + " must be installed: docker-credential-absent not found in [" + bin + "] (install it, or remove it"
          + " from the docker config)", e.getMessage());
      assertEquals(REGISTRY, e.registry());
    }
    helper(bin, "locked", "echo 'the keychain is locked'\nexit 1\n");
    Files.writeString(config.resolve("config.json"), "{\"credsStore\": \"locked\"}");
    try (ContainerLauncher launcher = launcher(RegistryCredentials.fromDockerConfig(config)
        .credentialHelperPath(List.of(bin)))) {
      RegistryAuthenticationException e = assertThrows(RegistryAuthenticationException.class,
          () -> launcher.pull(BUSYBOX));
      assertEquals("pull of " + BUSYBOX + " failed: credentials for registry " + REGISTRY + " could not be read:"
          + " credential helper docker-credential-locked (credsStore in " + config.resolve("config.json") + ")"
          + " failed with exit code 1 (it printed 23 bytes on stdout and 0 bytes on stderr, not shown)", e.getMessage());
      assertFalse(e.getMessage().contains("keychain"), "what a failing helper printed may be a secret: never shown");
    }
    assertFalse(present(BUSYBOX));
  }

  @Test
  void aThrowingProgressListenerAbandonsThePull() {
    removeImages();
    IllegalStateException boom = new IllegalStateException("listener bug");
    try (ContainerLauncher launcher = ContainerLauncher.builder().endpoint(TestEngine.endpoint())
        .registryCredentials(explicit()).pullProgress(p -> {
          throw boom;
        }).build()) {
      LaunchException e = assertThrows(LaunchException.class, () -> launcher.pull(BUSYBOX));
      assertEquals("pull of " + BUSYBOX + " failed: pull progress listener threw java.lang.IllegalStateException"
          + " (the pull was abandoned)", e.getMessage());
      assertEquals(boom, e.getCause());
    } finally {
      removeImages();
    }
  }

  /** Neither the password nor anything base64 that decodes to it appears in messages, stack traces or toString. */
  private static void assertNoSecret(String password, Object... seen) {
    StringBuilder all = new StringBuilder();
    for (Object o : seen) {
      all.append(o).append('\n');
      if (o instanceof Throwable) {
        StringWriter trace = new StringWriter();
        ((Throwable) o).printStackTrace(new PrintWriter(trace));
        all.append(trace);
      }
    }
    assertFalse(leaks(all.toString(), password), "the registry password leaked");
  }

  private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/_-]{12,}={0,2}");

  /**
   * Whether {@code text} holds the password, as is or inside base64 (standard or URL-safe): the
   * {@code auth} value {@code base64(user:password)}, or the engine's {@code X-Registry-Auth} header,
   * base64 of a JSON holding it.
   */
  private static boolean leaks(String text, String password) {
    if (text.contains(password)) {
      return true;
    }
    Matcher m = BASE64.matcher(text);
    while (m.find()) {
      String token = m.group().replace('-', '+').replace('_', '/').replace("=", "");
      for (int cut = 0; cut < 4 && token.length() - cut >= 12; cut++) { // any start alignment
        String t = token.substring(cut);
        t = t.substring(0, t.length() - t.length() % 4);
        try {
          if (new String(Base64.getDecoder().decode(t), StandardCharsets.ISO_8859_1).contains(password)) {
            return true;
          }
        } catch (IllegalArgumentException e) {
          // not base64 after all
        }
      }
    }
    return false;
  }

  @Test
  void credentialsNeverReachCarapaceLogsEvenAtDebug() throws Exception {
    // in this JVM: dev.carapace at debug (simplelogger.properties); exceptions and toString
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream out = System.out;
    PrintStream err = System.err;
    List<Object> seen = new ArrayList<>();
    PrintStream tee = new PrintStream(captured, true, StandardCharsets.UTF_8);
    String password = new String(TestPeers.registryPassword());
    System.setOut(tee);
    System.setErr(tee);
    try {
      RegistryCredentials good = explicit();
      seen.add(good);
      try (ContainerLauncher launcher = launcher(good)) {
        launcher.pull(BUSYBOX);
      } finally {
        removeImages();
      }
      RegistryCredentials wrong = RegistryCredentials.of(REGISTRY, TestPeers.REGISTRY_USER,
          (password + "x").toCharArray());
      seen.add(wrong);
      try (ContainerLauncher launcher = launcher(wrong)) {
        seen.add(assertThrows(RegistryAuthenticationException.class, () -> launcher.pull(BUSYBOX)));
      }
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    String logged = captured.toString(StandardCharsets.UTF_8);
    assertTrue(logged.contains("DEBUG dev.carapace.core.ContainerLauncher - pulling " + BUSYBOX + " from " + REGISTRY
        + " as carapace (credentials from RegistryCredentials.of(..))"), logged);
    assertNoSecret(password, logged, seen.get(0), seen.get(1), seen.get(2));

    // in a JVM of its own with every logger at DEBUG: only the loggers Carapace warns about print secrets
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug", "-Dorg.slf4j.simpleLogger.showLogName=true",
        "-Dorg.slf4j.simpleLogger.showShortLogName=false",
        "-Dcarapace.docker.host=" + System.getProperty("carapace.docker.host", ""),
        "-Dcarapace.testbed.dir=" + TestPeers.dir(),
        DebugPull.class.getName()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
    removeImages();
    assertEquals(0, p.exitValue(), output.length() > 4000 ? output.substring(output.length() - 4000) : output);
    assertTrue(output.contains("PULLED " + BUSYBOX), "the pull at debug ran");
    Pattern logLine = Pattern.compile("^\\[[^\\]]*\\] (TRACE|DEBUG|INFO|WARN|ERROR) (\\S+) - (.*)$");
    Map<String, Integer> printedBy = new TreeMap<>();
    String logger = "(before any log line)";
    for (String line : output.split("\n")) {
      Matcher m = logLine.matcher(line);
      if (m.matches()) {
        logger = m.group(2);
      } // else a continuation of the last log line
      if (leaks(line, password) || line.contains("X-Registry-Auth")) {
        printedBy.merge(logger, 1, Integer::sum);
        assertFalse(logger.startsWith("dev.carapace"), "Carapace's own logger printed a secret: " + logger);
        assertTrue(SecretLoggers.PRINTING.containsKey(logger),
            "a logger Carapace does not warn about printed registry credentials: " + logger);
      }
    }
    // honest: DEBUG was on, and httpclient5 really prints the X-Registry-Auth header with the password in it
    assertTrue(printedBy.containsKey("org.apache.hc.client5.http.headers"), printedBy.toString());
    assertTrue(printedBy.containsKey("org.apache.hc.client5.http.wire"), printedBy.toString());
    assertTrue(output.lines().anyMatch(l -> l.contains("X-Registry-Auth") && leaks(l, password)),
        "the header logger printed the password inside X-Registry-Auth");
  }

  /** The pull run at DEBUG by {@link #credentialsNeverReachCarapaceLogsEvenAtDebug}, in its own JVM. */
  public static final class DebugPull {
    public static void main(String[] args) {
      try (ContainerLauncher launcher = ContainerLauncher.builder().endpoint(TestEngine.endpoint())
          .registryCredentials(RegistryCredentials.of(REGISTRY, TestPeers.REGISTRY_USER, TestPeers.registryPassword()))
          .build()) {
        launcher.pull(BUSYBOX);
        System.out.println("PULLED " + BUSYBOX);
      }
    }
  }
}
