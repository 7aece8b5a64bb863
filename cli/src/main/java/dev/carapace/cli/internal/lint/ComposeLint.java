package dev.carapace.cli.internal.lint;

import dev.carapace.cli.internal.output.Finding;
import dev.carapace.cluster.ComposeFile;
import dev.carapace.cluster.ComposeLocation;
import dev.carapace.cluster.ComposeRefusal;
import dev.carapace.cluster.ComposeService;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SpecAttribute;
import dev.carapace.policy.ContainerView;
import dev.carapace.policy.Policy;
import dev.carapace.policy.PolicyReport;
import dev.carapace.policy.Rule;
import dev.carapace.policy.Severity;
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

  /** Policy view attribute (its start) -> the spec attribute whose location places it. */
  private static final Map<String, List<SpecAttribute>> ATTRIBUTES = new LinkedHashMap<>();
  /** Refused Compose keys judged by a rule: key -> {rule id, attribute, problem, value}. */
  private static final Map<String, String[]> JUDGED_REFUSALS = new LinkedHashMap<>();
  private static final Pattern INDEX = Pattern.compile("^(?:mounts|ports)\\[(\\d+)]");

  static {
    ATTRIBUTES.put("user", List.of(SpecAttribute.USER));
    ATTRIBUTES.put("healthcheck", List.of(SpecAttribute.HEALTH_CHECK));
    ATTRIBUTES.put("apparmorProfile", List.of(SpecAttribute.APPARMOR_PROFILE));
    ATTRIBUTES.put("selinuxLabel", List.of(SpecAttribute.SELINUX_LABEL));
    ATTRIBUTES.put("seccomp", List.of(SpecAttribute.SECCOMP));
    ATTRIBUTES.put("securityOpts", List.of(SpecAttribute.NO_NEW_PRIVILEGES));
    ATTRIBUTES.put("capAdd", List.of(SpecAttribute.ADDED_CAPABILITIES));
    ATTRIBUTES.put("capDrop", List.of(SpecAttribute.DROP_ALL_CAPABILITIES, SpecAttribute.DROPPED_CAPABILITIES));
    ATTRIBUTES.put("mounts[", List.of(SpecAttribute.MOUNTS));
    ATTRIBUTES.put("networkMode", List.of(SpecAttribute.NETWORK));
    ATTRIBUTES.put("ports[", List.of(SpecAttribute.PORTS));
    ATTRIBUTES.put("sysctls", List.of(SpecAttribute.SYSCTLS));
    ATTRIBUTES.put("runtime", List.of(SpecAttribute.RUNTIME));
    ATTRIBUTES.put("memory", List.of(SpecAttribute.MEMORY_LIMIT));
    ATTRIBUTES.put("cpu", List.of(SpecAttribute.NANO_CPUS, SpecAttribute.CPU_QUOTA, SpecAttribute.CPU_SHARES));
    ATTRIBUTES.put("pidsLimit", List.of(SpecAttribute.PIDS_LIMIT));
    ATTRIBUTES.put("readOnlyRootfs", List.of(SpecAttribute.READ_ONLY_ROOT_FILESYSTEM));
    ATTRIBUTES.put("restartPolicy", List.of(SpecAttribute.RESTART_POLICY));
    ATTRIBUTES.put("log", List.of(SpecAttribute.LOG_CONFIG));
    ATTRIBUTES.put("ulimits", List.of(SpecAttribute.ULIMITS));
    JUDGED_REFUSALS.put("privileged", new String[] {"privileged", "privileged", "must be false", "true"});
    JUDGED_REFUSALS.put("pid", new String[] {"host-pid", "pidMode", "must not be host", "host"});
    JUDGED_REFUSALS.put("ipc", new String[] {"host-ipc", "ipcMode", "must not be host", "host"});
    JUDGED_REFUSALS.put("uts", new String[] {"host-uts", "utsMode", "must not be host", "host"});
    JUDGED_REFUSALS.put("userns_mode", new String[] {"host-userns", "usernsMode", "must not be host", "host"});
    JUDGED_REFUSALS.put("devices", new String[] {"host-devices", "devices", "must not expose a host device", "set"});
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
        ComposeLocation at = locate(s, v);
        out.add(Finding.at(v.ruleId(), v.severity(), s.name() + ": " + v.message() + " (" + at.field() + ")",
            v.remedy(), shownName, at.line(), at.column()));
      }
    }
    for (ComposeRefusal r : file.refusals()) {
      String key = r.field().replaceFirst("^services\\.[^.]+\\.", "").split("[.\\[]", 2)[0];
      String[] judged = r.service().isPresent() && r.field().startsWith("services.") ? JUDGED_REFUSALS.get(key) : null;
      ComposeLocation at = r.location();
      String service = r.service().orElse("");
      if (judged != null) {
        Optional<Rule> rule = policy.rule(judged[0]);
        if (rule.isPresent()) {
          out.add(Finding.at(rule.get().id(), rule.get().severity(), service + ": " + judged[1] + " " + judged[2]
              + ": " + judged[3] + " (" + r.field() + ")", rule.get().remedy(), shownName, at.line(), at.column()));
        }
        continue;
      }
      out.add(Finding.at(UNJUDGED, Severity.LOW, (service.isEmpty() ? "" : service + ": ") + r.field()
          + " must be judged: " + r.reason(), UNJUDGED_RULE.remedy(), shownName, at.line(), at.column()));
    }
    out.sort(java.util.Comparator.comparingInt(Finding::line).thenComparingInt(Finding::column)); // stable
    return out;
  }

  private static ComposeLocation locate(ComposeService s, Violation v) {
    String a = v.attribute();
    for (var e : ATTRIBUTES.entrySet()) {
      if (!a.startsWith(e.getKey())) {
        continue;
      }
      Matcher index = INDEX.matcher(a);
      if (index.find()) {
        List<ComposeLocation> items = s.itemLocations(e.getValue().get(0));
        int i = Integer.parseInt(index.group(1));
        if (i < items.size()) {
          return items.get(i);
        }
      }
      for (SpecAttribute attribute : e.getValue()) {
        Optional<ComposeLocation> at = s.location(attribute);
        if (at.isPresent()) {
          return at.get();
        }
      }
      break;
    }
    return s.location();
  }
}
