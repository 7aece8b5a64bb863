package dev.carapace.cluster;

import java.util.Optional;

/**
 * The bounded pre-check of YAML text, before SnakeYAML reads it, shared by {@link ManifestReader} and
 * {@link ComposeYaml}: no NUL character, and lines of at most {@link #MAX_LINE} characters. SnakeYAML copies its
 * whole look-ahead window for every 1,024 characters of one token, so one long token costs time that grows with
 * its square (one 15 MB scalar took 200 s before SnakeYAML's document limit refused it); lines of 64 KiB take
 * milliseconds. Linear in the text, and the first problem only.
 */
final class YamlText {
  /** A line's length, in characters. */
  static final int MAX_LINE = 64 * 1024;

  private YamlText() {}

  /** What is wrong with the text, where (line and column from 1), and the message after the text's name. */
  record Problem(int line, int column, String message) {}

  /**
   * The first problem of {@code yaml}, its message starting {@code what} ({@code compose file},
   * {@code manifest}); empty when the text may be handed to SnakeYAML.
   */
  static Optional<Problem> problem(String yaml, String what) {
    int nul = yaml.indexOf('\0');
    if (nul >= 0) {
      int line = 1 + (int) yaml.substring(0, nul).chars().filter(c -> c == '\n').count();
      return Optional.of(new Problem(line, nul - yaml.lastIndexOf('\n', nul - 1), what + " must be text: a NUL"
          + " character (binary data?)"));
    }
    int start = 0;
    for (int line = 1; start <= yaml.length(); line++) {
      int end = yaml.indexOf('\n', start);
      end = end < 0 ? yaml.length() : end;
      if (end - start > MAX_LINE) {
        return Optional.of(new Problem(line, MAX_LINE + 1, what + " lines must be at most " + MAX_LINE
            + " characters: this one has " + (end - start) + " (SnakeYAML reads a long unbroken run in time that"
            + " grows with its square)"));
      }
      start = end + 1;
    }
    return Optional.empty();
  }
}
