package dev.carapace.bench;

import dev.carapace.core.internal.io.SafeTar;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * Section {@code safetar} (issue 19's deep trees, moved here from {@code SafeTarTest}'s timed ratios): how
 * {@code SafeTar}'s time grows with a tree's depth, as the ratio of a 2,000-level tree's time to a 500-level
 * one's, paired by round. Three operations: writing a host tree as the tar stream {@code copyInto} sends
 * ({@code SafeTar.source}), extracting that stream as {@code copyFrom} does ({@code SafeTar.extract}), and
 * deleting what a failed extraction wrote ({@code SafeTar.deleteTree}, refused at the bottom file beyond a
 * 5-byte limit after every directory was written), with {@code rm -rf} (GNU coreutils, which walks with
 * {@code openat} and {@code unlinkat}) deleting the successful extraction of the same tree as the reference.
 * 4 times the entries: linear is about 4 (extraction and deletion) and 16 for the stream (each entry's name
 * grows with its depth: 16 times the name bytes); a walk by full paths, or a name encoded again per cut, was
 * measured at 8 to 9 (deletion) and 35.5 (stream). The unit tests had the bounds 12, 6 and 24; the run
 * computes its verdicts against those. Needs no engine; {@code bench.safetar.rounds} (7) after one warm-up
 * round, the depth that goes first alternating; trees under {@code /tmp}, removed at the end.
 */
final class SafeTarBench {
  private static final int SMALL = 500;
  private static final int LARGE = 2000;
  private static final long MAX_BYTES = 1 << 20;
  private static final int MAX_ENTRIES = 10_000;

  private SafeTarBench() {}

  /** One depth's host tree, its tar stream, and the times of one round, ms. */
  private static final class Depth {
    final int levels;
    final Path host;
    byte[] archive;
    final double[] source;
    final double[] extract;
    final double[] deleteTree;
    final double[] rm;

    Depth(Path dir, int levels, int rounds) throws Exception {
      this.levels = levels;
      this.host = Files.createDirectory(dir.resolve("host" + levels));
      // one relative mkdir -p: no absolute path passes PATH_MAX while the tree is made
      sh(host, "mkdir -p " + "d/".repeat(levels) + " && echo bottom > " + "d/".repeat(levels) + "f");
      source = new double[rounds];
      extract = new double[rounds];
      deleteTree = new double[rounds];
      rm = new double[rounds];
    }

    /** One round; {@code round < 0} is a warm-up, not kept. */
    void round(Path dir, int round) throws Exception {
      long t0 = System.nanoTime();
      ByteArrayOutputStream tar = new ByteArrayOutputStream();
      try (InputStream in = SafeTar.source(host, "x", MAX_BYTES, MAX_ENTRIES)) {
        in.transferTo(tar);
      }
      double sourceMs = (System.nanoTime() - t0) / 1e6;
      archive = tar.toByteArray();

      Path stage = Files.createTempDirectory(dir, "ok");
      t0 = System.nanoTime();
      long bytes = SafeTar.extract(new ByteArrayInputStream(archive), stage, "x", MAX_BYTES, MAX_ENTRIES);
      double extractMs = (System.nanoTime() - t0) / 1e6;
      Path bottom = stage.resolve("x/" + "d/".repeat(levels) + "f");
      if (bytes != 7 || !Files.readString(bottom).equals("bottom\n")) {
        throw new IllegalStateException(levels + " levels: the bottom file was not extracted (" + bytes + " bytes)");
      }
      t0 = System.nanoTime();
      sh(dir, "rm -rf " + stage);
      double rmMs = (System.nanoTime() - t0) / 1e6;

      Path failed = Files.createTempDirectory(dir, "failed");
      try {
        SafeTar.extract(new ByteArrayInputStream(archive), failed, "x", 5, MAX_ENTRIES);
        throw new IllegalStateException(levels + " levels: a 7-byte file passed a 5-byte limit");
      } catch (SafeTar.Refused expected) {
        // at the bottom file, every directory written
      }
      if (!Files.isDirectory(failed.resolve("x/" + "d/".repeat(levels)))) {
        throw new IllegalStateException(levels + " levels: the failed extraction did not write the tree");
      }
      t0 = System.nanoTime();
      SafeTar.deleteTree(failed);
      double deleteMs = (System.nanoTime() - t0) / 1e6;
      if (Files.exists(failed, LinkOption.NOFOLLOW_LINKS)) {
        throw new IllegalStateException(levels + " levels: deleteTree left " + failed);
      }
      System.out.printf("safetar %d levels, round %d: source %.0f ms, extract %.0f ms, rm -rf %.0f ms, deleteTree"
          + " %.0f ms%n", levels, round, sourceMs, extractMs, rmMs, deleteMs);
      if (round >= 0) {
        source[round] = sourceMs;
        extract[round] = extractMs;
        rm[round] = rmMs;
        deleteTree[round] = deleteMs;
      }
    }
  }

  private static void sh(Path in, String script) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", script).directory(in.toFile()).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("failed: " + (script.length() > 80 ? script.substring(0, 80) + "..." : script));
    }
  }

  static void run(StringBuilder md, List<String[]> targets) throws Exception {
    int rounds = Integer.getInteger("bench.safetar.rounds", 7);
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "cst");
    try {
      Depth small = new Depth(dir, SMALL, rounds);
      Depth large = new Depth(dir, LARGE, rounds);
      for (int round = -1; round < rounds; round++) {
        boolean smallFirst = Math.floorMod(round, 2) == 0;
        (smallFirst ? small : large).round(dir, round);
        (smallFirst ? large : small).round(dir, round);
      }
      md.append("\n## SafeTar: time against a tree's depth (issue 19)\n\nA host tree of ").append(SMALL)
          .append(" and one of ").append(LARGE).append(" nested directories with a file at the bottom (tar streams of ")
          .append(small.archive.length).append(" and ").append(large.archive.length).append(" bytes); ")
          .append(rounds).append(" rounds after one warm-up round, the depth that goes first alternating. "
              + "`rm -rf` deletes the successful extraction (with its file), `deleteTree` the failed one (refused "
              + "at the file).\n\n| operation | ").append(SMALL).append(" levels, median ms | ").append(LARGE)
          .append(" levels, median ms | ratio ").append(LARGE).append("/").append(SMALL)
          .append(", paired (95%) | linear | the unit test's bound |\n|---|---|---|---|---|---|\n");
      row(md, targets, "`SafeTar.source`, read to its end", small.source, large.source, "about 16 (name bytes)", 24);
      row(md, targets, "`SafeTar.extract`", small.extract, large.extract, "about 4 (entries)", 12);
      row(md, targets, "`SafeTar.deleteTree` of a failed extraction", small.deleteTree, large.deleteTree,
          "about 4 (entries)", 6);
      row(md, null, "`rm -rf` of an extraction (reference)", small.rm, large.rm, "about 4 (entries)", Double.NaN);
      List<Double> againstRm = Stats.pairedRatios(large.deleteTree, large.rm);
      double[] ci = Stats.medianCi(againstRm);
      md.append("\n`deleteTree` / `rm -rf` at ").append(LARGE).append(" levels, paired by round: ")
          .append(Stats.ratio(Stats.median(againstRm))).append(" (95% ").append(Stats.ratio(ci[0])).append("–")
          .append(Stats.ratio(ci[1])).append(").\n");
    } finally {
      sh(Path.of("/tmp"), "rm -rf " + dir); // rm walks relative to open directories: a deep tree goes quickly
    }
  }

  private static void row(StringBuilder md, List<String[]> targets, String what, double[] small, double[] large,
      String linear, double bound) {
    List<Double> ratios = Stats.pairedRatios(large, small);
    double ratio = Stats.median(ratios);
    double[] ci = Stats.medianCi(ratios);
    md.append("| ").append(what).append(" | ").append(Stats.ms(Stats.median(Stats.valid(small)))).append(" | ")
        .append(Stats.ms(Stats.median(Stats.valid(large)))).append(" | ").append(String.format("%.2f", ratio))
        .append(" (").append(String.format("%.2f", ci[0])).append("–").append(String.format("%.2f", ci[1]))
        .append(") | ").append(linear).append(" | ").append(Double.isNaN(bound) ? "" : String.format("< %.0f", bound))
        .append(" |\n");
    if (targets != null) {
      targets.add(new String[] {what + ": a " + LARGE + "-level tree within " + String.format("%.0f", bound)
          + "x a " + SMALL + "-level one's time", String.format("ratio %.2f (95%% %.2f–%.2f)", ratio, ci[0], ci[1]),
          ratio < bound ? (ci[1] < bound ? "met" : "met by the median; the interval reaches the bound") : "not met"});
    }
  }
}
