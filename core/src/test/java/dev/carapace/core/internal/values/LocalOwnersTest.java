package dev.carapace.core.internal.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.OwnerLabels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The owner values as this host judges them, for the launcher's and the Swarm deployer's cleanup alike. */
class LocalOwnersTest {
  @Test
  void theHostIsTheKernelsAndTheCurrentOwnersHost() throws Exception {
    assertEquals(Files.readString(Path.of("/proc/sys/kernel/hostname")).trim(), LocalOwners.hostName());
    assertEquals(LocalOwners.hostName(), OwnerLabels.currentOwner().split("@")[1]);
  }

  @Test
  void onlyGoneProcessesOfThisHostAreDead() throws Exception {
    String host = LocalOwners.hostName();
    assertFalse(LocalOwners.isDead(OwnerLabels.currentOwner()));
    assertTrue(LocalOwners.isDead("2147483646@" + host + "@1"), "no such pid");
    long pid = ProcessHandle.current().pid();
    assertTrue(LocalOwners.isDead(pid + "@" + host + "@1"), "pid reused by a later process");
    assertFalse(LocalOwners.isDead("2147483646@another-host@1"));
    assertFalse(LocalOwners.isDead("not-an-owner"));
    assertFalse(LocalOwners.isDead("x@" + host + "@1"));
    assertFalse(LocalOwners.isDead(pid + "@" + host + "@1@2"));
    Process child = new ProcessBuilder("true").start();
    long childPid = child.pid();
    long childStart = child.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
    child.waitFor();
    assertTrue(LocalOwners.isDead(childPid + "@" + host + "@" + childStart), "a process that exited");
  }
}
