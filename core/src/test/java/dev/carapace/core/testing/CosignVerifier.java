package dev.carapace.core.testing;

import dev.carapace.core.testing.ToolRun.Verdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * cosign 2.5.0 ({@code testbed/cosign.sh}: the binary of Debian trixie's package) as the third
 * verifier of key-based signatures, and as a signer, on the testbed's registry, offline:
 * {@code cosign verify --key} with {@code --insecure-ignore-tlog --insecure-ignore-sct --offline}
 * (no Rekor, no Fulcio, no TUF), {@code cosign sign --key --tlog-upload=false}.
 *
 * <p>Everything cosign reads is in a temporary directory of this verifier's, removed by
 * {@link #close()}: the registry's credentials as a {@code DOCKER_CONFIG} directory's
 * {@code config.json} (mode 0600), a {@code HOME} of its own (cosign writes nothing else), and the key
 * files; the registry's CA is given with {@code --registry-cacert}. Each run is killed after
 * {@link #TIMEOUT}. Accepted when cosign exits 0.
 */
public final class CosignVerifier implements AutoCloseable {
  /** The longest one cosign run may take. */
  public static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final Path binary;
  private final Path dir;
  private final Path ca;
  private int keys;

  private CosignVerifier(Path binary, Path dir) {
    this.binary = binary;
    this.dir = dir;
    this.ca = TestPeers.dir().resolve("registry").resolve("ca.pem");
  }

  /** The cosign binary {@code testbed/cosign.sh} installed ({@code -Dcarapace.cosign} overrides); fails (never skips) when absent. */
  public static Path binary() {
    return ToolRun.testbedBinary("cosign");
  }

  /** A verifier for the testbed's registry ({@link TestPeers#REGISTRY}, its user and CA). */
  public static CosignVerifier forTestbedRegistry() {
    Path binary = binary();
    try {
      Path dir = Files.createTempDirectory("carapace-cosign-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      CosignVerifier v = new CosignVerifier(binary, dir);
      Files.createDirectories(dir.resolve("docker"));
      Files.createDirectories(dir.resolve("home"));
      String auth = Base64.getEncoder().encodeToString(
          (TestPeers.REGISTRY_USER + ":" + new String(TestPeers.registryPassword())).getBytes(StandardCharsets.UTF_8));
      Path config = dir.resolve("docker").resolve("config.json");
      Files.createFile(config, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(config, "{\"auths\":{\"" + TestPeers.REGISTRY + "\":{\"auth\":\"" + auth + "\"}}}");
      return v;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A key pair made by {@code cosign generate-key-pair} (encrypted with {@code password}). */
  public record KeyPairFiles(Path privateKey, Path publicKey, String password) {
    /** The public key, as Carapace reads {@code cosign.pub}. */
    public PublicKey publicKeyObject() {
      try {
        String pem = Files.readString(publicKey);
        String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] der = Base64.getDecoder().decode(b64);
        for (String alg : List.of("EC", "RSA", "Ed25519")) {
          try {
            return KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(der));
          } catch (GeneralSecurityException e) {
            // try the next
          }
        }
        throw new IllegalStateException("cosign.pub holds no EC, RSA or Ed25519 key: " + publicKey);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** {@code cosign generate-key-pair} in a new directory of this verifier's, with {@code COSIGN_PASSWORD=password}. */
  public KeyPairFiles generateKeyPair(String password) {
    try {
      Path keyDir = Files.createDirectory(dir.resolve("keys-" + keys++));
      ToolRun.Result r = runIn(keyDir, List.of(binary.toString(), "generate-key-pair"), password); // writes into its working directory
      if (r.exit() != 0 || !Files.exists(keyDir.resolve("cosign.key"))) {
        throw new IllegalStateException("cosign generate-key-pair failed: " + r.output());
      }
      return new KeyPairFiles(keyDir.resolve("cosign.key"), keyDir.resolve("cosign.pub"), password);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ToolRun.Result runIn(Path workDir, List<String> command, String password) {
    return ToolRun.run(command, env(password), TIMEOUT, workDir);
  }

  private Map<String, String> env(String password) {
    return Map.of("COSIGN_PASSWORD", password, "HOME", dir.resolve("home").toString(),
        "DOCKER_CONFIG", dir.resolve("docker").toString());
  }

  /**
   * {@code cosign sign --key} of {@code imageByDigest} ({@code repo@sha256:...}) with {@code key},
   * without the transparency log; the signature goes to the registry under {@code sha256-<hex>.sig}.
   */
  public Verdict sign(String imageByDigest, KeyPairFiles key) {
    return verdict(ToolRun.run(List.of(binary.toString(), "sign", "--key", key.privateKey().toString(),
        "--tlog-upload=false", "--registry-cacert", ca.toString(), "--yes", imageByDigest),
        env(key.password()), TIMEOUT));
  }

  /**
   * Whether {@code cosign verify --key} accepts {@code image} (a reference in the testbed's registry,
   * by tag or digest) as signed by the key in {@code publicKeyPem} (a {@code PUBLIC KEY} block), offline.
   */
  public Verdict verify(String image, String publicKeyPem) {
    Path run = null;
    try {
      run = Files.createTempDirectory(dir, "verify-");
      Path key = run.resolve("cosign.pub");
      Files.writeString(key, publicKeyPem);
      return verdict(ToolRun.run(List.of(binary.toString(), "verify", "--key", key.toString(),
          "--insecure-ignore-tlog=true", "--insecure-ignore-sct=true", "--offline=true",
          "--registry-cacert", ca.toString(), "--output", "json", image), env(""), TIMEOUT));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      ToolRun.delete(run);
    }
  }

  private static Verdict verdict(ToolRun.Result r) {
    if (r.exit() == 0) {
      return new Verdict(true, "", r.took());
    }
    if (r.exit() == -1) {
      return new Verdict(false, "cosign did not end within " + TIMEOUT, r.took());
    }
    String line = r.lastLine();
    return new Verdict(false, line.startsWith("Error: ") ? line.substring(7) : line, r.took());
  }

  /** Removes the credentials, the keys and everything else this verifier wrote. */
  @Override
  public void close() {
    ToolRun.delete(dir);
  }
}
