package dev.carapace.cli.internal.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.carapace.policy.Severity;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.maven.plugin.surefire.log.api.NullConsoleLogger;
import org.apache.maven.plugins.surefire.report.ReportTestCase;
import org.apache.maven.plugins.surefire.report.ReportTestSuite;
import org.apache.maven.plugins.surefire.report.TestSuiteXmlParser;
import org.junit.jupiter.api.Test;

/**
 * The four writers on the same reports: SARIF valid against the OASIS SARIF 2.1.0 schema (the test
 * resource {@code sarif/sarif-schema-2.1.0.json}, taken from oasis-tcs/sarif-spec
 * {@code sarif-2.1/schema/sarif-schema-2.1.0.json}, the errata01 schema) with networknt's validator and
 * carrying the rules, levels and locations; JUnit XML read back by Surefire's own report parser; JSON
 * with its documented fields; text on one line per finding whatever the message holds.
 */
public class OutputFormatsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ToolInfo TOOL = new ToolInfo("carapace", "9.9.9", "https://example.org/carapace");

  /** The SARIF 2.1.0 schema's complaints about {@code sarif}, none when valid (other tests use it too). */
  public static Set<ValidationMessage> sarifSchemaErrors(String sarif) throws Exception {
    try (InputStream schema = OutputFormatsTest.class.getResourceAsStream("/sarif/sarif-schema-2.1.0.json")) {
      JsonSchema s = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema);
      return s.validate(JSON.readTree(sarif));
    }
  }

  @Test
  void sarifIsValidAgainstTheSchemaAndCarriesRulesLevelsAndLocations() throws Exception {
    String sarif = Format.SARIF.writer().write(ReportSamples.mixed(), TOOL, FailOn.HIGH);
    assertEquals(Set.of(), sarifSchemaErrors(sarif));
    JsonNode run = JSON.readTree(sarif).path("runs").path(0);
    assertEquals("2.1.0", JSON.readTree(sarif).path("version").asText());
    JsonNode driver = run.path("tool").path("driver");
    assertEquals("carapace", driver.path("name").asText());
    assertEquals("9.9.9", driver.path("version").asText());
    assertEquals(List.of("no-privileged:error:Not privileged:drop --privileged",
        "read-only-rootfs:warning:Read-only root filesystem:add --read-only",
        "no-host-pid:error:Not in the host's PID namespace:Not in the host's PID namespace",
        "healthcheck:note:Has a health check:add HEALTHCHECK"), list(driver.path("rules"), r ->
            r.path("id").asText() + ":" + r.path("defaultConfiguration").path("level").asText() + ":"
                + r.path("shortDescription").path("text").asText() + ":" + r.path("help").path("text").asText()));
    assertEquals(List.of(
        "no-privileged#0:error:deploy/compose.yaml:12:5",
        "read-only-rootfs#1:warning:k8s/my%20pod.yaml:3:",
        "healthcheck#3:note:::",
        "no-privileged#0:error:weird/%C3%A4%3Ab.txt:1:1"), list(run.path("results"), r -> {
          JsonNode p = r.path("locations").path(0).path("physicalLocation");
          return r.path("ruleId").asText() + "#" + r.path("ruleIndex").asText() + ":" + r.path("level").asText()
              + ":" + p.path("artifactLocation").path("uri").asText() + ":" + p.path("region").path("startLine").asText()
              + ":" + p.path("region").path("startColumn").asText();
        }));
    assertEquals("service web: privileged: true Fix: drop privileged",
        run.path("results").path(0).path("message").path("text").asText());
    assertFalse(run.path("results").path(2).has("locations"), "an engine finding has no file");
    assertEquals("container db: apparmor: not enabled on the host", run.path("invocations").path(0)
        .path("toolExecutionNotifications").path(0).path("message").path("text").asText());
  }

  /**
   * GitHub code scanning refuses a whole upload when one result has no location with an artifact URI, shows only
   * relative or file: URIs, and wants a start line: an audit's results name their engine and container so.
   */
  @Test
  void sarifGivesAnAuditsResultsARelativeLocationALogicalOneAndAFingerprint() throws Exception {
    String sarif = Format.SARIF.writer().write(ReportSamples.audit("unix:///var/run/docker.sock"), TOOL, FailOn.LOW);
    assertEquals(Set.of(), sarifSchemaErrors(sarif));
    JsonNode results = JSON.readTree(sarif).path("runs").path(0).path("results");
    assertEquals(List.of(
        "docker/unix/var/run/docker.sock/engine:1|engine|unix:///var/run/docker.sock|resource",
        "docker/unix/var/run/docker.sock/containers/web:1|web|unix:///var/run/docker.sock/containers/web|resource",
        "docker/unix/var/run/docker.sock/containers/web:1|web|unix:///var/run/docker.sock/containers/web|resource",
        "docker/unix/var/run/docker.sock/containers/db%2F1%20%C3%A4:1|db/1 ä|unix:///var/run/docker.sock/containers/"
            + "db/1 ä|resource"), list(results, r -> {
              JsonNode l = r.path("locations").path(0);
              JsonNode p = l.path("physicalLocation");
              JsonNode logical = l.path("logicalLocations").path(0);
              return p.path("artifactLocation").path("uri").asText() + ":" + p.path("region").path("startLine").asText()
                  + "|" + logical.path("name").asText() + "|" + logical.path("fullyQualifiedName").asText() + "|"
                  + logical.path("kind").asText();
            }));
    List<String> prints = list(results, r -> r.path("partialFingerprints").path("primaryLocationLineHash").asText());
    prints.forEach(p -> assertTrue(p.matches("[0-9a-f]{16}:1"), p));
    assertEquals(4, Set.copyOf(prints).size(), "each container's attribute has its own fingerprint: " + prints);
    // the same findings over TLS name another engine; the same engine in another run gives the same fingerprints
    String again = Format.SARIF.writer().write(ReportSamples.audit("unix:///var/run/docker.sock"), TOOL, FailOn.LOW);
    assertEquals(prints, list(JSON.readTree(again).path("runs").path(0).path("results"),
        r -> r.path("partialFingerprints").path("primaryLocationLineHash").asText()));
    String tls = Format.SARIF.writer().write(ReportSamples.audit("tcp://127.0.0.1:2376"), TOOL, FailOn.LOW);
    assertEquals(Set.of(), sarifSchemaErrors(tls));
    JsonNode tlsFirst = JSON.readTree(tls).path("runs").path(0).path("results").path(1).path("locations").path(0);
    assertEquals("docker/tcp/127.0.0.1%3A2376/containers/web",
        tlsFirst.path("physicalLocation").path("artifactLocation").path("uri").asText());
    assertEquals("tcp://127.0.0.1:2376/containers/web", tlsFirst.path("logicalLocations").path(0)
        .path("fullyQualifiedName").asText());
    assertNotEquals(prints.get(1), JSON.readTree(tls).path("runs").path(0).path("results").path(1)
        .path("partialFingerprints").path("primaryLocationLineHash").asText());
  }

  @Test
  void aFileFindingWithoutALineIsPlacedOnLineOne() throws Exception {
    Report r = new Report("lint", "1 file", List.of(), List.of(Finding.at("r1", Severity.LOW, "m", "", "a.yaml", null,
        null)), List.of());
    String sarif = Format.SARIF.writer().write(r, TOOL, FailOn.LOW);
    assertEquals(Set.of(), sarifSchemaErrors(sarif));
    assertEquals(1, JSON.readTree(sarif).path("runs").path(0).path("results").path(0).path("locations").path(0)
        .path("physicalLocation").path("region").path("startLine").asInt());
  }

  @Test
  void resolvedImagesAreInEveryFormatWithTheirDigests() throws Exception {
    Report images = ReportSamples.images();
    String digest = ReportSamples.DIGEST;
    String sarif = Format.SARIF.writer().write(images, TOOL, FailOn.LOW);
    assertEquals(Set.of(), sarifSchemaErrors(sarif));
    JsonNode run = JSON.readTree(sarif).path("runs").path(0);
    assertEquals(List.of("docker://registry.example/app@" + digest + "|" + digest.substring(7) + "|registry.example/app:1",
        "docker://registry.example/unsigned@" + digest + "|" + digest.substring(7) + "|registry.example/unsigned:1",
        "docker://registry.example/gone:1||registry.example/gone:1"), list(run.path("artifacts"), a ->
            a.path("location").path("uri").asText() + "|" + a.path("hashes").path("sha-256").asText() + "|"
                + a.path("properties").path("name").asText()));
    assertEquals("verified, EC P-256 key SHA256:0123456789abcdef", run.path("artifacts").path(0).path("properties")
        .path("signature").asText());
    // code scanning refuses a whole log when one result has no location: an image's finding names the image
    JsonNode where = run.path("results").path(0).path("locations").path(0);
    assertEquals("images/registry.example%2Funsigned%3A1:1|registry.example/unsigned:1", where.path("physicalLocation")
        .path("artifactLocation").path("uri").asText() + ":" + where.path("physicalLocation").path("region")
        .path("startLine").asText() + "|" + where.path("logicalLocations").path(0).path("name").asText());
    assertTrue(run.path("results").path(0).path("partialFingerprints").path("primaryLocationLineHash").asText()
        .matches("[0-9a-f]{16}:1"));
    assertFalse(JSON.readTree(Format.SARIF.writer().write(ReportSamples.mixed(), TOOL, FailOn.LOW)).path("runs")
        .path(0).has("artifacts"), "no artifacts array when nothing was resolved");

    JsonNode json = JSON.readTree(Format.JSON.writer().write(images, TOOL, FailOn.LOW));
    assertEquals("{\"name\":\"registry.example/app:1\",\"reference\":\"registry.example/app@" + digest + "\","
        + "\"digest\":\"" + digest + "\",\"properties\":{\"signature\":\"verified, EC P-256 key SHA256:0123456789abcdef\"}}",
        json.path("artifacts").path(0).toString());
    assertEquals("{\"name\":\"registry.example/gone:1\",\"reference\":null,\"digest\":null,\"properties\":{}}",
        json.path("artifacts").path(2).toString());

    assertEquals(String.join("\n",
        "carapace image verify: 3 images against 1 trusted key, signature required",
        "registry.example/app:1: registry.example/app@" + digest + " (signature: verified, EC P-256 key"
            + " SHA256:0123456789abcdef)",
        "registry.example/unsigned:1: registry.example/unsigned@" + digest + " (signature: not verified, no signature)",
        "registry.example/gone:1: not resolved",
        "HIGH image-signed: registry.example/unsigned:1: image must be signed by a trusted key:"
            + " registry.example/unsigned@" + digest + ": no signature",
        "    fix: sign it",
        "1 finding (1 high) against 2 rules; 1 at or above --fail-on low",
        ""), Format.TEXT.writer().write(images, TOOL, FailOn.LOW));

    String xml = Format.JUNIT.writer().write(images, TOOL, FailOn.LOW);
    ReportTestSuite suite = surefire(xml).get(0);
    assertEquals(2, suite.getNumberOfTests());
    assertEquals("carapace.image.verify", suite.getFullClassName());
    assertTrue(xml.contains("<property name=\"artifact\" value=\"registry.example/app:1: registry.example/app@"
        + digest + " (signature: verified, EC P-256 key SHA256:0123456789abcdef)\"/>"), xml);
  }

  @Test
  void sarifOfAnEmptyReportIsValid() throws Exception {
    String sarif = Format.SARIF.writer().write(ReportSamples.empty(), TOOL, FailOn.LOW);
    assertEquals(Set.of(), sarifSchemaErrors(sarif));
    assertEquals(0, JSON.readTree(sarif).path("runs").path(0).path("results").size());
  }

  /** The validator can fail: a log without its version, or with a level SARIF lacks, is refused. */
  @Test
  void theSchemaCheckRefusesBrokenSarif() throws Exception {
    ObjectNode log = (ObjectNode) JSON.readTree(Format.SARIF.writer().write(ReportSamples.mixed(), TOOL, FailOn.LOW));
    log.remove("version");
    assertNotEquals(Set.of(), sarifSchemaErrors(log.toString()));
    ObjectNode bad = (ObjectNode) JSON.readTree(Format.SARIF.writer().write(ReportSamples.mixed(), TOOL, FailOn.LOW));
    ((ObjectNode) bad.path("runs").path(0).path("results").path(0)).put("level", "critical");
    assertNotEquals(Set.of(), sarifSchemaErrors(bad.toString()));
    ObjectNode region = (ObjectNode) JSON.readTree(Format.SARIF.writer().write(ReportSamples.mixed(), TOOL, FailOn.LOW));
    ((ObjectNode) region.path("runs").path(0).path("results").path(0).path("locations").path(0)
        .path("physicalLocation").path("region")).put("startLine", 0);
    assertNotEquals(Set.of(), sarifSchemaErrors(region.toString()));
  }

  @Test
  void junitIsReadBySurefiresReportParser() throws Exception {
    String xml = Format.JUNIT.writer().write(ReportSamples.mixed(), TOOL, FailOn.LOW);
    List<ReportTestSuite> suites = surefire(xml);
    assertEquals(1, suites.size());
    ReportTestSuite suite = suites.get(0);
    assertEquals(5, suite.getNumberOfTests(), "4 findings and 1 rule without finding");
    assertEquals(4, suite.getNumberOfFailures());
    assertEquals(0, suite.getNumberOfErrors());
    assertEquals(List.of(
        "carapace.lint|no-privileged: deploy/compose.yaml:12:5|CRITICAL|service web: privileged: true",
        "carapace.lint|no-privileged: weird/ä:b.txt:1:1|HIGH|line\\nbreak \\u001b[31mred\\u0000 <x a=\"&\"/> \\u202e",
        "carapace.lint|read-only-rootfs: k8s/my pod.yaml:3|MEDIUM|pod api: readOnlyRootFilesystem unset",
        "carapace.lint|no-host-pid: Not in the host's PID namespace|null|null",
        "carapace.lint|healthcheck: container db: no health check|LOW|container db: no health check"),
        suite.getTestCases().stream().map(c -> c.getFullClassName() + "|" + c.getName() + "|" + c.getFailureType()
            + "|" + c.getFailureMessage()).toList());
    assertEquals(List.of(false, false, false, true, false),
        suite.getTestCases().stream().map(ReportTestCase::isSuccessful).toList());
  }

  @Test
  void junitOfAnEmptyReportHasOnePassingCasePerRule() throws Exception {
    ReportTestSuite suite = surefire(Format.JUNIT.writer().write(ReportSamples.empty(), TOOL, FailOn.LOW)).get(0);
    assertEquals(1, suite.getNumberOfTests());
    assertEquals(0, suite.getNumberOfFailures());
    assertTrue(suite.getTestCases().get(0).isSuccessful());
  }

  /** {@code xml} read by Surefire's report parser (other tests use it too). */
  public static List<ReportTestSuite> surefire(String xml) throws Exception {
    return new TestSuiteXmlParser(new NullConsoleLogger()).parse(new InputStreamReader(
        new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8));
  }

  /**
   * The streaming writer lays the document out exactly as ObjectMapper's INDENT_OUTPUT does (the layout it had
   * when it was written from a tree, and the one bench/run-cli.sh reads): byte for byte, escapes included.
   */
  @Test
  void jsonIsLaidOutAsObjectMappersIndentedOutput() throws Exception {
    ObjectMapper indented = new ObjectMapper().enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
    for (Report r : List.of(ReportSamples.mixed(), ReportSamples.images(), ReportSamples.empty(),
        ReportSamples.audit("unix:///var/run/docker.sock"))) {
      String written = Format.JSON.writer().write(r, TOOL, FailOn.LOW);
      assertEquals(indented.writeValueAsString(JSON.readTree(written)) + "\n", written);
    }
    assertTrue(Format.JSON.writer().write(ReportSamples.mixed(), TOOL, FailOn.LOW).contains("\"subject\" : \""));
  }

  @Test
  void jsonHasItsDocumentedFieldsInOrder() throws Exception {
    JsonNode root = JSON.readTree(Format.JSON.writer().write(ReportSamples.mixed(), TOOL, FailOn.HIGH));
    assertEquals(List.of("schemaVersion", "tool", "command", "subject", "failOn", "failed", "summary", "findings",
        "rules", "notes", "artifacts"), fields(root));
    assertEquals("[]", root.path("artifacts").toString(), "a report that resolved nothing has no artifacts");
    assertEquals(1, root.path("schemaVersion").asInt());
    assertEquals("high", root.path("failOn").asText());
    assertTrue(root.path("failed").asBoolean());
    assertEquals("{\"total\":4,\"critical\":1,\"high\":1,\"medium\":1,\"low\":1,\"failing\":2}",
        root.path("summary").toString());
    assertEquals(List.of("ruleId", "severity", "message", "remedy", "file", "line", "column", "target"),
        fields(root.path("findings").path(0)));
    assertEquals("{\"ruleId\":\"read-only-rootfs\",\"severity\":\"medium\",\"message\":\"pod api:"
        + " readOnlyRootFilesystem unset\",\"remedy\":\"set it\",\"file\":\"k8s/my pod.yaml\",\"line\":3,"
        + "\"column\":null,\"target\":null}", root.path("findings").path(1).toString());
    assertEquals("{\"ruleId\":\"healthcheck\",\"severity\":\"low\",\"message\":\"container db: no health check\","
        + "\"remedy\":\"add HEALTHCHECK\",\"file\":null,\"line\":null,\"column\":null,\"target\":null}",
        root.path("findings").path(2).toString());
    assertEquals("line\nbreak \u001b[31mred\u0000 <x a=\"&\"/> \u202e",
        root.path("findings").path(3).path("message").asText(), "JSON carries the text exactly");
    // a finding with no file names what it is about, as SARIF's location does, with the same fingerprint
    JsonNode audit = JSON.readTree(Format.JSON.writer().write(ReportSamples.audit("unix:///var/run/docker.sock"),
        TOOL, FailOn.LOW)).path("findings").path(1);
    Target web = Target.container(java.net.URI.create("unix:///var/run/docker.sock"), "web", "privileged");
    assertEquals("{\"kind\":\"resource\",\"name\":\"web\",\"qualifiedName\":\"unix:///var/run/docker.sock/containers/web\","
        + "\"uri\":\"docker/unix/var/run/docker.sock/containers/web\",\"fingerprint\":\"" + web.fingerprint() + "\"}",
        audit.path("target").toString());
    assertEquals(List.of("id", "title", "help", "severity"), fields(root.path("rules").path(0)));
    assertEquals("[\"container db: apparmor: not enabled on the host\"]", root.path("notes").toString());
    assertFalse(JSON.readTree(Format.JSON.writer().write(ReportSamples.mixed(), TOOL, FailOn.NEVER))
        .path("failed").asBoolean());
  }

  @Test
  void textHasOneLinePerFindingAndASummary() {
    String text = Format.TEXT.writer().write(ReportSamples.mixed(), TOOL, FailOn.MEDIUM);
    assertEquals(String.join("\n",
        "carapace lint: 2 files",
        "deploy/compose.yaml:12:5: CRITICAL no-privileged: service web: privileged: true",
        "    fix: drop privileged",
        "k8s/my pod.yaml:3: MEDIUM read-only-rootfs: pod api: readOnlyRootFilesystem unset",
        "    fix: set it",
        "LOW healthcheck: container db: no health check",
        "    fix: add HEALTHCHECK",
        "weird/ä:b.txt:1:1: HIGH no-privileged: line\\nbreak \\u001b[31mred\\u0000 <x a=\"&\"/> \\u202e",
        "note: container db: apparmor: not enabled on the host",
        "4 findings (1 critical, 1 high, 1 medium, 1 low) against 4 rules; 3 at or above --fail-on medium",
        ""), text);
    assertEquals("carapace audit: profile cis-docker on unix:///var/run/docker.sock, 0 running containers\n"
        + "0 findings against 1 rule; 0 at or above --fail-on low\n",
        Format.TEXT.writer().write(ReportSamples.empty(), TOOL, FailOn.LOW));
  }

  @Test
  void failOnCountsFindingsAtOrAboveTheThreshold() {
    Report r = ReportSamples.mixed();
    assertEquals(4, r.failing(FailOn.LOW).size());
    assertEquals(3, r.failing(FailOn.MEDIUM).size());
    assertEquals(2, r.failing(FailOn.HIGH).size());
    assertEquals(1, r.failing(FailOn.CRITICAL).size());
    assertEquals(0, r.failing(FailOn.NEVER).size());
  }

  @Test
  void aFindingOfAnUnlistedRuleListsItsRule() {
    Report r = new Report("x", "y", List.of(), List.of(Finding.of("r1", Severity.HIGH, "m", "fix")), List.of());
    assertEquals(List.of(new RuleInfo("r1", "r1", "fix", Severity.HIGH)), r.rules());
  }

  private static List<String> fields(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static List<String> list(JsonNode array, java.util.function.Function<JsonNode, String> f) {
    List<String> out = new java.util.ArrayList<>();
    array.forEach(n -> out.add(f.apply(n)));
    return out.stream().collect(Collectors.toList());
  }
}
