package dev.carapace.bench;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectExecResponse;
import com.github.dockerjava.api.model.Frame;
import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.ContainerPath;
import dev.carapace.core.ExecResult;
import dev.carapace.core.RunningContainer;
import dev.carapace.core.SecureContainerSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Section {@code exec-files} (issue 12): an exec round trip, and a copy of a 10 MiB file into and out
 * of a running container, by Carapace, by raw docker-java doing the same requests, and by the docker
 * CLI ({@code docker exec}, {@code docker cp}), interleaved in one run on one container. Ratios are
 * paired by round; the verdicts are "within 5% of raw docker-java" on each (issue 12), "at or under raw
 * docker-java" for exec and copy in, and copy out "within 1.25x of {@code docker cp}" (issue 23).
 */
final class ExecFilesBench {
  private static final int FILE_BYTES = 10 << 20;
  /** Execs per contender per round: one exec is short, so a round takes the mean of a few. */
  private static final int EXECS_PER_ROUND = 5;

  private final ContainerLauncher launcher;
  private final DockerClient raw;
  private final StringBuilder md;
  private final List<String[]> targets;
  private final int iterations;
  private final int warmup;
  /** Each contender's time in the first warm-up round of the last {@link #measure}: the JVM's first call. */
  private double[] firstRound;

  ExecFilesBench(ContainerLauncher launcher, DockerClient raw, StringBuilder md, List<String[]> targets,
      int iterations, int warmup) {
    this.launcher = launcher;
    this.raw = raw;
    this.md = md;
    this.targets = targets;
    this.iterations = iterations;
    this.warmup = warmup;
  }

  private record Contender(String name, Op op) {}

  void run() throws Exception {
    SecureContainerSpec spec = SecureContainerSpec.builder().image(Hardened.IMAGE).command("sleep", "3600")
        .putLabel(Hardened.LABEL, "exec-files").build();
    Path dir = Files.createTempDirectory("carapace-bench-files");
    try (RunningContainer c = launcher.launch(spec)) {
      String id = c.id();
      Path file = dir.resolve("in.bin");
      byte[] data = new byte[FILE_BYTES];
      new java.util.Random(12).nextBytes(data);
      Files.write(file, data);
      ExecResult made = c.exec("sh", "-c", "mkdir -p /bench && head -c " + FILE_BYTES + " /dev/urandom > /bench/out.bin");
      if (made.exitCode() != 0) {
        throw new IllegalStateException("could not prepare /bench: " + made.stderr());
      }
      int[] n = {0};

      List<Contender> exec = List.of(
          new Contender("Carapace `exec(\"true\")`", () -> check(c.exec("true").exitCode())),
          new Contender("raw docker-java: exec create, start (attached), inspect", () -> check(rawExec(id))),
          new Contender("docker CLI `docker exec <id> true`", () -> cli(Hardened.DOCKER_CLI, "exec", id, "true")));
      double[][] execMs = measure("exec", exec, EXECS_PER_ROUND);

      List<Contender> in = List.of(
          new Contender("Carapace `copyInto`", () -> c.copyInto(file, ContainerPath.of("/bench/in-carapace.bin"))),
          new Contender("raw docker-java, the same uncompressed tar stream", () -> rawCopyIn(id, file, "in-raw.bin")),
          new Contender("raw docker-java `withHostResource` (docker-java's own gzip tar in a temp file)",
              () -> raw.copyArchiveToContainerCmd(id).withRemotePath("/bench").withHostResource(file.toString()).exec()),
          new Contender("docker CLI `docker cp FILE <id>:/bench/in-cli.bin`",
              () -> cli(Hardened.DOCKER_CLI, "cp", file.toString(), id + ":/bench/in-cli.bin")));
      double[][] inMs = measure("copy in", in, 1);

      List<Contender> out = List.of(
          new Contender("Carapace `copyFrom`", () -> c.copyFrom(ContainerPath.of("/bench/out.bin"),
              dir.resolve("c" + n[0]++))),
          new Contender("raw docker-java: archive GET, extracted with commons-compress",
              () -> rawCopyOut(id, dir.resolve("r" + n[0]++))),
          new Contender("docker CLI `docker cp <id>:/bench/out.bin FILE`",
              () -> cli(Hardened.DOCKER_CLI, "cp", id + ":/bench/out.bin", dir.resolve("k" + n[0]++).toString())));
      double[][] outMs = measure("copy out", out, 1);

      md.append("\n## Exec and files (issue 12)\n\nOne running container (`").append(Hardened.IMAGE)
          .append("`, `sleep 3600`, Carapace's default hardening); every contender works on it, round-robin, the "
              + "first contender rotating each round; ").append(iterations).append(" rounds after ").append(warmup)
          .append(" warm-up rounds. Exec: the mean of ").append(EXECS_PER_ROUND).append(" round trips of `true` per "
              + "contender per round (create, start attached, inspect for the exit code). Copies: one 10 MiB file "
              + "(random bytes) per contender per round; copy out writes a new host file each time. Ratio: the median "
              + "over rounds of contender / raw docker-java in the same round, with its 95% bootstrap interval.\n");
      table("Exec round trip", exec, execMs, 1);
      table("Copy a 10 MiB file into the container", in, inMs, 1);
      table("Copy a 10 MiB file out of the container", out, outMs, 1);
      md.append("\nThe medians are warm: every contender ran its ").append(warmup).append(" warm-up rounds first, in a JVM "
          + "that had run the exec and copy-in rounds; `docker cp` is a new process each time, its start-up included. "
          + "Copy out's first round, the first copy out of this JVM (after the exec and copy-in rounds), not in the "
          + "medians: Carapace ").append(Stats.ms(firstRound[0])).append(" ms, raw docker-java ")
          .append(Stats.ms(firstRound[1])).append(" ms, docker cp ").append(Stats.ms(firstRound[2])).append(" ms.\n");
      verdict("exec round trip within 5% of raw docker-java", execMs);
      verdict("copy of a 10 MiB file into a container within 5% of raw docker-java (same tar stream)", inMs);
      verdict("copy of a 10 MiB file out of a container within 5% of raw docker-java", outMs);
      toCli(outMs);
      atOrUnder("exec round trip at or under raw docker-java's time (issue 23)", execMs);
      atOrUnder("copy of a 10 MiB file into a container at or under raw docker-java's time (issue 23)", inMs);
    } finally {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Wall ms per contender per round (the mean of {@code per} operations), NaN for a failed round. */
  private double[][] measure(String what, List<Contender> all, int per) {
    int k = all.size();
    double[][] ms = new double[k][iterations];
    firstRound = new double[k];
    for (int round = -warmup; round < iterations; round++) {
      for (int j = 0; j < k; j++) {
        int i = Math.floorMod(j + round, k);
        long t0 = System.nanoTime();
        boolean ok = true;
        for (int r = 0; r < per && ok; r++) {
          try {
            all.get(i).op().run();
          } catch (Exception e) {
            System.out.println(all.get(i).name() + " failed: " + e);
            ok = false;
          }
        }
        double v = (System.nanoTime() - t0) / 1e6 / per;
        if (round == -warmup) {
          firstRound[i] = ok ? v : Double.NaN;
        }
        if (round >= 0) {
          ms[i][round] = ok ? v : Double.NaN;
        }
      }
      System.out.printf("%s round %d done%n", what, round);
    }
    return ms;
  }

  private void table(String title, List<Contender> all, double[][] ms, int base) {
    md.append("\n### ").append(title).append("\n\n| contender | median ms | p25 | p75 | min | ratio vs raw docker-java "
        + "| 95% interval | failed |\n|---|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < all.size(); i++) {
      List<Double> v = Stats.valid(ms[i]);
      List<Double> r = Stats.pairedRatios(ms[i], ms[base]);
      double[] ci = Stats.medianCi(r);
      md.append("| ").append(all.get(i).name()).append(" | ").append(Stats.ms(Stats.median(v))).append(" | ")
          .append(Stats.ms(Stats.percentile(v, .25))).append(" | ").append(Stats.ms(Stats.percentile(v, .75)))
          .append(" | ").append(Stats.ms(Stats.percentile(v, 0))).append(" | ").append(Stats.ratio(Stats.median(r)))
          .append(" | ").append(Stats.ratio(ci[0])).append("–").append(Stats.ratio(ci[1])).append(" | ")
          .append(ms[i].length - v.size()).append(" |\n");
    }
  }

  /** Carapace (row 0) against raw docker-java (row 1): met when the median paired ratio is at most 1.05. */
  private void verdict(String target, double[][] ms) {
    List<Double> r = Stats.pairedRatios(ms[0], ms[1]);
    double ratio = Stats.median(r);
    double[] ci = Stats.medianCi(r);
    String measured = "Carapace " + Stats.ms(Stats.median(Stats.valid(ms[0]))) + " ms vs raw " + Stats.ms(Stats.median(Stats.valid(ms[1])))
        + " ms, paired ratio " + Stats.ratio(ratio) + " (95% " + Stats.ratio(ci[0]) + "–" + Stats.ratio(ci[1]) + ")";
    String verdict = Double.isNaN(ratio) ? "not measured" : ratio <= 1.05 ? "met" : "not met by " + Stats.pct(ratio);
    targets.add(new String[] {target, measured, verdict});
  }


  /**
   * Issue 23: Carapace's copy out (row 0) within 1.25x of {@code docker cp} (row 2), paired by round;
   * "not met by X%" gives how far the median ratio lies above 1.25, in % of docker cp's time.
   */
  private void toCli(double[][] ms) {
    List<Double> r = Stats.pairedRatios(ms[0], ms[2]);
    List<Double> rawR = Stats.pairedRatios(ms[1], ms[2]);
    double ratio = Stats.median(r);
    double[] ci = Stats.medianCi(r);
    String measured = "Carapace " + Stats.ms(Stats.median(Stats.valid(ms[0]))) + " ms, raw docker-java "
        + Stats.ms(Stats.median(Stats.valid(ms[1]))) + " ms, `docker cp` " + Stats.ms(Stats.median(Stats.valid(ms[2])))
        + " ms; Carapace / docker cp paired ratio " + Stats.ratio(ratio) + " (95% " + Stats.ratio(ci[0]) + "–"
        + Stats.ratio(ci[1]) + "); raw docker-java / docker cp " + Stats.ratio(Stats.median(rawR));
    String verdict = Double.isNaN(ratio) ? "not measured" : ratio <= 1.25 ? "met"
        : String.format("not met by %.1f%%", (ratio - 1.25) * 100);
    targets.add(new String[] {"copy of a 10 MiB file out of a container within 1.25x of `docker cp` (issue 23)",
        measured, verdict});
  }

  /** Issue 23: Carapace (row 0) at or under raw docker-java (row 1): the median paired ratio at most 1. */
  private void atOrUnder(String target, double[][] ms) {
    List<Double> r = Stats.pairedRatios(ms[0], ms[1]);
    double ratio = Stats.median(r);
    double[] ci = Stats.medianCi(r);
    String measured = "Carapace " + Stats.ms(Stats.median(Stats.valid(ms[0]))) + " ms vs raw "
        + Stats.ms(Stats.median(Stats.valid(ms[1]))) + " ms, paired ratio " + Stats.ratio(ratio) + " (95% "
        + Stats.ratio(ci[0]) + "–" + Stats.ratio(ci[1]) + ")";
    targets.add(new String[] {target, measured, atOrUnderVerdict(ratio)});
  }

  /** {@code met} when a time ratio is at most 1, else {@code not met by X%} (X: how much longer, in % of raw). */
  static String atOrUnderVerdict(double ratio) {
    return Double.isNaN(ratio) ? "not measured" : ratio <= 1.0 ? "met"
        : String.format("not met by %.1f%%", (ratio - 1) * 100);
  }

  private static void check(long exit) {
    if (exit != 0) {
      throw new IllegalStateException("exit code " + exit);
    }
  }

  /** What a docker-java user writes: create, start attached collecting the frames, inspect for the exit code. */
  private long rawExec(String id) throws Exception {
    String execId = raw.execCreateCmd(id).withCmd("true").withAttachStdout(true).withAttachStderr(true).exec().getId();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ResultCallback.Adapter<Frame> cb = raw.execStartCmd(execId).exec(new ResultCallback.Adapter<>() {
      @Override
      public void onNext(Frame f) {
        out.writeBytes(f.getPayload());
      }
    })) {
      if (!cb.awaitCompletion(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("exec did not end");
      }
    }
    while (true) { // the stream can end a moment before the engine records the exit code, as for Carapace
      InspectExecResponse r = raw.inspectExecCmd(execId).exec();
      if (!Boolean.TRUE.equals(r.isRunning()) && r.getExitCodeLong() != null) {
        return r.getExitCodeLong();
      }
      Thread.sleep(2);
    }
  }

  /** An uncompressed tar of the one file, built in memory, sent as the request body. */
  private void rawCopyIn(String id, Path file, String name) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(FILE_BYTES + 4096);
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      TarArchiveEntry e = new TarArchiveEntry(name);
      e.setSize(Files.size(file));
      e.setMode(0100644);
      tar.putArchiveEntry(e);
      Files.copy(file, tar);
      tar.closeArchiveEntry();
    }
    raw.copyArchiveToContainerCmd(id).withRemotePath("/bench")
        .withTarInputStream(new ByteArrayInputStream(bytes.toByteArray())).exec();
  }

  /** The archive GET, its one entry written to {@code target}. */
  private void rawCopyOut(String id, Path target) throws IOException {
    try (InputStream body = raw.copyArchiveFromContainerCmd(id, "/bench/out.bin").exec();
        TarArchiveInputStream tar = new TarArchiveInputStream(body)) {
      TarArchiveEntry e = tar.getNextEntry();
      if (e == null || !e.isFile()) {
        throw new IllegalStateException("no file in the archive");
      }
      try (OutputStream out = Files.newOutputStream(target)) {
        tar.transferTo(out);
      }
    }
  }

  private static void cli(String... argv) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", argv) + " did not finish");
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(argv[1] + " exited " + p.exitValue() + ": " + new String(out).trim());
    }
  }
}
