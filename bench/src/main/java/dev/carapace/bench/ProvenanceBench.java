package dev.carapace.bench;

import static dev.carapace.bench.Settings.ITERATIONS;
import static dev.carapace.bench.Settings.SOCKET;
import static dev.carapace.bench.Settings.WARMUP;

import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.Endpoint;
import dev.carapace.core.ImageSigner;
import dev.carapace.core.ImageTrust;
import dev.carapace.core.ImageVerification;
import dev.carapace.core.RegistryAccess;
import dev.carapace.core.RegistryCredentials;
import dev.carapace.core.SecureContainerSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Section {@code provenance} (issue 20): the benchmark's hardened container from an image of the
 * testbed's registry ({@code testbed/registry.sh}, 127.0.0.1:5443), launched by a launcher with an
 * {@link ImageTrust} requiring a signature (verified once per digest, then cached in the trust) and
 * by one without, round-robin: by tag (the trusted launcher resolves the tag at the registry at each
 * launch, then creates by digest) and by digest (no registry request once verified). Then the cost
 * of the first verification of a digest: a new {@code ImageTrust} per round, with the registry
 * access (its TLS connections) reused and new.
 *
 * <p>Setup: {@code carapace-test/busybox:1} is pushed with the Docker CLI (a throwaway client config)
 * as {@code 127.0.0.1:5443/carapace-test/bench-provenance:1} and signed with a new EC P-256 key by
 * {@link ImageSigner}; afterwards its signature manifest is deleted from the registry and the tag
 * removed from the engine.
 */
final class ProvenanceBench {
  static final Path TESTBED = Path.of(System.getProperty("bench.testbed", "/var/lib/carapace-testbed"));
  static final String REGISTRY = "127.0.0.1:5443";
  static final String REPO = "carapace-test/bench-provenance";
  static final String IMAGE = REGISTRY + "/" + REPO + ":1";
  static final double TARGET = 1.05;

  private ProvenanceBench() {}

  static void run(StringBuilder md, List<String[]> targets) throws Exception {
    Path reg = TESTBED.resolve("registry");
    String user = Files.readString(reg.resolve("user")).strip();
    char[] password = Files.readString(reg.resolve("password")).strip().toCharArray();
    Path ca = reg.resolve("ca.pem");
    RegistryAccess access = access(user, password, ca);
    push(user, password);
    KeyPair key = ec();
    String digest = ImageSigner.builder().privateKey(key.getPrivate()).registryAccess(access).build().sign(IMAGE);
    String pinned = REGISTRY + "/" + REPO + "@" + digest;
    try {
      ImageTrust trust = trust(key, access);
      String[] names = {"unverified, by tag", "verified (cached), by tag", "unverified, by digest",
          "verified (cached), by digest"};
      try (ContainerLauncher plain = ContainerLauncher.connect(Endpoint.unixSocket(SOCKET));
          ContainerLauncher trusted = ContainerLauncher.builder().endpoint(Endpoint.unixSocket(SOCKET))
              .imageTrust(trust).build()) {
        SecureContainerSpec byTag = spec(IMAGE, "provenance");
        SecureContainerSpec byDigest = spec(pinned, "provenance");
        Op[] ops = {() -> Launches.carapaceLaunch(plain, byTag), () -> Launches.carapaceLaunch(trusted, byTag),
            () -> Launches.carapaceLaunch(plain, byDigest), () -> Launches.carapaceLaunch(trusted, byDigest)};
        double[][] wall = new double[4][ITERATIONS];
        int[] failed = new int[4];
        for (int round = -WARMUP; round < ITERATIONS; round++) {
          for (int k = 0; k < 4; k++) {
            int i = Math.floorMod(k + round, 4);
            long t0 = System.nanoTime();
            boolean ok = Op.attempt(names[i], ops[i]);
            double ms = (System.nanoTime() - t0) / 1e6;
            if (round >= 0) {
              wall[i][round] = ok ? ms : Double.NaN;
              failed[i] += ok ? 0 : 1;
            }
          }
          System.out.printf("provenance latency round %d done%n", round);
        }
        // the first verification of a digest: a new trust each round (nothing cached), its access reused or new
        int n = ITERATIONS;
        double[][] first = new double[4][n];
        String[] firstNames = {"by tag, registry access reused", "by digest, registry access reused",
            "by tag, new registry access (new TLS connection)", "resolve the tag only, registry access reused"};
        for (int round = -WARMUP; round < n; round++) {
          for (int k = 0; k < 4; k++) {
            int i = Math.floorMod(k + round, 4);
            long t0 = System.nanoTime();
            boolean ok = switch (i) {
              case 0 -> trust(key, access).verify(IMAGE).signatureVerified();
              case 1 -> trust(key, access).verify(pinned).signatureVerified();
              case 2 -> trust(key, access(user, password, ca)).verify(IMAGE).signatureVerified();
              default -> digest.equals(access.resolveDigest(IMAGE));
            };
            double ms = (System.nanoTime() - t0) / 1e6;
            if (!ok) {
              throw new IllegalStateException(firstNames[i] + ": verification failed");
            }
            if (round >= 0) {
              first[i][round] = ms;
            }
          }
        }
        ImageVerification cached = trust.verify(pinned);
        report(md, targets, names, wall, failed, firstNames, first, digest, cached);
      }
    } finally {
      cleanUp(user, password, ca, digest);
    }
  }

  private static KeyPair ec() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static RegistryAccess access(String user, char[] password, Path ca) {
    return RegistryAccess.builder().credentials(RegistryCredentials.of(REGISTRY, user, password))
        .addCertificateAuthority(ca).withoutEngineCertificates().build();
  }

  private static ImageTrust trust(KeyPair key, RegistryAccess access) {
    return ImageTrust.builder().addTrustedKey(key.getPublic()).requireSignature(REGISTRY + "/" + REPO)
        .registryAccess(access).build();
  }

  private static SecureContainerSpec spec(String image, String who) {
    return Hardened.spec(who).toBuilder().image(image).build();
  }

  private static void report(StringBuilder md, List<String[]> targets, String[] names, double[][] wall, int[] failed,
      String[] firstNames, double[][] first, String digest, ImageVerification cached) {
    md.append("\n## Image provenance: verified against unverified launches (issue 20)\n\n")
        .append("Carapace `launch` + `awaitExit` + `close` of the hardened container from `").append(IMAGE)
        .append("` (").append(digest).append(", signed by `ImageSigner` with a new EC P-256 key), through a "
            + "launcher without an image trust and one with `ImageTrust.requireSignature(\"" + REGISTRY + "/" + REPO
            + "\")` whose verification of that digest is cached after the first launch (a cached check here: "
            + "signature verified = ").append(cached.signatureVerified()).append("). By tag, the trusted launcher "
            + "resolves the tag at the registry (one `GET /v2/.../manifests/1` over TLS with basic auth) at every "
            + "launch and creates by digest; by digest it asks the registry nothing. ").append(ITERATIONS)
        .append(" rounds after ").append(WARMUP).append(" warm-up rounds, the four contenders rotating who goes "
            + "first; ratios are medians of verified / unverified in the same round.\n\n")
        .append("| contender | median ms | p25 | p75 | min | failed |\n|---|---|---|---|---|---|\n");
    for (int i = 0; i < 4; i++) {
      List<Double> w = Stats.valid(wall[i]);
      md.append("| ").append(names[i]).append(" | ").append(Stats.ms(Stats.median(w))).append(" | ")
          .append(Stats.ms(Stats.percentile(w, .25))).append(" | ").append(Stats.ms(Stats.percentile(w, .75)))
          .append(" | ").append(Stats.ms(Stats.percentile(w, 0))).append(" | ").append(failed[i]).append(" |\n");
    }
    List<String> texts = new ArrayList<>();
    for (int[] pair : new int[][] {{1, 0}, {3, 2}}) {
      List<Double> r = Stats.pairedRatios(wall[pair[0]], wall[pair[1]]);
      double[] ci = Stats.medianCi(r);
      List<Double> d = Stats.pairedDiffs(wall[pair[0]], wall[pair[1]]);
      double ratio = Stats.median(r);
      String text = (pair[0] == 1 ? "by tag" : "by digest") + ": verified / unverified " + Stats.ratio(ratio)
          + " (95% " + Stats.ratio(ci[0]) + "–" + Stats.ratio(ci[1]) + "), " + String.format("%+.1f", Stats.median(d))
          + " ms per launch";
      texts.add(text);
      md.append("\n").append(Character.toUpperCase(text.charAt(0))).append(text.substring(1)).append(".\n");
      targets.add(new String[] {"verified launch (verification cached per digest) within 1.05x of the unverified "
          + "launch of the same image, " + (pair[0] == 1 ? "by tag" : "by digest"), text,
          Double.isNaN(ratio) ? "not measured" : ratio <= TARGET ? "met" : "not met"});
    }
    md.append("\nThe first verification of a digest (a new `ImageTrust` each round: nothing cached), ").append(ITERATIONS)
        .append(" rounds after ").append(WARMUP).append(" warm-up rounds, rotating:\n\n")
        .append("| verification | median ms | p25 | p75 | min | max |\n|---|---|---|---|---|---|\n");
    for (int i = 0; i < 4; i++) {
      List<Double> f = Stats.valid(first[i]);
      md.append("| ").append(firstNames[i]).append(" | ").append(Stats.ms(Stats.median(f))).append(" | ")
          .append(Stats.ms(Stats.percentile(f, .25))).append(" | ").append(Stats.ms(Stats.percentile(f, .75)))
          .append(" | ").append(Stats.ms(Stats.percentile(f, 0))).append(" | ")
          .append(Stats.ms(Stats.percentile(f, 1))).append(" |\n");
    }
    targets.add(new String[] {"first verification of a digest (issue 20: report its cost)",
        "by tag " + Stats.ms(Stats.median(Stats.valid(first[0]))) + " ms (access reused), "
            + Stats.ms(Stats.median(Stats.valid(first[2]))) + " ms (new TLS connection); by digest "
            + Stats.ms(Stats.median(Stats.valid(first[1]))) + " ms; resolving the tag alone "
            + Stats.ms(Stats.median(Stats.valid(first[3]))) + " ms", "measured"});
  }

  /** Pushes carapace-test/busybox:1 as IMAGE with the Docker CLI and a throwaway client config. */
  private static void push(String user, char[] password) throws Exception {
    Path config = Files.createTempDirectory("carapace-bench-docker-");
    try {
      docker(config, new String(password), "login", "-u", user, "--password-stdin", REGISTRY);
      docker(config, null, "tag", Hardened.IMAGE, IMAGE);
      docker(config, null, "push", "-q", IMAGE);
      docker(config, null, "logout", REGISTRY);
    } finally {
      deleteTree(config);
    }
  }

  private static void docker(Path config, String stdin, String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of(Hardened.DOCKER_CLI));
    if (config != null) {
      argv.addAll(List.of("--config", config.toString()));
    }
    argv.addAll(List.of(args));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    try (var in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("docker " + args[0] + " failed: " + new String(out, StandardCharsets.UTF_8).strip());
    }
  }

  /** Deletes the signature manifest (a new key signs each run) and removes the tag from the engine. */
  private static void cleanUp(String user, char[] password, Path ca, String digest) throws Exception {
    try {
      docker(null, null, "rmi", IMAGE);
    } catch (IllegalStateException e) {
      System.out.println("provenance: " + e.getMessage());
    }
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    try (var in = Files.newInputStream(ca)) {
      ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    HttpClient http = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(10)).build();
    String auth = "Basic " + Base64.getEncoder().encodeToString((user + ":" + new String(password))
        .getBytes(StandardCharsets.UTF_8));
    String base = "https://" + REGISTRY + "/v2/" + REPO + "/manifests/";
    HttpResponse<Void> head = http.send(HttpRequest.newBuilder(URI.create(base + digest.replace(':', '-') + ".sig"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Authorization", auth)
        .header("Accept", "application/vnd.oci.image.manifest.v1+json").timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.discarding());
    String sig = head.headers().firstValue("Docker-Content-Digest").orElse(null);
    if (head.statusCode() != 200 || sig == null) {
      System.out.println("provenance: no signature manifest to delete (HTTP " + head.statusCode() + ")");
      return;
    }
    HttpResponse<Void> del = http.send(HttpRequest.newBuilder(URI.create(base + sig)).DELETE()
        .header("Authorization", auth).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
    System.out.println("provenance: deleted signature manifest " + sig + ": HTTP " + del.statusCode());
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
