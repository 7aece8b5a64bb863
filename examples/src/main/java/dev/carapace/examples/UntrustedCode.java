package dev.carapace.examples;

import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.ContainerPath;
import dev.carapace.core.ContainerRuntime;
import dev.carapace.core.DockerRunCommand;
import dev.carapace.core.Endpoint;
import dev.carapace.core.MemorySize;
import dev.carapace.core.Mount;
import dev.carapace.core.ProcStatus;
import dev.carapace.core.RunResult;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.Ulimit;
import dev.carapace.policy.ContainerView;
import dev.carapace.policy.Profiles;
import dev.carapace.policy.Rule;
import dev.carapace.policy.Violation;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a snippet of code nobody trusts (a user submission, a plugin, a CI job from a fork) under
 * gVisor with every limit on, and prints what the sandbox shows from inside: gVisor's kernel, the
 * user, the capabilities, the memory it is given, the network, the read-only root; then the
 * snippet's own output, and what the policy says of the spec.
 *
 * <p>Run: {@code mvn -B -ntp -q -pl examples exec:java -Dexec.mainClass=dev.carapace.examples.UntrustedCode}
 * (after {@code testbed/setup.sh}, which installs {@code runsc} and registers it with the engine), and
 * add {@code -Dexec.args="'nc 127.0.0.1 2376'"} to run a snippet of your own: a shell script, run
 * by busybox's {@code sh} in the testbed's {@code carapace-test/busybox:1}.
 */
public final class UntrustedCode {
  /** What the sandbox shows, one {@code key=value} line each, before the snippet runs. */
  static final String PROBE = "echo kernel=$(uname -r); echo boot=$(dmesg | head -n 1 | sed 's/^[[][^]]*[]] //'); "
      + "echo memory=$(grep MemTotal /proc/meminfo | tr -s ' ' | cut -d ' ' -f 2-); "
      + "echo cgroup=$(ls -A /sys/fs/cgroup | wc -l); echo network=$(ls /sys/class/net); "
      + "echo rootfs=$(grep -m 1 ' / ' /proc/mounts | cut -d ' ' -f 4 | cut -d , -f 1); "
      + "if touch /tmp/probe 2>/dev/null; then echo tmp=writable; else echo tmp=read-only; fi; "
      + "echo nofile=$(ulimit -n); cat /proc/self/status";
  static final String DEFAULT_SNIPPET = "echo \"untrusted code ran as uid $(id -u) on kernel $(uname -r)\"";
  private static final String IMAGE = "carapace-test/busybox:1";

  private UntrustedCode() {}

  public static void main(String[] args) {
    String snippet = args.length > 0 ? args[0] : DEFAULT_SNIPPET;
    try (ContainerLauncher launcher = ContainerLauncher.connect(Endpoint.fromEnvironment())) {
      System.exit(run(launcher, IMAGE, snippet, System.out));
    }
  }

  /** Runs {@code snippet} under gVisor and prints the report to {@code out}; returns the snippet's exit code. */
  public static int run(ContainerLauncher launcher, String image, String snippet, PrintStream out) {
    // --- snippet: untrusted-code
    SecureContainerSpec spec = SecureContainerSpec.builder()
        .image(image)
        .command("sh", "-c", PROBE + "; echo --snippet; exec sh -c \"$0\"", snippet)
        .untrusted()                                        // --label dev.carapace.untrusted=true
        .runtime(ContainerRuntime.gvisor())                 // --runtime runsc: gVisor's kernel, not the host's
        .user("1000:1000")                                  // -u 1000:1000
        .readOnlyRootFilesystem(true)                       // --read-only
        .addMount(Mount.tmpfs(ContainerPath.of("/tmp"), MemorySize.ofMebibytes(8)))
        .memoryLimit(MemorySize.ofMebibytes(64))            // -m 64m
        .memorySwap(MemorySize.ofMebibytes(64))             // --memory-swap 64m: no swap
        .nanoCpus(500_000_000L)                             // --cpus 0.5
        .pidsLimit(128)                                     // --pids-limit 128
        .addUlimit(Ulimit.parse("nofile=64:64"))            // --ulimit nofile=64:64
        .build();                                           // + cap-drop ALL, no-new-privileges, network none
    RunResult result = launcher.run(spec, Duration.ofSeconds(60));
    // --- end snippet
    String[] parts = result.stdout().split("--snippet\n", 2);
    if (parts.length < 2) {
      out.println("the sandbox did not run the probe: exit code " + result.exitCode() + ": " + result.stderr());
      return result.exitCode() == 0 ? 1 : result.exitCode();
    }
    Map<String, String> shown = new LinkedHashMap<>();
    int status = parts[0].indexOf("Name:");
    for (String line : parts[0].substring(0, Math.max(status, 0)).split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        shown.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    String procStatus = status < 0 ? "" : parts[0].substring(status);
    ProcStatus proc = ProcStatus.parse(procStatus);
    out.println("Untrusted code under gVisor, container " + result.containerId().substring(0, 12) + " (" + image + ")");
    out.println("  " + DockerRunCommand.renderLine(spec.toBuilder().command("sh", "-c", "PROBE", "SNIPPET").build()));
    out.println("  kernel      " + shown.get("kernel") + " (dmesg: " + shown.get("boot") + ")");
    out.println("  uid         " + proc.uid());
    out.println("  CapEff      " + proc.effectiveHex() + " " + proc.effective());
    out.println("  NoNewPrivs  " + (procStatus.contains("\nNoNewPrivs:") ? (proc.noNewPrivs() ? "1" : "0")
        : "no line (gVisor's /proc omits it; the engine records no-new-privileges)"));
    out.println("  memory      " + shown.get("memory") + " (MemTotal: the limit)");
    out.println("  cgroup      " + shown.get("cgroup") + " files under /sys/fs/cgroup");
    out.println("  network     " + shown.get("network"));
    out.println("  rootfs      " + ("ro".equals(shown.get("rootfs")) ? "read-only" : "writable")
        + " (" + shown.get("rootfs") + " in /proc/mounts)");
    out.println("  /tmp        " + shown.get("tmp"));
    out.println("  nofile      " + shown.get("nofile"));
    out.println("  snippet     exit " + result.exitCode());
    for (String line : parts[1].split("\n", -1)) {
      if (!line.isEmpty()) {
        out.println("  | " + line);
      }
    }
    for (String line : result.stderr().split("\n")) {
      if (!line.isEmpty()) {
        out.println("  ! " + line);
      }
    }
    Rule rule = Profiles.carapaceDefault().rule("untrusted-sandboxed").orElseThrow();
    List<Violation> underRunc = rule.evaluate(ContainerView.of(spec.toBuilder()
        .runtime(ContainerRuntime.engineDefault()).build())).violations();
    out.println("  policy      " + rule.id() + " " + (rule.evaluate(ContainerView.of(spec)).violations().isEmpty()
        ? "passed" : "failed") + "; without the sandbox: " + underRunc.get(0).message());
    return result.exitCode();
  }
}
