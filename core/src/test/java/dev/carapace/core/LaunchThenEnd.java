package dev.carapace.core;

import dev.carapace.core.testing.TestEngine;
import dev.carapace.core.testing.TestPeers;
import dev.carapace.tls.DockerTlsMaterial;
import java.util.List;

/**
 * Run in a child JVM by {@link RemovedAtExitIT}: launches {@code sleep 600} (on a network of its own
 * when asked), prints {@code launched LAUNCHER_ID CONTAINER_ID [NETWORK]} and
 * {@code reaper PID|none}, then ends without closing
 * anything: its main returns, it calls {@code System.exit(0)}, or it waits for a signal.
 *
 * <p>Arguments: {@code return|exit|wait}, then {@code container|network}, then optionally {@code keep}
 * ({@link ContainerLauncher.Builder#keepOnExit()}), {@code noreaper}
 * ({@link ContainerLauncher.Builder#withoutReaper()}), {@code nginx-tls} (the engine through the
 * testbed's nginx, with TLS, a client certificate and basic auth) and {@code app=NAME}
 * ({@link ContainerLauncher.Builder#applicationName(String)}).
 */
final class LaunchThenEnd {
  private LaunchThenEnd() {}

  public static void main(String[] args) throws InterruptedException {
    String how = args[0];
    boolean network = args[1].equals("network");
    Endpoint endpoint = TestEngine.endpoint();
    if (List.of(args).contains("nginx-tls")) {
      // TLS with a client certificate, and basic auth: every credential the reaper must be handed
      endpoint = Endpoint.tls("127.0.0.1", TestPeers.NGINX_TLS, DockerTlsMaterial.readClient(TestPeers.pki()))
          .basicAuth(TestPeers.USER, TestPeers.password());
    }
    ContainerLauncher.Builder builder = ContainerLauncher.builder().endpoint(endpoint);
    for (String option : List.of(args).subList(2, args.length)) {
      if (option.equals("keep")) {
        builder.keepOnExit();
      } else if (option.equals("noreaper")) {
        builder.withoutReaper();
      } else if (option.startsWith("app=")) {
        builder.applicationName(option.substring("app=".length()));
      }
    }
    ContainerLauncher launcher = builder.build();
    SecureContainerSpec.Builder spec = TestEngine.busybox("sleep", "600");
    String name = "";
    if (network) {
      name = "carapace-exit-" + launcher.id().substring(0, 8);
      launcher.createNetwork(NetworkSpec.of(name));
      spec.network(NetworkMode.named(name));
    }
    RunningContainer c = launcher.launch(spec.build());
    // Carapace's stream threads, left running: they must not keep the JVM alive
    c.followLogs(line -> { });
    c.exec("true");
    c.stats();
    System.out.println("launched " + launcher.id() + " " + c.id() + " " + name);
    System.out.println("reaper " + dev.carapace.core.internal.engine.Reaper.pid().map(String::valueOf).orElse("none"));
    System.out.flush();
    switch (how) {
      case "return":
        return;
      case "exit":
        System.exit(0);
        break;
      default:
        Thread.sleep(600_000);
    }
  }
}
