package dev.carapace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.carapace.cli.internal.output.OutputFormatsTest;
import dev.carapace.cluster.ComposeFile;
import dev.carapace.cluster.ComposeReader;
import dev.carapace.cluster.ComposeService;
import dev.carapace.core.SecureContainerSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installed {@code carapace lint} run as a process on the corpus: the exact findings with their lines and
 * columns, in text and in SARIF (schema-checked, each result's {@code physicalLocation} on the finding's line and
 * column), and exit 2 with one stderr line for every hostile or mislabelled input (a YAML bomb, deep nesting,
 * 50 MB, binary junk, a flag Docker does not have, an env file the Compose readers would read differently); a
 * Compose file with {@code env_file} and {@code .env} read as Debian's docker-compose 1.29.2 reads it.
 */
class LintIT {
  @TempDir
  Path tmp;

  @Test
  void theCorpusGivesItsExactFindingsAtTheirLines() {
    for (var e : LintCorpus.EXPECTED.entrySet()) {
      String file = LintCorpus.DIR.resolve(e.getKey()).toString();
      CommandProcess.Result r = CommandProcess.run("lint", file);
      assertEquals(e.getValue(), LintCorpus.findings(r.out(), file), r.out());
      assertEquals(e.getValue().isEmpty() ? 0 : 1, r.code(), r.toString());
      assertEquals("", r.err());
    }
  }

  @Test
  void anEnvFileAndDotEnvAreReadAsDockerComposeReadsThem() throws Exception {
    Path fixture = LintCorpus.DIR.resolve("compose-env/compose.yaml");
    CommandProcess.Result quiet = CommandProcess.exec(List.of("docker-compose", "-f", fixture.toString(), "config",
        "-q"), Map.of());
    assertEquals(0, quiet.code(), quiet.toString());
    assertEquals("", quiet.err());
    // docker-compose's own resolution (env_file merged under environment, .env interpolated), read back
    CommandProcess.Result config = CommandProcess.exec(List.of("docker-compose", "-f", fixture.toString(), "config"),
        Map.of());
    assertEquals(0, config.code(), config.toString());
    Path normalised = tmp.resolve("normalised.yaml");
    Files.writeString(normalised, config.out());
    SecureContainerSpec byCompose = ComposeReader.strict().read(normalised).services().get(0).spec();
    Map<String, String> expected = Map.of("DATABASE_URL", "postgres://api@db:5432/api", "GREETING",
        "hello # not a comment", "LOG_LEVEL", "info");
    assertEquals(expected, byCompose.env());
    assertEquals("registry.example/api:1.4.2", byCompose.image());
    // Carapace's reading of the fixture itself, and what carapace harden carries into its output
    SecureContainerSpec byCarapace = ComposeReader.strict().dotEnv(true).read(fixture).services().get(0).spec();
    assertEquals(byCompose.env(), byCarapace.env());
    assertEquals(byCompose.image(), byCarapace.image());
    assertEquals(byCompose.memoryLimit(), byCarapace.memoryLimit());
    CommandProcess.Result hardened = CommandProcess.run("harden", "--to", "compose", fixture.toString());
    assertEquals(0, hardened.code(), hardened.toString());
    Path out = tmp.resolve("hardened.yaml");
    Files.writeString(out, hardened.out());
    assertEquals(expected, ComposeReader.strict().read(out).services().get(0).spec().env());
  }

  @Test
  void theComposeEnvFixturesReadAsDockerComposeResolvesThem() throws Exception {
    for (String name : List.of("compose.yaml", "extends.yaml")) {
      Path fixture = LintCorpus.DIR.resolve("compose-env").resolve(name);
      CommandProcess.Result config = CommandProcess.exec(List.of("docker-compose", "-f", fixture.toString(),
          "config"), Map.of());
      assertEquals(0, config.code(), config.toString());
      assertEquals("", config.err(), name);
      Path normalised = tmp.resolve("normalised-" + name);
      Files.writeString(normalised, config.out());
      ComposeFile byCompose = ComposeReader.strict().projectName("fixture").read(normalised);
      ComposeFile byCarapace = ComposeReader.strict().projectName("fixture").dotEnv(true).read(fixture);
      assertEquals(byCarapace.services().size(), byCompose.services().size(), name);
      for (ComposeService s : byCarapace.services()) {
        assertEquals(s.spec(), byCompose.service(s.name()).orElseThrow().spec(), name + ": " + s.name());
      }
    }
  }

  @Test
  void sarifPlacesEveryResultOnItsLineAndColumn() throws Exception {
    List<String> files = new ArrayList<>(List.of("lint", "--format", "sarif"));
    LintCorpus.EXPECTED.keySet().forEach(f -> files.add(LintCorpus.DIR.resolve(f).toString()));
    CommandProcess.Result r = CommandProcess.run(files.toArray(String[]::new));
    assertEquals(1, r.code(), r.err());
    assertEquals(java.util.Set.of(), OutputFormatsTest.sarifSchemaErrors(r.out()));
    JsonNode results = new ObjectMapper().readTree(r.out()).path("runs").path(0).path("results");
    for (var e : LintCorpus.EXPECTED.entrySet()) {
      String file = LintCorpus.DIR.resolve(e.getKey()).toString();
      List<String> placed = new ArrayList<>();
      for (JsonNode result : results) {
        JsonNode loc = result.path("locations").path(0).path("physicalLocation");
        if (loc.path("artifactLocation").path("uri").asText().equals(file)) {
          placed.add(loc.path("region").path("startLine").asInt() + ":" + loc.path("region").path("startColumn").asInt()
              + " " + result.path("ruleId").asText());
        }
      }
      List<String> expected = e.getValue().stream().map(s -> s.split(" ")[0] + " " + s.split(" ")[2]).toList();
      assertEquals(expected.stream().sorted().toList(), placed.stream().sorted().toList(), file);
    }
  }

  @Test
  void hostileAndMislabelledInputsAreOneLineExitTwo() throws Exception {
    for (var e : LintCorpus.BAD.entrySet()) {
      CommandProcess.run("lint", LintCorpus.DIR.resolve(e.getKey()).toString())
          .assertInputError("carapace lint: error: " + LintCorpus.DIR + "/" + e.getValue());
    }
    Path big = tmp.resolve("big.yaml");
    try (var out = Files.newOutputStream(big)) {
      byte[] chunk = "- a\n".repeat(1 << 16).getBytes(StandardCharsets.US_ASCII);
      for (long written = 0; written < 50L * 1024 * 1024; written += chunk.length) {
        out.write(chunk);
      }
    }
    CommandProcess.Result r = CommandProcess.run("lint", big.toString());
    r.assertInputError("carapace lint: error: " + big + ": must be at most 16777216 bytes (16 MiB): 52428800 bytes");
    assertTrue(r.millis() < 30_000, "refused before reading: " + r.millis() + " ms");
    CommandProcess.run("lint", "--frobnicate", big.toString()).assertInputError("carapace lint: Unknown option");
  }
}
