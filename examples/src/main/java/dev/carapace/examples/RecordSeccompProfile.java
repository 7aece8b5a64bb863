package dev.carapace.examples;

import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.DockerRunCommand;
import dev.carapace.core.Endpoint;
import dev.carapace.core.RunResult;
import dev.carapace.core.Seccomp;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.policy.RecordedSeccompProfile;
import dev.carapace.policy.SyscallRecorder;
import dev.carapace.policy.SyscallRecording;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Issue 21: the system calls a workload makes, recorded on the local engine, made into a seccomp
 * profile that refuses everything else, and checked by running the workload under it.
 * {@link SyscallRecorder} runs a shell script (files and pipes) under a logging profile
 * ({@code SCMP_ACT_LOG}) until two runs in a row add nothing, prints the set and how it compares with
 * Docker's default profile, writes the profile to a file, runs the script again under it, and shows
 * that a call outside the set ({@code unshare}) is refused inside the container with {@code EPERM}.
 *
 * <p>Needs root and a local engine on its unix socket (the kernel's log is read), and sets the host's
 * {@code kernel.printk_ratelimit} to 0 while it records (restored after). docs/seccomp.md.
 *
 * <p>Run: {@code mvn -B -ntp -q -pl examples exec:java -Dexec.mainClass=dev.carapace.examples.RecordSeccompProfile}
 * (after {@code testbed/setup.sh} and an install). The image defaults to the testbed's
 * {@code carapace-test/busybox:1}; pass another as the first argument.
 */
public final class RecordSeccompProfile {
  static final String SCRIPT = "for i in 1 2 3; do echo line$i >> /tmp/f; done; cat /tmp/f | grep line2 | wc -l"
      + " > /tmp/n; sort -r /tmp/f | head -1; test \"$(cat /tmp/n)\" = 1";

  private RecordSeccompProfile() {}

  public static void main(String[] args) throws IOException {
    String image = args.length > 0 ? args[0] : "carapace-test/busybox:1";
    Path dir = Files.createTempDirectory("carapace-seccomp");
    int code;
    try {
      code = run(Endpoint.unixSocket(Path.of("/var/run/docker.sock")), image, dir, System.out);
    } finally {
      Files.deleteIfExists(dir.resolve("script.json"));
      Files.deleteIfExists(dir);
    }
    System.exit(code);
  }

  /** Records, writes {@code dir/script.json}, checks; returns 0 when the script passes under its profile and unshare is refused. */
  public static int run(Endpoint endpoint, String image, Path dir, PrintStream out) throws IOException {
    // --- snippet: record-seccomp-profile
    SecureContainerSpec spec = SecureContainerSpec.builder()
        .image(image)
        .command("sh", "-c", SCRIPT)
        .build();
    SyscallRecorder recorder = SyscallRecorder.builder().endpoint(endpoint).build();
    SyscallRecording recording = recorder.recordUntilStable(spec, null, 2, 6);   // until 2 runs add nothing
    RecordedSeccompProfile profile = recording.profile();                         // SCMP_ACT_ERRNO + the set
    out.println(recording);          // 34 system calls on x86_64 in 3 runs (stable after 1), complete
    out.println(profile.diffSummary());   // ...; Docker's default (v20.10.24) allows 333: 299 removed, 0 added
    Seccomp seccomp = profile.writeTo(dir.resolve("script.json"));                // --security-opt seccomp=<file>
    SyscallRecorder.Check check = recorder.check(spec, profile, null, recording.exitCodes().first());
    out.println("under its profile: " + check);   // passed: exit 0 as recorded, 2111 ms
    // --- end snippet
    out.println("calls: " + recording.syscalls());
    recording.runs().forEach(r -> out.println("  run: " + r));
    out.println("  $ " + DockerRunCommand.renderLine(spec.toBuilder().seccomp(seccomp).build()));
    RunResult probe;
    try (ContainerLauncher launcher = ContainerLauncher.connect(endpoint)) {
      probe = launcher.run(spec.toBuilder().command("sh", "-c", SCRIPT + "; unshare -U true; echo unshare-rc=$?")
          .seccomp(seccomp).build(), Duration.ofSeconds(30));
    }
    out.println("unshare under the profile: " + probe.stderr().strip() + " (" + probe.stdout().strip()
        .replace('\n', ' ') + ")");
    boolean denied = probe.stderr().contains("Operation not permitted") && probe.stdout().contains("unshare-rc=1");
    return check.passed() && denied ? 0 : 1;
  }
}
