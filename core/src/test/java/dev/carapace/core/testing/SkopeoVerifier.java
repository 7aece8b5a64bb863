package dev.carapace.core.testing;

import dev.carapace.core.testing.ToolRun.Verdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * skopeo as an independent second verifier of cosign-style key-based signatures (issue 20): for an
 * image of the testbed's registry and a public key, runs {@code skopeo copy} under a
 * {@code containers-policy.json} whose only requirement for the registry is {@code sigstoreSigned}
 * with that key, and a {@code registries.d} with {@code use-sigstore-attachments: true}, so that
 * skopeo (containers/image) reads the signatures under the tag {@code sha256-<hex>.sig}. Accepted
 * when skopeo copies the image (to a {@code dir:} in a temporary directory), refused when it exits
 * non-zero; the verdict carries skopeo's message.
 *
 * <p>The binary is the one {@code testbed/skopeo.sh} builds ({@code $testbed/skopeo/skopeo}, or
 * {@code -Dcarapace.skopeo}): Debian's skopeo 1.9.3 refuses every sigstore signature ("Debian-local
 * change: sigstore disabled"). The registry's credentials go to an authfile (mode 0600) and its CA to
 * a {@code --cert-dir}, both in a temporary directory removed by {@link #close()}; each run has its
 * own policy and output directory, removed when it ends, and is killed after {@link #TIMEOUT}.
 */
public final class SkopeoVerifier implements AutoCloseable {
  /** The longest one skopeo run may take. */
  public static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern FATAL = Pattern.compile("level=fatal msg=\"((?:[^\"\\\\]|\\\\.)*)\"");


  private final Path binary;
  private final String registry;
  private final Path dir;
  private final String signedIdentity;

  private SkopeoVerifier(Path binary, String registry, Path dir, String signedIdentity) {
    this.binary = binary;
    this.registry = registry;
    this.dir = dir;
    this.signedIdentity = signedIdentity;
  }

  /** The skopeo binary {@code testbed/skopeo.sh} built; fails (never skips) when it is absent. */
  public static Path binary() {
    return ToolRun.testbedBinary("skopeo");
  }

  /**
   * A verifier for the testbed's registry ({@link TestPeers#REGISTRY}, its user and CA), with the
   * policy's {@code signedIdentity} {@code matchRepository}: the signature's
   * {@code docker-reference} must name the image's repository, any tag (Carapace's rule).
   */
  public static SkopeoVerifier forTestbedRegistry() {
    return forTestbedRegistry("{\"type\":\"matchRepository\"}");
  }

  /** As {@link #forTestbedRegistry()} with another {@code signedIdentity} (a JSON object). */
  public static SkopeoVerifier forTestbedRegistry(String signedIdentityJson) {
    Path binary = binary();
    try {
      Path dir = Files.createTempDirectory("carapace-skopeo-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      SkopeoVerifier v = new SkopeoVerifier(binary, TestPeers.REGISTRY, dir, signedIdentityJson);
      Files.createDirectories(dir.resolve("certs"));
      Files.copy(TestPeers.dir().resolve("registry").resolve("ca.pem"), dir.resolve("certs").resolve("ca.crt"));
      Files.createDirectories(dir.resolve("registries.d"));
      Files.writeString(dir.resolve("registries.d").resolve("carapace.yaml"),
          "docker:\n  " + TestPeers.REGISTRY + ":\n    use-sigstore-attachments: true\n");
      String auth = Base64.getEncoder().encodeToString(
          (TestPeers.REGISTRY_USER + ":" + new String(TestPeers.registryPassword())).getBytes(StandardCharsets.UTF_8));
      Files.writeString(dir.resolve("auth.json"),
          "{\"auths\":{\"" + TestPeers.REGISTRY + "\":{\"auth\":\"" + auth + "\"}}}");
      return v;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The policy this verifier writes for {@code publicKeyFile}: reject all but the registry's signed images. */
  public String policy(Path publicKeyFile) {
    return "{\"default\":[{\"type\":\"reject\"}],\"transports\":{\"docker\":{\"" + registry
        + "\":[{\"type\":\"sigstoreSigned\",\"keyPath\":\"" + publicKeyFile
        + "\",\"signedIdentity\":" + signedIdentity + "}]}}}";
  }

  /** The {@code registries.d} directory this verifier gives skopeo. */
  public Path registriesDir() {
    return dir.resolve("registries.d");
  }

  /**
   * Whether skopeo accepts {@code image} (a reference in the testbed's registry, by tag or digest)
   * as signed by the key in {@code publicKeyPem} (a {@code PUBLIC KEY} block).
   */
  public Verdict verify(String image, String publicKeyPem) {
    return inRunDirectory("run-", run -> {
      Path key = run.resolve("key.pub");
      Files.writeString(key, publicKeyPem);
      Path policy = run.resolve("policy.json");
      Files.writeString(policy, policy(key));
      return run(List.of("--policy", policy.toString(), "--registries.d", registriesDir().toString(),
          "copy", "--retry-times", "0", "--src-authfile", dir.resolve("auth.json").toString(),
          "--src-cert-dir", dir.resolve("certs").toString(), "docker://" + image, "dir:" + run.resolve("out")));
    });
  }

  /**
   * Signs {@code image} the way podman and skopeo do with {@code --sign-by-sigstore-private-key}
   * (containers/image's signer: the payload names the reference with its tag): copies it onto
   * itself with the signature added. {@code encryptedKey} is a cosign private key
   * ({@link CosignKeyFile#writeEncrypted}).
   */
  public Verdict sign(String image, Path encryptedKey, String passphrase) {
    return inRunDirectory("sign-", run -> {
      Path pass = run.resolve("passphrase");
      Files.writeString(pass, passphrase);
      Path policy = run.resolve("policy.json");
      Files.writeString(policy, "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}");
      String auth = dir.resolve("auth.json").toString();
      String certs = dir.resolve("certs").toString();
      return run(List.of("--policy", policy.toString(), "--registries.d", registriesDir().toString(),
          "copy", "--retry-times", "0", "--src-authfile", auth, "--dest-authfile", auth,
          "--src-cert-dir", certs, "--dest-cert-dir", certs,
          "--sign-by-sigstore-private-key", encryptedKey.toString(), "--sign-passphrase-file", pass.toString(),
          "docker://" + image, "docker://" + image));
    });
  }

  private interface InRun {
    Verdict run(Path directory) throws IOException;
  }

  /** {@code body} in a new directory of this verifier's, removed afterwards whatever happened. */
  private Verdict inRunDirectory(String prefix, InRun body) {
    Path run = null;
    try {
      run = Files.createTempDirectory(dir, prefix);
      return body.run(run);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      ToolRun.delete(run);
    }
  }

  private Verdict run(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.add("--command-timeout");
    command.add(TIMEOUT.toSeconds() + "s");
    command.addAll(args);
    ToolRun.Result r = ToolRun.run(command, Map.of(), TIMEOUT.plusSeconds(5));
    if (r.exit() == 0) {
      return new Verdict(true, "", r.took());
    }
    if (r.exit() == -1) {
      return new Verdict(false, "skopeo did not end within " + TIMEOUT, r.took());
    }
    Matcher m = FATAL.matcher(r.output());
    String message = m.find() ? m.group(1).replace("\\\"", "\"") : r.lastLine();
    return new Verdict(false, message, r.took());
  }

  /** Removes the credentials, the CA and everything else this verifier wrote. */
  @Override
  public void close() {
    ToolRun.delete(dir);
  }
}
