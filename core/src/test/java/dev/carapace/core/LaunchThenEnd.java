package dev.carapace.core;

import dev.carapace.core.testing.TestEngine;
import java.util.List;

/**
 * Run in a child JVM by {@link RemovedAtExitIT}: launches {@code sleep 600} (on a network of its own
 * when asked), prints {@code launched LAUNCHER_ID CONTAINER_ID [NETWORK]}, then ends without closing
 * anything: its main returns, it calls {@code System.exit(0)}, or it waits for a signal.
 *
 * <p>Arguments: {@code return|exit|wait}, then {@code container|network}, then optionally {@code keep}
 * ({@link ContainerLauncher.Builder#keepOnExit()}) and {@code app=NAME}
 * ({@link ContainerLauncher.Builder#applicationName(String)}).
 */
final class LaunchThenEnd {
  private LaunchThenEnd() {}

  public static void main(String[] args) throws InterruptedException {
    String how = args[0];
    boolean network = args[1].equals("network");
    ContainerLauncher.Builder builder = ContainerLauncher.builder().endpoint(TestEngine.endpoint());
    for (String option : List.of(args).subList(2, args.length)) {
      if (option.equals("keep")) {
        builder.keepOnExit();
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
