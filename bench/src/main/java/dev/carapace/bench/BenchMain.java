package dev.carapace.bench;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.RemoveContainerCmd;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Version;
import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.ContainerRuntime;
import dev.carapace.core.Endpoint;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.policy.Profiles;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs every benchmark in one JVM, interleaved, and writes {@code results/<date>.md}. Started by
 * {@code bench/run.sh}; tune with system properties {@code bench.iterations} (latency rounds, 30),
 * {@code bench.warmup} (3), {@code bench.batch} (launches per throughput batch, 16),
 * {@code bench.rounds} (throughput rounds, 5), {@code bench.cold} (cold-start repetitions, 7),
 * {@code bench.sections} (comma list of roundtrips,latency,throughput,gvisor,swarm,cold,jmh,exec-files,logs,kube; default all).
 */
public final class BenchMain {
  private static final Path SOCKET = Path.of("/var/run/docker.sock");
  private static final int ITERATIONS = Integer.getInteger("bench.iterations", 30);
  private static final int WARMUP = Integer.getInteger("bench.warmup", 3);
  private static final int BATCH = Integer.getInteger("bench.batch", 16);
  private static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
  private static final int COLD = Integer.getInteger("bench.cold", 7);
  private static final int CONCURRENCY = 8;
  private static final Set<String> SECTIONS = new LinkedHashSet<>(Arrays.asList(
      System.getProperty("bench.sections", "roundtrips,latency,throughput,gvisor,swarm,cold,jmh,exec-files,logs,kube").split(",")));
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private final StringBuilder md = new StringBuilder();
  private final List<String[]> targets = new ArrayList<>();
  private final ContainerLauncher launcher;
  private final DockerClient raw;

  private BenchMain(ContainerLauncher launcher, DockerClient raw) {
    this.launcher = launcher;
    this.raw = raw;
  }

  @FunctionalInterface
  interface Op {
    void run() throws Exception;
  }

  record Contender(String name, String calls, Op op, boolean cpu) {}

  public static void main(String[] args) throws Exception {
    for (String v : List.of("TESTCONTAINERS_RYUK_DISABLED", "TESTCONTAINERS_HOST_OVERRIDE")) {
      if (System.getenv(v) == null) {
        throw new IllegalStateException(v + " must be set (bench/run.sh sets it; see shared TESTBED.md)");
      }
    }
    Path results = Path.of(System.getProperty("bench.results", "results"));
    Files.createDirectories(results);
    ZonedDateTime started = ZonedDateTime.now();
    int exit = 0;
    try (ContainerLauncher launcher = ContainerLauncher.connect(Endpoint.unixSocket(SOCKET))) {
      DockerClient raw = Hardened.rawClient("unix://" + SOCKET);
      BenchMain bench = new BenchMain(launcher, raw);
      try {
        bench.header(started);
        bench.runSections();
      } catch (Exception | Error e) {
        exit = 1;
        bench.md.append("\n**The run failed:** `").append(e).append("`\n");
        e.printStackTrace();
      } finally {
        bench.footer(started);
        cleanUp(raw);
        raw.close();
      }
      Path file = results.resolve(started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmmss")) + ".md");
      Files.writeString(file, bench.md.toString(), StandardCharsets.UTF_8);
      System.out.println("\n" + bench.md);
      System.out.println("written: " + file.toAbsolutePath());
    }
    System.exit(exit);
  }

  private void runSections() throws Exception {
    if (SECTIONS.contains("roundtrips")) {
      roundTrips();
    }
    if (SECTIONS.contains("latency")) {
      latency();
    }
    if (SECTIONS.contains("throughput")) {
      throughput();
    }
    if (SECTIONS.contains("gvisor")) {
      gvisor();
    }
    if (SECTIONS.contains("swarm")) {
      SwarmBench.run(md, targets, raw, SOCKET);
    }
    if (SECTIONS.contains("cold")) {
      coldStart();
    }
    if (SECTIONS.contains("jmh")) {
      jmh();
    }
    if (SECTIONS.contains("exec-files")) {
      new ExecFilesBench(launcher, raw, md, targets, ITERATIONS, WARMUP).run();
    }
    if (SECTIONS.contains("logs")) {
      LogFollowBench.run(launcher, raw, md, targets);
    }
    if (SECTIONS.contains("kube")) {
      KubeBench.run(md);
    }
  }

  // ---------------------------------------------------------------- header and footer

  private void header(ZonedDateTime started) throws IOException {
    Version v = raw.versionCmd().exec();
    md.append("# Carapace benchmarks, ").append(started.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append("\n\n");
    md.append("Command: `").append(System.getenv().getOrDefault("BENCH_COMMAND", "bench/run.sh")).append("`\n\n");
    md.append("| fact | value |\n|---|---|\n");
    row("CPUs (nproc)", String.valueOf(Runtime.getRuntime().availableProcessors()));
    row("CPU model", cpuModel());
    row("memory", memTotal());
    row("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    row("engine", "Docker Engine " + v.getVersion() + " (API " + v.getApiVersion() + "), "
        + Hardened.DOCKER_CLI + " client");
    row("Java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    row("libraries", "docker-java 3.7.1 (httpclient5 transport), Testcontainers 2.0.5, JMH 1.37");
    row("load average at start", loadAverage());
    row("settings", "latency " + ITERATIONS + " rounds after " + WARMUP + " warm-up rounds; throughput "
        + ROUNDS + " rounds of " + BATCH + " launches; cold start " + COLD + " repetitions");
    md.append("\nThe container, for every contender: image `").append(Hardened.IMAGE)
        .append("`, command `true`, `--cap-drop ALL --security-opt no-new-privileges --read-only "
            + "--cpu-shares 512 --cpuset-cpus 0 --pids-limit 64 --memory 64m --network none`.\n\n")
        .append("**Noise:** the machine's 2 CPUs are shared with other sessions' builds and tests. Every "
            + "table interleaves its contenders round-robin (each round rotates who goes first), reports "
            + "medians, and pairs samples of the same round for ratios, but differences of a few percent "
            + "are below what one run can resolve; the 95% intervals (bootstrap over rounds) say how much.\n");
  }

  private void footer(ZonedDateTime started) throws IOException {
    md.append("\n## Targets\n\n| target | measured | verdict |\n|---|---|---|\n");
    for (String[] t : targets) {
      md.append("| ").append(t[0]).append(" | ").append(t[1]).append(" | ").append(t[2]).append(" |\n");
    }
    md.append("\nLoad average at end: ").append(loadAverage()).append("; run took ")
        .append(java.time.Duration.between(started, ZonedDateTime.now()).toSeconds()).append(" s.\n");
  }

  private void row(String k, String v) {
    md.append("| ").append(k).append(" | ").append(v).append(" |\n");
  }

  private static String cpuModel() throws IOException {
    return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
        .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
  }

  private static String memTotal() throws IOException {
    return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
        .findFirst().map(l -> l.replaceAll("\\s+", " ").substring(10)).orElse("?");
  }

  private static String loadAverage() throws IOException {
    String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return f[0] + " " + f[1] + " " + f[2];
  }

  // ---------------------------------------------------------------- latency

  private void latency() throws Exception {
    SecureContainerSpec spec = Hardened.spec("latency-carapace");
    List<Contender> all = List.of(
        new Contender("Carapace `run`", "create, inspect, start, wait, logs, remove",
            () -> Launches.carapaceRun(launcher, spec), true),
        new Contender("Carapace `launch` + `awaitExit` + `close`", "create, inspect, start, wait, remove",
            () -> Launches.carapaceLaunch(launcher, spec), true),
        new Contender("raw docker-java, same calls", "create, inspect, start, wait, remove",
            () -> Launches.raw(raw, true, "latency-raw-inspect"), true),
        new Contender("raw docker-java", "create, start, wait, remove",
            () -> Launches.raw(raw, false, "latency-raw"), true),
        new Contender("docker CLI `run --rm`", "a new process: ping, create, attach, wait, start, (auto-remove)",
            () -> Launches.cli(null, "latency-cli"), false),
        new Contender("Testcontainers start + stop", "GenericContainer, OneShotStartupCheckStrategy",
            () -> Launches.testcontainers("latency-testcontainers"), true));
    int n = all.size();
    double[][] wall = new double[n][ITERATIONS];
    double[][] cpu = new double[n][ITERATIONS];
    int[] failures = new int[n];
    for (int round = -WARMUP; round < ITERATIONS; round++) {
      for (int k = 0; k < n; k++) {
        int i = Math.floorMod(k + round, n);
        Contender c = all.get(i);
        long cpu0 = OS.getProcessCpuTime();
        long t0 = System.nanoTime();
        boolean ok = attempt(c.name(), c.op());
        double ms = (System.nanoTime() - t0) / 1e6;
        double cpuMs = (OS.getProcessCpuTime() - cpu0) / 1e6;
        if (round >= 0) {
          wall[i][round] = ok ? ms : Double.NaN;
          cpu[i][round] = ok && c.cpu() ? cpuMs : Double.NaN;
          failures[i] += ok ? 0 : 1;
        }
      }
      System.out.printf("latency round %d done%n", round);
    }
    int base = 2;
    md.append("\n## Per-launch latency (sequential, one launch at a time)\n\n")
        .append("Wall time of one launch, ms. Ratio: the median over rounds of (contender / raw docker-java "
            + "with the same calls) in the same round, with its 95% interval. Client CPU: this JVM's CPU "
            + "time during the launch (all threads, JIT and GC included); the kernel counts it in 10 ms ticks, so "
            + "this is the mean over rounds.\n\n")
        .append("| contender | API calls | median | p25 | p75 | min | ratio vs raw same calls | 95% interval "
            + "| client CPU ms | failed |\n|---|---|---|---|---|---|---|---|---|---|\n");
    double[] medians = new double[n];
    double[] ratios = new double[n];
    double[][] cis = new double[n][];
    for (int i = 0; i < n; i++) {
      List<Double> w = Stats.valid(wall[i]);
      medians[i] = Stats.median(w);
      List<Double> r = Stats.pairedRatios(wall[i], wall[base]);
      ratios[i] = Stats.median(r);
      cis[i] = Stats.medianCi(r);
      md.append("| ").append(all.get(i).name()).append(" | ").append(all.get(i).calls())
          .append(" | ").append(Stats.ms(medians[i])).append(" | ").append(Stats.ms(Stats.percentile(w, .25)))
          .append(" | ").append(Stats.ms(Stats.percentile(w, .75))).append(" | ").append(Stats.ms(Stats.percentile(w, 0)))
          .append(" | ").append(Stats.ratio(ratios[i])).append(" | ")
          .append(Stats.ratio(cis[i][0])).append("–").append(Stats.ratio(cis[i][1]))
          .append(" | ").append(all.get(i).cpu() ? Stats.ms(mean(Stats.valid(cpu[i]))) : "n/a (other process)")
          .append(" | ").append(failures[i]).append(" |\n");
    }
    List<Double> diff = pairedDiffs(wall[1], wall[base]);
    double[] diffCi = Stats.medianCi(diff);
    double cpuDiff = mean(Stats.valid(cpu[1])) - mean(Stats.valid(cpu[base]));
    md.append("\nCarapace launch minus raw same calls, paired by round: median ")
        .append(Stats.ms(Stats.median(diff))).append(" ms (95% interval ").append(Stats.ms(diffCi[0])).append(" to ")
        .append(Stats.ms(diffCi[1])).append(" ms); client CPU difference (means) ").append(String.format("%+.1f", cpuDiff))
        .append(" ms. The verifying inspect (raw same calls vs raw): ")
        .append(Stats.ms(Stats.median(pairedDiffs(wall[base], wall[3])))).append(" ms.\n");

    String within = ratios[1] <= 1.01
        ? (cis[1][1] <= 1.01 ? "met" : "met by the median; the 95% interval is wider than ±1%, so one run cannot prove it")
        : cis[1][0] <= 1.01 ? "not met by the median, but within this run's noise" : "not met";
    targets.add(new String[] {"median launch within 1% of raw docker-java doing the same calls",
        "launch+awaitExit+close " + Stats.pct(ratios[1]) + " (95% " + Stats.pct(cis[1][0]) + " to "
            + Stats.pct(cis[1][1]) + "); `run` (adds logs) " + Stats.pct(ratios[0]) + "; vs raw without inspect "
            + Stats.pct(Stats.median(Stats.pairedRatios(wall[1], wall[3]))), within});
    List<Double> vsCli = Stats.pairedRatios(wall[0], wall[4]);
    List<Double> vsTc = Stats.pairedRatios(wall[0], wall[5]);
    double[] cliCi = Stats.medianCi(vsCli);
    double[] tcCi = Stats.medianCi(vsTc);
    boolean faster = Stats.median(vsCli) < 1 && Stats.median(vsTc) < 1;
    boolean surely = cliCi[1] < 1 && tcCi[1] < 1;
    targets.add(new String[] {"faster than the docker CLI and Testcontainers",
        "`run` " + Stats.ms(medians[0]) + " ms vs CLI " + Stats.ms(medians[4]) + " ms (paired ratio "
            + Stats.ratio(Stats.median(vsCli)) + ", 95% " + Stats.ratio(cliCi[0]) + "–" + Stats.ratio(cliCi[1])
            + ") and Testcontainers " + Stats.ms(medians[5]) + " ms (" + Stats.ratio(Stats.median(vsTc)) + ", 95% "
            + Stats.ratio(tcCi[0]) + "–" + Stats.ratio(tcCi[1]) + ")",
        faster ? (surely ? "met" : "met by the median; an interval reaches 1.0") : "not met"});
  }

  // ---------------------------------------------------------------- throughput

  private void throughput() throws Exception {
    SecureContainerSpec spec = Hardened.spec("throughput-carapace");
    Op carapace = () -> Launches.carapaceLaunch(launcher, spec);
    Op rawOp = () -> Launches.raw(raw, true, "throughput-raw");
    String[] names = {"Carapace, sequential", "Carapace, 8 concurrent", "raw docker-java, sequential",
        "raw docker-java, 8 concurrent"};
    Op[] ops = {carapace, carapace, rawOp, rawOp};
    int[] threads = {1, CONCURRENCY, 1, CONCURRENCY};
    ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
    double[][] rate = new double[4][ROUNDS];
    double[][] cpu = new double[4][ROUNDS];
    int[] failures = new int[4];
    try {
      for (int i = 0; i < 4; i++) { // warm-up: one small batch each
        batch(pool, ops[i], CONCURRENCY, threads[i]);
      }
      for (int round = 0; round < ROUNDS; round++) {
        for (int k = 0; k < 4; k++) {
          int i = (k + round) % 4;
          long cpu0 = OS.getProcessCpuTime();
          long t0 = System.nanoTime();
          int failed = batch(pool, ops[i], BATCH, threads[i]);
          double s = (System.nanoTime() - t0) / 1e9;
          cpu[i][round] = (OS.getProcessCpuTime() - cpu0) / 1e6 / Math.max(1, BATCH - failed);
          failures[i] += failed;
          rate[i][round] = (BATCH - failed) / s;
          System.out.printf("throughput round %d %s: %.2f/s%n", round, names[i], rate[i][round]);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    md.append("\n## Throughput: ").append(BATCH).append(" launches sequential vs ").append(CONCURRENCY)
        .append(" concurrent\n\nLaunches per second over a batch (create, inspect, start, wait, remove; "
            + "Carapace through one shared launcher, raw docker-java through one shared client), median over ")
        .append(ROUNDS).append(" rounds.\n\n| contender | launches/s (median) | min | max | speed-up vs sequential "
            + "| client CPU ms per launch (mean) | failed |\n|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < 4; i++) {
      List<Double> r = Stats.valid(rate[i]);
      double seq = Stats.median(Stats.valid(rate[i - i % 2]));
      md.append("| ").append(names[i]).append(" | ").append(String.format("%.2f", Stats.median(r)))
          .append(" | ").append(String.format("%.2f", Stats.percentile(r, 0))).append(" | ")
          .append(String.format("%.2f", Stats.percentile(r, 1))).append(" | ")
          .append(Stats.ratio(Stats.median(r) / seq)).append(" | ").append(Stats.ms(mean(Stats.valid(cpu[i]))))
          .append(" | ").append(failures[i]).append(" |\n");
    }
    List<Double> r8 = Stats.pairedRatios(rate[1], rate[3]);
    double ratio = Stats.median(r8);
    md.append("\nCarapace 8-way / raw 8-way, paired by round: ").append(Stats.ratio(ratio)).append(" (per round: ")
        .append(r8.stream().map(Stats::ratio).toList()).append(").\n");
    targets.add(new String[] {"8-way throughput at least raw docker-java's",
        String.format("%.2f vs %.2f launches/s, ratio %s", Stats.median(Stats.valid(rate[1])),
            Stats.median(Stats.valid(rate[3])), Stats.ratio(ratio)),
        ratio >= 1.0 ? "met" : ratio >= 0.97 ? "not met by " + Stats.pct(ratio) + " (within this run's noise)"
            : "not met"});
  }

  private static int batch(ExecutorService pool, Op op, int n, int threads) throws InterruptedException {
    AtomicInteger failed = new AtomicInteger();
    if (threads == 1) {
      for (int i = 0; i < n; i++) {
        if (!attempt("batch", op)) {
          failed.incrementAndGet();
        }
      }
      return failed.get();
    }
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      futures.add(pool.submit(() -> {
        if (!attempt("batch", op)) {
          failed.incrementAndGet();
        }
      }));
    }
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (java.util.concurrent.ExecutionException e) {
        failed.incrementAndGet();
      }
    }
    return failed.get();
  }

  // ---------------------------------------------------------------- gVisor vs runc

  /**
   * The same hardened container through the same launcher, on the engine's default runtime (runc)
   * and on gVisor ({@code --runtime runsc}): sequential latency, paired by round, and 8-way
   * throughput, rounds alternating.
   */
  private void gvisor() throws Exception {
    SecureContainerSpec runc = Hardened.spec("gvisor-runc");
    SecureContainerSpec runsc = Hardened.spec("gvisor-runsc").toBuilder().runtime(ContainerRuntime.gvisor()).build();
    String[] names = {"runc (the engine's default)", "gVisor (`--runtime runsc`)"};
    Op[] ops = {() -> Launches.carapaceLaunch(launcher, runc), () -> Launches.carapaceLaunch(launcher, runsc)};
    double[][] wall = new double[2][ITERATIONS];
    int[] failed = new int[2];
    for (int round = -WARMUP; round < ITERATIONS; round++) {
      for (int k = 0; k < 2; k++) {
        int i = Math.floorMod(k + round, 2);
        long t0 = System.nanoTime();
        boolean ok = attempt(names[i], ops[i]);
        double ms = (System.nanoTime() - t0) / 1e6;
        if (round >= 0) {
          wall[i][round] = ok ? ms : Double.NaN;
          failed[i] += ok ? 0 : 1;
        }
      }
      System.out.printf("gvisor latency round %d done%n", round);
    }
    ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
    double[][] rate = new double[2][ROUNDS];
    int[] batchFailed = new int[2];
    try {
      for (int i = 0; i < 2; i++) { // warm-up: one small batch each
        batch(pool, ops[i], CONCURRENCY, CONCURRENCY);
      }
      for (int round = 0; round < ROUNDS; round++) {
        for (int k = 0; k < 2; k++) {
          int i = (k + round) % 2;
          long t0 = System.nanoTime();
          int f = batch(pool, ops[i], BATCH, CONCURRENCY);
          rate[i][round] = (BATCH - f) / ((System.nanoTime() - t0) / 1e9);
          batchFailed[i] += f;
          System.out.printf("gvisor throughput round %d %s: %.2f/s%n", round, names[i], rate[i][round]);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    md.append("\n## gVisor vs runc: the same hardened container\n\nCarapace `launch` + `awaitExit` + `close` "
            + "(create, inspect, start, wait, remove) of the container above through one launcher, on the engine's "
            + "default runtime and with `runtime(ContainerRuntime.gvisor())` (`--runtime runsc`, registered with "
            + "`--network=none`). Latency: ").append(ITERATIONS).append(" sequential rounds after ").append(WARMUP)
        .append(" warm-up rounds, the two alternating who goes first; ratio: the median over rounds of gVisor / runc "
            + "in the same round. Throughput: ").append(ROUNDS).append(" rounds of ").append(BATCH).append(" launches, ")
        .append(CONCURRENCY).append(" at a time.\n\n| runtime | latency median ms | p25 | p75 | min | failed "
            + "| 8-way launches/s (median) | min | max | failed |\n|---|---|---|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < 2; i++) {
      List<Double> w = Stats.valid(wall[i]);
      List<Double> r = Stats.valid(rate[i]);
      md.append("| ").append(names[i]).append(" | ").append(Stats.ms(Stats.median(w))).append(" | ")
          .append(Stats.ms(Stats.percentile(w, .25))).append(" | ").append(Stats.ms(Stats.percentile(w, .75)))
          .append(" | ").append(Stats.ms(Stats.percentile(w, 0))).append(" | ").append(failed[i]).append(" | ")
          .append(String.format("%.2f", Stats.median(r))).append(" | ")
          .append(String.format("%.2f", Stats.percentile(r, 0))).append(" | ")
          .append(String.format("%.2f", Stats.percentile(r, 1))).append(" | ").append(batchFailed[i]).append(" |\n");
    }
    List<Double> latency = Stats.pairedRatios(wall[1], wall[0]);
    double[] latencyCi = Stats.medianCi(latency);
    List<Double> added = pairedDiffs(wall[1], wall[0]);
    double[] addedCi = Stats.medianCi(added);
    List<Double> throughput = Stats.pairedRatios(rate[1], rate[0]);
    double[] throughputCi = Stats.medianCi(throughput);
    String latencyText = "latency gVisor / runc " + Stats.ratio(Stats.median(latency)) + " (95% "
        + Stats.ratio(latencyCi[0]) + "–" + Stats.ratio(latencyCi[1]) + "), "
        + String.format("%+.1f", Stats.median(added)) + " ms per launch (95% " + String.format("%+.1f", addedCi[0])
        + " to " + String.format("%+.1f", addedCi[1]) + ")";
    String throughputText = "8-way throughput gVisor / runc " + Stats.ratio(Stats.median(throughput)) + " (95% "
        + Stats.ratio(throughputCi[0]) + "–" + Stats.ratio(throughputCi[1]) + "; per round "
        + throughput.stream().map(Stats::ratio).toList() + ")";
    md.append("\nL").append(latencyText.substring(1)).append(".\n\n8").append(throughputText.substring(1))
        .append(".\n");
    targets.add(new String[] {"gVisor vs runc for the same hardened container (issue 13: a ratio, no target)",
        latencyText + "; " + throughputText, "measured"});
  }

  // ---------------------------------------------------------------- cold start

  private void coldStart() throws Exception {
    String[] modes = {"noop", "carapace", "raw", "cli", "testcontainers", "carapace"};
    String[] names = {"fresh JVM, empty `main` (reference)", "fresh JVM, Carapace (`Endpoint.fromEnvironment`, `run`)",
        "fresh JVM, raw docker-java (`DefaultDockerClientConfig`)", "docker CLI `run --rm`",
        "fresh JVM, Testcontainers (start + stop)",
        "fresh JVM, Carapace with an AppCDS archive and `-XX:TieredStopAtLevel=1` (a caller's option, not a default)"};
    // the last row's archive: classes a Carapace launch loads, dumped once (AppCDS needs a class path of jars)
    Path archive = Path.of(System.getProperty("java.io.tmpdir"), "carapace-bench-" + ProcessHandle.current().pid() + ".jsa");
    boolean jarsOnly = Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .allMatch(e -> e.endsWith(".jar"));
    String[][] jvmArgs = new String[modes.length][0];
    if (jarsOnly) {
      child("carapace", null, 1, "-XX:ArchiveClassesAtExit=" + archive);
      jvmArgs[5] = new String[] {"-XX:SharedArchiveFile=" + archive, "-XX:TieredStopAtLevel=1"};
    }
    int n = modes.length;
    double[][] wall = new double[n][COLD];
    double[][][] phases = new double[n][3][COLD];
    for (double[][] p : phases) {
      for (double[] q : p) {
        Arrays.fill(q, Double.NaN);
      }
    }
    child("noop", null, 1); // warm the page cache for the class path
    for (int rep = 0; rep < COLD; rep++) {
      for (int k = 0; k < n; k++) {
        int i = (k + rep) % n;
        long t0 = System.nanoTime();
        double[] ph = null;
        boolean ok = true;
        try {
          if (modes[i].equals("cli")) {
            Launches.cli(null, "cold-cli");
          } else if (i == 5 && !jarsOnly) {
            ok = false;
          } else {
            ph = child(modes[i], null, 1, jvmArgs[i]);
          }
        } catch (Exception e) {
          ok = false;
          System.out.println("cold start " + modes[i] + " failed: " + e);
        }
        wall[i][rep] = ok ? (System.nanoTime() - t0) / 1e6 : Double.NaN;
        if (ph != null) {
          for (int p = 0; p < 3; p++) {
            phases[i][p][rep] = ph[p];
          }
        }
      }
      System.out.printf("cold start repetition %d done%n", rep);
    }
    Files.deleteIfExists(archive);
    int cli = 3;
    md.append("\n## Cold start: a fresh process's first hardened container\n\nWall time from spawning the "
            + "process to its exit, ms, median of ").append(COLD).append(" interleaved repetitions. Phases "
            + "(medians, measured inside the child): spawn to `main`, `main` to a ready client, the launch.\n\n")
        .append("| contender | median | min | max | vs CLI | spawn→main | client ready | launch |\n"
            + "|---|---|---|---|---|---|---|---|\n");
    double[] med = new double[n];
    for (int i = 0; i < n; i++) {
      List<Double> w = Stats.valid(wall[i]);
      med[i] = Stats.median(w);
    }
    for (int i = 0; i < n; i++) {
      List<Double> w = Stats.valid(wall[i]);
      md.append("| ").append(names[i]).append(" | ").append(Stats.ms(med[i])).append(" | ")
          .append(Stats.ms(Stats.percentile(w, 0))).append(" | ").append(Stats.ms(Stats.percentile(w, 1)))
          .append(" | ").append(Stats.ratio(med[i] / med[cli]));
      for (int p = 0; p < 3; p++) {
        md.append(" | ").append(Stats.ms(Stats.median(Stats.valid(phases[i][p]))));
      }
      md.append(" |\n");
    }
    double ratio = med[1] / med[cli];
    targets.add(new String[] {"fresh JVM's first hardened container in at most 1.5x the CLI's time",
        "Carapace " + Stats.ms(med[1]) + " ms vs CLI " + Stats.ms(med[cli]) + " ms: " + Stats.ratio(ratio)
            + "x (raw docker-java " + Stats.ratio(med[2] / med[cli]) + "x; Carapace with AppCDS + C1 "
            + Stats.ratio(med[5] / med[cli]) + "x)", ratio <= 1.5 ? "met" : "not met"});
  }

  /** Runs {@link OneLaunch} in a fresh JVM; returns its phases (ms). */
  private static double[] child(String mode, String dockerHost, int launches, String... jvmArgs) throws Exception {
    List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
    argv.addAll(List.of(jvmArgs));
    argv.addAll(List.of(OneLaunch.class.getName(), mode, String.valueOf(System.currentTimeMillis()),
        String.valueOf(launches)));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    if (dockerHost != null) {
      pb.environment().put("DOCKER_HOST", dockerHost);
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("child " + mode + " exited " + p.exitValue() + ": " + out);
    }
    String line = out.lines().filter(l -> l.startsWith("phases ")).reduce((a, b) -> b)
        .orElseThrow(() -> new IllegalStateException("child " + mode + " printed no phases: " + out));
    String[] f = line.split(" ");
    return new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3])};
  }

  // ---------------------------------------------------------------- round trips

  private void roundTrips() throws Exception {
    int k = 5;
    Map<String, Map<String, Double>> steady = new LinkedHashMap<>();
    Map<String, Integer> first = new LinkedHashMap<>();
    Map<String, String> firstExtra = new LinkedHashMap<>();
    Map<String, Double> connections = new LinkedHashMap<>();
    try (CountingProxy proxy = new CountingProxy(SOCKET)) {
      SecureContainerSpec spec = Hardened.spec("roundtrips-carapace");
      try (ContainerLauncher l = ContainerLauncher.connect(Endpoint.plainTcp("127.0.0.1", proxy.port()))) {
        measure(proxy, "Carapace `launch`+`awaitExit`+`close`", () -> Launches.carapaceLaunch(l, spec), k,
            steady, first, firstExtra, connections);
        measure(proxy, "Carapace `run`", () -> Launches.carapaceRun(l, spec), k, steady, null, null, connections);
      }
      DockerClient rawProxied = Hardened.rawClient(proxy.dockerHost());
      try {
        measure(proxy, "raw docker-java", () -> Launches.raw(rawProxied, false, "roundtrips-raw"), k,
            steady, first, firstExtra, connections);
      } finally {
        rawProxied.close();
      }
      measure(proxy, "docker CLI `run --rm`", () -> Launches.cli(proxy.dockerHost(), "roundtrips-cli"), k,
          steady, first, firstExtra, connections);
      // Testcontainers in a child JVM (it reads DOCKER_HOST from the environment): 1 launch, then 1 + k
      proxy.reset();
      child("testcontainers", proxy.dockerHost(), 1);
      settle();
      List<String> one = proxy.requests();
      proxy.reset();
      child("testcontainers", proxy.dockerHost(), 1 + k);
      settle();
      List<String> more = proxy.requests();
      Map<String, Double> tc = new TreeMap<>();
      countInto(tc, more, 1.0 / k);
      countInto(tc, one, -1.0 / k);
      tc.values().removeIf(v -> Math.abs(v) < 1e-9);
      steady.put("Testcontainers", tc);
      first.put("Testcontainers", one.size());
      firstExtra.put("Testcontainers", "whole fresh JVM incl. client start-up");
      connections.put("Testcontainers", Double.NaN);
    }
    Set<String> shapes = new java.util.TreeSet<>();
    steady.values().forEach(m -> shapes.addAll(m.keySet()));
    List<String> clients = new ArrayList<>(steady.keySet());
    md.append("\n## API round trips per launch\n\nCounted by a loopback proxy in front of `/var/run/docker.sock` "
            + "that parses every HTTP request (ids shown as `{id}`, queries dropped). Steady state: the mean over ")
        .append(k).append(" launches after the first one of the same client (Testcontainers: (1+").append(k)
        .append(" launches) − (1 launch) in fresh JVMs, over ").append(k).append(").\n\n| request |");
    clients.forEach(c -> md.append(" ").append(c).append(" |"));
    md.append("\n|---|");
    clients.forEach(c -> md.append("---|"));
    md.append("\n");
    for (String s : shapes) {
      md.append("| `").append(s).append("` |");
      for (String c : clients) {
        Double v = steady.get(c).get(s);
        md.append(" ").append(v == null ? "" : fmtCount(v)).append(" |");
      }
      md.append("\n");
    }
    md.append("| **total per launch** |");
    clients.forEach(c -> md.append(" **").append(fmtCount(steady.get(c).values().stream()
        .mapToDouble(Double::doubleValue).sum())).append("** |"));
    md.append("\n| TCP connections opened per launch |");
    clients.forEach(c -> md.append(" ").append(connections.get(c).isNaN() ? "n/a" : fmtCount(connections.get(c)))
        .append(" |"));
    md.append("\n| first launch of a new client: requests |");
    clients.forEach(c -> md.append(" ").append(first.containsKey(c) ? first.get(c) : "").append(" |"));
    md.append("\n| first launch: requests beyond the steady state |");
    clients.forEach(c -> md.append(" ").append(firstExtra.getOrDefault(c, "")).append(" |"));
    md.append("\n");

    // how much the once-per-launcher GET /info costs
    List<Double> info = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      long t0 = System.nanoTime();
      raw.infoCmd().exec();
      info.add((System.nanoTime() - t0) / 1e6);
    }
    md.append("\n`GET /info` (what a launcher sends once, on its first spec with `cpusetCpus`, to learn the "
        + "engine's CPUs) takes ").append(Stats.ms(Stats.median(info))).append(" ms median here (10 calls).\n");

    Map<String, Double> c = steady.get("Carapace `launch`+`awaitExit`+`close`");
    Map<String, Double> r = steady.get("raw docker-java");
    double cTotal = c.values().stream().mapToDouble(Double::doubleValue).sum();
    double rTotal = r.values().stream().mapToDouble(Double::doubleValue).sum();
    Set<String> allowed = Set.of("POST /containers/create", "GET /containers/{id}/json", "POST /containers/{id}/start",
        "POST /containers/{id}/wait", "DELETE /containers/{id}");
    boolean onlyAllowed = c.entrySet().stream().allMatch(e -> allowed.contains(e.getKey()) && e.getValue() == 1.0);
    String extra = firstExtra.get("Carapace `launch`+`awaitExit`+`close`");
    targets.add(new String[] {"zero added round trips beyond create, start, wait, remove and the verifying inspect",
        "steady state " + fmtCount(cTotal) + " requests per launch vs raw " + fmtCount(rTotal)
            + (onlyAllowed ? " (exactly create, inspect, start, wait, remove)" : " (" + c + ")")
            + "; first launch of a launcher adds: " + (extra.isEmpty() ? "nothing" : extra),
        onlyAllowed && cTotal == rTotal + 1 ? (extra.isEmpty() ? "met" : "met per launch; not met once per launcher")
            : "not met"});
  }

  /** {@link #measureOnce}, again up to twice when a launch fails (say, another session restarts dockerd). */
  private static void measure(CountingProxy proxy, String name, Op op, int k, Map<String, Map<String, Double>> steady,
      Map<String, Integer> first, Map<String, String> firstExtra, Map<String, Double> connections) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        measureOnce(proxy, name, op, k, steady, first, firstExtra, connections);
        return;
      } catch (Exception e) {
        if (attempt == 3) {
          throw e;
        }
        System.out.println("round trips of " + name + " failed, again: " + e);
        Thread.sleep(2000);
      }
    }
  }

  private static void measureOnce(CountingProxy proxy, String name, Op op, int k,
      Map<String, Map<String, Double>> steady, Map<String, Integer> first, Map<String, String> firstExtra,
      Map<String, Double> connections) throws Exception {
    proxy.reset();
    op.run();
    settle();
    List<String> firstRequests = proxy.requests();
    proxy.reset();
    for (int i = 0; i < k; i++) {
      op.run();
    }
    settle();
    Map<String, Double> per = new TreeMap<>();
    countInto(per, proxy.requests(), 1.0 / k);
    steady.put(name, per);
    connections.put(name, proxy.connections() / (double) k);
    if (first != null) {
      first.put(name, firstRequests.size());
      Map<String, Double> extra = new TreeMap<>();
      countInto(extra, firstRequests, 1);
      per.forEach((s, v) -> extra.merge(s, -v, Double::sum));
      extra.values().removeIf(v -> Math.abs(v) < 1e-9);
      List<String> parts = new ArrayList<>();
      extra.forEach((s, v) -> parts.add((v > 0 ? "+" : "") + fmtCount(v) + " `" + s + "`"));
      firstExtra.put(name, String.join(", ", parts));
    }
  }

  private static void countInto(Map<String, Double> counts, Collection<String> requests, double weight) {
    for (String r : requests) {
      counts.merge(r, weight, Double::sum);
    }
  }

  private static String fmtCount(double v) {
    return Math.abs(v - Math.rint(v)) < 1e-9 ? String.valueOf((long) Math.rint(v)) : String.format("%.1f", v);
  }

  /** The proxy records a request just after forwarding it: give the last one a moment. */
  private static void settle() throws InterruptedException {
    Thread.sleep(150);
  }

  // ---------------------------------------------------------------- JMH

  private void jmh() throws Exception {
    Options opt = new OptionsBuilder()
        .include(SpecBenchmark.class.getName() + "\\.")
        .addProfiler("gc")
        .jvmArgsAppend("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
        .build();
    Collection<RunResult> results = new Runner(opt).run();
    md.append("\n## Spec building, validation and policy evaluation (JMH)\n\nOne thread, throughput mode, "
            + "1 fork, 3×1 s warm-up, 5×1 s measurement, `")
        .append(Profiles.carapaceDefault()).append("`; the spec is the hardened container above (")
        .append(Profiles.carapaceDefault().evaluate(Hardened.spec("jmh")).passed() ? "passes" : "does not pass")
        .append(" the policy: no user and no health check set).\n\n"
            + "| benchmark | ops/s | ± (99.9%) | µs/op | allocated B/op |\n|---|---|---|---|---|\n");
    double combined = Double.NaN;
    for (RunResult r : results) {
      md.append(jmhRow(r, "%.3f"));
      if (jmhName(r).equals("buildValidateEvaluate")) {
        combined = r.getPrimaryResult().getScore();
      }
    }
    targets.add(new String[] {"spec validation + policy evaluation above 1 million/s on one core",
        String.format("%,.0f ops/s (`buildValidateEvaluate`)", combined), combined > 1e6 ? "met" : "not met"});
  }

  // ---------------------------------------------------------------- helpers

  private static boolean attempt(String what, Op op) {
    try {
      op.run();
      return true;
    } catch (Exception e) {
      System.out.println(what + " failed: " + e);
      return false;
    }
  }

  /** A JMH benchmark's method name. */
  static String jmhName(RunResult r) {
    String name = r.getParams().getBenchmark();
    return name.substring(name.lastIndexOf('.') + 1);
  }

  /**
   * One markdown row of a JMH throughput result: name, ops/s, its 99.9% error, µs per op (formatted
   * with {@code usFormat}) and the GC profiler's bytes allocated per op.
   */
  static String jmhRow(RunResult r, String usFormat) {
    Result<?> p = r.getPrimaryResult();
    String alloc = r.getSecondaryResults().entrySet().stream()
        .filter(e -> e.getKey().endsWith("gc.alloc.rate.norm")).map(e -> String.format("%.0f", e.getValue().getScore()))
        .findFirst().orElse("n/a");
    return "| `" + jmhName(r) + "` | " + String.format("%,.0f", p.getScore()) + " | "
        + String.format("%,.0f", p.getScoreError()) + " | " + String.format(usFormat, 1e6 / p.getScore()) + " | "
        + alloc + " |\n";
  }

  private static double mean(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }



  private static List<Double> pairedDiffs(double[] a, double[] b) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < a.length; i++) {
      if (!Double.isNaN(a[i]) && !Double.isNaN(b[i])) {
        out.add(a[i] - b[i]);
      }
    }
    return out;
  }

  /** Removes every container this benchmark labelled, whatever happened. */
  private static void cleanUp(DockerClient raw) {
    List<Container> left = raw.listContainersCmd().withShowAll(true)
        .withLabelFilter(Map.of(Hardened.LABEL, "")).exec();
    for (Container c : left) {
      try (RemoveContainerCmd cmd = raw.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true)) {
        cmd.exec();
      } catch (RuntimeException e) {
        System.out.println("could not remove " + c.getId() + ": " + e);
      }
    }
    if (!left.isEmpty()) {
      System.out.println("removed " + left.size() + " leftover benchmark containers");
    }
  }
}
