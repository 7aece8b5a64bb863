package dev.carapace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.carapace.cli.internal.output.OutputFormatsTest;
import dev.carapace.core.ImageSigner;
import dev.carapace.core.RegistryAccess;
import dev.carapace.core.RegistryCredentials;
import dev.carapace.core.testing.CosignKeyFile;
import dev.carapace.core.testing.FakeRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code carapace image verify} and {@code carapace harden --pin} in-process, on core's in-process HTTPS registry
 * ({@link FakeRegistry}, Basic authentication): the digest in every format, the findings {@code image-signed} and
 * {@code image-pinned} with their exact messages, the exit codes, credentials from {@code --authfile} or
 * {@code REGISTRY_AUTH_FILE} only, and one stderr line for every input error. The real registry's cases are in
 * {@code ImageVerifyIT}.
 */
class ImageVerifyCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final KeyPair KEY = ecKey();
  private static final KeyPair OTHER = ecKey();

  @TempDir
  Path tmp;

  private FakeRegistry registry;
  private String app;
  private Path ca;
  private Path authFile;
  private Path key;

  private record Run(int code, String out, String err) {}

  @BeforeEach
  void start() throws Exception {
    registry = new FakeRegistry().basicAuth("ci", "s3cret-pass");
    app = registry.address() + "/team/app";
    ca = Files.writeString(tmp.resolve("ca.pem"), registry.ca.certificatePem());
    authFile = Files.writeString(tmp.resolve("auth.json"), "{\"auths\":{\"" + registry.address() + "\":{\"auth\":\""
        + Base64.getEncoder().encodeToString("ci:s3cret-pass".getBytes(StandardCharsets.UTF_8)) + "\"}}}");
    key = Files.writeString(tmp.resolve("cosign.pub"), pem(KEY));
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  /** An ECDSA P-256 key pair (the JDK's default EC size), as {@code cosign generate-key-pair} makes. */
  static KeyPair ecKey() {
    try {
      return KeyPairGenerator.getInstance("EC").generateKeyPair();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code cosign.pub} of {@code key}. */
  static String pem(KeyPair key) {
    return CosignKeyFile.publicKeyPem(key.getPublic());
  }

  private String push(String repository, String tag, String variant) {
    String config = registry.putBlob(("{\"variant\":\"" + variant + "\"}").getBytes(StandardCharsets.UTF_8));
    String type = "application/vnd.docker.distribution.manifest.v2+json";
    return registry.putManifest(repository, tag, type, ("{\"schemaVersion\":2,\"mediaType\":\"" + type + "\","
        + "\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"size\":10,\"digest\":\""
        + config + "\"},\"layers\":[]}").getBytes(StandardCharsets.UTF_8));
  }

  private void sign(String image, KeyPair with) {
    ImageSigner.builder().privateKey(with.getPrivate()).registryAccess(RegistryAccess.builder()
        .withoutEngineCertificates().addCertificateAuthority(registry.ca.certificate())
        .credentials(RegistryCredentials.of(registry.address(), "ci", "s3cret-pass".toCharArray()))
        .timeout(Duration.ofSeconds(10)).build()).build().sign(image);
  }

  private Run run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Carapace.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), env, tmp);
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** {@code carapace image verify --key cosign.pub --authfile auth.json --ca-cert ca.pem args...}. */
  private Run verify(String... args) {
    List<String> all = new ArrayList<>(List.of("image", "verify", "--key", key.toString(), "--authfile",
        authFile.toString(), "--ca-cert", ca.toString(), "--timeout", "10s"));
    all.addAll(List.of(args));
    return run(Map.of(), all.toArray(String[]::new));
  }

  private static void assertInputError(Run r, String line) {
    assertEquals(2, r.code(), r.toString());
    assertEquals("", r.out(), "nothing on stdout on an error");
    assertEquals(line + "\n", r.err());
    assertFalse(r.err().contains("s3cret-pass"));
  }

  @Test
  void aSignedImageVerifiesAndItsDigestIsPrinted() {
    String digest = push("team/app", "1", "one");
    sign(app + ":1", KEY);
    Run r = verify(app + ":1");
    assertEquals(0, r.code(), r.toString());
    assertEquals("", r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals("carapace image verify: 1 image against 1 trusted key, signature required", lines.get(0));
    assertTrue(lines.get(1).startsWith(app + ":1: " + app + "@" + digest + " (rule: require; signature: verified,"
        + " EC P-256 key SHA256:"), lines.get(1));
    assertEquals("0 findings against 2 rules; 0 at or above --fail-on low", lines.get(2));
    assertEquals(3, lines.size(), r.out());
  }

  @Test
  void unsignedOtherKeyAndAMovedTagAreFindingsExitOne() {
    String unsigned = push("team/unsigned", "1", "u");
    String other = push("team/other", "1", "o");
    sign(registry.address() + "/team/other:1", OTHER);
    push("team/app", "1", "one");
    sign(app + ":1", KEY);
    assertEquals(0, verify(app + ":1").code());
    String moved = push("team/app", "1", "two"); // the tag now names unsigned content
    Run r = verify(registry.address() + "/team/unsigned:1", registry.address() + "/team/other:1", app + ":1");
    assertEquals(1, r.code(), r.toString());
    assertEquals("", r.err());
    String u = registry.address() + "/team/unsigned";
    String o = registry.address() + "/team/other";
    assertEquals(List.of(
        "carapace image verify: 3 images against 1 trusted key, signature required",
        u + ":1: " + u + "@" + unsigned + " (rule: require; signature: not verified, no signature (no manifest "
            + unsigned.replace(':', '-') + ".sig in " + u + "))",
        o + ":1: " + o + "@" + other + " (rule: require; signature: not verified, signature: not signed by a trusted"
            + " key (1 key tried))",
        app + ":1: " + app + "@" + moved + " (rule: require; signature: not verified, no signature (no manifest "
            + moved.replace(':', '-') + ".sig in " + app + "))",
        "HIGH image-signed: " + u + ":1: image must be signed by a trusted key: " + u + "@" + unsigned
            + ": no signature (no manifest " + unsigned.replace(':', '-') + ".sig in " + u + ")",
        "    fix: sign the image's digest with a trusted key (ImageSigner, or cosign sign --key KEY NAME@sha256:DIGEST)"
            + " and launch it by that digest",
        "HIGH image-signed: " + o + ":1: image must be signed by a trusted key: " + o + "@" + other
            + ": signature: not signed by a trusted key (1 key tried)",
        "    fix: sign the image's digest with a trusted key (ImageSigner, or cosign sign --key KEY NAME@sha256:DIGEST)"
            + " and launch it by that digest",
        "HIGH image-signed: " + app + ":1: image must be signed by a trusted key: " + app + "@" + moved
            + ": no signature (no manifest " + moved.replace(':', '-') + ".sig in " + app + ")",
        "    fix: sign the image's digest with a trusted key (ImageSigner, or cosign sign --key KEY NAME@sha256:DIGEST)"
            + " and launch it by that digest",
        "3 findings (3 high) against 2 rules; 3 at or above --fail-on low"), r.out().lines().toList());
  }

  /** The requests that carried credentials (each is first made without them, answered 401), from now on. */
  private List<String> answeredRequests() {
    List<String> answered = new java.util.concurrent.CopyOnWriteArrayList<>();
    registry.hook = e -> {
      if (e.getRequestHeaders().containsKey("Authorization")) {
        answered.add(e.getRequestMethod() + " " + e.getRequestURI().getRawPath());
      }
      return false;
    };
    return answered;
  }

  @Test
  void theRegistryIsAskedEachThingOnceThoughTwoRulesJudgeTheImage() {
    String unsigned = push("team/unsigned", "1", "u");
    String other = push("team/other", "1", "o");
    sign(registry.address() + "/team/other:1", OTHER);
    String u = registry.address() + "/team/unsigned";
    String o = registry.address() + "/team/other";
    List<String> asked = answeredRequests();
    Run r = verify(u + ":1", o + ":1");
    assertEquals(1, r.code(), r.toString());
    assertEquals(1, asked.stream().filter(q -> q.equals("GET /v2/team/unsigned/manifests/"
        + unsigned.replace(':', '-') + ".sig")).count(), "the unsigned image's signatures read once: " + asked);
    assertEquals(1, asked.stream().filter(q -> q.equals("GET /v2/team/other/manifests/"
        + other.replace(':', '-') + ".sig")).count(), "the other key's signatures read once: " + asked);
    assertEquals(asked.size(), asked.stream().distinct().count(), "a request made twice: " + asked);
    assertEquals(2, r.out().lines().filter(l -> l.startsWith("HIGH image-signed: ")).count(), r.out());

    // an image named twice, by its tag and by its digest, is verified once
    asked = answeredRequests();
    Run twice = verify(u + ":1", u + "@" + unsigned);
    assertEquals(1, twice.code(), twice.toString());
    assertEquals(List.of("GET /v2/team/unsigned/manifests/1", "GET /v2/team/unsigned/manifests/"
        + unsigned.replace(':', '-') + ".sig"), asked);
    assertEquals(2, twice.out().lines().filter(l -> l.startsWith("HIGH image-signed: ")).count(), twice.out());
  }

  @Test
  void warnModeMakesAMissingSignatureANoteAndAMissingTagIsImagePinned() {
    String unsigned = push("team/unsigned", "1", "u");
    String u = registry.address() + "/team/unsigned";
    Run r = verify("--warn", u + ":1", app + ":9");
    assertEquals(1, r.code(), r.toString());
    List<String> lines = r.out().lines().toList();
    assertEquals(List.of(
        "carapace image verify: 2 images against 1 trusted key, signature warned about",
        u + ":1: " + u + "@" + unsigned + " (rule: warn; signature: not verified, no signature (no manifest "
            + unsigned.replace(':', '-') + ".sig in " + u + "))",
        app + ":9: not resolved (rule: warn; signature: not verified, the digest could not be resolved: registry "
            + registry.address() + " has no manifest 9 in team/app)",
        "LOW image-pinned: " + app + ":9: image must be pinned by digest: " + app + ":9 (a tag)"),
        lines.subList(0, 4));
    assertTrue(lines.contains("note: " + u + ":1: image-signed: image is not signed by a trusted key, which the"
        + " image trust only warns about: " + u + "@" + unsigned + ": no signature (no manifest "
        + unsigned.replace(':', '-') + ".sig in " + u + ")"), r.out());
    assertEquals("1 finding (1 low) against 2 rules; 1 at or above --fail-on low", lines.get(lines.size() - 1));
    assertEquals(0, verify("--warn", u + ":1").code(), "a missing signature alone passes under --warn");
  }

  @Test
  void everyFormatCarriesTheDigestAndSarifIsValid() throws Exception {
    String digest = push("team/app", "1", "one");
    sign(app + ":1", KEY);
    String unsigned = push("team/unsigned", "1", "u");
    String u = registry.address() + "/team/unsigned";
    Run json = verify("--format", "json", app + ":1", u + ":1");
    assertEquals(1, json.code(), json.err());
    JsonNode root = JSON.readTree(json.out());
    assertEquals("image verify", root.path("command").asText());
    JsonNode a = root.path("artifacts").path(0);
    assertEquals(app + ":1", a.path("name").asText());
    assertEquals(app + "@" + digest, a.path("reference").asText());
    assertEquals(digest, a.path("digest").asText());
    assertEquals("require", a.path("properties").path("rule").asText());
    assertTrue(a.path("properties").path("signature").asText().startsWith("verified, EC P-256 key SHA256:"));
    assertEquals(unsigned, root.path("artifacts").path(1).path("digest").asText());
    assertEquals("image-signed", root.path("findings").path(0).path("ruleId").asText());
    assertEquals("high", root.path("findings").path(0).path("severity").asText());
    assertEquals(1, root.path("findings").size());
    assertEquals(List.of("image-signed", "image-pinned"), root.path("rules").findValuesAsText("id"));

    Run sarif = verify("--format", "sarif", app + ":1", u + ":1");
    assertEquals(1, sarif.code(), sarif.err());
    assertEquals(java.util.Set.of(), OutputFormatsTest.sarifSchemaErrors(sarif.out()));
    JsonNode run = JSON.readTree(sarif.out()).path("runs").path(0);
    assertEquals("docker://" + app + "@" + digest, run.path("artifacts").path(0).path("location").path("uri").asText());
    assertEquals(digest.substring(7), run.path("artifacts").path(0).path("hashes").path("sha-256").asText());
    assertEquals("image-signed", run.path("results").path(0).path("ruleId").asText());
    assertEquals("error", run.path("results").path(0).path("level").asText());

    Run junit = verify("--format", "junit", app + ":1", u + ":1");
    assertEquals(1, junit.code(), junit.err());
    assertTrue(junit.out().contains("<testsuite name=\"carapace.image.verify\""), junit.out());
    assertTrue(junit.out().contains("<property name=\"artifact\" value=\"" + app + ":1: " + app + "@" + digest),
        junit.out());
    assertTrue(junit.out().contains("<testcase name=\"image-pinned: "), "image-pinned passes: " + junit.out());
  }

  @Test
  void credentialsComeFromTheAuthFileOrRegistryAuthFileOnly() throws Exception {
    push("team/app", "1", "one");
    sign(app + ":1", KEY);
    List<String> base = List.of("image", "verify", "--key", key.toString(), "--ca-cert", ca.toString(), app + ":1");
    assertEquals(0, run(Map.of("REGISTRY_AUTH_FILE", authFile.toString()), base.toArray(String[]::new)).code());
    Path dockerConfig = Files.createDirectories(tmp.resolve("docker"));
    Files.copy(authFile, dockerConfig.resolve("config.json"));
    assertEquals(0, run(Map.of("DOCKER_CONFIG", dockerConfig.toString()), base.toArray(String[]::new)).code());
    Run anonymous = run(Map.of(), base.toArray(String[]::new));
    assertEquals(2, anonymous.code(), anonymous.toString());
    assertTrue(anonymous.err().startsWith("carapace image verify: error: " + app + ":1: registry " + registry.address()
        + " "), anonymous.err());
    assertEquals(1, anonymous.err().lines().count(), anonymous.err());
    assertInputError(run(Map.of("REGISTRY_AUTH_FILE", tmp.resolve("nope.json").toString()),
        base.toArray(String[]::new)), "carapace image verify: error: REGISTRY_AUTH_FILE " + tmp.resolve("nope.json")
        + ": no such file");
    assertInputError(run(Map.of(), "image", "verify", "--key", key.toString(), "--authfile", tmp.toString(),
        app + ":1"),
        "carapace image verify: error: --authfile " + tmp + ": not a regular file");
  }

  @Test
  void badKeysAndOptionsAreOneLineExitTwo() throws Exception {
    Path dsa = tmp.resolve("dsa.pub");
    KeyPairGenerator g = KeyPairGenerator.getInstance("DSA");
    g.initialize(2048);
    Files.writeString(dsa, CosignKeyFile.publicKeyPem(g.generateKeyPair().getPublic()));
    Run r = verify("--key", dsa.toString(), app + ":1");
    assertEquals(2, r.code(), r.toString());
    assertEquals("", r.out());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().startsWith("carapace image verify: error: --key: trusted key must be "), r.err());
    assertTrue(r.err().contains(dsa.toString()), r.err());
    assertInputError(verify("--key", tmp.resolve("absent.pub").toString(), app + ":1"),
        "carapace image verify: error: --key " + tmp.resolve("absent.pub") + ": no such file");
    assertInputError(run(Map.of(), "image", "verify", app + ":1"),
        "carapace image verify: Missing required option: '--key=FILE' (see 'carapace image verify --help')");
    assertInputError(verify("--require", "--warn", app + ":1"),
        "carapace image verify: --require and --warn exclude each other (see 'carapace image verify --help')");
    assertInputError(verify("Not An Image"),
        "carapace image verify: error: Not An Image: not an image reference: " + firstLineOfRefusal("Not An Image"));
    assertInputError(verify("--ca-cert", key.toString(), app + ":1"), "carapace image verify: error: --ca-cert "
        + key + ": " + caRefusal());
    assertInputError(run(Map.of(), "image"), "carapace image: missing a command: verify (see 'carapace image"
        + " --help')");
    assertTrue(run(Map.of(), "image", "verify", "--help").out().contains("--authfile=FILE"));
  }

  private static String firstLineOfRefusal(String image) {
    try {
      dev.carapace.core.ImageTrust.builder().build().ruleFor(image);
      throw new AssertionError("accepted " + image);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  private String caRefusal() {
    try {
      RegistryAccess.builder().addCertificateAuthority(key);
      throw new AssertionError("accepted a public key as a CA");
    } catch (RuntimeException e) {
      return dev.carapace.cli.internal.Messages.describe(e);
    }
  }

  @Test
  void aRegistryThatDoesNotAnswerInTimeIsExitTwoNamingTheImage() {
    push("team/app", "1", "one");
    registry.hook = e -> {
      try {
        Thread.sleep(5_000);
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
      return false;
    };
    long t0 = System.nanoTime();
    Run r = run(Map.of(), "image", "verify", "--key", key.toString(), "--authfile", authFile.toString(), "--ca-cert",
        ca.toString(), "--timeout", "500ms", app + ":1");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertInputError(r, "carapace image verify: error: " + app + ":1: registry " + registry.address()
        + " did not answer GET /v2/team/app/manifests/1 within 500 ms (the registry timeout of this verification)");
    assertTrue(ms < 4_000, ms + " ms");
  }

  @Test
  void hardenPinWritesTheDigestAndListsIt() throws Exception {
    String digest = push("team/app", "1", "one");
    Path line = Files.writeString(tmp.resolve("run.sh"), "docker run --name app " + app + ":1 serve\n");
    Run r = run(Map.of("REGISTRY_AUTH_FILE", authFile.toString()), "harden", "--pin", "--ca-cert", ca.toString(),
        line.toString());
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains(" " + app + "@" + digest + " serve\n"), r.out());
    assertEquals("tightened: image: pinned by digest, " + app + "@" + digest + " (what " + app + ":1 points to now)",
        r.err().lines().findFirst().orElseThrow());
    Run plain = run(Map.of(), "harden", line.toString());
    assertTrue(plain.out().contains(" " + app + ":1 serve\n"), "unchanged without --pin: " + plain.out());
    assertFalse(plain.err().contains("pinned"), plain.err());
    assertInputError(run(Map.of(), "harden", "--ca-cert", ca.toString(), line.toString()),
        "carapace harden: --authfile, --ca-cert and --timeout need --pin (see 'carapace harden --help')");
    Path missing = Files.writeString(tmp.resolve("missing.sh"), "docker run " + app + ":404\n");
    assertInputError(run(Map.of("REGISTRY_AUTH_FILE", authFile.toString()), "harden", "--pin", "--ca-cert",
        ca.toString(), missing.toString()), "carapace harden: error: " + app + ":404: registry " + registry.address()
        + " has no manifest 404 in team/app");
  }
}
