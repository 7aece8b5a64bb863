package dev.carapace.examples;

import dev.carapace.cluster.SwarmDeployer;
import dev.carapace.cluster.SwarmDeployment;
import dev.carapace.cluster.SwarmTask;
import dev.carapace.cluster.UncarriableSpecException;
import dev.carapace.core.Endpoint;
import dev.carapace.core.MemorySize;
import dev.carapace.core.NetworkMode;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SpecAttribute;
import dev.carapace.policy.Profiles;
import dev.carapace.policy.Violation;
import java.io.PrintStream;
import java.time.Duration;

/**
 * The same hardened spec as a replicated Docker Swarm service: refused as it is on this engine (API
 * 1.41 has no per-service no-new-privileges, nor {@code --network none}), then deployed on the default
 * bridge with that one loss accepted by name, which the policy module reports. Two replicas, each
 * task's container verified against the spec; scaled to one; its logs read; removed.
 *
 * <p>Run: {@code mvn -B -ntp -q -pl examples exec:java -Dexec.mainClass=dev.carapace.examples.SwarmService}
 * on an engine that is a swarm manager ({@code docker swarm init --advertise-addr 127.0.0.1}).
 */
public final class SwarmService {
  private SwarmService() {}

  public static void main(String[] args) {
    System.exit(run(Endpoint.fromEnvironment(), args.length > 0 ? args[0] : "carapace-test/busybox:1", System.out));
  }

  /** Deploys, scales and removes the service; returns 0 when every step worked. */
  public static int run(Endpoint endpoint, String image, PrintStream out) {
    SecureContainerSpec hardened = SecureContainerSpec.builder().image(image)
        .command("sh", "-c", "echo uid=$(id -u) $(grep CapEff /proc/self/status); exec sleep 600")
        .user("1000:1000").readOnlyRootFilesystem(true)
        .memoryLimit(MemorySize.ofMebibytes(64)).pidsLimit(64).build();
    try (SwarmDeployer swarm = SwarmDeployer.connect(endpoint)) {
      out.println("target: " + swarm.target());
      try {
        swarm.deploy(hardened, SwarmDeployment.builder("carapace-web").build(), Duration.ofSeconds(60));
        out.println("deployed a spec that cannot be carried: unexpected");
        return 1;
      } catch (UncarriableSpecException e) {
        out.println("refused before any call: " + e.getMessage());
      }
      // --- snippet: swarm
      SecureContainerSpec spec = hardened.toBuilder().network(NetworkMode.bridge()).build();
      SwarmDeployment web = SwarmDeployment.builder("carapace-web").replicas(2)
          .acceptLoss(SpecAttribute.NO_NEW_PRIVILEGES)   // API 1.41 has no per-service no-new-privileges
          .build();
      try (var service = swarm.deploy(spec, web, Duration.ofSeconds(60))) {   // both tasks verified
        for (SwarmTask task : service.tasks()) {
          out.println(task.slot() + " " + task.state() + " " + task.containerId().substring(0, 12));
        }
        service.scale(1, Duration.ofSeconds(60));
        out.print(service.logs().stdout());   // uid=1000 CapEff: 0000000000000000
      }                                               // removed, its containers gone
      for (Violation v : Profiles.carapaceDefault().evaluate(swarm.policyView(spec, web)).violations()) {
        if (v.ruleId().equals("accepted-loss")) {
          out.println(v);   // [HIGH] accepted-loss: noNewPrivileges is not carried (loss accepted): ...
        }
      }
      // --- end snippet
    }
    return 0;
  }
}
