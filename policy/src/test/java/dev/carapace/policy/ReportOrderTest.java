package dev.carapace.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every report lists its findings by severity (CRITICAL first), then rule id, then subject. */
class ReportOrderTest {
  /**
   * Root, privileged, every capability, host namespaces, no limits, an image by name alone: a container
   * that breaks most rules.
   */
  private static ContainerView worst(String name) {
    return ContainerView.builder().name(name).image("img").privileged(true).networkMode("host").pidMode("host")
        .ipcMode("host").utsMode("host").build();
  }

  @Test
  void thirteenFindingsComeCriticalFirstThenByRuleThenSubject() {
    PolicyReport report = Profiles.cisDocker().evaluate(worst("app"));
    List<Violation> found = report.violations();
    assertEquals(13, found.size(), report.toText());
    assertEquals(Severity.CRITICAL, found.get(0).severity(), report.toText());
    List<Violation> expected = new ArrayList<>(found);
    expected.sort(Comparator.comparing(Violation::severity, Comparator.reverseOrder())
        .thenComparing(Violation::ruleId).thenComparing(Violation::attribute));
    assertEquals(expected, found);
    assertEquals(found, report.containers().get(0).violations());
    // the text lists them in the same order, line by line
    List<String> textLines = report.toText().lines().filter(l -> l.startsWith("  ["))
        .collect(Collectors.toList());
    List<String> expectedLines = found.stream().map(v -> "  [" + v.severity() + "] " + v.ruleId() + ": " + v.message())
        .collect(Collectors.toList());
    assertEquals(expectedLines, textLines);
    // and so does the refusal
    PolicyViolationException refusal = new PolicyViolationException(report);
    List<String> refusalLines = refusal.getMessage().lines().filter(l -> l.startsWith("  ["))
        .collect(Collectors.toList());
    assertEquals(expectedLines, refusalLines);
    // severities never go up along the list
    for (int i = 1; i < found.size(); i++) {
      assertTrue(found.get(i - 1).severity().compareTo(found.get(i).severity()) >= 0, report.toText());
    }
  }

  @Test
  void aReportOfSeveralContainersSortsAllFindingsBySeverityThenRuleThenContainer() {
    PolicyReport report = Profiles.cisDocker().evaluate(List.of(worst("zeta"), worst("alpha")));
    List<Violation> found = report.violations();
    assertEquals(26, found.size(), report.toText());
    for (int i = 0; i < found.size(); i += 2) {
      assertEquals(found.get(i).ruleId(), found.get(i + 1).ruleId(), report.toText());
      assertEquals("alpha", found.get(i).container(), "the subject breaks a tie: " + found);
      assertEquals("zeta", found.get(i + 1).container(), "the subject breaks a tie: " + found);
    }
    assertEquals(List.of("zeta", "alpha"),
        report.containers().stream().map(PolicyReport.ContainerResult::name).collect(Collectors.toList()),
        "containers stay in the order evaluated");
  }
}
