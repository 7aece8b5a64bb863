package dev.carapace.examples;

import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.Endpoint;
import dev.carapace.core.ImageSigner;
import dev.carapace.core.ImageTrust;
import dev.carapace.core.RegistryAccess;
import dev.carapace.core.RegistryCredentials;
import dev.carapace.core.RunResult;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.UntrustedImageException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;

/**
 * Launch only signed images, by the digest that was verified (docs/provenance.md): signs an image
 * already in a registry with a fresh ECDSA P-256 key as {@code cosign sign --key} does, launches it
 * through a launcher that requires a signature by that key for the repository, then shows that another
 * key's trust refuses it before any create.
 *
 * <p>Run: {@code mvn -B -ntp -q -pl examples exec:java -Dexec.mainClass=dev.carapace.examples.SignedImages
 * -Dexec.args="127.0.0.1:5443/team/app:1"} (an image you may sign in the testbed's registry; after
 * {@code testbed/setup.sh} and an install). Arguments: the image, the registry user and the file
 * holding its password; they default to the testbed's.
 */
public final class SignedImages {
  private SignedImages() {}

  public static void main(String[] args) throws IOException, GeneralSecurityException {
    if (args.length < 1) {
      System.err.println("usage: SignedImages REGISTRY/REPOSITORY:TAG [USER PASSWORD-FILE]");
      System.exit(2);
    }
    String user = args.length > 1 ? args[1] : "carapace";
    Path passwordFile = Path.of(args.length > 2 ? args[2] : "/var/lib/carapace-testbed/registry/password");
    String registry = args[0].substring(0, args[0].indexOf('/'));
    RegistryCredentials credentials = RegistryCredentials.of(registry, user,
        Files.readString(passwordFile).strip().toCharArray());
    System.exit(run(Endpoint.fromEnvironment(), args[0], credentials, System.out));
  }

  /** Signs {@code image}, launches it verified, and shows a refusal; 0 when both went as expected. */
  public static int run(Endpoint endpoint, String image, RegistryCredentials credentials, PrintStream out)
      throws GeneralSecurityException {
    String repository = image.substring(0, image.lastIndexOf(':'));
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair key = ec.generateKeyPair();
    // --- snippet: signed-images
    RegistryAccess registry = RegistryAccess.builder()
        .credentials(credentials)                          // CAs: the engine's, /etc/docker/certs.d/<host:port>
        .build();
    String digest = ImageSigner.builder()
        .privateKey(key.getPrivate())                      // or a PEM file: privateKey(Path.of("key.pem"))
        .registryAccess(registry)
        .build()
        .sign(image);                                      // pushes sha256-<hex>.sig, as cosign sign --key
    ImageTrust trust = ImageTrust.builder()
        .addTrustedKey(key.getPublic())                    // or addTrustedKeys(Path.of("cosign.pub"))
        .requireSignature(repository)                      // a pattern: "registry.example/team/*"
        .registryAccess(registry)
        .build();
    try (ContainerLauncher launcher = ContainerLauncher.builder().endpoint(endpoint)
        .registryCredentials(credentials).imageTrust(trust).build()) {
      RunResult result = launcher.run(SecureContainerSpec.builder().image(image)  // created as repository@digest
          .command("echo", "signed, verified, pinned").build(), Duration.ofSeconds(30));
      // --- end snippet
      out.println("signed " + digest);
      out.println("container said: " + result.stdout().strip());
    }
    KeyPair other = ec.generateKeyPair();
    ImageTrust otherTrust = ImageTrust.builder().addTrustedKey(other.getPublic()).requireSignature(repository)
        .registryAccess(registry).build();
    try (ContainerLauncher launcher = ContainerLauncher.builder().endpoint(endpoint)
        .registryCredentials(credentials).imageTrust(otherTrust).build()) {
      launcher.run(SecureContainerSpec.builder().image(image).build(), Duration.ofSeconds(30));
      out.println("an image signed by another key was launched");
      return 1;
    } catch (UntrustedImageException e) {
      out.println("another key's trust: " + e.verification().problem().orElse("?"));
      return 0;
    }
  }
}
