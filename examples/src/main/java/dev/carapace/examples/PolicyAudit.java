package dev.carapace.examples;

import dev.carapace.core.Endpoint;
import dev.carapace.policy.EngineAudit;
import dev.carapace.policy.PolicyReport;
import dev.carapace.policy.Profiles;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Audits the containers running on an engine, like docker-bench-security's section 5 but exact:
 * every running container's raw inspect JSON judged by Carapace's default profile (CIS Docker
 * Benchmark 1.6 section 5, Pod Security Standards restricted, the seed's dangerous mounts), in one
 * report. Read-only: it lists and inspects, never creates, changes or stops anything.
 *
 * <p>Run: {@code mvn -B -ntp -q -pl examples exec:java -Dexec.mainClass=dev.carapace.examples.PolicyAudit}
 * (the engine of {@code DOCKER_HOST}, or the unix socket). Arguments: {@code KEY=VALUE} audits only
 * the containers carrying that label (repeatable); {@code --json} prints the report as JSON. Exit
 * code 0 when every container passes, 1 when one breaks a rule (for CI).
 */
public final class PolicyAudit {
  private PolicyAudit() {}

  public static void main(String[] args) {
    Map<String, String> labels = new LinkedHashMap<>();
    boolean json = false;
    for (String arg : args) {
      if (arg.equals("--json")) {
        json = true;
      } else if (arg.indexOf('=') > 0) {
        labels.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
      } else {
        throw new IllegalArgumentException("argument must be --json or a label KEY=VALUE: " + arg);
      }
    }
    System.exit(run(Endpoint.fromEnvironment(), labels, json, System.out));
  }

  /**
   * Audits the running containers of {@code endpoint} (those with every label in {@code labels},
   * or all when empty) and prints the report; returns 0 when all pass, 1 otherwise.
   */
  public static int run(Endpoint endpoint, Map<String, String> labels, boolean json, PrintStream out) {
    // --- snippet: policy-audit
    try (EngineAudit audit = EngineAudit.connect(endpoint)) {   // TLS and basic auth as the endpoint says
      PolicyReport report = labels.isEmpty()
          ? audit.audit(Profiles.carapaceDefault())              // every running container
          : audit.audit(Profiles.carapaceDefault(), labels);     // or those with these labels
      out.println(json ? report.toJson() : report.toText());
      return report.passed() ? 0 : 1;
    }
    // --- end snippet
  }
}
