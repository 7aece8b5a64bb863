package dev.carapace.examples;

import dev.carapace.cluster.ComposeFile;
import dev.carapace.cluster.ComposeReader;
import dev.carapace.cluster.ComposeRenderer;
import dev.carapace.cluster.ComposeService;
import dev.carapace.core.NetworkMode;
import dev.carapace.core.PortBinding;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SpecAttribute;
import dev.carapace.policy.SourceLocation;
import java.io.PrintStream;

/**
 * A Compose file in and out, no engine needed: read a service as the spec docker-compose would run, with the
 * line of each field, then write a hardened spec as a Compose service.
 *
 * <p>Run: {@code mvn -q -pl examples exec:java -Dexec.mainClass=dev.carapace.examples.ComposeFiles}.
 */
public final class ComposeFiles {
  private ComposeFiles() {}

  public static void main(String[] args) {
    System.exit(run(System.out));
  }

  public static int run(PrintStream out) {
    String yaml = String.join("\n",
        "services:",
        "  web:",
        "    image: nginx:1.25",
        "    ports: [\"8080:80\"]",
        "    cap_add: [NET_ADMIN]",
        "");
    // --- snippet: compose
    ComposeFile file = ComposeReader.strict().read("compose.yaml", yaml, null);
    ComposeService web = file.service("web").orElseThrow();
    SecureContainerSpec spec = web.spec();                        // what docker-compose would run
    SourceLocation at = web.location(SpecAttribute.PORTS).orElseThrow(); // line, column, field
    for (PortBinding p : spec.ports()) {
      out.println(file.fileName() + ":" + at.line() + ":" + at.column() + ": " + p + (p.allInterfaces()
          ? " is published on every interface" : ""));
    }
    String hardened = ComposeRenderer.builder()                   // a hardened service, every setting written
        .addService("web", SecureContainerSpec.builder().image("nginx:1.25")
            .network(NetworkMode.bridge()).addPort(PortBinding.localhost(8080, 80)).build())
        .build()
        .yaml();
    // --- end snippet
    SourceLocation caps = web.location(SpecAttribute.ADDED_CAPABILITIES).orElseThrow();
    out.println(file.fileName() + ":" + caps.line() + ":" + caps.column() + ": adds " + spec.addedCapabilities());
    out.print(hardened);
    return 0;
  }
}
