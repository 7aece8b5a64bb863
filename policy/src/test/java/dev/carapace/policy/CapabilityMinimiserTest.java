package dev.carapace.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.Capability;
import dev.carapace.core.SecureContainerSpec;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The search against simulated workloads; the real engine is in CapabilityMinimiserIT. */
class CapabilityMinimiserTest {
  static final SecureContainerSpec SPEC = SecureContainerSpec.builder().image("carapace-test/busybox:1").build();

  static CapabilityMinimiser.Trial needs(Set<Capability> needed) {
    return candidate -> candidate.effectiveCapabilities().containsAll(needed);
  }

  @Test
  void findsChownSysChrootNetRawInFarFewerRunsThanSubsets() {
    Set<Capability> needed = EnumSet.of(Capability.CHOWN, Capability.SYS_CHROOT, Capability.NET_RAW);
    CapabilityMinimiser.Result r = CapabilityMinimiser.builder().build().minimise(SPEC, needs(needed));
    assertEquals(needed, r.capabilities());
    assertEquals(needed, r.spec().effectiveCapabilities());
    assertEquals(16384, r.subsets());
    assertEquals(17, r.runs().size());
    assertEquals("[CHOWN, NET_RAW, SYS_CHROOT] in 17 runs (2^14 = 16384 subsets)", r.toString());
  }

  @Test
  void aWorkloadThatNeedsNoneTakesTwoRuns() {
    CapabilityMinimiser.Result r = CapabilityMinimiser.builder().build().minimise(SPEC, c -> true);
    assertEquals(Set.of(), r.capabilities());
    assertEquals(2, r.runs().size());
  }

  @Test
  void everySingleNeededCapabilityIsFoundWithinSevenRuns() {
    for (Capability c : Capability.dockerDefaults()) {
      CapabilityMinimiser.Result r = CapabilityMinimiser.builder().build().minimise(SPEC, needs(EnumSet.of(c)));
      assertEquals(EnumSet.of(c), r.capabilities());
      assertTrue(r.runs().size() <= 7, c + ": " + r.runs().size());
    }
  }

  @Test
  void allFourteenNeededIsStillLinear() {
    CapabilityMinimiser.Result r = CapabilityMinimiser.builder().build()
        .minimise(SPEC, needs(Capability.dockerDefaults()));
    assertEquals(Capability.dockerDefaults(), r.capabilities());
    assertTrue(r.runs().size() < 60, "runs: " + r.runs().size());
  }

  @Test
  void aWorkloadNeedingOneOfTwoAlternativesEndsOneMinimal() {
    // works with CHOWN or with FOWNER: not monotone in the "needs all of a set" sense
    CapabilityMinimiser.Result r = CapabilityMinimiser.builder().build().minimise(SPEC,
        c -> c.effectiveCapabilities().contains(Capability.CHOWN) || c.effectiveCapabilities().contains(Capability.FOWNER));
    assertEquals(1, r.capabilities().size());
  }

  @Test
  void refusesAWorkloadThatFailsWithEveryCapability() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> CapabilityMinimiser.builder().build().minimise(SPEC, c -> false));
    assertEquals("workload must succeed with every candidate capability: it failed with [CHOWN, DAC_OVERRIDE,"
        + " FOWNER, FSETID, KILL, SETGID, SETUID, SETPCAP, NET_BIND_SERVICE, NET_RAW, SYS_CHROOT, MKNOD,"
        + " AUDIT_WRITE, SETFCAP] (check the success test and the spec)", e.getMessage());
  }
}
