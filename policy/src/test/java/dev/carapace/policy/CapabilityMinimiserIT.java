package dev.carapace.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.Capability;
import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.testing.TestEngine;
import dev.carapace.policy.testing.PolicyTesting;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The seed's capability method, automated against the real engine. */
class CapabilityMinimiserIT {
  final String run = UUID.randomUUID().toString();
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  SecureContainerSpec workload(String script) {
    return SecureContainerSpec.builder().image(TestEngine.BUSYBOX).putLabel(PolicyTesting.TEST_LABEL, run)
        .command("sh", "-c", script).build();
  }

  static void print(String what, CapabilityMinimiser.Result r) {
    System.out.println(what + ": " + r);
    r.runs().forEach(x -> System.out.println("  " + (x.worked() ? "works " : "fails ") + x.capabilities()
        + " " + x.elapsed().toMillis() + " ms"));
  }

  @Test
  void chownChrootPingNeedsExactlyChownSysChrootNetRaw() {
    try (ContainerLauncher launcher = ContainerLauncher.connect(TestEngine.endpoint())) {
      SecureContainerSpec spec = workload("touch /tmp/x && chown 1000 /tmp/x && chroot / true"
          + " && ping -c1 -W1 127.0.0.1 >/dev/null && echo done");
      long t0 = System.nanoTime();
      CapabilityMinimiser.Result r = CapabilityMinimiser.builder().build()
          .minimise(spec, CapabilityMinimiser.exitsWith(launcher, TIMEOUT, 0));
      print("chown+chroot+ping (" + (System.nanoTime() - t0) / 1_000_000 + " ms)", r);
      assertEquals(EnumSet.of(Capability.CHOWN, Capability.SYS_CHROOT, Capability.NET_RAW), r.capabilities());
      assertEquals(17, r.runs().size());
      assertEquals(16384, r.subsets());
      // the minimal spec really works, and the output test agrees
      assertTrue(CapabilityMinimiser.outputMatches(launcher, TIMEOUT, Pattern.compile("^done$", Pattern.MULTILINE))
          .works(r.spec()));
    }
  }

  @Test
  void aWorkloadThatNeedsNoCapabilityGetsNone() {
    try (ContainerLauncher launcher = ContainerLauncher.connect(TestEngine.endpoint())) {
      CapabilityMinimiser.Result r = CapabilityMinimiser.builder().build()
          .minimise(workload("echo hello && ls / >/dev/null"), CapabilityMinimiser.exitsWith(launcher, TIMEOUT, 0));
      print("echo+ls", r);
      assertEquals(Set.of(), r.capabilities());
      assertEquals(2, r.runs().size());
    }
  }

  @Test
  void healthTestFindsNoCapabilityForTheHealthcheckedImage() {
    try (ContainerLauncher launcher = ContainerLauncher.connect(TestEngine.endpoint())) {
      SecureContainerSpec spec = SecureContainerSpec.builder().image(TestEngine.BUSYBOX_USER)
          .putLabel(PolicyTesting.TEST_LABEL, run).command("sleep", "30").build();
      CapabilityMinimiser.Result r = CapabilityMinimiser.builder().build()
          .minimise(spec, CapabilityMinimiser.becomesHealthy(launcher, TIMEOUT));
      print("healthy", r);
      assertEquals(Set.of(), r.capabilities());
    }
  }
}
