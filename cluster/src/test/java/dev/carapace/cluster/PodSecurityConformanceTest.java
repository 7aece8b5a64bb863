package dev.carapace.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.policy.PolicyReport;
import dev.carapace.policy.Profiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Pod Security Standards conformance corpus (src/test/resources/pss/latest): for each control of each
 * level, pods modelled on the published standard that pass and pods that fail, each judged on its own.
 * The audit must agree on every fixture; the figure it prints is the one docs/cluster.md quotes.
 */
class PodSecurityConformanceTest {
  private static final Pattern CONTROL = Pattern.compile("(?m)^# control: (.+)$");
  private static final Pattern EXPECT = Pattern.compile("(?m)^# expect: (pass|fail) \\((.+)\\)$");

  /** The baseline controls as the standard lists them; restricted's own controls. */
  static final Set<String> BASELINE_CONTROLS = Set.of("HostProcess", "Host Namespaces", "Privileged Containers",
      "Capabilities", "HostPath Volumes", "Host Ports", "Host Probes / Lifecycle Hooks", "AppArmor", "SELinux",
      "/proc Mount Type", "Seccomp", "Sysctls");
  static final Set<String> RESTRICTED_CONTROLS = Set.of("Volume Types", "Privilege Escalation",
      "Running as Non-root", "Running as Non-root user", "Seccomp", "Capabilities", "/proc Mount Type");

  @Test
  void theAuditAgreesWithEveryFixture() throws IOException {
    int agreed = 0;
    int total = 0;
    List<String> disagreements = new ArrayList<>();
    for (var level : Map.of("baseline", Profiles.podSecurityBaseline(), "restricted",
        Profiles.podSecurityRestricted()).entrySet()) {
      Map<String, Set<String>> outcomes = new TreeMap<>();
      for (Fixture f : fixtures("pss/latest/" + level.getKey() + ".yaml")) {
        total++;
        PolicyReport report = ManifestAudit.judge(f.yaml(), level.getValue());
        boolean passed = report.passed();
        // a failing pod fails for its control's rules only: the corpus tests one control at a time
        Set<String> rules = RULES.get(f.control().startsWith("Running as Non-root") ? "Running as Non-root"
            : level.getKey().equals("restricted") && f.control().equals("Capabilities") ? "Capabilities (restricted)"
            : level.getKey().equals("restricted") && f.control().equals("Volume Types") ? "HostPath Volumes"
            : f.control());
        assertTrue(rules.containsAll(report.violatedRuleIds()), f.control() + " (" + f.why() + ") broke "
            + report.violatedRuleIds() + ", not only " + rules);
        outcomes.computeIfAbsent(f.control(), k -> new TreeSet<>()).add(f.expectPass() ? "pass" : "fail");
        if (passed == f.expectPass()) {
          agreed++;
        } else {
          disagreements.add(level.getKey() + " " + f.control() + ": expected " + (f.expectPass() ? "pass" : "fail")
              + " (" + f.why() + ")\n" + ManifestAudit.judge(f.yaml(), level.getValue()).toText());
        }
      }
      Set<String> controls = level.getKey().equals("baseline") ? BASELINE_CONTROLS : RESTRICTED_CONTROLS;
      assertEquals(new TreeSet<>(controls), outcomes.keySet(), level.getKey() + ": every control has fixtures");
      outcomes.forEach((control, seen) -> assertEquals(Set.of("pass", "fail"), seen,
          level.getKey() + " " + control + " has a passing and a failing pod"));
    }
    System.out.println("PSS conformance (policy version latest): the audit agrees on " + agreed + " of " + total
        + " fixtures");
    assertEquals(List.of(), disagreements, String.join("\n\n", disagreements));
    assertTrue(total >= 70, "corpus size: " + total);
  }

  /** The rule ids that judge each control. */
  private static final Map<String, Set<String>> RULES = Map.ofEntries(
      Map.entry("HostProcess", Set.of("host-process")),
      Map.entry("Host Namespaces", Set.of("host-network", "host-pid", "host-ipc")),
      Map.entry("Privileged Containers", Set.of("privileged")),
      Map.entry("Capabilities", Set.of("baseline-capabilities")),
      Map.entry("Capabilities (restricted)", Set.of("restricted-capabilities", "baseline-capabilities")),
      Map.entry("HostPath Volumes", Set.of("host-path-volumes")),
      Map.entry("Host Ports", Set.of("host-ports")),
      Map.entry("Host Probes / Lifecycle Hooks", Set.of("probe-host")),
      Map.entry("AppArmor", Set.of("apparmor")),
      Map.entry("SELinux", Set.of("selinux-type")),
      Map.entry("/proc Mount Type", Set.of("proc-mount")),
      Map.entry("Seccomp", Set.of("seccomp")),
      Map.entry("Sysctls", Set.of("sysctls")),
      Map.entry("Privilege Escalation", Set.of("no-new-privileges")),
      Map.entry("Running as Non-root", Set.of("non-root-user")));

  record Fixture(String control, boolean expectPass, String why, String yaml) {}

  static List<Fixture> fixtures(String resource) throws IOException {
    String text;
    try (InputStream in = PodSecurityConformanceTest.class.getClassLoader().getResourceAsStream(resource)) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<Fixture> out = new ArrayList<>();
    for (String doc : text.split("(?m)^---$")) {
      Matcher c = CONTROL.matcher(doc);
      Matcher e = EXPECT.matcher(doc);
      if (!c.find()) {
        continue; // the header
      }
      assertTrue(e.find(), "fixture without # expect: " + doc);
      out.add(new Fixture(c.group(1).trim(), e.group(1).equals("pass"), e.group(2), doc));
    }
    return out;
  }
}
