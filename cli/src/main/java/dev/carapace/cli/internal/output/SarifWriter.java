package dev.carapace.cli.internal.output;

import com.contrastsecurity.sarif.ArtifactLocation;
import com.contrastsecurity.sarif.Hashes;
import com.contrastsecurity.sarif.Invocation;
import com.contrastsecurity.sarif.Location;
import com.contrastsecurity.sarif.LogicalLocation;
import com.contrastsecurity.sarif.Message;
import com.contrastsecurity.sarif.MultiformatMessageString;
import com.contrastsecurity.sarif.Notification;
import com.contrastsecurity.sarif.PartialFingerprints;
import com.contrastsecurity.sarif.PhysicalLocation;
import com.contrastsecurity.sarif.PropertyBag;
import com.contrastsecurity.sarif.Region;
import com.contrastsecurity.sarif.ReportingConfiguration;
import com.contrastsecurity.sarif.ReportingDescriptor;
import com.contrastsecurity.sarif.Result;
import com.contrastsecurity.sarif.Run;
import com.contrastsecurity.sarif.SarifSchema210;
import com.contrastsecurity.sarif.Tool;
import com.contrastsecurity.sarif.ToolComponent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.carapace.policy.Severity;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --format sarif}: one SARIF 2.1.0 log with one run, through the {@code java-sarif} object model.
 * {@code tool.driver} names carapace, its version and every rule checked ({@code id},
 * {@code shortDescription} = title, {@code help} = remedy, {@code defaultConfiguration.level}, and
 * GitHub's {@code security-severity} property); each finding is a result with {@code ruleId},
 * {@code ruleIndex}, {@code level}, {@code message} (message, then the remedy) and, when it has a file, a
 * {@code physicalLocation} (relative {@code artifactLocation.uri}, {@code region.startLine} and
 * {@code startColumn} when known, else line 1); a finding about a {@link Target} (an engine, a container) gets
 * a relative artifact URI naming it, line 1, a {@code logicalLocations} entry and
 * {@code partialFingerprints.primaryLocationLineHash} ({@link Target#fingerprint()}), since code scanning refuses
 * a whole log when one result lacks a location. Notes become the invocation's {@code toolExecutionNotifications};
 * artifacts ({@link ArtifactInfo}: an image and its digest) the run's {@code artifacts}, {@code docker://} URIs
 * with {@code hashes}.
 *
 * <p>Levels: critical and high are {@code error}, medium {@code warning}, low {@code note}.
 */
final class SarifWriter implements ReportWriter {
  static final URI SCHEMA = URI.create("https://json.schemastore.org/sarif-2.1.0.json");
  /** The ObjectMapper SARIF's model needs, made at the first SARIF report: not at start for the other formats. */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }

  @Override
  public String write(Report report, ToolInfo tool, FailOn failOn) {
    Set<ReportingDescriptor> rules = new LinkedHashSet<>();
    Map<String, Integer> index = new HashMap<>();
    for (RuleInfo r : report.rules()) {
      index.put(r.id(), rules.size());
      rules.add(new ReportingDescriptor().withId(r.id())
          .withShortDescription(new MultiformatMessageString().withText(nonEmpty(r.title(), r.id())))
          .withHelp(new MultiformatMessageString().withText(nonEmpty(r.help(), r.title())))
          .withDefaultConfiguration(new ReportingConfiguration().withLevel(ruleLevel(r.severity())))
          .withProperties(new PropertyBag().withTags(new LinkedHashSet<>(List.of("security")))
              .withAdditionalProperty("security-severity", securitySeverity(r.severity()))));
    }
    List<Result> results = new ArrayList<>();
    for (Finding f : report.findings()) {
      String text = f.message() + (f.remedy().isEmpty() ? "" : " Fix: " + f.remedy());
      Result result = new Result().withRuleId(f.ruleId()).withRuleIndex(index.get(f.ruleId()))
          .withLevel(resultLevel(f.severity())).withMessage(new Message().withText(text));
      if (f.file() != null) {
        // code scanning needs a startLine (GitHub's ingestion rule GH1003): the first line when unknown
        PhysicalLocation physical = new PhysicalLocation()
            .withArtifactLocation(new ArtifactLocation().withUri(uri(f.file())))
            .withRegion(new Region().withStartLine(f.line() == null ? 1 : f.line()).withStartColumn(f.column()));
        result.withLocations(List.of(new Location().withPhysicalLocation(physical)));
      } else if (f.target() != null) {
        result.withLocations(List.of(location(f.target())))
            .withPartialFingerprints(new PartialFingerprints().withAdditionalProperty("primaryLocationLineHash",
                f.target().fingerprint()));
      }
      results.add(result);
    }
    List<Notification> notifications = new ArrayList<>();
    for (String note : report.notes()) {
      notifications.add(new Notification().withLevel(Notification.Level.NOTE).withMessage(new Message().withText(note)));
    }
    Set<com.contrastsecurity.sarif.Artifact> artifacts = new LinkedHashSet<>();
    for (ArtifactInfo a : report.artifacts()) {
      PropertyBag properties = new PropertyBag().withAdditionalProperty("name", a.name());
      a.properties().forEach(properties::withAdditionalProperty);
      com.contrastsecurity.sarif.Artifact artifact = new com.contrastsecurity.sarif.Artifact().withLocation(
          new ArtifactLocation().withUri("docker://" + (a.reference() == null ? a.name() : a.reference())))
          .withProperties(properties);
      if (a.digest() != null) {
        artifact.withHashes(new Hashes().withAdditionalProperty("sha-256", a.digest().substring("sha256:".length())));
      }
      artifacts.add(artifact);
    }
    Invocation invocation = new Invocation().withExecutionSuccessful(true)
        .withToolExecutionNotifications(notifications);
    ToolComponent driver = new ToolComponent().withName(tool.name()).withVersion(tool.version())
        .withInformationUri(URI.create(tool.informationUri())).withRules(rules);
    SarifSchema210 log = new SarifSchema210().with$schema(SCHEMA).withVersion(SarifSchema210.Version._2_1_0)
        .withRuns(List.of(new Run().withTool(new Tool().withDriver(driver)).withInvocations(List.of(invocation))
            .withResults(results).withArtifacts(artifacts.isEmpty() ? null : artifacts)));
    // java-sarif leaves out a level equal to SARIF's default (warning): written always, so a reader needs no default
    ObjectNode tree = Json.MAPPER.valueToTree(log);
    JsonNode run = tree.path("runs").path(0);
    JsonNode written = run.path("tool").path("driver").path("rules");
    for (int i = 0; i < report.rules().size(); i++) {
      ((ObjectNode) written.get(i)).with("defaultConfiguration")
          .put("level", ruleLevel(report.rules().get(i).severity()).value());
    }
    JsonNode writtenResults = run.path("results");
    for (int i = 0; i < report.findings().size(); i++) {
      ((ObjectNode) writtenResults.get(i)).put("level", resultLevel(report.findings().get(i).severity()).value());
    }
    try {
      return Json.MAPPER.writeValueAsString(tree) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A target's location: a relative artifact URI that names it (no such file exists; code scanning shows the
   * alert without a source line), line 1, and a logical location with its name and qualified name.
   */
  private static Location location(Target t) {
    return new Location()
        .withPhysicalLocation(new PhysicalLocation().withArtifactLocation(new ArtifactLocation().withUri(t.uri()))
            .withRegion(new Region().withStartLine(1)))
        .withLogicalLocations(new LinkedHashSet<>(List.of(new LogicalLocation().withName(t.name())
            .withFullyQualifiedName(t.qualifiedName()).withKind(t.kind()))))
        .withMessage(new Message().withText(t.qualifiedName()));
  }

  private static String nonEmpty(String text, String otherwise) {
    return text.isEmpty() ? otherwise : text;
  }

  /**
   * The file as a SARIF URI reference: a relative path stays relative (code scanning resolves it
   * against the checkout), with {@code /} separators and each segment percent-encoded.
   */
  static String uri(String file) {
    String path = file.replace('\\', '/');
    StringBuilder b = new StringBuilder(path.startsWith("/") ? "file://" : "");
    for (byte x : path.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if (c < 0x80 && (Character.isLetterOrDigit(c) || "/-._~!$&'()*+,;=@".indexOf(c) >= 0)) {
        b.append((char) c);
      } else {
        b.append('%').append(String.format("%02X", c));
      }
    }
    return b.toString();
  }

  static ReportingConfiguration.Level ruleLevel(Severity s) {
    return switch (s) {
      case CRITICAL, HIGH -> ReportingConfiguration.Level.ERROR;
      case MEDIUM -> ReportingConfiguration.Level.WARNING;
      case LOW -> ReportingConfiguration.Level.NOTE;
    };
  }

  static Result.Level resultLevel(Severity s) {
    return switch (s) {
      case CRITICAL, HIGH -> Result.Level.ERROR;
      case MEDIUM -> Result.Level.WARNING;
      case LOW -> Result.Level.NOTE;
    };
  }

  /** GitHub code scanning's {@code security-severity}: 9.5, 8.0, 5.5, 2.0. */
  static String securitySeverity(Severity s) {
    return switch (s) {
      case CRITICAL -> "9.5";
      case HIGH -> "8.0";
      case MEDIUM -> "5.5";
      case LOW -> "2.0";
    };
  }
}
