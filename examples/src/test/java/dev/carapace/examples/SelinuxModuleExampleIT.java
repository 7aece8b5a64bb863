package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compiles the printed Debian form with Debian's selinux-policy-dev (installed by testbed/setup.sh). */
class SelinuxModuleExampleIT {
  static final Path MAKEFILE = Path.of("/usr/share/selinux/devel/Makefile");

  /** The printed {@code .te} file whose header line contains {@code form}. */
  static String printedModule(String out, String form) {
    int header = out.indexOf(SelinuxModuleExample.BEGIN + "docker_apache.te (" + form);
    assertTrue(header >= 0, out);
    int start = out.indexOf('\n', header) + 1;
    return out.substring(start, out.indexOf(SelinuxModuleExample.END + "\n", start));
  }

  @Test
  void printsBothFormsAndTheDebianOneCompiles(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    assertEquals(0, SelinuxModuleExample.run(new PrintStream(buf, true, StandardCharsets.UTF_8)));
    String out = buf.toString(StandardCharsets.UTF_8);
    System.out.println(out);

    String debian = printedModule(out, "Debian");
    String fedora = printedModule(out, "Fedora");
    assertTrue(debian.startsWith("policy_module(docker_apache, 1.0.0)\n"), debian);
    assertTrue(debian.contains("\ncontainer_domain_template(docker_apache)\n"), debian);
    assertTrue(fedora.contains("\nvirt_sandbox_domain_template(docker_apache)\n"), fedora);
    assertEquals(debian.replace("container_domain_template", "virt_sandbox_domain_template"), fedora);
    assertTrue(debian.contains("\nallow docker_apache_t self:capability { chown dac_override kill setgid setuid"
        + " net_bind_service sys_chroot sys_nice sys_tty_config };\n"), debian);
    assertTrue(debian.contains("\ncorenet_tcp_bind_http_port(docker_apache_t)\n"), debian);
    assertTrue(out.contains("\nspec's label: label=type:docker_apache_t\n"), out);
    assertTrue(out.contains("\nsecurity options: no-new-privileges label=type:docker_apache_t\n"), out);
    assertTrue(out.contains(" --security-opt label=type:docker_apache_t "), out);
    assertTrue(out.contains("cannot load or enforce it"), out);   // this testbed has no SELinux

    assertTrue(Files.isRegularFile(MAKEFILE), MAKEFILE + " is missing: run testbed/setup.sh (selinux-policy-dev)");
    Files.writeString(dir.resolve("docker_apache.te"), debian);
    Process make = new ProcessBuilder("make", "-f", MAKEFILE.toString(), "docker_apache.pp")
        .directory(dir.toFile()).redirectErrorStream(true).start();
    String log = new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(make.waitFor(60, TimeUnit.SECONDS), "make did not finish: " + log);
    assertEquals(0, make.exitValue(), log);
    assertTrue(Files.size(dir.resolve("docker_apache.pp")) > 0, log);
  }
}
