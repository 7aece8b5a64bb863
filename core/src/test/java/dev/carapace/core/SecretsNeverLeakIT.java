package dev.carapace.core;

import dev.carapace.core.internal.engine.SecretLoggers;
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
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.carapace.core.testing.TestPeers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets (env values, basic-auth passwords, private keys) never appear in what Carapace logs, in
 * exception messages and stack traces, or in toString, across launches and failures. Captures
 * standard output and error (where slf4j-simple writes, with {@code dev.carapace} at debug) and
 * searches all of it.
 *
 * <p>With every logger at DEBUG ({@link #withEveryLoggerAtDebug}, in a JVM of its own so that
 * slf4j-simple reads the level before any logger exists), the libraries under Carapace do print
 * secrets: docker-java's command logger and httpclient5's wire and headers loggers. Carapace cannot stop
 * that; it warns once, naming each of those loggers, and its own loggers print no secret at any level.
 * The test asserts exactly that: one warning per logger, secrets only in lines of a warned logger.
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
      seen.add(assertThrows(ContainerOperationException.class, () -> launcher.run(spec.toBuilder()
          .command("sleep", "10").build(), Duration.ofMillis(300))));
      seen.add(assertThrows(LaunchException.class, () -> launcher.run(spec.toBuilder()
          .command("/no/such/binary").build(), Duration.ofSeconds(30))));
      seen.add(assertThrows(InvalidSpecException.class, () -> spec.toBuilder().putEnv("BAD=KEY", ENV_SECRET)
          .build()));
      seen.add(assertThrows(InvalidSpecException.class, () -> spec.toBuilder().putEnv("NUL", ENV_SECRET + "\0")
          .build()));
      // a secret written after -e without its NAME=: the error never echoes the word
      seen.add(assertThrows(IllegalArgumentException.class, () -> DockerRunCommand.parse("docker run -e " + ENV_SECRET
          + " busybox")));
      seen.add(assertThrows(IllegalArgumentException.class, () -> DockerRunCommand.parse(List.of("docker", "run",
          "--env=" + ENV_SECRET, "busybox"))));
      seen.add(launcher.launch(spec.toBuilder().seccomp(Seccomp.unconfined()).allowPrivilegeEscalation()
          .command("true").build()));
      ((RunningContainer) seen.get(seen.size() - 1)).close();
    }
    Endpoint auth = Endpoint.plainTcp("127.0.0.1", 1).basicAuth("carapace", PASSWORD.toCharArray());
    seen.add(auth);
    try (ContainerLauncher refused = ContainerLauncher.connect(auth)) {
      seen.add(assertThrows(LaunchException.class, () -> refused.run(busybox("true").build(), Duration.ofSeconds(5))));
    }
    DockerTlsMaterial material = DockerTlsMaterial.readClient(dir);
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

  private static final Pattern LOG_LINE = Pattern.compile("^\\[[^\\]]*\\] (TRACE|DEBUG|INFO|WARN|ERROR) (\\S+) - (.*)$");

  @Test
  void withEveryLoggerAtDebug() throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug", "-Dorg.slf4j.simpleLogger.showLogName=true",
        "-Dorg.slf4j.simpleLogger.showShortLogName=false",
        "-Dcarapace.docker.host=" + System.getProperty("carapace.docker.host", ""),
        DebugRun.class.getName()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), output.length() > 4000 ? output.substring(output.length() - 4000) : output);
    assertTrue(output.contains("RESULT " + ENV_SECRET.length()), "the launch through basic auth ran");
    // one warning for each logger that prints secrets, each once
    for (Map.Entry<String, String> l : SecretLoggers.PRINTING.entrySet()) {
      String warning = "WARN dev.carapace.core.ContainerLauncher - " + l.getValue();
      assertEquals(1, output.split(Pattern.quote(warning), -1).length - 1, "warned once about " + l.getKey());
    }
    String basic = java.util.Base64.getEncoder().encodeToString((TestPeers.USER + ":"
        + new String(TestPeers.password())).getBytes(StandardCharsets.UTF_8));
    List<String> secrets = List.of(ENV_SECRET, basic, new String(TestPeers.password()));
    Map<String, Integer> printedBy = new TreeMap<>();
    String logger = "(before any log line)";
    for (String line : output.split("\n")) {
      Matcher m = LOG_LINE.matcher(line);
      if (m.matches()) {
        logger = m.group(2);
      } // else a continuation of the last log line (slf4j-simple writes multi-line messages as they are)
      for (String secret : secrets) {
        if (line.contains(secret)) {
          printedBy.merge(logger, 1, Integer::sum);
          assertFalse(logger.startsWith("dev.carapace"), "Carapace's own logger printed a secret: " + logger);
          assertTrue(SecretLoggers.PRINTING.containsKey(logger),
              "a logger Carapace did not warn about printed a secret: " + logger);
        }
      }
    }
    // honest: DEBUG was really on, and the warned loggers really print the secrets
    assertTrue(printedBy.containsKey("org.apache.hc.client5.http.wire"), printedBy.toString());
    assertTrue(printedBy.containsKey("org.apache.hc.client5.http.headers"), printedBy.toString());
    assertTrue(printedBy.containsKey("com.github.dockerjava.core.command.AbstrDockerCmd"), printedBy.toString());
  }

  /** The launch run by {@link #withEveryLoggerAtDebug} in its own JVM, through the basic-auth proxy. */
  public static final class DebugRun {
    public static void main(String[] args) throws Exception {
      Endpoint endpoint = Endpoint.plainTcp("127.0.0.1", TestPeers.NGINX_BASIC)
          .basicAuth(TestPeers.USER, TestPeers.password());
      try (ContainerLauncher launcher = ContainerLauncher.connect(endpoint)) {
        RunResult r = launcher.run(busybox("sh", "-c", "echo ${#TOKEN}").putEnv("TOKEN", ENV_SECRET).build(),
            Duration.ofSeconds(30));
        System.out.println("RESULT " + r.stdout().trim());
        launcher.run(busybox("true").putEnv("AGAIN", ENV_SECRET).build(), Duration.ofSeconds(30)); // warned once
      }
    }
  }
}
