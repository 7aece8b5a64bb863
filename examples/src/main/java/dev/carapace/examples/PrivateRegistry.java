package dev.carapace.examples;

import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.Endpoint;
import dev.carapace.core.PullProgress;
import dev.carapace.core.RegistryAuthenticationException;
import dev.carapace.core.RegistryCredentials;
import dev.carapace.core.RunResult;
import dev.carapace.core.SecureContainerSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Step 8 of the README: an image from a registry that needs a login. The launcher pulls it with
 * explicit credentials (else what {@code docker login} stored in {@code ~/.docker/config.json},
 * credential helpers included), reports the pull's progress, and runs it hardened; a wrong password
 * is refused naming the registry and the user, never the password.
 *
 * <p>Run: {@code mvn -B -ntp -q -pl examples exec:java -Dexec.mainClass=dev.carapace.examples.PrivateRegistry}
 * (after {@code testbed/setup.sh}, whose registry on 127.0.0.1:5443 holds the test images, and an
 * install). Arguments: registry, user and the file holding the password; they default to the
 * testbed's.
 */
public final class PrivateRegistry {
  private PrivateRegistry() {}

  public static void main(String[] args) throws IOException {
    String registry = args.length > 0 ? args[0] : "127.0.0.1:5443";
    String user = args.length > 1 ? args[1] : "carapace";
    Path passwordFile = Path.of(args.length > 2 ? args[2] : "/var/lib/carapace-testbed/registry/password");
    char[] password = Files.readString(passwordFile).strip().toCharArray();
    System.exit(run(Endpoint.fromEnvironment(), registry, user, password, System.out));
  }

  /** Pulls and runs {@code REGISTRY/carapace-test/busybox:1}, then tries a wrong password; 0 when both went as expected. */
  public static int run(Endpoint endpoint, String registry, String user, char[] password, PrintStream out) {
    String image = registry + "/carapace-test/busybox:1";
    List<PullProgress> progress = new CopyOnWriteArrayList<>();
    // --- snippet: private-registry
    RegistryCredentials credentials = RegistryCredentials.of(registry, user, password)
        .or(RegistryCredentials.fromDockerConfig());          // else what `docker login` stored
    try (ContainerLauncher launcher = ContainerLauncher.builder()
        .endpoint(endpoint)
        .registryCredentials(credentials)                     // sent to that registry only, never logged
        .pullProgress(progress::add)                          // layer, status, bytes done and total
        .build()) {
      launcher.pull(image);
      RunResult result = launcher.run(SecureContainerSpec.builder().image(image)
          .command("echo", "pulled with a login, run hardened").build(), Duration.ofSeconds(30));
      // --- end snippet
      out.println("pulled " + image + ": " + progress.size() + " progress events, last \""
          + progress.get(progress.size() - 1).status() + "\"");
      out.println("container said: " + result.stdout().strip());
    }
    try (ContainerLauncher wrong = ContainerLauncher.builder().endpoint(endpoint)
        .registryCredentials(RegistryCredentials.of(registry, user, "not-the-password".toCharArray()))
        .build()) {
      wrong.pull(image);
      out.println("a wrong password was accepted");
      return 1;
    } catch (RegistryAuthenticationException e) {
      out.println("wrong password: refused by " + e.registry() + " for user " + e.username().orElse("?"));
      return String.valueOf(e.getMessage()).contains("not-the-password") ? 1 : 0;
    }
  }
}
