package dev.carapace.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.Capability;
import dev.carapace.core.HealthCheck;
import dev.carapace.core.MemorySize;
import dev.carapace.core.NetworkMode;
import dev.carapace.core.Seccomp;
import dev.carapace.core.SecureContainerSpec;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A check's severity threshold, over generated specs: it acts exactly when a violation reaches it. */
class PolicyCheckThresholdTest {
  private static SecureContainerSpec generate(Random r) {
    SecureContainerSpec.Builder b = SecureContainerSpec.builder().image("carapace-test/busybox:1");
    if (r.nextBoolean()) {
      b.user(r.nextBoolean() ? "1000:1000" : "0");
    }
    if (r.nextBoolean()) {
      b.memoryLimit(MemorySize.ofMebibytes(64));
    }
    if (r.nextBoolean()) {
      b.nanoCpus(500_000_000L);
    }
    b.readOnlyRootFilesystem(r.nextBoolean());
    if (r.nextBoolean()) {
      b.healthCheck(HealthCheck.shell("true"));
    }
    if (r.nextInt(4) == 0) {
      b.allowPrivilegeEscalation();
    }
    if (r.nextInt(4) == 0) {
      b.addCapability(List.of(Capability.NET_RAW, Capability.SYS_ADMIN, Capability.CHOWN).get(r.nextInt(3)));
    }
    if (r.nextInt(5) == 0) {
      b.seccomp(Seccomp.unconfined());
    }
    if (r.nextInt(5) == 0) {
      b.allowHostNetwork();
    } else if (r.nextInt(3) == 0) {
      b.network(NetworkMode.bridge());
    }
    if (r.nextInt(5) == 0) {
      b.unlimitedPids();
    }
    return b.build();
  }

  @Test
  void actsExactlyWhenSomeViolationReachesTheThreshold() {
    Random r = new Random(61);
    Policy policy = Profiles.carapaceDefault();
    for (int i = 0; i < 2000; i++) {
      SecureContainerSpec spec = generate(r);
      Optional<Severity> worst = policy.evaluate(spec).violations().stream().map(Violation::severity)
          .max(Enum::compareTo);
      for (Severity threshold : Severity.values()) {
        boolean refuses = worst.isPresent() && worst.get().compareTo(threshold) >= 0;
        PolicyCheck check = PolicyCheck.enforce(policy).atLeast(threshold);
        if (refuses) {
          PolicyViolationException e = assertThrows(PolicyViolationException.class, () -> check.check(spec));
          assertEquals(policy.evaluate(spec).violations(), e.report().violations(), "the report lists every one");
        } else {
          check.check(spec);
        }
        assertEquals(1, check.reports().size(), "every report is kept, acted on or not");
        PolicyCheck audit = PolicyCheck.builder(policy).mode(PolicyCheck.Mode.WARN).atLeast(threshold).build();
        audit.check(spec); // warns, never throws
      }
      // the default acts on every violation
      if (worst.isPresent()) {
        assertThrows(PolicyViolationException.class, () -> PolicyCheck.enforce(policy).check(spec));
      } else {
        PolicyCheck.enforce(policy).check(spec);
      }
    }
  }

  @Test
  void thresholdIsLowUnlessSetAndCarriesEverythingElse() {
    PolicyCheck check = PolicyCheck.warn(Profiles.cisDocker());
    assertEquals(Severity.LOW, check.threshold());
    PolicyCheck medium = check.atLeast(Severity.MEDIUM);
    assertEquals(Severity.MEDIUM, medium.threshold());
    assertEquals(PolicyCheck.Mode.WARN, medium.mode());
    assertSame(check.policy(), medium.policy());
    assertEquals("PolicyCheck WARN " + check.policy().name() + " at least MEDIUM", medium.toString());
    assertFalse(check.toString().contains("at least"));
    assertThrows(NullPointerException.class, () -> check.atLeast(null));
  }

  @Test
  void aLowFindingAloneRefusesOnlyWithoutAThreshold() {
    SecureContainerSpec onlyLow = SecureContainerSpec.builder().image("carapace-test/busybox:1").user("1000:1000")
        .memoryLimit(MemorySize.ofMebibytes(64)).readOnlyRootFilesystem(true).build();
    PolicyReport report = Profiles.carapaceDefault().evaluate(onlyLow);
    assertEquals(List.of("cpu-limit", "healthcheck", "image-pinned"),
        report.violatedRuleIds().stream().distinct().sorted().toList());
    assertTrue(report.violations().stream().allMatch(v -> v.severity() == Severity.LOW));
    assertThrows(PolicyViolationException.class, () -> PolicyCheck.enforce(Profiles.carapaceDefault()).check(onlyLow));
    PolicyCheck.enforce(Profiles.carapaceDefault()).atLeast(Severity.MEDIUM).check(onlyLow);
  }
}
