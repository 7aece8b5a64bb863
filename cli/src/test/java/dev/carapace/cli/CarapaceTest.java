package dev.carapace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command in-process ({@link Carapace#run}): help and version, and every usage or input error is
 * exit 2 with exactly one line on stderr, nothing on stdout, and no stack trace unless {@code --debug}.
 * No engine is used: an engine that does not answer is a local socket that accepts and never answers.
 */
class CarapaceTest {
  @TempDir
  Path tmp;

  record Run(int code, String out, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }
  }

  Run run(String... args) {
    return run(Map.of(), args);
  }

  Run run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Carapace.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), env, tmp);
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Exit 2, nothing on stdout, one line on stderr with no stack trace, starting with {@code prefix}. */
  static void assertInputError(Run r, String prefix) {
    assertEquals(2, r.code(), r.toString());
    assertEquals("", r.out(), "stdout stays empty on an error");
    assertEquals(1, r.errLines().size(), "one line on stderr: " + r.err());
    assertTrue(r.err().startsWith(prefix), r.err());
    assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  @Test
  void helpListsTheSubcommandsAndExitCodes() {
    Run r = run("--help");
    assertEquals(0, r.code());
    assertTrue(r.out().startsWith("Usage: carapace [-hV] [--debug] [COMMAND]"), r.out());
    for (String s : List.of("  audit ", "  pki ", "--debug", "Exit codes:", "  2   usage or input error")) {
      assertTrue(r.out().contains(s), s + " in " + r.out());
    }
    Run audit = run("audit", "--help");
    assertEquals(0, audit.code());
    for (String s : List.of("--profile", "--label", "--format", "--fail-on", "--output", "--host", "--context",
        "--tlsverify", "--cert-path", "--timeout", "--skip-engine", "--debug")) {
      assertTrue(audit.out().contains(s), s + " in " + audit.out());
    }
    assertEquals(0, run("pki", "--help").code());
    assertEquals(0, run("help", "audit").code());
  }

  @Test
  void versionIsTheBuildsVersion() throws IOException {
    Run r = run("--version");
    assertEquals(0, r.code());
    String pom = Files.readString(Path.of("pom.xml"));
    String version = pom.substring(pom.indexOf("<version>") + 9, pom.indexOf("</version>"));
    assertEquals("carapace " + version + "\n", r.out());
  }

  @Test
  void usageErrorsAreOneLineAndExitTwo() {
    Run none = run();
    assertInputError(none, "carapace: missing a command: ");
    assertTrue(none.err().contains("audit") && none.err().contains("pki")
        && none.err().endsWith(" (see 'carapace --help')\n"), none.err());
    assertInputError(run("--bogus"), "carapace: Unknown option: '--bogus'");
    assertInputError(run("nosuch"), "carapace: Unmatched argument at index 0: 'nosuch'");
    assertInputError(run("audit", "--bogus"), "carapace audit: Unknown option: '--bogus' (see 'carapace audit --help')");
    assertInputError(run("audit", "--format", "xml"), "carapace audit: Invalid value for option '--format'");
    assertInputError(run("audit", "--fail-on", "severe"), "carapace audit: Invalid value for option '--fail-on'");
    assertInputError(run("audit", "--profile", "nsa"),
        "carapace audit: --profile must be one of carapace-default, cis-docker, pss-restricted, pss-baseline: 'nsa'");
    assertInputError(run("audit", "--label", "novalue"), "carapace audit: error: --label must be KEY=VALUE: 'novalue'");
    assertInputError(run("audit", "--timeout", "5h"), "carapace audit: Invalid value for option '--timeout'");
    assertInputError(run("audit", "--host", "http://x:1"),
        "carapace audit: error: cannot use the engine endpoint: DOCKER_HOST must be unix:///path or tcp://host:port");
    assertInputError(run("audit", "--host", "tcp://127.0.0.1:1", "--context", "x"),
        "carapace audit: error: --host and --context exclude each other");
    assertInputError(run(Map.of("DOCKER_CONTEXT", "nosuch"), "audit"), "carapace audit: error: cannot use the engine endpoint:");
    assertInputError(run("audit", "--host", "tcp://127.0.0.1:1", "--tlsverify", "--cert-path", tmp.resolve("none").toString()),
        "carapace audit: error: cannot use the engine endpoint:");
    // a control character in what is quoted back stays on the one line
    assertInputError(run("audit", "--label", "a\nb"), "carapace audit: error: --label must be KEY=VALUE: 'a b'");
  }

  /** What the launcher's AppCDS archive is made from runs with no engine and no file, and prints nothing. */
  @Test
  void theCdsTrainingRunNeedsNothing() {
    Run r = run("--cds-training");
    assertEquals(0, r.code(), r.toString());
    assertEquals("", r.out() + r.err());
  }

  @Test
  void debugShowsTheStackTrace() {
    Run r = run("audit", "--debug", "--label", "novalue");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("dev.carapace.cli.internal.InputException") && r.err().contains("\tat "), r.err());
  }

  /** An engine that accepts and never answers: exit 2 after about --timeout, one line naming the engine. */
  @Test
  void anEngineThatNeverAnswersIsExitTwoWithinTheTimeout() throws Exception {
    try (Silent engine = new Silent()) {
      long start = System.nanoTime();
      Run r = run("audit", "--host", "tcp://127.0.0.1:" + engine.port(), "--timeout", "1s");
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertInputError(r, "carapace audit: error: cannot audit the engine at tcp://127.0.0.1:" + engine.port()
          + ": no response within");
      assertTrue(ms < 15_000, "gave up after " + ms + " ms");
      assertTrue(engine.accepted() >= 1, "the command did connect");
    }
  }

  @Test
  void anEngineThatRefusesIsExitTwo() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    assertInputError(run("audit", "--host", "tcp://127.0.0.1:" + port, "--timeout", "1s"),
        "carapace audit: error: cannot audit the engine at tcp://127.0.0.1:" + port + ": ");
  }

  @Test
  void pkiWritesTheFilesAndRefusesBadValues() throws IOException {
    Path dir = tmp.resolve("pki");
    Run r = run("pki", "--out", dir.toString(), "--host", "docker.example", "--ip", "127.0.0.1", "--days", "2");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().startsWith("Wrote " + dir + ": ca.pem ca-key.pem server-cert.pem server-key.pem cert.pem key.pem"));
    assertTrue(r.out().contains("dockerd flags:") && r.out().contains("--tlsverify"), r.out());
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(Set.of("ca.pem", "ca-key.pem", "server-cert.pem", "server-key.pem", "cert.pem", "key.pem"),
          files.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
    }
    assertInputError(run("pki", "--out", dir.toString()), "carapace pki: error: ");
    assertInputError(run("pki"), "carapace pki: Missing required option: '--out=DIR'");
    assertInputError(run("pki", "--out", tmp.resolve("b").toString(), "--days", "0"),
        "carapace pki: --days must be an integer from 1 to 36500: 0");
    assertInputError(run("pki", "--out", tmp.resolve("c").toString(), "--host", "10.0.0.1"),
        "carapace pki: --host must be a DNS name (use --ip): 10.0.0.1");
    assertInputError(run("pki", "--out", tmp.resolve("d").toString(), "--rsa", "1024"), "carapace pki: ");
    assertFalse(Files.exists(tmp.resolve("b")));
  }

  /** A socket that accepts every connection and never reads or writes. */
  static final class Silent implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final List<Socket> sockets = new ArrayList<>();
    private final Thread acceptor;

    Silent() throws IOException {
      acceptor = new Thread(() -> {
        try {
          while (!server.isClosed()) {
            Socket s = server.accept();
            synchronized (sockets) {
              sockets.add(s);
            }
          }
        } catch (IOException closed) {
          // closed
        }
      }, "silent-engine");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return server.getLocalPort();
    }

    int accepted() {
      synchronized (sockets) {
        return sockets.size();
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      synchronized (sockets) {
        for (Socket s : sockets) {
          s.close();
        }
      }
    }
  }
}
