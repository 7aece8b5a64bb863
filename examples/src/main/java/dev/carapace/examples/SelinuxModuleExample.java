package dev.carapace.examples;

import dev.carapace.core.NetworkMode;
import dev.carapace.core.Capability;
import dev.carapace.core.DockerRunCommand;
import dev.carapace.core.PortBinding;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SecurityOptions;
import dev.carapace.policy.SelinuxModule;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The seed's hand-written {@code docker_apache.te}, generated from a spec: the capabilities the
 * seed gives its Apache container and its port 80 (published on 127.0.0.1:8080) become a container
 * domain {@code docker_apache_t} with exactly those capabilities and the HTTP port's permissions.
 * Prints the Debian reference-policy form ({@code container_domain_template}), the Fedora/RHEL
 * container-selinux form ({@code virt_sandbox_domain_template}, the seed's), and the spec labelled
 * with the new type.
 *
 * <p>No engine is needed. On Debian, {@code apt-get install selinux-policy-dev} compiles the Debian
 * form for real ({@code make -f /usr/share/selinux/devel/Makefile docker_apache.pp}), but a host
 * without SELinux in its kernel, such as Carapace's testbed, can neither load nor enforce it: there
 * the label is recorded in {@code HostConfig.SecurityOpt} and ignored.
 *
 * <p>Run: {@code mvn -B -ntp -q -pl examples exec:java -Dexec.mainClass=dev.carapace.examples.SelinuxModuleExample}
 */
public final class SelinuxModuleExample {
  /** Starts each printed {@code .te} file; the file ends at {@link #END}. */
  static final String BEGIN = "----- begin ";
  static final String END = "----- end";

  private SelinuxModuleExample() {}

  public static void main(String[] args) {
    System.exit(run(System.out));
  }

  /** Prints both forms of the module and the labelled spec; returns 0. */
  public static int run(PrintStream out) {
    // --- snippet: selinux-module
    SecureContainerSpec apache = SecureContainerSpec.builder()
        .image("httpd:2.4")
        .addCapability(Capability.CHOWN, Capability.DAC_OVERRIDE, Capability.KILL,   // the seed's list
            Capability.SETGID, Capability.SETUID, Capability.NET_BIND_SERVICE,
            Capability.SYS_CHROOT, Capability.SYS_NICE, Capability.SYS_TTY_CONFIG)
        .network(NetworkMode.bridge())
        .addPort(PortBinding.localhost(8080, 80))                  // -p 127.0.0.1:8080:80
        .build();
    SelinuxModule module = SelinuxModule.of("docker_apache", apache);
    String debian = module.debianSource();        // container_domain_template(docker_apache)
    String fedora = module.fedoraSource();        // virt_sandbox_domain_template(docker_apache)
    SecureContainerSpec labelled = module.apply(apache);   // --security-opt label=type:docker_apache_t
    // --- end snippet
    out.println(BEGIN + module.name() + ".te (Debian reference policy: container_domain_template)");
    out.print(debian);
    out.println(END);
    out.println(BEGIN + module.name() + ".te (Fedora/RHEL container-selinux: virt_sandbox_domain_template)");
    out.print(fedora);
    out.println(END);
    out.println("spec's label: " + labelled.selinuxLabel().orElseThrow());
    out.println("security options: " + String.join(" ", SecurityOptions.of(labelled).options()));
    out.println("$ " + DockerRunCommand.renderLine(labelled));
    if (Files.isDirectory(Path.of("/sys/fs/selinux"))) {
      out.println("This host runs SELinux: load with semodule -i " + module.name() + ".pp after compiling with"
          + " make -f /usr/share/selinux/devel/Makefile " + module.name() + ".pp; the engine must run with"
          + " --selinux-enabled for the label to confine the container.");
    } else {
      out.println("This host has no SELinux in its kernel (no /sys/fs/selinux): it can compile the module"
          + " (make -f /usr/share/selinux/devel/Makefile " + module.name() + ".pp) but cannot load or enforce it;"
          + " here the label is recorded in HostConfig.SecurityOpt and ignored.");
    }
    return 0;
  }
}
