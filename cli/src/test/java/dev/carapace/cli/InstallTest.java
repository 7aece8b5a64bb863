package dev.carapace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The one install command the README and docs/cli.md show is the one that builds what the ITs run:
 * {@code package} makes {@code cli/target/carapace/bin/carapace} (this module's assembly and launcher),
 * and the launcher runs {@link Carapace} on {@code lib/*} with no download.
 */
class InstallTest {
  static final String INSTALL = "mvn -B -ntp -pl cli -am package -DskipTests && cli/target/carapace/bin/carapace --help";
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void theReadmeAndTheDocsShowTheInstallCommand() throws Exception {
    for (String page : List.of("README.md", "docs/cli.md")) {
      assertTrue(Files.readString(ROOT.resolve(page)).contains("```sh\n" + INSTALL + "\n```"), page);
    }
  }

  @Test
  void theAssemblyMakesTheLauncherAndItsJarsWhereTheCommandSays() throws Exception {
    String pom = Files.readString(Path.of("pom.xml"));
    assertTrue(pom.contains("<finalName>carapace</finalName>") && pom.contains("<appendAssemblyId>false</appendAssemblyId>")
        && pom.contains("<phase>package</phase>"), "assembly into target/carapace at package");
    String assembly = Files.readString(Path.of("src/assembly/distribution.xml"));
    assertTrue(assembly.contains("<format>dir</format>") && assembly.contains("<outputDirectory>bin</outputDirectory>")
        && assembly.contains("<fileMode>0755</fileMode>") && assembly.contains("<outputDirectory>lib</outputDirectory>"),
        assembly);
    String launcher = Files.readString(Path.of("src/main/dist/bin/carapace"));
    assertTrue(launcher.startsWith("#!/bin/sh\n"), "a POSIX shell launcher");
    assertTrue(launcher.contains("-cp \"$lib/*\" " + Carapace.class.getName() + " \"$@\""), launcher);
    assertEquals(List.of(), launcher.lines().filter(l -> !l.startsWith("#"))
        .filter(l -> l.contains("curl") || l.contains("wget") || l.contains("mvn")).toList(), "nothing downloaded");
  }
}
