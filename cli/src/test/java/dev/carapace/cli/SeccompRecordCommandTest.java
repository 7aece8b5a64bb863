package dev.carapace.cli;

import static dev.carapace.cli.CarapaceTest.assertInputError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code carapace seccomp record} in-process, without recording anything: its help, and every input it cannot
 * record is exit 2 with one line on stderr, nothing on stdout and no {@code -o} file: a flag Docker does not
 * have, a flag Carapace's spec cannot hold (the recording would be of another workload), two commands, a
 * Kubernetes manifest, a Compose service that is not there, a remote engine (refused before any connection), a
 * local socket that never answers (refused within {@code --timeout}, before the kernel's log is touched).
 */
class SeccompRecordCommandTest {
  @TempDir
  Path tmp;

  CarapaceTest.Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Carapace.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), tmp);
    return new CarapaceTest.Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  Path file(String name, String text) throws IOException {
    return Files.writeString(tmp.resolve(name), text);
  }

  @Test
  void helpListsTheOptionsAndExitCodes() {
    assertTrue(run("--help").out().contains("  seccomp "), "carapace --help lists seccomp");
    CarapaceTest.Run r = run("seccomp", "record", "--help");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().startsWith("Usage: carapace seccomp record "), r.out());
    for (String s : List.of("--service", "--kind", "--duration", "--runs", "--quiet-runs", "--no-check", "--format",
        "--fail-on", "--output", "--host", "--tlsverify", "--cert-path", "--context", "--timeout", "Exit codes:",
        "  2   usage or input error")) {
      assertTrue(r.out().contains(s), s + " in " + r.out());
    }
    assertEquals(0, run("seccomp", "--help").code());
    assertEquals(0, run("help", "seccomp").code());
    assertInputError(run("seccomp"), "carapace seccomp: missing a command: record (see 'carapace seccomp --help')");
  }

  @Test
  void recordAndHardenReadTheirInputWithTheSameOptions() throws IOException {
    Path compose = file("both.yaml", "services:\n  web:\n    image: busybox\n  db:\n    image: busybox\n");
    for (String command : List.of("seccomp record", "harden")) {
      List<String> args = new ArrayList<>(List.of(command.split(" ")));
      args.addAll(List.of("--kind", "helm", compose.toString()));
      assertInputError(run(args.toArray(String[]::new)), "carapace " + command + ": --kind must be run or compose:"
          + " 'helm' (see 'carapace " + command + " --help')");
      List<String> help = new ArrayList<>(List.of(command.split(" ")));
      help.add("--help");
      String out = run(help.toArray(String[]::new)).out().replaceAll("\\s+", " ");
      String verb = command.equals("harden") ? "harden" : "record";
      assertTrue(out.contains(" --service=NAME the Compose service to " + verb + " (needed when the file has several)"),
          out);
      assertTrue(out.contains(" --kind=KIND run or compose: what the input is (default: told from its content)"), out);
      assertTrue(out.contains(" [FILE] a file holding one docker run command or a Compose file; - (the default) for"
          + " stdin"), out);
    }
    // --kind run read a Compose file as a docker run command: it holds none
    assertInputError(run("harden", "--kind", "run", compose.toString()), "carapace harden: error: " + compose
        + ": must hold one docker run command: 0 found");
    CarapaceTest.Run web = run("harden", "--service", "db", "--to", "compose", compose.toString());
    assertEquals(0, web.code(), web.toString());
    assertTrue(web.out().contains("  db:\n"), web.out());
  }

  @Test
  void inputItCannotRecordIsExitTwoWithOneLine() throws IOException {
    Path out = tmp.resolve("profile.json");
    Path unknown = file("unknown.sh", "# a tool\ndocker run --frobnicate x busybox true\n");
    assertInputError(run("seccomp", "record", unknown.toString(), "-o", out.toString()),
        "carapace seccomp record: error: " + unknown + ":2: docker run flag is not supported: --frobnicate (SecureContainerSpec has no such setting)");
    Path privileged = file("privileged.sh", "docker run --privileged busybox true\n");
    CarapaceTest.Run p = run("seccomp", "record", privileged.toString(), "-o", out.toString());
    assertInputError(p, "carapace seccomp record: error: " + privileged + ":1: docker run flag is not supported:"
        + " --privileged");
    assertTrue(p.err().contains("a recording must run the workload as written"), p.err());
    assertInputError(run("seccomp", "record", file("two.sh", "docker run busybox true\ndocker run busybox false\n")
        .toString()), "carapace seccomp record: error: " + tmp.resolve("two.sh") + ": must hold one docker run command:"
        + " 2 found");
    assertInputError(run("seccomp", "record", file("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n")
        .toString()), "carapace seccomp record: error: " + tmp.resolve("pod.yaml") + ": must be one docker run command"
        + " or a Compose file: it is a Kubernetes manifest");
    Path compose = file("compose.yaml", "services:\n  web:\n    image: busybox\n  db:\n    image: busybox\n");
    assertInputError(run("seccomp", "record", compose.toString()), "carapace seccomp record: error: " + compose
        + ": holds 2 services that can be read: name one with --service (web, db)");
    assertInputError(run("seccomp", "record", compose.toString(), "--service", "api"), "carapace seccomp record:"
        + " error: " + compose + ": --service must name a service of the file: 'api' is not one of [web, db]");
    Path line = file("line.sh", "docker run busybox true\n");
    assertInputError(run("seccomp", "record", line.toString(), "--format", "sarif"), "carapace seccomp record:"
        + " --format sarif needs -o FILE for the profile: stdout carries one of them");
    assertInputError(run("seccomp", "record", line.toString(), "--runs", "3", "--quiet-runs", "3"),
        "carapace seccomp record: --quiet-runs must be at least 1 and less than --runs: 3 with --runs 3");
    assertInputError(run("seccomp", "record", line.toString(), "--duration", "1h"),
        "carapace seccomp record: Invalid value for option '--duration'");
    // a remote engine: the records would be written by another kernel; refused before any connection
    assertInputError(run("seccomp", "record", line.toString(), "--host", "tcp://127.0.0.1:1", "-o", out.toString()),
        "carapace seccomp record: error: cannot record system calls: the engine is reached over tcp"
            + " (tcp://127.0.0.1:1)");
    assertFalse(Files.exists(out), "no profile on an error");
  }

  /** A local socket that accepts and never answers: exit 2 after about --timeout, nothing written. */
  @Test
  void aLocalEngineThatNeverAnswersIsExitTwoWithinTheTimeout() throws Exception {
    Path socket = tmp.resolve("silent.sock");
    List<SocketChannel> held = new ArrayList<>();
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            held.add(server.accept());
          }
        } catch (IOException closed) {
          // closed
        }
      }, "silent-unix-engine");
      acceptor.setDaemon(true);
      acceptor.start();
      Path out = tmp.resolve("profile.json");
      long start = System.nanoTime();
      CarapaceTest.Run r = run("seccomp", "record", file("line.sh", "docker run busybox true\n").toString(),
          "--host", "unix://" + socket, "--timeout", "1s", "-o", out.toString());
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertInputError(r, "carapace seccomp record: error: cannot use the engine at unix://" + socket
          + ": no response within");
      assertTrue(ms < 15_000, "gave up after " + ms + " ms");
      assertFalse(Files.exists(out));
    } finally {
      for (SocketChannel c : held) {
        c.close();
      }
    }
  }
}
