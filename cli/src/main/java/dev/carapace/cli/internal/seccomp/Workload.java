package dev.carapace.cli.internal.seccomp;

import dev.carapace.cli.internal.Cli;
import dev.carapace.cli.internal.InputException;
import dev.carapace.cli.internal.InputText;
import dev.carapace.cluster.ComposeFile;
import dev.carapace.cluster.ComposeRefusal;
import dev.carapace.cluster.ComposeService;
import dev.carapace.core.DockerRunCommand;
import dev.carapace.core.SecureContainerSpec;
import java.util.Map;

/**
 * The workload to record, read strictly from one {@code docker run} command or one Compose service: a flag or a
 * field Carapace's spec cannot hold is refused (exit 2) rather than left out, since a recording of another
 * workload would give a profile for that other workload.
 *
 * @param spec the workload as the command or service says it
 * @param name its name in the report: {@code --name}, the service, else the image
 * @param file the input file as given, or null for stdin
 * @param line the 1-based line of the command or of the service's key
 * @param column the 1-based column there
 */
record Workload(SecureContainerSpec spec, String name, String file, int line, int column) {

  /**
   * Reads the workload of {@code input}; {@code -e KEY} without a value takes it from {@code environment}, as
   * {@code docker run} does.
   *
   * @throws InputException naming the file (and line) for anything but one command or one service it can run
   */
  static Workload read(InputText input, String service, Map<String, String> environment) {
    String shown = input.shownName();
    String file = input.name().equals("-") ? null : input.name();
    return switch (input.kind()) {
      case RUN -> runLine(input.text(), shown, file, environment);
      case COMPOSE -> compose(input, service, shown, file, environment);
      default -> throw InputException.inFile(shown, null, "must be one docker run command or a Compose file: it is a"
          + " Kubernetes manifest (record the container's docker run line or Compose service)", null);
    };
  }

  private static Workload runLine(String text, String shown, String file, Map<String, String> environment) {
    int commands = 0;
    int at = 0;
    int column = 1;
    boolean continued = false;
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String s = lines[i].strip();
      if (!continued && (s.startsWith("docker ") || s.startsWith("$ docker "))) {
        commands++;
        if (at == 0) {
          at = i + 1;
          column = lines[i].indexOf(s.charAt(0)) + 1;
        }
      }
      continued = s.endsWith("\\");
    }
    if (commands != 1) {
      throw InputException.inFile(shown, null, "must hold one docker run command: " + commands + " found", null);
    }
    SecureContainerSpec spec;
    try {
      spec = DockerRunCommand.parse(text, environment);
    } catch (RuntimeException e) {
      throw InputException.inFile(shown, at, Cli.oneLine(e.getMessage())
          + (e.getMessage() != null && e.getMessage().startsWith("docker run flag is not supported")
              && !e.getMessage().endsWith("(SecureContainerSpec has no such setting)")
              ? "; a recording must run the workload as written" : ""), e);
    }
    return new Workload(spec, spec.name().orElse(spec.image()), file, at, column);
  }

  private static Workload compose(InputText input, String service, String shown, String file,
      Map<String, String> environment) {
    ComposeFile f = input.composeFile(environment);
    ComposeService s = input.composeService(f, service);
    for (ComposeRefusal r : f.refusals()) {
      if (r.service().isEmpty() || r.service().get().equals(s.name())) {
        throw InputException.inFile(shown, r.location().line(), Cli.oneLine(r.field() + ": " + r.reason())
            + "; a recording must run the service as written", null);
      }
    }
    return new Workload(s.spec(), s.name(), file, s.location().line(), s.location().column());
  }
}
