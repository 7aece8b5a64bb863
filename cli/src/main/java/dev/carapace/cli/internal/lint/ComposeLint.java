package dev.carapace.cli.internal.lint;

import dev.carapace.cli.internal.output.Finding;
import dev.carapace.cluster.ComposeFile;
import dev.carapace.cluster.ComposeRefusal;
import dev.carapace.cluster.ComposeService;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SpecAttribute;
import dev.carapace.policy.ContainerView;
import dev.carapace.policy.Policy;
import dev.carapace.policy.PolicyReport;
import dev.carapace.policy.Rule;
import dev.carapace.policy.Severity;
import dev.carapace.policy.SourceLocation;
import dev.carapace.policy.Violation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The findings of a Compose file: each service's spec (what docker-compose would run) judged by the policy,
 * each violation placed on the key that set the attribute (the n-th item of {@code ports} or
 * {@code volumes}), or on the service's key when the file is silent; fields the spec cannot hold are judged
 * from what they are ({@code privileged: true} by the rule {@code privileged}, {@code pid}, {@code ipc},
 * {@code uts}, {@code userns_mode} by the host-namespace rules, {@code devices} by {@code host-devices}), and any
 * other refused field is a finding of rule {@value #UNJUDGED} at its line.
 */
final class ComposeLint {
  /** The rule of a Compose field whose effect cannot be judged. */
  static final String UNJUDGED = "unjudged-field";
  static final Rule UNJUDGED_RULE = Rule.builder(UNJUDGED)
      .title("Every field of a Compose service can be judged")
      .severity(Severity.LOW)
      .remedy("write what the field stands for in fields Carapace reads (environment, an image, named mounts)")
      .check((c, f) -> { })
      .build();

  /**
   * Refused Compose keys judged by a rule: key -> {rule id, attribute, problem, the value the rule finds}; the
   * rule's finding stands only when the value as written ({@link ComposeRefusal#value()}) is that value (null:
   * any), and shows it as written; any other value is a finding of rule {@value #UNJUDGED} (its reason quotes it).
   */
  private static final Map<String, String[]> JUDGED_REFUSALS = new LinkedHashMap<>();
  private static final Pattern INDEX = Pattern.compile("^\\w+\\[(\\d+)]");

  static {
    JUDGED_REFUSALS.put("privileged", new String[] {"privileged", "privileged", "must be false", "true"});
    JUDGED_REFUSALS.put("pid", new String[] {"host-pid", "pidMode", "must not be host", "host"});
    JUDGED_REFUSALS.put("ipc", new String[] {"host-ipc", "ipcMode", "must not be host", "host"});
    JUDGED_REFUSALS.put("uts", new String[] {"host-uts", "utsMode", "must not be host", "host"});
    JUDGED_REFUSALS.put("userns_mode", new String[] {"host-userns", "usernsMode", "must not be host", "host"});
    JUDGED_REFUSALS.put("devices", new String[] {"host-devices", "devices", "must not expose a host device", null});
  }

  private ComposeLint() {}

  /** What the file breaks, each finding at its line and column in {@code file}'s terms. */
  static List<Finding> findings(ComposeFile file, Policy policy, String shownName) {
    List<Finding> out = new ArrayList<>();
    for (ComposeService s : file.services()) {
      SecureContainerSpec spec = s.spec();
      if (spec.name().isEmpty()) {
        try {
          spec = spec.toBuilder().name(s.name()).build();
        } catch (IllegalArgumentException e) {
          // a service name Docker would not take as a container name: reported under its image
        }
      }
      ContainerView view = ContainerView.of(spec);
      PolicyReport report = policy.evaluate(view);
      for (Violation v : report.violations()) {
        SourceLocation at = locate(s, v);
        out.add(Finding.at(v.ruleId(), v.severity(), s.name() + ": " + v.message() + " (" + at.field() + ")",
            v.remedy(), shownName, at.line(), at.column()));
      }
    }
    for (ComposeRefusal r : file.refusals()) {
      String key = r.field().replaceFirst("^services\\.[^.]+\\.", "").split("[.\\[]", 2)[0];
      String[] judged = r.service().isPresent() && r.field().startsWith("services.") ? JUDGED_REFUSALS.get(key) : null;
      SourceLocation at = r.location();
      String service = r.service().orElse("");
      String written = r.value().orElse("set");
      if (judged != null && (judged[3] == null || judged[3].equals(written))) {
        Optional<Rule> rule = policy.rule(judged[0]);
        if (rule.isPresent()) {
          out.add(Finding.at(rule.get().id(), rule.get().severity(), service + ": " + judged[1] + " " + judged[2]
              + ": " + written + " (" + r.field() + ")", rule.get().remedy(), shownName, at.line(), at.column()));
        }
        continue;
      }
      out.add(Finding.at(UNJUDGED, Severity.LOW, (service.isEmpty() ? "" : service + ": ") + r.field()
          + " must be judged: " + r.reason(), UNJUDGED_RULE.remedy(), shownName, at.line(), at.column()));
    }
    out.sort(java.util.Comparator.comparingInt(Finding::line).thenComparingInt(Finding::column)); // stable
    return out;
  }

  /**
   * Where {@code v} was written: the n-th item of its list attribute ({@code ports[1].hostIp}), else the key of the
   * first of its spec attributes the file sets ({@code image:} for {@code image-pinned}), else the service's key.
   */
  private static SourceLocation locate(ComposeService s, Violation v) {
    List<SpecAttribute> about = v.specAttributes();
    Matcher index = INDEX.matcher(v.attribute());
    if (!about.isEmpty() && index.find()) {
      List<SourceLocation> items = s.itemLocations(about.get(0));
      int i = Integer.parseInt(index.group(1));
      if (i < items.size()) {
        return items.get(i);
      }
    }
    for (SpecAttribute attribute : about) {
      Optional<SourceLocation> at = s.location(attribute);
      if (at.isPresent()) {
        return at.get();
      }
    }
    return s.location();
  }
}
