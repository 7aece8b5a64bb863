package dev.carapace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.carapace.cli.internal.output.OutputFormatsTest;
import dev.carapace.core.testing.TestEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code carapace seccomp record}, the installed command run as a process, against the real engine (as root, on
 * its unix socket): a busybox script using files and pipes, read from a file holding its {@code docker run} line,
 * is recorded; the profile it writes is then given to the docker CLI ({@code docker run --security-opt
 * seccomp=FILE}), under which the script runs as it did, and calls the script never made ({@code unshare},
 * {@code mkdir}) are refused with EPERM, while the same profile plus {@code unshare} lets {@code unshare -U true}
 * pass: the refusal is the profile's. Every container carries this run's label; none is left after the test
 * ({@code docker ps -a}), also after the inputs that cannot be recorded (exit 2, nothing written).
 */
class SeccompRecordIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LABEL = "carapace-test.cli.seccomp";
  static final String SCRIPT = "for i in 1 2 3; do echo line$i >> /tmp/f; done; cat /tmp/f | grep line2 | wc -l"
      + " > /tmp/n; sort -r /tmp/f | head -1; test \"$(cat /tmp/n)\" = 1";

  final String run = UUID.randomUUID().toString();
  final String name = "carapace-cli-seccomp-" + run.substring(0, 8);

  @TempDir
  Path tmp;

  @AfterEach
  void removeEverythingLabelled() {
    for (String id : docker("ps", "-aq", "--filter", "label=" + LABEL + "=" + run).out().lines().toList()) {
      docker("rm", "-f", id);
    }
  }

  @Test
  void recordsAProfileUnderWhichTheWorkloadRunsAndOtherCallsAreRefused() throws Exception {
    Path line = Files.writeString(tmp.resolve("script.sh"), "# files and pipes\ndocker run --name " + name
        + " --label " + LABEL + "=" + run + " " + TestEngine.BUSYBOX + " sh -c '" + SCRIPT + "'\n");
    Path profile = tmp.resolve("script.json");
    String host = CommandProcess.dockerHost();

    // recorded until a run adds nothing, then checked under the profile; the SARIF report on stdout
    CommandProcess.Result r = CommandProcess.run("seccomp", "record", line.toString(), "--host", host,
        "--duration", "30s", "-o", profile.toString(), "--format", "sarif");
    assertEquals(0, r.code(), r::toString);
    assertEquals(Set.of(), OutputFormatsTest.sarifSchemaErrors(r.out()));
    JsonNode sarifRun = JSON.readTree(r.out()).path("runs").path(0);
    assertEquals(0, sarifRun.path("results").size(), r.out());
    List<String> notes = new ArrayList<>();
    sarifRun.path("invocations").path(0).path("toolExecutionNotifications")
        .forEach(n -> notes.add(n.path("message").path("text").asText()));
    assertTrue(notes.stream().anyMatch(n -> n.startsWith("under its profile: passed: exit 0 as recorded")), notes::toString);
    assertTrue(notes.stream().anyMatch(n -> n.matches("recorded: \\d+ system calls on x86_64 in \\d runs \\(stable"
        + " after \\d\\), complete")), notes::toString);
    assertEquals(List.of("seccomp-check", "seccomp-beyond-default", "seccomp-incomplete-run", "seccomp-exit-codes"),
        ids(sarifRun.path("tool").path("driver").path("rules")));
    assertEquals("", docker("ps", "-aq", "--filter", "label=" + LABEL + "=" + run).out(), "no container left");

    // the profile: Docker's format, what the script does and nothing of unshare or mkdir
    JsonNode p = JSON.readTree(Files.readString(profile));
    assertEquals("SCMP_ACT_ERRNO", p.path("defaultAction").asText());
    assertEquals(1, p.path("defaultErrnoRet").asInt());
    Set<String> calls = new TreeSet<>();
    p.path("syscalls").path(0).path("names").forEach(n -> calls.add(n.asText()));
    System.out.println("recorded " + calls.size() + " calls: " + calls);
    assertTrue(calls.containsAll(Set.of("execve", "openat", "write", "pipe2")) || calls.containsAll(
        Set.of("execve", "open", "write", "pipe")), calls::toString);
    for (String outside : List.of("unshare", "mkdir", "mkdirat", "mount", "ptrace", "keyctl")) {
      assertFalse(calls.contains(outside), outside + " in " + calls);
    }

    // the docker CLI runs the script under it, as it ran without it
    CommandProcess.Result plain = docker("run", "--rm", "--label", LABEL + "=" + run, TestEngine.BUSYBOX, "sh", "-c", SCRIPT);
    CommandProcess.Result under = docker("run", "--rm", "--label", LABEL + "=" + run, "--security-opt", "seccomp=" + profile,
        TestEngine.BUSYBOX, "sh", "-c", SCRIPT);
    assertEquals(0, under.code(), under::toString);
    assertEquals(plain.out(), under.out());
    assertEquals("line3\n", under.out());

    // calls it never made are refused with EPERM; with unshare added to the same profile, unshare passes
    String probe = SCRIPT + "; unshare -U true; echo unshare-rc=$?; mkdir /tmp/d; echo mkdir-rc=$?";
    CommandProcess.Result denied = docker("run", "--rm", "--label", LABEL + "=" + run, "--security-opt", "seccomp=" + profile,
        TestEngine.BUSYBOX, "sh", "-c", probe);
    System.out.println("under the profile: " + denied);
    assertTrue(denied.out().contains("unshare-rc=1") && denied.out().contains("mkdir-rc=1"), denied::toString);
    assertTrue(denied.err().contains("unshare(0x10000000): Operation not permitted"), denied::toString);
    assertTrue(denied.err().contains("can't create directory '/tmp/d': Operation not permitted"), denied::toString);
    Path plus = tmp.resolve("plus-unshare.json");
    ObjectNode widened = (ObjectNode) JSON.readTree(Files.readString(profile));
    ((ArrayNode) widened.path("syscalls").path(0).path("names")).add("unshare");
    Files.writeString(plus, widened.toString());
    CommandProcess.Result allowed = docker("run", "--rm", "--label", LABEL + "=" + run, "--security-opt", "seccomp=" + plus,
        TestEngine.BUSYBOX, "sh", "-c", probe);
    System.out.println("under the profile plus unshare: " + allowed);
    assertTrue(allowed.out().contains("unshare-rc=0") && allowed.out().contains("mkdir-rc=1"), allowed::toString);

    // without -o: the profile on stdout, the report as text on stderr (one quick run, no check)
    CommandProcess.Result quick = CommandProcess.run("seccomp", "record", line.toString(), "--host", host,
        "--runs", "1", "--no-check");
    assertEquals(0, quick.code(), quick::toString);
    assertEquals("SCMP_ACT_ERRNO", JSON.readTree(quick.out()).path("defaultAction").asText());
    assertTrue(quick.err().startsWith("carapace seccomp record: workload " + name + " (" + TestEngine.BUSYBOX + ") from "
        + line + ":2, 1 run on " + host + "\n"), quick.err());
    assertTrue(quick.err().contains("note: not checked under its profile (--no-check)\n"), quick.err());
    assertEquals("", docker("ps", "-aq", "--filter", "label=" + LABEL + "=" + run).out(), "no container left");
  }

  /**
   * A service: busybox httpd, recorded while {@code --exercise} fetches its page from this host, stopped after
   * it; the check fetches the page again under the recorded profile.
   */
  @Test
  void aServiceIsRecordedWhileTheExerciseFetchesItsPage() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path line = Files.writeString(tmp.resolve("web.sh"), "docker run --name " + name + " --label " + LABEL + "=" + run
        + " -p 127.0.0.1:" + port + ":8080 " + TestEngine.BUSYBOX + " sh -c 'mkdir -p /tmp/www && echo recorded-page"
        + " > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www'\n");
    String fetch = "for i in $(seq 100); do curl -fsS --max-time 2 http://127.0.0.1:" + port + "/index.html"
        + " 2>/dev/null | grep -qx recorded-page && exit 0; sleep 0.2; done; echo never served; exit 1";
    Path profile = tmp.resolve("web.json");
    CommandProcess.Result r = CommandProcess.run("seccomp", "record", line.toString(), "--host",
        CommandProcess.dockerHost(), "--duration", "60s", "--exercise", fetch, "-o", profile.toString());
    System.out.println(r.out());
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().lines().anyMatch(l -> l.matches("note: under its profile: passed: exit \\d+ as recorded, \\d+ ms")),
        r.out());
    Set<String> calls = new TreeSet<>();
    JSON.readTree(Files.readString(profile)).path("syscalls").path(0).path("names").forEach(n -> calls.add(n.asText()));
    assertTrue(calls.containsAll(Set.of("bind", "listen")) && (calls.contains("accept") || calls.contains("accept4")),
        calls::toString);
    assertFalse(calls.contains("unshare"), calls::toString);
    assertEquals("", docker("ps", "-aq", "--filter", "label=" + LABEL + "=" + run).out(), "no container left");
  }

  /** What cannot be recorded is exit 2, one line, no profile, no container. */
  @Test
  void whatCannotBeRecordedHereIsExitTwoAndLeavesNothing() throws Exception {
    String host = CommandProcess.dockerHost();
    Path profile = tmp.resolve("never.json");
    Path unknown = Files.writeString(tmp.resolve("unknown.sh"), "docker run --label " + LABEL + "=" + run
        + " --frobnicate 1 " + TestEngine.BUSYBOX + " true\n");
    CommandProcess.run("seccomp", "record", unknown.toString(), "--host", host, "-o", profile.toString())
        .assertInputError("carapace seccomp record: error: " + unknown + ":1: docker run flag is not supported:"
            + " --frobnicate");
    // gVisor: the host's seccomp never sees the workload's calls; refused before any container
    Path gvisor = Files.writeString(tmp.resolve("gvisor.sh"), "docker run --runtime runsc --network none --label " + LABEL + "=" + run
        + " " + TestEngine.BUSYBOX + " true\n");
    CommandProcess.run("seccomp", "record", gvisor.toString(), "--host", host, "-o", profile.toString())
        .assertInputError("carapace seccomp record: error: cannot record system calls: the container runs under runsc");
    // an image the engine does not have: the run fails, the recorder removes what it made
    Path missing = Files.writeString(tmp.resolve("missing.sh"), "docker run --label " + LABEL + "=" + run
        + " carapace-test/no-such-image:1 true\n");
    CommandProcess.run("seccomp", "record", missing.toString(), "--host", host, "-o", profile.toString())
        .assertInputError("carapace seccomp record: error: cannot record carapace-test/no-such-image:1 on the engine at "
            + host + ": ");
    // an exercise that fails: the recording fails, the container is removed
    Path script = Files.writeString(tmp.resolve("sleep.sh"), "docker run --name " + name + " --label " + LABEL + "="
        + run + " " + TestEngine.BUSYBOX + " sleep 30\n");
    CommandProcess.run("seccomp", "record", script.toString(), "--host", host, "--exercise", "echo nope; exit 3",
        "-o", profile.toString())
        .assertInputError("carapace seccomp record: error: cannot record " + name + ": --exercise exited 3: nope");
    assertFalse(Files.exists(profile), "no profile written");
    assertEquals("", docker("ps", "-aq", "--filter", "label=" + LABEL + "=" + run).out(), "no container left");
  }

  private static List<String> ids(JsonNode rules) {
    List<String> ids = new ArrayList<>();
    rules.forEach(r -> ids.add(r.path("id").asText()));
    return ids;
  }

  /** Runs the docker CLI against the ITs' engine, at most 3 minutes. */
  static CommandProcess.Result docker(String... args) {
    List<String> cmd = new ArrayList<>(List.of("docker", "-H", CommandProcess.dockerHost()));
    cmd.addAll(List.of(args));
    return CommandProcess.exec(cmd, Map.of());
  }
}
