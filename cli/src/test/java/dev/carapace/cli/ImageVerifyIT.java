package dev.carapace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.carapace.cli.internal.output.OutputFormatsTest;
import dev.carapace.core.ImageSigner;
import dev.carapace.core.ImageTrust;
import dev.carapace.core.RegistryAccess;
import dev.carapace.core.RegistryCredentials;
import dev.carapace.core.testing.CosignKeyFile;
import dev.carapace.core.testing.SilentProxy;
import dev.carapace.core.testing.TestPeers;
import dev.carapace.core.testing.TestRegistry;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code carapace image verify}, the installed command run as a process, against the testbed's real registry
 * (Debian's docker-registry 2.8 on 127.0.0.1:5443, TLS from a CA the engine trusts in
 * {@code /etc/docker/certs.d}, which the command reads by default; htpasswd, credentials from an
 * {@code --authfile}): copies of {@code carapace-test/busybox:1} pushed under repositories unique to this run and
 * signed with the library's {@link ImageSigner}. A signed image verifies (exit 0, its digest printed, SARIF valid);
 * an unsigned one, one signed by another key, and a signed tag moved to unsigned content are refused with their
 * exact findings (exit 1), each located on its image in SARIF, and the registry's own log shows each image's
 * signatures read once though two rules judge it; a key file of another type and a registry that stops answering are exit 2 with one line
 * on stderr. Everything pushed is deleted at the end ({@link TestRegistry#deleteAll}); nothing is pulled or run.
 */
class ImageVerifyIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The testbed registry's log (testbed/registry.sh): one access-log line per request it answered. */
  private static final Path REGISTRY_LOG = TestPeers.dir().resolve("registry").resolve("registry.log");
  private static final KeyPair KEY = ImageVerifyCommandTest.ecKey();
  private static final KeyPair OTHER = ImageVerifyCommandTest.ecKey();
  private static final String FIX = "    fix: sign the image's digest with a trusted key (ImageSigner, or cosign sign"
      + " --key KEY NAME@sha256:DIGEST) and launch it by that digest";

  @TempDir
  static Path tmp;

  private static TestRegistry registry;
  private static RegistryAccess access;
  private static Path key;
  private static Path authFile;

  @BeforeAll
  static void setUp() throws Exception {
    registry = new TestRegistry();
    access = RegistryAccess.builder().credentials(RegistryCredentials.of(TestPeers.REGISTRY, TestPeers.REGISTRY_USER,
        TestPeers.registryPassword())).build();
    key = Files.writeString(tmp.resolve("cosign.pub"), ImageVerifyCommandTest.pem(KEY));
    authFile = authFile(tmp.resolve("auth.json"), TestPeers.REGISTRY);
  }

  @AfterAll
  static void cleanUp() {
    if (registry != null) {
      registry.deleteAll();
    }
  }

  /** An auth file as {@code podman login --authfile} writes it: the testbed user's entry for {@code host}. */
  static Path authFile(Path file, String host) throws Exception {
    String auth = Base64.getEncoder().encodeToString((TestPeers.REGISTRY_USER + ":"
        + new String(TestPeers.registryPassword())).getBytes(StandardCharsets.UTF_8));
    Files.writeString(file, "{\"auths\":{\"" + host + "\":{\"auth\":\"" + auth + "\"}}}");
    return file;
  }

  private static void sign(String name, KeyPair with) {
    String digest = ImageSigner.builder().privateKey(with.getPrivate()).registryAccess(access).build()
        .sign(registry.image(name) + ":1");
    registry.rememberSignatures(registry.repository(name), digest);
  }

  private static CommandProcess.Result verify(String... args) {
    List<String> all = new java.util.ArrayList<>(List.of("image", "verify", "--key", key.toString(), "--authfile",
        authFile.toString()));
    all.addAll(List.of(args));
    return CommandProcess.run(all.toArray(String[]::new));
  }

  /**
   * How many times the registry answered {@code GET path} (its 401 challenges not counted: each operation is first
   * sent without credentials) since byte {@code from} of its log, once at least {@code atLeast} answers are logged
   * (the registry logs a request just after answering it) and the count has held for half a second.
   */
  private static long answered(long from, String path, long atLeast) throws Exception {
    Pattern line = Pattern.compile("\"GET " + Pattern.quote(path) + " HTTP/[0-9.]+\" (\\d{3}) ");
    long deadline = System.nanoTime() + 10_000_000_000L;
    long count = -1;
    while (true) {
      long seen;
      try (java.nio.channels.FileChannel f = java.nio.channels.FileChannel.open(REGISTRY_LOG)) {
        String text = new String(java.nio.channels.Channels.newInputStream(f.position(from)).readAllBytes(),
            StandardCharsets.UTF_8);
        seen = text.lines().map(line::matcher).filter(m -> m.find() && !m.group(1).equals("401")).count();
      }
      if (seen >= atLeast && seen == count) {
        return seen;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the registry's log " + REGISTRY_LOG + " shows " + seen + " answers to GET " + path
            + ", at least " + atLeast + " expected");
      }
      count = seen;
      Thread.sleep(500);
    }
  }

  /** The relative SARIF artifact URI of an image as named: {@code images/} and the name as one encoded segment. */
  private static String imageUri(String image) {
    return "images/" + image.replace(":", "%3A").replace("/", "%2F");
  }

  private static String sigTag(String digest) {
    return TestRegistry.signatureTag(digest);
  }

  @Test
  void aSignedImageVerifiesWithItsDigestAndATagMovedToUnsignedContentIsRefused() throws Exception {
    String image = registry.image("signed");
    String digest = registry.copyBusybox("signed", "1", 0);
    sign("signed", KEY);
    CommandProcess.Result r = verify(image + ":1");
    assertEquals(0, r.code(), r.toString());
    assertEquals("", r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals("carapace image verify: 1 image against 1 trusted key, signature required", lines.get(0));
    assertTrue(lines.get(1).startsWith(image + ":1: " + image + "@" + digest + " (rule: require; signature: verified,"
        + " EC P-256 key SHA256:"), lines.get(1));
    assertEquals("0 findings against 2 rules; 0 at or above --fail-on low", lines.get(2));

    CommandProcess.Result sarif = verify("--format", "sarif", image + ":1");
    assertEquals(0, sarif.code(), sarif.toString());
    assertEquals(Set.of(), OutputFormatsTest.sarifSchemaErrors(sarif.out()));
    JsonNode artifact = JSON.readTree(sarif.out()).path("runs").path(0).path("artifacts").path(0);
    assertEquals("docker://" + image + "@" + digest, artifact.path("location").path("uri").asText());
    assertEquals(digest.substring("sha256:".length()), artifact.path("hashes").path("sha-256").asText());

    String moved = registry.copyBusybox("signed", "1", 1);
    CommandProcess.Result after = verify(image + ":1");
    assertEquals(1, after.code(), after.toString());
    assertEquals(List.of(
        "carapace image verify: 1 image against 1 trusted key, signature required",
        image + ":1: " + image + "@" + moved + " (rule: require; signature: not verified, no signature (no manifest "
            + sigTag(moved) + " in " + image + "))",
        "HIGH image-signed: " + image + ":1: image must be signed by a trusted key: " + image + "@" + moved
            + ": no signature (no manifest " + sigTag(moved) + " in " + image + ")",
        FIX,
        "1 finding (1 high) against 2 rules; 1 at or above --fail-on low"), after.out().lines().toList());
    assertEquals(0, verify(image + "@" + digest).code(), "the signed digest itself still verifies");
  }

  @Test
  void unsignedAndAnotherKeysImagesAreRefusedExactly() throws Exception {
    String unsigned = registry.image("unsigned");
    String u = registry.copyBusybox("unsigned", "1", 0);
    String other = registry.image("other-key");
    String o = registry.copyBusybox("other-key", "1", 0);
    sign("other-key", OTHER);
    long logged = Files.size(REGISTRY_LOG);
    CommandProcess.Result r = verify(unsigned + ":1", other + ":1");
    assertEquals(1, r.code(), r.toString());
    // two rules judge each image, and the registry's own log shows each signature manifest read once
    assertEquals(List.of(1L, 1L), List.of(answered(logged, "/v2/" + registry.repository("unsigned") + "/manifests/"
        + sigTag(u), 1), answered(logged, "/v2/" + registry.repository("other-key") + "/manifests/" + sigTag(o), 1)));
    assertEquals("", r.err());
    assertEquals(List.of(
        "carapace image verify: 2 images against 1 trusted key, signature required",
        unsigned + ":1: " + unsigned + "@" + u + " (rule: require; signature: not verified, no signature (no manifest "
            + sigTag(u) + " in " + unsigned + "))",
        other + ":1: " + other + "@" + o + " (rule: require; signature: not verified, signature: not signed by a"
            + " trusted key (1 key tried))",
        "HIGH image-signed: " + unsigned + ":1: image must be signed by a trusted key: " + unsigned + "@" + u
            + ": no signature (no manifest " + sigTag(u) + " in " + unsigned + ")",
        FIX,
        "HIGH image-signed: " + other + ":1: image must be signed by a trusted key: " + other + "@" + o
            + ": signature: not signed by a trusted key (1 key tried)",
        FIX,
        "2 findings (2 high) against 2 rules; 2 at or above --fail-on low"), r.out().lines().toList());
    // code scanning refuses a whole upload when one result has no location: each finding names its image
    CommandProcess.Result sarif = verify("--format", "sarif", unsigned + ":1", other + ":1");
    assertEquals(1, sarif.code(), sarif.toString());
    assertEquals(Set.of(), OutputFormatsTest.sarifSchemaErrors(sarif.out()));
    List<String> located = new java.util.ArrayList<>();
    for (JsonNode result : JSON.readTree(sarif.out()).path("runs").path(0).path("results")) {
      JsonNode where = result.path("locations").path(0);
      located.add(result.path("ruleId").asText() + " " + where.path("physicalLocation").path("artifactLocation")
          .path("uri").asText() + ":" + where.path("physicalLocation").path("region").path("startLine").asText()
          + " " + where.path("logicalLocations").path(0).path("name").asText());
    }
    assertEquals(List.of("image-signed " + imageUri(unsigned + ":1") + ":1 " + unsigned + ":1",
        "image-signed " + imageUri(other + ":1") + ":1 " + other + ":1"), located, sarif.out());
    Path both = Files.writeString(tmp.resolve("both.pub"), ImageVerifyCommandTest.pem(KEY)
        + ImageVerifyCommandTest.pem(OTHER));
    CommandProcess.Result json = CommandProcess.run("image", "verify", "--key", both.toString(), "--authfile",
        authFile.toString(), "--format", "json", other + ":1");
    assertEquals(0, json.code(), "trusting the other key too: " + json);
    assertEquals(o, JSON.readTree(json.out()).path("artifacts").path(0).path("digest").asText());
  }

  @Test
  void aKeyFileOfAnotherTypeIsExitTwo() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("DSA");
    g.initialize(2048);
    Path dsa = Files.writeString(tmp.resolve("dsa.pub"), CosignKeyFile.publicKeyPem(g.generateKeyPair().getPublic()));
    String refusal;
    try {
      ImageTrust.builder().addTrustedKeys(dsa);
      throw new AssertionError("a DSA key was accepted");
    } catch (IllegalArgumentException e) {
      refusal = e.getMessage();
    }
    CommandProcess.run("image", "verify", "--key", dsa.toString(), "--authfile", authFile.toString(),
        registry.image("unsigned") + ":1").assertInputError("carapace image verify: error: --key: " + refusal);
    assertTrue(refusal.contains(dsa.toString()), refusal);
    CommandProcess.run("image", "verify", "--key", tmp.resolve("absent.pub").toString(), registry.image("x") + ":1")
        .assertInputError("carapace image verify: error: --key " + tmp.resolve("absent.pub") + ": no such file");
  }

  @Test
  void aRegistryThatStopsAnsweringIsExitTwoWithinTheTimeout() throws Exception {
    String digest = registry.copyBusybox("silent", "1", 0);
    try (SilentProxy proxy = new SilentProxy(new InetSocketAddress("127.0.0.1", TestPeers.REGISTRY_PORT))) {
      String viaProxy = "127.0.0.1:" + proxy.port();
      Path proxyAuth = authFile(tmp.resolve("proxy-auth.json"), viaProxy);
      String image = viaProxy + "/" + registry.repository("silent") + ":1";
      List<String> args = List.of("image", "verify", "--key", key.toString(), "--ca-cert",
          TestPeers.dir().resolve("registry").resolve("ca.pem").toString(), "--timeout", "2s", image);
      Map<String, String> env = Map.of("REGISTRY_AUTH_FILE", proxyAuth.toString());
      CommandProcess.Result answered = CommandProcess.run(env, args.toArray(String[]::new));
      assertEquals(1, answered.code(), "through the proxy, the registry answers (the image is unsigned): " + answered);
      assertTrue(answered.out().contains(image + ": " + viaProxy + "/" + registry.repository("silent") + "@" + digest
          + " "), answered.out());
      proxy.silence();
      CommandProcess.Result r = CommandProcess.run(env, args.toArray(String[]::new));
      r.assertInputError("carapace image verify: error: " + image + ": registry " + viaProxy
          + " did not answer GET /v2/" + registry.repository("silent") + "/manifests/1 within 2000 ms (the registry"
          + " timeout of this verification)");
      assertTrue(r.millis() < 15_000, "exit 2 after " + r.millis() + " ms");
    }
  }
}
