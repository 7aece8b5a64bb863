package dev.carapace.core;

import static dev.carapace.core.testing.TestEngine.busybox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.testing.TestEngine;
import dev.carapace.tls.DockerPki;
import dev.carapace.tls.DockerTlsMaterial;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets (env values, basic-auth passwords, private keys) never appear in what Carapace logs, in
 * exception messages and stack traces, or in toString, across launches and failures. Captures
 * standard output and error (where slf4j-simple writes, with {@code dev.carapace} at debug) and
 * searches all of it.
 */
class SecretsNeverLeakIT {
  private static final String ENV_SECRET = "env-secret-5f1d0c9a";
  private static final String PASSWORD = "basic-secret-77ab31";

  @Test
  void noSecretInLogsMessagesOrToString(@TempDir Path dir) throws Exception {
    DockerPki pki = DockerPki.builder().build();
    pki.writeTo(dir);
    String keyPem = Files.readString(dir.resolve("key.pem"));
    String keyBody = keyPem.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();

    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream out = System.out;
    PrintStream err = System.err;
    List<Object> seen = new ArrayList<>();
    PrintStream tee = new PrintStream(captured, true, StandardCharsets.UTF_8);
    System.setOut(tee);
    System.setErr(tee);
    try (ContainerLauncher launcher = TestEngine.launcher()) {
      SecureContainerSpec spec = busybox("sh", "-c", "echo ${#TOKEN}")
          .putEnv("TOKEN", ENV_SECRET).build();
      seen.add(spec);
      RunResult ok = launcher.run(spec, Duration.ofSeconds(30));
      assertEquals(ENV_SECRET.length() + "\n", ok.stdout(), "the secret reached the container");
      seen.add(ok);
      // failures along every step, with the secret in the spec
      seen.add(assertThrows(LaunchException.class, () -> launcher.run(spec.toBuilder()
          .logConfig(LogConfig.journald()).build(), Duration.ofSeconds(30))));
      seen.add(assertThrows(LaunchException.class, () -> launcher.run(spec.toBuilder()
          .image("carapace-test/absent:0").build(), Duration.ofSeconds(30))));
      seen.add(assertThrows(LaunchException.class, () -> launcher.run(spec.toBuilder()
          .command("sleep", "10").build(), Duration.ofMillis(300))));
      seen.add(assertThrows(LaunchException.class, () -> launcher.run(spec.toBuilder()
          .command("/no/such/binary").build(), Duration.ofSeconds(30))));
      seen.add(assertThrows(InvalidSpecException.class, () -> spec.toBuilder().putEnv("BAD=KEY", ENV_SECRET)
          .build()));
      seen.add(launcher.launch(spec.toBuilder().seccomp(Seccomp.unconfined()).allowPrivilegeEscalation()
          .command("true").build()));
      ((RunningContainer) seen.get(seen.size() - 1)).close();
    }
    Endpoint auth = Endpoint.plainTcp("127.0.0.1", 1).basicAuth("carapace", PASSWORD.toCharArray());
    seen.add(auth);
    try (ContainerLauncher refused = ContainerLauncher.connect(auth)) {
      seen.add(assertThrows(LaunchException.class, () -> refused.run(busybox("true").build(), Duration.ofSeconds(5))));
    }
    DockerTlsMaterial material = DockerTlsMaterial.loadClient(dir);
    seen.add(material);
    Endpoint tls = Endpoint.tls("127.0.0.1", 1, material).basicAuth("carapace", PASSWORD.toCharArray());
    seen.add(tls);
    try (ContainerLauncher refused = ContainerLauncher.connect(tls)) {
      seen.add(assertThrows(LaunchException.class, () -> refused.run(busybox("true").build(), Duration.ofSeconds(5))));
    }
    seen.add(assertThrows(IllegalArgumentException.class,
        () -> Endpoint.plainTcp("192.0.2.1", 2375).basicAuth("carapace", PASSWORD.toCharArray())));
    System.setOut(out);
    System.setErr(err);

    StringBuilder everything = new StringBuilder(captured.toString(StandardCharsets.UTF_8));
    for (Object o : seen) {
      everything.append('\n').append(o);
      if (o instanceof Throwable) {
        StringWriter trace = new StringWriter();
        ((Throwable) o).printStackTrace(new PrintWriter(trace));
        everything.append('\n').append(trace);
      }
    }
    String all = everything.toString();
    assertTrue(all.contains("seccomp=unconfined"), "the capture holds the launcher's warnings");
    assertTrue(all.contains("TOKEN") || all.contains("env=****"), "the capture holds the specs");
    for (String secret : List.of(ENV_SECRET, PASSWORD, keyBody,
        java.util.Base64.getEncoder().encodeToString(("carapace:" + PASSWORD).getBytes(StandardCharsets.UTF_8)))) {
      assertFalse(all.contains(secret), "a secret leaked: " + secret.substring(0, 8) + "...");
    }
  }
}
