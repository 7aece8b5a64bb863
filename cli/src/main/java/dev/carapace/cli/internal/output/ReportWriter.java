package dev.carapace.cli.internal.output;

/** Writes a whole {@link Report} in one format, into a string (written out only once complete). */
public interface ReportWriter {
  /**
   * The report as this format's text, ending with a newline.
   *
   * @param report what was found
   * @param tool the tool's name and version (SARIF's {@code tool.driver}, JSON's {@code version})
   * @param failOn the threshold, which JSON and text show
   */
  String write(Report report, ToolInfo tool, FailOn failOn);
}
