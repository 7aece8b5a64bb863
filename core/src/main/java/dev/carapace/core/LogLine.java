package dev.carapace.core;

import java.util.Objects;

/**
 * One line a container wrote, without its line end ({@code \n}, or {@code \r\n}), and the stream it
 * came from. Read as UTF-8; a line the container left unfinished when its output ended is a line too
 * when the engine sends it.
 *
 * @param stream standard output or standard error
 * @param text the line's text
 */
public record LogLine(Stream stream, String text) {
  /** The output stream a line came from. */
  public enum Stream {
    STDOUT, STDERR;

    @Override
    public String toString() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public LogLine {
    Objects.requireNonNull(stream, "log line stream");
    Objects.requireNonNull(text, "log line text");
  }

  /** {@code stdout: text} or {@code stderr: text}. */
  @Override
  public String toString() {
    return stream + ": " + text;
  }
}
