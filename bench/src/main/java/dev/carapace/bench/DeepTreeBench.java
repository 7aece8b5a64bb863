package dev.carapace.bench;

import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.ContainerPath;
import dev.carapace.core.ExecResult;
import dev.carapace.core.RunningContainer;
import dev.carapace.core.SecureContainerSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Section {@code deep-tree} (issue 19): a tree of 2,000 nested directories (and a file at the bottom)
 * copied out of a running container with {@code copyFrom}, timed; then the same tree made on the host
 * copied in with {@code copyInto}, timed (commons-compress's header writing was quadratic in each name). Before issue 19 each entry looked at
 * every directory above it, each look a walk of its whole path: minutes for 2,000 levels; now each
 * entry is one directory creation. The host target sits right under {@code /tmp}: a 2,000-level path is
 * about 4,000 characters, near Linux's 4,096-byte {@code PATH_MAX}.
 */
final class DeepTreeBench {
  static final int LEVELS = 2000;
  private static final int RUNS = 5;

  private DeepTreeBench() {}

  static void run(ContainerLauncher launcher, StringBuilder md, List<String[]> targets) throws Exception {
    SecureContainerSpec spec = SecureContainerSpec.builder().image(Hardened.IMAGE).command("sleep", "3600")
        .putLabel(Hardened.LABEL, "deep-tree").build();
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "cdt");
    try (RunningContainer c = launcher.launch(spec)) {
      // one mkdir -p of a relative 4,000-character path: no absolute path inside passes PATH_MAX
      ExecResult made = c.exec("sh", "-c", "mkdir -p /t && cd /t && mkdir -p " + "d/".repeat(LEVELS)
          + " && echo bottom > " + "d/".repeat(LEVELS) + "f");
      if (made.exitCode() != 0) {
        throw new IllegalStateException("could not make the tree: " + made.stderr());
      }
      List<Double> ms = new ArrayList<>();
      for (int run = 0; run < RUNS + 1; run++) {
        Path target = dir.resolve("t" + run);
        long t0 = System.nanoTime();
        c.copyFrom(ContainerPath.of("/t"), target);
        double took = (System.nanoTime() - t0) / 1e6;
        if (!Files.readString(target.resolve("d/".repeat(LEVELS) + "f")).equals("bottom\n")) {
          throw new IllegalStateException("the bottom file did not arrive");
        }
        if (run > 0) { // the first is a warm-up
          ms.add(took);
        }
        System.out.printf("deep-tree run %d: %.0f ms%n", run, took);
      }
      double median = Stats.median(ms);
      md.append("\n## Deep tree copied out (issue 19)\n\nA tree of ").append(LEVELS).append(" nested directories and "
          + "one file at the bottom (").append(LEVELS + 2).append(" entries, names up to ").append(2 * LEVELS + 1)
          .append(" characters), made in a running container (`").append(Hardened.IMAGE).append("`) and copied out "
              + "with `copyFrom` to a new host directory each run; ").append(RUNS).append(" runs after one warm-up.\n\n"
              + "| operation | median ms | min | max |\n|---|---|---|---|\n| `copyFrom` of a ").append(LEVELS)
          .append("-level tree | ").append(Stats.ms(median)).append(" | ").append(Stats.ms(Stats.percentile(ms, 0)))
          .append(" | ").append(Stats.ms(Stats.percentile(ms, 1))).append(" |\n");
      targets.add(new String[] {"a " + LEVELS + "-level tree copied out in time linear in its entries (seconds, not"
          + " minutes)", "median " + Stats.ms(median) + " ms", median < 30_000 ? "met" : "not met"});
      // the same tree, made on the host, copied in: each tar header in time linear in its name (it was quadratic)
      Path host = dir.resolve("host");
      Files.createDirectory(host);
      Process mk = new ProcessBuilder("sh", "-c", "mkdir -p " + "d/".repeat(LEVELS) + " && echo bottom > "
          + "d/".repeat(LEVELS) + "f").directory(host.toFile()).inheritIO().start();
      if (mk.waitFor() != 0) {
        throw new IllegalStateException("could not make the host tree");
      }
      List<Double> in = new ArrayList<>();
      for (int run = 0; run < RUNS + 1; run++) {
        long t0 = System.nanoTime();
        c.copyInto(host, ContainerPath.of("/i" + run));
        double took = (System.nanoTime() - t0) / 1e6;
        ExecResult bottom = c.exec("sh", "-c", "cd /i" + run + " && cat " + "d/".repeat(LEVELS) + "f");
        if (!bottom.stdout().equals("bottom\n")) {
          throw new IllegalStateException("the bottom file did not arrive in the container");
        }
        if (run > 0) {
          in.add(took);
        }
        System.out.printf("deep-tree copyInto run %d: %.0f ms%n", run, took);
      }
      double inMedian = Stats.median(in);
      md.append("| `copyInto` of a ").append(LEVELS).append("-level host tree | ").append(Stats.ms(inMedian))
          .append(" | ").append(Stats.ms(Stats.percentile(in, 0))).append(" | ").append(Stats.ms(Stats.percentile(in, 1)))
          .append(" |\n");
      targets.add(new String[] {"a " + LEVELS + "-level host tree copied in with each entry in time linear in its name",
          "median " + Stats.ms(inMedian) + " ms", inMedian < 30_000 ? "met" : "not met"});
    } finally {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
