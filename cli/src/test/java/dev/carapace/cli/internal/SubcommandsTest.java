package dev.carapace.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Only the subcommand a command line names is built; every other command line gets all of them. */
class SubcommandsTest {
  private static List<String> registered(String... args) {
    return List.copyOf(Cli.commandLine(Map.of(), Path.of("/nonexistent"), args).getSubcommands().keySet());
  }

  @Test
  void eachRowIsTheNameItsCommandAnnotationGives() {
    CarapaceCommand.SUBCOMMANDS.forEach((name, command) ->
        assertEquals(name, command.getAnnotation(CommandLine.Command.class).name(), command.getName()));
  }

  @Test
  void aNamedSubcommandIsTheOnlyOneBuilt() {
    assertEquals(List.of("audit"), registered("audit", "--label", "a=b"));
    assertEquals(List.of("audit"), registered("--debug", "audit", "--help"));
    assertEquals(List.of("image"), registered("image", "verify", "--key", "k.pub", "x"));
    assertEquals(List.of("verify"), List.copyOf(Cli.commandLine(Map.of(), Path.of("/nonexistent"),
        new String[] {"image", "verify"}).getSubcommands().get("image").getSubcommands().keySet()));
  }

  @Test
  void everyOtherCommandLineGetsThemAll() {
    List<String> all = List.copyOf(CarapaceCommand.SUBCOMMANDS.keySet());
    assertEquals(List.of("audit", "pki", "lint", "harden", "image", "seccomp", "help"), all);
    assertEquals(all, registered());
    assertEquals(all, registered("--help"));
    assertEquals(all, registered("help", "audit"));
    assertEquals(all, registered("nosuch"));
    assertEquals(all, registered("--", "audit"));
    assertEquals(all, registered("Audit"));
    assertEquals(all, Cli.commandLine(Map.of(), Path.of("/nonexistent")).getSubcommands().keySet().stream().toList());
  }

  @Test
  void theNameIsTheFirstWordThatIsNotAnOption() {
    assertEquals("lint", Cli.subcommandNamed(new String[] {"--debug", "lint", "audit"}));
    assertNull(Cli.subcommandNamed(new String[] {"--version"}));
    assertNull(Cli.subcommandNamed(new String[] {"help", "lint"}));
  }
}
