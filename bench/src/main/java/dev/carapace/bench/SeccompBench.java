package dev.carapace.bench;

import static dev.carapace.bench.Settings.ITERATIONS;
import static dev.carapace.bench.Settings.WARMUP;

import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.NetworkMode;
import dev.carapace.core.PortBinding;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.Wait;
import dev.carapace.policy.RecordedSeccompProfile;
import dev.carapace.policy.SyscallRecorder;
import dev.carapace.policy.SyscallRecording;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Section {@code seccomp} (issue 21; not in the default list: it needs root and sets the host's
 * {@code kernel.printk_ratelimit} to 0 while it records): for three workloads (busybox {@code httpd}
 * serving a page fetched during the recording, a shell script with files and pipes, a script that
 * forks), {@link SyscallRecorder#recordUntilStable} with 2 quiet runs, at most 6: each run's wall time
 * and the number of runs until the set stopped growing; then the hardened {@code true} container
 * launched ({@code launch} + {@code awaitExit} + {@code close}) under its recorded profile and under
 * the engine's default profile, alternating, paired by round.
 */
final class SeccompBench {
  private SeccompBench() {}

  static final String SCRIPT = "for i in 1 2 3; do echo line$i >> /tmp/f; done; cat /tmp/f | grep line2 | wc -l"
      + " > /tmp/n; sort -r /tmp/f | head -1; test \"$(cat /tmp/n)\" = 1";
  static final String FORKS = "for i in 1 2 3 4; do (echo child $i; sleep 0.1) & done; wait; echo all done";

  static void run(ContainerLauncher launcher, StringBuilder md, List<String[]> targets) throws Exception {
    SyscallRecorder recorder = SyscallRecorder.builder().stopTimeout(Duration.ofSeconds(1)).build();
    md.append("\n## Seccomp profile recorded for the workload (issue 21)\n\n`SyscallRecorder.recordUntilStable(spec,"
        + " exercise, 2, 6)`: runs until 2 complete runs in a row add nothing (at most 6). Wall time per run: from"
        + " before the launch to after the kernel log was read (launch, run, stop or exit, remove, 300 ms of log"
        + " quiet). Docker's default (v20.10.24) allows 333 names on x86_64.\n\n| workload | calls | runs | runs until"
        + " stable | wall ms per run | complete runs | processes by descent |\n|---|---|---|---|---|---|---|\n");
    SecureContainerSpec.Builder base = SecureContainerSpec.builder().image(Hardened.IMAGE).putLabel(Hardened.LABEL,
        "seccomp");
    SecureContainerSpec httpd = base.build().toBuilder().command("sh", "-c", "mkdir -p /tmp/www && echo page >"
        + " /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www").network(NetworkMode.bridge())
        .addPort(PortBinding.localhost(0, 8080)).build();
    SyscallRecorder.Exercise fetch = c -> {
      c.await(Wait.portAccepts(8080), Duration.ofSeconds(20));
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", c.hostPort(8080)), 5000);
        s.setSoTimeout(5000);
        OutputStream out = s.getOutputStream();
        out.write("GET /index.html HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        String page = new String(in.readNBytes(65536), StandardCharsets.UTF_8);
        if (!page.endsWith("\r\n\r\npage\n")) {
          throw new IllegalStateException("page: " + page);
        }
      }
    };
    Object[][] workloads = {
      {"busybox httpd, one page fetched", httpd, fetch},
      {"shell script, files and pipes", base.build().toBuilder().command("sh", "-c", SCRIPT).build(), null},
      {"script that forks 4 children", base.build().toBuilder().command("sh", "-c", FORKS).build(), null},
    };
    StringBuilder summary = new StringBuilder();
    for (Object[] w : workloads) {
      SyscallRecording rec = recorder.recordUntilStable((SecureContainerSpec) w[1], (SyscallRecorder.Exercise) w[2],
          2, 6);
      List<Long> ms = rec.runs().stream().map(r -> r.elapsed().toMillis()).toList();
      long complete = rec.runs().stream().filter(SyscallRecording.Run::complete).count();
      int descent = rec.runs().stream().mapToInt(SyscallRecording.Run::processesByDescent).sum();
      md.append("| ").append(w[0]).append(" | ").append(rec.syscalls().size()).append(" | ").append(rec.runs().size())
          .append(" | ").append(rec.runsUntilStable()).append(" | ").append(ms).append(" | ").append(complete)
          .append(" | ").append(descent).append(" |\n");
      summary.append(w[0]).append(": ").append(rec.syscalls().size()).append(" calls, stable after ")
          .append(rec.runsUntilStable()).append(" runs, ").append(ms).append(" ms; ");
      System.out.println("seccomp " + w[0] + ": " + rec + " " + ms);
    }
    // launch time under the recorded profile vs the engine's default, for the hardened `true` container
    SecureContainerSpec plain = Hardened.spec("seccomp-default");
    RecordedSeccompProfile profile = recorder.recordUntilStable(plain, null, 2, 6).profile();
    SecureContainerSpec recorded = Hardened.spec("seccomp-recorded").toBuilder().seccomp(profile.seccomp()).build();
    String[] names = {"engine's default profile", "recorded profile (" + profile.syscalls().size() + " calls)"};
    Op[] ops = {() -> Launches.carapaceLaunch(launcher, plain), () -> Launches.carapaceLaunch(launcher, recorded)};
    double[][] wall = Op.roundRobin("seccomp", names, ops, ITERATIONS, WARMUP);
    md.append("\nLaunch (`launch` + `awaitExit` + `close`) of the hardened `true` container, ").append(ITERATIONS)
        .append(" rounds after ").append(WARMUP).append(" warm-up, alternating who goes first; its recorded profile: ")
        .append(profile.diffSummary()).append(".\n\n| profile | median ms | p25 | p75 | min | failed |\n"
            + "|---|---|---|---|---|---|\n");
    for (int i = 0; i < 2; i++) {
      List<Double> v = Stats.valid(wall[i]);
      md.append("| ").append(names[i]).append(" | ").append(Stats.ms(Stats.median(v))).append(" | ")
          .append(Stats.ms(Stats.percentile(v, .25))).append(" | ").append(Stats.ms(Stats.percentile(v, .75)))
          .append(" | ").append(Stats.ms(Stats.percentile(v, 0))).append(" | ").append(Op.failures(wall[i])).append(" |\n");
    }
    List<Double> ratio = Stats.pairedRatios(wall[1], wall[0]);
    double[] ci = Stats.medianCi(ratio);
    String text = "launch under the recorded profile / the default profile " + Stats.ratio(Stats.median(ratio))
        + " (95% " + Stats.ratio(ci[0]) + "–" + Stats.ratio(ci[1]) + ")";
    md.append("\n").append(text).append(".\n");
    targets.add(new String[] {"seccomp recording per workload; launch under a recorded profile (issue 21: measured,"
        + " no target)", summary + text, "measured"});
  }
}
