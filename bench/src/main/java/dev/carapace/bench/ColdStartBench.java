package dev.carapace.bench;

import static dev.carapace.bench.Settings.COLD;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Section {@code cold}: a fresh process's first hardened container. {@link OneLaunch} children (Carapace, raw
 * docker-java, Testcontainers, an empty {@code main}) and the docker CLI, interleaved; plus Carapace with an AppCDS
 * archive. Phases measured inside each child: spawn to {@code main}, to a ready client, the launch.
 */
final class ColdStartBench {
  private ColdStartBench() {}

  static void run(StringBuilder md, List<String[]> targets) throws Exception {
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
      OneLaunch.spawn("carapace", null, 1, "-XX:ArchiveClassesAtExit=" + archive);
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
    OneLaunch.spawn("noop", null, 1); // warm the page cache for the class path
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
            ph = OneLaunch.spawn(modes[i], null, 1, jvmArgs[i]);
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
}
