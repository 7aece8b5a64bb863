package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.testing.TestEngine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The example on the real engine and the real runsc: what the sandbox shows, exactly. */
class UntrustedCodeIT {
  private static final String SHOWN = ""
      + "  docker run --user 1000:1000 --label dev.carapace.untrusted=true --cap-drop ALL --security-opt"
      + " no-new-privileges --runtime runsc --read-only --network none --tmpfs /tmp:size=8m --cpus 0.5 --memory 64m"
      + " --memory-swap 64m --pids-limit 128 --ulimit nofile=64:64 carapace-test/busybox:1 sh -c PROBE SNIPPET\n"
      + "  kernel      4.4.0 (dmesg: Starting gVisor...)\n"
      + "  uid         1000\n"
      + "  CapEff      0000000000000000 []\n"
      + "  NoNewPrivs  no line (gVisor's /proc omits it; the engine records no-new-privileges)\n"
      + "  memory      65536 kB (MemTotal: the limit)\n"
      + "  cgroup      0 files under /sys/fs/cgroup\n"
      + "  network     lo\n"
      + "  rootfs      read-only (ro in /proc/mounts)\n"
      + "  /tmp        writable\n"
      + "  nofile      64\n";
  private static final String POLICY = "  policy      untrusted-sandboxed passed; without the sandbox: runtime must be"
      + " sandboxed for untrusted code: \"\" (the engine's default, runc unless configured otherwise)\n";

  private static String run(String snippet, int expectedExit) {
    TestEngine.requireGvisor();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (ContainerLauncher launcher = TestEngine.launcher()) {
      assertEquals(expectedExit, UntrustedCode.run(launcher, TestEngine.BUSYBOX, snippet,
          new PrintStream(buf, true, StandardCharsets.UTF_8)));
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    System.out.println(out);
    String header = "Untrusted code under gVisor, container ";
    assertTrue(out.startsWith(header), out);
    return out.substring(out.indexOf('\n') + 1);
  }

  @Test
  void printsWhatTheSandboxShows() {
    assertEquals(SHOWN
        + "  snippet     exit 0\n"
        + "  | untrusted code ran as uid 1000 on kernel 4.4.0\n"
        + POLICY, run(UntrustedCode.DEFAULT_SNIPPET, 0));
  }

  @Test
  void aSnippetReachingForTheHostsEngineFindsOnlyTheSandboxsLoopback() {
    // dockerd listens on the host's 127.0.0.1:2376; the sandbox's 127.0.0.1 is its own
    String snippet = "nc -w 2 127.0.0.1 2376 </dev/null && echo reached-the-engine || echo engine-unreachable;"
        + " touch /etc/owned; exit 3";
    assertEquals(SHOWN
        + "  snippet     exit 3\n"
        + "  | engine-unreachable\n"
        + "  ! nc: can't connect to remote host (127.0.0.1): Connection refused\n"
        + "  ! touch: /etc/owned: Permission denied\n"
        + POLICY, run(snippet, 3));
  }
}
