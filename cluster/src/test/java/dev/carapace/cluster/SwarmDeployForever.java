package dev.carapace.cluster;

import dev.carapace.core.NetworkMode;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SpecAttribute;
import dev.carapace.core.testing.TestEngine;
import java.time.Duration;

/**
 * Run in a child JVM by {@link SwarmIT}: deploys service {@code args[0]}, then waits to be killed, never
 * closing; {@code args[1]}, when given and a number, is the task's stop timeout in seconds; an argument
 * {@code noreaper} builds the deployer {@link SwarmDeployer.Builder#withoutReaper()}.
 */
public final class SwarmDeployForever {
  private SwarmDeployForever() {}

  public static void main(String[] args) throws InterruptedException {
    SwarmDeployer.Builder builder = SwarmDeployer.builder().endpoint(TestEngine.endpoint());
    if (java.util.List.of(args).contains("noreaper")) {
      builder.withoutReaper();
    }
    SwarmDeployer swarm = builder.build();
    SecureContainerSpec.Builder spec = SecureContainerSpec.builder().image(TestEngine.BUSYBOX).command("sleep", "600")
        .network(NetworkMode.bridge());
    if (args.length > 1 && args[1].matches("\\d+")) {
      spec.stopTimeout(Duration.ofSeconds(Long.parseLong(args[1])));
    }
    swarm.deploy(spec.build(), SwarmDeployment.builder(args[0]).acceptLoss(SpecAttribute.NO_NEW_PRIVILEGES).build(),
        Duration.ofSeconds(120));
    System.out.println("reaper " + dev.carapace.core.internal.engine.Reaper.pid().map(String::valueOf).orElse("none"));
    System.out.println("deployed");
    Thread.sleep(600_000);
  }
}
