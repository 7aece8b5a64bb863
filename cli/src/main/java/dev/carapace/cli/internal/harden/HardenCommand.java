package dev.carapace.cli.internal.harden;

import dev.carapace.cli.internal.CarapaceCommand;
import dev.carapace.cli.internal.Cli;
import dev.carapace.cli.internal.InputException;
import dev.carapace.cli.internal.InputText;
import dev.carapace.cli.internal.WorkloadInput;
import dev.carapace.cli.internal.registry.RegistryOptions;
import dev.carapace.cluster.ComposeFile;
import dev.carapace.cluster.ComposeRefusal;
import dev.carapace.cluster.ComposeRenderer;
import dev.carapace.cluster.ComposeService;
import dev.carapace.cluster.KubernetesRenderer;
import dev.carapace.cluster.KubernetesWorkload;
import dev.carapace.cluster.Loss;
import dev.carapace.cluster.SwarmDeployer;
import dev.carapace.cluster.SwarmDeployment;
import dev.carapace.cluster.UncarriableSpecException;
import dev.carapace.core.DockerRunCommand;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SpecAttribute;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code carapace harden}: one {@code docker run} command or one Compose service in, a hardened equivalent out
 * ({@code --to run|compose|kubernetes|swarm}) on stdout, and on stderr what was tightened ({@code tightened: })
 * and what could not be carried ({@code not carried: }). Swarm output is the service spec JSON for Engine API
 * 1.44 ({@link SwarmDeployer#serviceSpec}): {@code docker service create} has no flag for no-new-privileges,
 * seccomp or AppArmor.
 */
@Command(name = "harden", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Reads one docker run command or one Compose service and writes a hardened equivalent to stdout;",
        "lists on stderr what was tightened and what could not be carried."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:the hardened equivalent was written",
        "2:usage error, or input that is not one docker run command or Compose service, or (--pin) a registry that"
            + " does not answer or has no such image (one line on stderr)"})
public final class HardenCommand implements Callable<Integer> {
  private static final Pattern REFUSED = Pattern.compile("^docker run flag is not supported: (\\S+) \\((.*)\\)$");
  private static final List<String> STANDING_ALONE = List.of("--privileged", "--publish-all", "-P");

  @Spec
  CommandSpec spec;

  @Option(names = "--to", paramLabel = "TARGET", defaultValue = "run",
      description = "run (a docker run line), compose (a Compose file), kubernetes (a Pod) or swarm (the service"
          + " spec JSON of Engine API 1.44); default: ${DEFAULT-VALUE}")
  String to;

  @Mixin
  WorkloadInput input;

  @Option(names = "--pin", description = "pin the image to the manifest digest its tag points to now, asking the"
      + " registry (NAME@sha256:...; the options below say how to reach it)")
  boolean pin;

  @Mixin
  RegistryOptions registry;

  @ParentCommand
  CarapaceCommand parent;

  @Override
  public Integer call() {
    if (!List.of("run", "compose", "kubernetes", "swarm").contains(to)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--to must be run, compose, kubernetes or"
          + " swarm: '" + Cli.oneLine(to) + "'");
    }
    InputText text = input.read();
    String name = input.shownName();
    List<String> notCarried = new ArrayList<>();
    SecureContainerSpec in;
    String serviceName;
    if (text.kind() == InputText.Kind.RUN) {
      in = runLine(name, text.text(), notCarried);
      serviceName = in.name().orElse("app");
    } else if (text.kind() == InputText.Kind.COMPOSE) {
      ComposeService s = composeService(text, notCarried);
      in = s.spec();
      serviceName = s.name();
    } else {
      throw InputException.inFile(name, null, "must be one docker run command or a Compose file: it is a Kubernetes"
          + " manifest (judge it with carapace lint)", null);
    }
    List<String> tightened = new ArrayList<>();
    if (pin && in.image().indexOf('@') < 0) {
      String pinned = RegistryOptions.pinned(registry.access(parent.environment(), parent.home()), in.image(), true);
      tightened.add("image: pinned by digest, " + pinned + " (what " + in.image() + " points to now)");
      in = in.toBuilder().image(pinned).build();
    } else if (!pin && registry.given()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--authfile, --ca-cert and --timeout need --pin");
    }
    Hardener.Hardened h = Hardener.harden(in, notCarried);
    tightened.addAll(h.tightened());
    List<String> lost = new ArrayList<>();
    String out = render(h.spec(), serviceName, lost);
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    stdout.print(out.endsWith("\n") ? out : out + "\n");
    stdout.flush();
    for (String t : tightened) {
      stderr.println("tightened: " + t);
    }
    for (String n : h.notCarried()) {
      stderr.println("not carried: " + n);
    }
    for (String n : lost) {
      stderr.println("not carried: " + n);
    }
    stderr.flush();
    return 0;
  }

  private String render(SecureContainerSpec spec, String serviceName, List<String> notCarried) {
    switch (to) {
      case "run":
        return DockerRunCommand.renderLineWithSecrets(spec);
      case "compose": {
        List<SpecAttribute> lost = new ArrayList<>();
        for (Loss l : ComposeRenderer.builder().addService(serviceName, spec).build().losses()) {
          lost.add(l.attribute());
          notCarried.add(l.attribute().builderName() + ": Compose cannot carry it (" + l.reason() + ")");
        }
        return ComposeRenderer.builder().addService(serviceName, spec).acceptLoss(lost.toArray(SpecAttribute[]::new))
            .build().yaml();
      }
      case "kubernetes": {
        KubernetesRenderer.Builder b = KubernetesRenderer.builder(spec);
        for (Loss l : KubernetesRenderer.builder(spec).build().losses(KubernetesWorkload.Kind.POD)) {
          b.acceptLoss(l.attribute());
          notCarried.add(l.attribute().builderName() + ": a Kubernetes pod cannot carry it (" + l.reason() + ")");
        }
        return b.build().pod().yaml();
      }
      default: {
        SwarmDeployment.Builder d = spec.name().isPresent() ? SwarmDeployment.builder()
            : SwarmDeployment.builder(serviceName);
        try {
          SwarmDeployer.serviceSpec(spec, d.build());
        } catch (UncarriableSpecException e) {
          for (Loss l : e.losses()) {
            d.acceptLoss(l.attribute());
            notCarried.add(l.attribute().builderName() + ": a Swarm service cannot carry it (" + l.reason() + ")");
          }
        }
        return SwarmDeployer.serviceSpec(spec, d.build());
      }
    }
  }

  /** The one command of {@code text}, with the flags Carapace refuses left out (and listed). */
  static SecureContainerSpec runLine(String name, String text, List<String> notCarried) {
    int commands = 0;
    boolean continued = false;
    for (String line : text.split("\n", -1)) {
      String s = line.strip();
      if (!continued && (s.startsWith("docker ") || s.startsWith("$ docker "))) {
        commands++;
      }
      continued = s.endsWith("\\");
    }
    if (commands != 1) {
      throw InputException.inFile(name, null, "must hold one docker run command: " + commands + " found", null);
    }
    List<String> words;
    try {
      words = new ArrayList<>(DockerRunCommand.split(text));
    } catch (IllegalArgumentException e) {
      throw InputException.inFile(name, null, Cli.oneLine(e.getMessage()), e);
    }
    for (int i = 0; i < words.size(); i++) {
      String w = words.get(i);
      String variable = (w.equals("-e") || w.equals("--env")) && i + 1 < words.size() ? words.get(i + 1)
          : w.startsWith("--env=") ? w.substring("--env=".length()) : null;
      if (variable != null && !variable.contains("=")) {
        notCarried.add("-e " + variable + ": left out (its value comes from the caller's environment, which harden"
            + " does not read: write -e " + variable + "=VALUE)");
      }
    }
    for (int k = 0; k <= words.size(); k++) {
      String lastProblem;
      try {
        return DockerRunCommand.parse(words, Map.of());
      } catch (IllegalArgumentException e) {
        lastProblem = Cli.oneLine(e.getMessage());
        Matcher m = REFUSED.matcher(lastProblem);
        if (!m.matches() || m.group(2).equals("SecureContainerSpec has no such setting")) {
          throw InputException.inFile(name, null, lastProblem, e);
        }
        String flag = m.group(1);
        int at = -1;
        for (int i = 0; i < words.size(); i++) {
          if (words.get(i).equals(flag) || words.get(i).startsWith(flag + "=")) {
            at = i;
            break;
          }
        }
        if (at < 0) {
          throw InputException.inFile(name, null, lastProblem, e);
        }
        String written = words.remove(at);
        if (!written.contains("=") && !STANDING_ALONE.contains(flag) && at < words.size()) {
          written += " " + words.remove(at);
        }
        notCarried.add(written + ": left out (" + m.group(2) + ")");
      }
    }
    throw InputException.inFile(name, null, "docker run command could not be read", null);
  }

  private ComposeService composeService(InputText text, List<String> notCarried) {
    ComposeFile f = text.composeFile(parent.environment());
    ComposeService s = text.composeService(f, input.service());
    for (ComposeRefusal r : f.refusals()) {
      if (r.service().isEmpty() || r.service().get().equals(s.name())) {
        notCarried.add(r.field() + " (line " + r.location().line() + "): left out (" + r.reason() + ")");
      }
    }
    return s;
  }
}
