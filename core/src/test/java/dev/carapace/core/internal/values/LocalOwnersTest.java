package dev.carapace.core.internal.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

  @Test
  void theUserIsTheJvmsUserName() {
    assertEquals(System.getProperty("user.name"), LocalOwners.userName());
  }

  @Test
  void theDefaultApplicationNameIsTheMainClassOrTheJarOrUnnamed() {
    assertEquals("com.example.Main", LocalOwners.applicationNameOf("com.example.Main --port 8080"));
    assertEquals("com.example.Main", LocalOwners.applicationNameOf("  com.example.Main"));
    assertEquals("billing", LocalOwners.applicationNameOf("/opt/apps/billing.jar serve"));
    assertEquals("billing", LocalOwners.applicationNameOf("billing.jar"));
    assertEquals("billing", LocalOwners.applicationNameOf("C:\\apps\\billing.jar"));
    assertEquals("unnamed", LocalOwners.applicationNameOf(null));
    assertEquals("unnamed", LocalOwners.applicationNameOf(""));
    assertEquals("unnamed", LocalOwners.applicationNameOf("   "));
    assertEquals("unnamed", LocalOwners.applicationNameOf(".jar"), "a jar with no name");
    assertEquals("unnamed", LocalOwners.applicationNameOf("x".repeat(256)), "too long for a name");
    assertEquals(LocalOwners.applicationNameOf(System.getProperty("sun.java.command")), LocalOwners.defaultApplicationName());
  }

  @Test
  void anApplicationNameMustBeALabelValue() {
    assertEquals("billing-worker", LocalOwners.requireApplicationName("billing-worker"));
    assertEquals("Rechnung Ä 2", LocalOwners.requireApplicationName("Rechnung Ä 2"));
    assertEquals("x".repeat(255), LocalOwners.requireApplicationName("x".repeat(255)));
    assertEquals("applicationName", assertThrows(NullPointerException.class,
        () -> LocalOwners.requireApplicationName(null)).getMessage());
    assertEquals("application name \"\" is empty", refused(""));
    assertEquals("application name \"" + "x".repeat(256) + "\" is longer than 255 characters (256)", refused("x".repeat(256)));
    assertEquals("application name \"a\\u0000b\" holds a control character at index 1", refused("a\0b"));
    assertEquals("application name \"a\\u000ab\" holds a control character at index 1", refused("a\nb"));
    assertEquals("application name \" app\" begins or ends with white space", refused(" app"));
    assertEquals("application name \"app\u2003\" begins or ends with white space", refused("app\u2003"));
  }

  private static String refused(String name) {
    return assertThrows(IllegalArgumentException.class, () -> LocalOwners.requireApplicationName(name)).getMessage();
  }
}
