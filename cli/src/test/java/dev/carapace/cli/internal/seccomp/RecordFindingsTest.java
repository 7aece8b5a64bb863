package dev.carapace.cli.internal.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.carapace.cli.internal.output.FailOn;
import dev.carapace.cli.internal.output.Format;
import dev.carapace.cli.internal.output.OutputFormatsTest;
import dev.carapace.cli.internal.output.Report;
import dev.carapace.cli.internal.output.ToolInfo;
import dev.carapace.core.SecureContainerSpec;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Where {@code seccomp record}'s findings are in SARIF: on the line of the {@code docker run} command (or the
 * Compose service) in the file, so code scanning annotates it; from stdin, on the workload's relative URI with a
 * logical location and a fingerprint. Both valid against the SARIF 2.1.0 schema.
 */
class RecordFindingsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureContainerSpec SPEC = SecureContainerSpec.builder().image("busybox:1").build();

  private static JsonNode sarif(Workload w) throws Exception {
    Report report = new Report("seccomp record", "workload web", RecordCommand.RULES, List.of(
        RecordCommand.finding(w, RecordCommand.CHECK, "under its recorded profile: FAILED: exit 159 (expected 0)"),
        RecordCommand.finding(w, RecordCommand.EXIT_CODES, "the runs ended with exit codes [0, 1]")), List.of());
    String sarif = Format.SARIF.writer().write(report, ToolInfo.carapace(), FailOn.LOW);
    assertEquals(Set.of(), OutputFormatsTest.sarifSchemaErrors(sarif));
    return JSON.readTree(sarif).path("runs").path(0).path("results");
  }

  @Test
  void aFindingOfAFileIsOnTheCommandsLine() throws Exception {
    JsonNode results = sarif(new Workload(SPEC, "web", "deploy/web.sh", 3, 5));
    for (JsonNode r : results) {
      JsonNode p = r.path("locations").path(0).path("physicalLocation");
      assertEquals("deploy/web.sh:3:5", p.path("artifactLocation").path("uri").asText() + ":"
          + p.path("region").path("startLine").asInt() + ":" + p.path("region").path("startColumn").asInt());
    }
    assertEquals("seccomp-check", results.path(0).path("ruleId").asText());
    assertEquals("error", results.path(0).path("level").asText());
    assertTrue(results.path(0).path("message").path("text").asText()
        .startsWith("web: under its recorded profile: FAILED: exit 159 (expected 0) Fix: record again"));
  }

  @Test
  void aFindingOfStdinIsOnTheWorkloadsName() throws Exception {
    JsonNode results = sarif(new Workload(SPEC, "web 1", null, 1, 1));
    JsonNode l = results.path(0).path("locations").path(0);
    assertEquals("workloads/web%201", l.path("physicalLocation").path("artifactLocation").path("uri").asText());
    assertEquals(1, l.path("physicalLocation").path("region").path("startLine").asInt());
    assertEquals("web 1", l.path("logicalLocations").path(0).path("name").asText());
    String a = results.path(0).path("partialFingerprints").path("primaryLocationLineHash").asText();
    String b = results.path(1).path("partialFingerprints").path("primaryLocationLineHash").asText();
    assertTrue(a.matches("[0-9a-f]{16}:1") && !a.equals(b), a + " " + b);
  }
}
