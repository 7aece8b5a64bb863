package dev.carapace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code carapace lint} in-process on the corpus: the exact findings and their lines and columns, the exit codes,
 * and one stderr line naming file and line for every input that is not what it claims.
 */
class LintCommandTest {
  @TempDir
  Path tmp;

  private record Run(int code, String out, String err) {}

  private Run run(String... args) {
    return run(Map.of(), args);
  }

  private Run run(Map<String, String> environment, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Carapace.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), environment, tmp);
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void everyCorpusFileGivesItsExactFindingsAtTheirLines() {
    for (var e : LintCorpus.EXPECTED.entrySet()) {
      String file = LintCorpus.DIR.resolve(e.getKey()).toString();
      Run r = run("lint", file);
      assertEquals(e.getValue(), LintCorpus.findings(r.out(), file), r.out());
      assertEquals(e.getValue().isEmpty() ? 0 : 1, r.code(), r.out() + r.err());
      assertEquals("", r.err());
    }
  }

  @Test
  void composeNamespaceValuesAreReportedAsWrittenAndTheImageFindingSitsOnItsKey() throws Exception {
    Path compose = tmp.resolve("compose.yaml");
    Files.writeString(compose, """
        services:
          app:
            read_only: true
            ipc: "container:db"
            pid: host
            image: nginx:1.27
        """);
    Run r = run("lint", compose.toString());
    List<String> lines = r.out().lines().filter(l -> l.startsWith(compose + ":")).toList();
    assertTrue(lines.contains(compose + ":4:5: LOW unjudged-field: app: services.app.ipc must be judged: refused:"
        + " Carapace gives every container its own namespaces: ipc \"container:db\""), r.out());
    assertTrue(lines.contains(compose + ":5:5: HIGH host-pid: app: pidMode must not be host: host (services.app.pid)"),
        r.out());
    assertTrue(lines.stream().anyMatch(l -> l.startsWith(compose + ":6:5: LOW image-pinned: app: image must be pinned"
        + " by digest: nginx:1.27") && l.endsWith("(services.app.image)")), r.out());
    assertFalse(r.out().contains("ipcMode must not be host"), r.out());
  }

  @Test
  void composeVariablesComeFromTheCommandsEnvironmentThenDotEnvAndAnUnsetOneIsRefused() throws Exception {
    String file = LintCorpus.DIR.resolve("compose-env/compose.yaml").toString();
    Run r = run(Map.of("API_TAG", "2.0.0", "API_PORT", "9090"), "lint", file);
    assertEquals(1, r.code(), r.err());
    List<String> lines = r.out().lines().filter(l -> l.startsWith(file + ":")).toList();
    assertEquals(List.of(file + ":4:5: LOW image-pinned: api: image must be pinned by digest: registry.example/api:2.0.0"
        + " (a tag) (services.api.image)", file + ":18:9: MEDIUM host-ports: api: ports[0].hostIp must be a loopback"
        + " address: 0.0.0.0 (0.0.0.0:9090:8080/tcp) (services.api.ports[0])", file + ":18:9: MEDIUM"
        + " ports-all-interfaces: api: ports[0].hostIp must name an interface, not every interface: 0.0.0.0"
        + " (0.0.0.0:9090:8080/tcp) (services.api.ports[0])"), lines);
    Path compose = tmp.resolve("compose.yaml");
    Files.writeString(compose, "services:\n  app:\n    image: busybox:${TAG}\n");
    Run unset = run("lint", compose.toString());
    assertEquals(2, unset.code());
    assertEquals("carapace lint: error: " + compose + ":3:5: services.app.image: variable TAG must be set: it is not"
        + " (docker-compose would use an empty string; pass it in the environment or write ${TAG:-default})\n",
        unset.err());
    Files.writeString(tmp.resolve(".env"), "TAG=1.36\n");
    assertTrue(run("lint", compose.toString()).out().contains("image must be pinned by digest: busybox:1.36"));
  }

  @Test
  void aHostileEnvFileIsOneLineNamingItAndItsLine() throws Exception {
    Path compose = tmp.resolve("compose.yaml");
    Files.writeString(compose, "services:\n  app:\n    image: busybox:1\n    env_file: app.env\n");
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(tmp.resolve("app.env").toFile(), "rw")) {
      f.setLength(50L * 1024 * 1024);
    }
    Run big = run("lint", compose.toString());
    assertEquals(2, big.code());
    assertEquals("carapace lint: error: " + tmp.resolve("app.env") + ":1:1: services.app.env_file: env file must be"
        + " at most 1048576 bytes (1 MiB): 52428800 bytes, not read\n", big.err());
    Files.delete(tmp.resolve("app.env"));
    Run missing = run("lint", compose.toString());
    assertEquals(2, missing.code());
    assertEquals("carapace lint: error: " + compose + ":4:5: services.app.env_file: env_file must name a file that"
        + " exists: \"app.env\" does not (Compose stops there too; required: false skips a missing one)\n",
        missing.err());
    // outside the Compose file's folder: not read, an unjudged-field finding on the env_file line
    Files.writeString(compose, "services:\n  app:\n    image: busybox:1\n    env_file: ../../etc/environment\n");
    Run outside = run("lint", compose.toString());
    assertEquals(1, outside.code(), outside.err());
    assertTrue(outside.out().contains(compose + ":4:5: LOW unjudged-field: app: services.app.env_file must be judged:"
        + " refused: Carapace reads env files only inside the Compose file's folder: \"../../etc/environment\" is"
        + " outside it"), outside.out());
  }

  @Test
  void severalFilesOfEveryKindInOneRun() {
    List<String> files = LintCorpus.EXPECTED.keySet().stream().map(f -> LintCorpus.DIR.resolve(f).toString()).toList();
    Run r = run(java.util.stream.Stream.concat(java.util.stream.Stream.of("lint", "--fail-on", "critical"),
        files.stream()).toArray(String[]::new));
    assertEquals(1, r.code(), r.err());
    for (var e : LintCorpus.EXPECTED.entrySet()) {
      assertEquals(e.getValue(), LintCorpus.findings(r.out(), LintCorpus.DIR.resolve(e.getKey()).toString()));
    }
    assertTrue(r.out().startsWith("carapace lint: profile carapace-default on 8 files, 12 containers\n"), r.out());
  }

  @Test
  void aFileThatIsNotWhatItClaimsIsOneLineNamingFileAndLine() throws Exception {
    Path dir = LintCorpus.DIR;
    for (var e : LintCorpus.BAD.entrySet()) {
      Run r = run("lint", dir.resolve(e.getKey()).toString());
      assertEquals(2, r.code(), r.toString());
      assertEquals("", r.out());
      assertEquals(1, r.err().lines().count(), r.err());
      assertTrue(r.err().startsWith("carapace lint: error: " + dir + "/" + e.getValue()), r.err());
      assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
    }
  }

  @Test
  void aFileOverSixteenMebibytesIsRefusedBeforeReading() throws Exception {
    Path big = tmp.resolve("big.yaml");
    try (var out = Files.newOutputStream(big)) {
      byte[] chunk = "a: b\n".repeat(1 << 16).getBytes(StandardCharsets.US_ASCII);
      for (int written = 0; written < 50 * 1024 * 1024; written += chunk.length) {
        out.write(chunk);
      }
    }
    Run r = run("lint", big.toString());
    assertEquals(2, r.code());
    assertEquals("carapace lint: error: " + big + ": must be at most 16777216 bytes (16 MiB): 52428800 bytes,"
        + " refused before reading\n", r.err());
  }

  @Test
  void aKubernetesFileWithOnlyAServiceIsClean() throws Exception {
    Path f = tmp.resolve("svc.yaml");
    Files.writeString(f, "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n");
    Run r = run("lint", f.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("carapace lint: profile carapace-default on 1 file, 0 containers"), r.out());
  }

  @Test
  void anUnknownOptionOrKindIsAUsageError() {
    Run r = run("lint", "--frobnicate", "x.yaml");
    assertEquals(2, r.code());
    assertEquals(1, r.err().lines().count(), r.err());
    r = run("lint", "--kind", "helm", LintCorpus.DIR.resolve("run/run-good.sh").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--kind must be kubernetes, compose or run: 'helm'"), r.err());
  }
}
