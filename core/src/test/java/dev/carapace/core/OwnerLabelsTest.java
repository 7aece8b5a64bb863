package dev.carapace.core;

import dev.carapace.core.internal.values.LocalOwners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The owner labels: their keys are a contract with containers left by any earlier release. */
class OwnerLabelsTest {
  @Test
  void keysNeverChange() {
    assertEquals("dev.carapace.managed", OwnerLabels.MANAGED);
    assertEquals("dev.carapace.owner", OwnerLabels.OWNER);
    assertEquals("dev.carapace.launcher", OwnerLabels.LAUNCHER);
    assertEquals("dev.carapace.host", OwnerLabels.HOST);
    assertEquals("dev.carapace.user", OwnerLabels.USER);
    assertEquals("dev.carapace.application", OwnerLabels.APPLICATION);
    assertEquals("dev.carapace.at-exit", OwnerLabels.AT_EXIT);
    assertEquals("dev.carapace.create", OwnerLabels.CREATE);
  }

  @Test
  void currentOwnerIsPidHostAndStart() {
    ProcessHandle self = ProcessHandle.current();
    long start = self.info().startInstant().orElseThrow().toEpochMilli();
    assertEquals(self.pid() + "@" + OwnerLabels.hostName() + "@" + start, OwnerLabels.currentOwner());
    assertEquals(Map.of("dev.carapace.managed", "true", "dev.carapace.owner", OwnerLabels.currentOwner(),
        "dev.carapace.launcher", "L1"), OwnerLabels.of("L1"));
  }

  @Test
  void onlyGoneProcessesOfThisHostAreDead() {
    String host = OwnerLabels.hostName();
    assertFalse(LocalOwners.isDead(OwnerLabels.currentOwner()));
    assertTrue(LocalOwners.isDead("2147483646@" + host + "@1"), "no such pid");
    long pid = ProcessHandle.current().pid();
    assertTrue(LocalOwners.isDead(pid + "@" + host + "@1"), "pid reused by a later process");
    assertFalse(LocalOwners.isDead("2147483646@another-host@1"));
    assertFalse(LocalOwners.isDead("not-an-owner"));
    assertFalse(LocalOwners.isDead("x@" + host + "@1"));
  }
}
