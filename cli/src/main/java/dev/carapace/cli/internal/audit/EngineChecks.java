package dev.carapace.cli.internal.audit;

import dev.carapace.cli.internal.output.Finding;
import dev.carapace.cli.internal.output.RuleInfo;
import dev.carapace.policy.EngineSecurity;
import dev.carapace.policy.Severity;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine's own settings, from {@code docker info}'s {@code SecurityOptions} ({@link EngineSecurity}):
 * judged by the profiles that judge an engine ({@code carapace-default}, {@code cis-docker}), not by the
 * Pod Security profiles, which judge workloads only.
 */
final class EngineChecks {
  static final RuleInfo SECCOMP = new RuleInfo("engine-seccomp",
      "The engine applies seccomp filters to its containers",
      "run dockerd on a kernel with seccomp and without --seccomp-profile=unconfined", Severity.HIGH);
  static final RuleInfo USERNS = new RuleInfo("engine-userns",
      "The engine remaps container root to an unprivileged user, or runs rootless (CIS Docker 2.10)",
      "start dockerd with --userns-remap=default (or \"userns-remap\" in daemon.json), or run it rootless",
      Severity.MEDIUM);
  static final RuleInfo LSM = new RuleInfo("engine-lsm",
      "The engine confines containers with AppArmor or SELinux",
      "run dockerd on a host with AppArmor, or with --selinux-enabled on an SELinux host", Severity.LOW);
  static final List<RuleInfo> RULES = List.of(SECCOMP, USERNS, LSM);

  private EngineChecks() {}

  static boolean judgesEngine(String profile) {
    return profile.equals("carapace-default") || profile.equals("cis-docker");
  }

  static List<Finding> findings(EngineSecurity s) {
    List<Finding> findings = new ArrayList<>();
    if (!s.seccomp()) {
      findings.add(finding(SECCOMP, "engine: SecurityOptions lists no name=seccomp"));
    }
    if (!s.userns() && !s.rootless()) {
      findings.add(finding(USERNS, "engine: SecurityOptions lists neither name=userns nor name=rootless"));
    }
    if (!s.apparmor() && !s.selinux()) {
      findings.add(finding(LSM, "engine: SecurityOptions lists neither name=apparmor nor name=selinux"));
    }
    return findings;
  }

  private static Finding finding(RuleInfo rule, String message) {
    return Finding.of(rule.id(), rule.severity(), message, rule.help());
  }
}
