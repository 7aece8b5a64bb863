package dev.carapace.cli.internal.output;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The tool that wrote a report: SARIF's {@code tool.driver} name, version and information URI.
 *
 * @param name {@code carapace}
 * @param version the build's version
 * @param informationUri the project's home page
 */
public record ToolInfo(String name, String version, String informationUri) {
  /** This build of the carapace command (its version from the filtered {@code carapace-cli.properties}). */
  public static ToolInfo carapace() {
    Properties p = new Properties();
    try (InputStream in = ToolInfo.class.getResourceAsStream("/dev/carapace/cli/carapace-cli.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ToolInfo("carapace", p.getProperty("version", "unknown"), "https://github.com/carapace-dev/carapace");
  }
}
