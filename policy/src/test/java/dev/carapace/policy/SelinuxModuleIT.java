package dev.carapace.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.Capability;
import dev.carapace.core.PortBinding;
import dev.carapace.core.NetworkMode;
import dev.carapace.core.SecureContainerSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles generated modules with Debian's selinux-policy-dev (installed by testbed/setup.sh). This
 * host has no SELinux in its kernel: the .pp package is built for real but cannot be loaded or
 * enforced here.
 */
class SelinuxModuleIT {
  static final Path MAKEFILE = Path.of("/usr/share/selinux/devel/Makefile");

  static String compile(Path dir, SelinuxModule module) throws Exception {
    assertTrue(Files.isRegularFile(MAKEFILE), MAKEFILE + " is missing: run testbed/setup.sh (selinux-policy-dev)");
    module.writeDebianSource(dir);
    Process p = new ProcessBuilder("make", "-f", MAKEFILE.toString(), module.name() + ".pp")
        .directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "make did not finish");
    assertEquals(0, p.exitValue(), out);
    assertTrue(Files.size(dir.resolve(module.name() + ".pp")) > 0, out);
    return out;
  }

  @Test
  void theSeedsApacheModuleCompiles(@TempDir Path dir) throws Exception {
    String out = compile(dir, SelinuxModule.of("docker_apache", SelinuxModuleTest.apache()));
    assertTrue(out.contains("Creating") && out.contains("docker_apache.pp"), out);
  }

  @Test
  void aModuleWithCapability2UdpAndNoCapabilitiesCompiles(@TempDir Path dir) throws Exception {
    SecureContainerSpec dns = SecureContainerSpec.builder().image("x")
        .addCapability(Capability.NET_RAW, Capability.SYSLOG, Capability.SETUID)
        .network(NetworkMode.named("appnet"))
        .addPort(PortBinding.localhost(8053, 53), new PortBinding("127.0.0.1", 5353, 53, PortBinding.Protocol.UDP),
            PortBinding.localhost(9000, 9000), PortBinding.localhost(7000, 700))
        .build();
    compile(dir, SelinuxModule.of("carapace_dns", dns));
    compile(dir, SelinuxModule.of("carapace_min", SecureContainerSpec.builder().image("x").build()));
  }
}
