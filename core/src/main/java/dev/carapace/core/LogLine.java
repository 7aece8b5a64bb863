package dev.carapace.core;

import java.util.Objects;

/**
 * One line a container wrote, without its line end ({@code \n}, or {@code \r\n}), and the stream it
 * came from. Read as UTF-8; a line the container left unfinished when its output ended is a line too
 * when the engine sends it.
 */
public final class LogLine {
  private final Stream stream;
  private final String text;

  LogLine(Stream stream, String text) {
    Objects.requireNonNull(stream, "log line stream");
    Objects.requireNonNull(text, "log line text");
    this.stream = stream;
    this.text = text;
  }

  /** Standard output or standard error. */
  public Stream stream() {
    return stream;
  }

  /** The line's text. */
  public String text() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (!(o instanceof LogLine)) {
      return false;
    }
    LogLine that = (LogLine) o;
    return Objects.equals(stream, that.stream) && Objects.equals(text, that.text);
  }

  @Override
  public int hashCode() {
    return Objects.hash(stream, text);
  }

  /** The output stream a line came from. */
  public enum Stream {
    STDOUT, STDERR;

    @Override
    public String toString() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }


  /** {@code stdout: text} or {@code stderr: text}. */
  @Override
  public String toString() {
    return stream + ": " + text;
  }
}
