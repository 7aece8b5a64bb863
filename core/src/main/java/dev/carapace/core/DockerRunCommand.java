package dev.carapace.core;

import dev.carapace.core.internal.runline.DockerRunParser;
import dev.carapace.core.internal.runline.DockerRunRenderer;
import dev.carapace.core.internal.runline.ShellWords;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads a {@code docker run} command line into a {@link SecureContainerSpec}, and writes a spec back
 * as the {@code docker run} command line that means the same thing, for logs, docs and audits.
 *
 * <pre>{@code
 * SecureContainerSpec spec = DockerRunCommand.parse(
 *     "docker run --cpuset-cpus=0 ubuntu:14.04 sh -c 'cat /dev/zero >/dev/null'");
 * String line = DockerRunCommand.renderLine(spec);   // env values shown as -e KEY only
 * }</pre>
 *
 * <h2>Parsing means what Docker would do</h2>
 *
 * <p>A parsed spec describes what Docker would run, <b>not</b> Carapace's hardened defaults: where
 * the line is silent, Docker's defaults apply. So a line without {@code --cap-drop} keeps Docker's
 * 14 default capabilities ({@code keepDockerDefaultCapabilities()}); without
 * {@code --security-opt no-new-privileges}, {@code allowPrivilegeEscalation()}; without
 * {@code --network}, {@code NetworkMode.bridge()}; without {@code --pids-limit}, {@code unlimitedPids()}. Judge
 * the result with the policy module; the parser only checks that the line is consistent.
 *
 * <p>Accepted, with or without a leading {@code docker run} or {@code docker container run} (and a
 * leading {@code $} prompt in a string): every flag the spec models, in the CLI's spellings
 * ({@code --flag=value}, {@code --flag value}, repeated flags, short flags and clusters such as
 * {@code -it}, {@code -m64m}, {@code -e K=V}). {@code --cap-drop ALL} is
 * Carapace's own default; {@code --security-opt} takes {@code no-new-privileges[=|:true|false]},
 * {@code seccomp=unconfined}, {@code seccomp=/path/profile.json} (read now), {@code apparmor=X},
 * {@code label=...} and the old {@code label:type:x}; {@code -v SOURCE:TARGET[:ro|rw]} is a bind
 * mount when the source is absolute, a named volume otherwise; {@code --mount} takes {@code type},
 * {@code source}, {@code target}, {@code readonly} and {@code tmpfs-size}; {@code -e KEY} without a
 * value takes it from the environment given to {@link #parse(List, Map)} (and is refused without
 * one); {@code --entrypoint} is one word, as in the CLI; {@code --runtime X} is
 * {@code ContainerRuntime.parse(X)}, and {@code --label dev.carapace.untrusted=true} is the spec's
 * {@code untrusted()} mark (other labels under {@code dev.carapace.} are refused, as the spec refuses
 * them); {@code --pids-limit 0} reads as {@code -1}, as Docker reads it; of repeated single-valued
 * flags the last wins. {@code -i} and {@code -t} ({@code --interactive}, {@code --tty}) are the spec's
 * {@code openStdin} and {@code tty}; {@code --sysctl} of a name Kubernetes calls safe is
 * {@code putSysctl}, any other namespaced one {@code putUnsafeSysctl} (asked for on the line); a second
 * {@code --network}, written {@code NAME} or {@code name=NAME,alias=A} as Docker CLI 25+ writes it, is an
 * additional network, and {@code --network-alias} names the first one; {@code --shm-size 0} is unset, as
 * Docker reads it. {@code -d}, {@code --detach} and {@code --rm} are accepted and ignored:
 * the launcher decides how the container runs and when it is removed.
 *
 * <p>Refused with an {@link IllegalArgumentException} naming the flag: every flag the spec does not
 * model ({@code docker run flag is not supported: --privileged (Carapace never runs privileged
 * containers)}), {@code -p} without a host IP (publishing on every interface must be written
 * {@code 0.0.0.0}), port ranges, anonymous volumes, {@code --cap-add ALL}, {@code --memory-swap -1},
 * {@code --entrypoint ""}, {@code --health-*} timings without {@code --health-cmd} and
 * {@code --log-opt} without {@code --log-driver}. A bad value is the value type's
 * message prefixed by the flag, {@code --cpuset-cpus: cpuset must be a list like 0-2,5: x}; an
 * inconsistent whole is the spec's {@link InvalidSpecException}. The line is split as a shell splits
 * one simple command (quotes, backslashes, continuations, {@code #} comments) without expanding
 * anything: {@code $HOME} stays as written.
 *
 * <h2>Rendering</h2>
 *
 * <p>The rendered line is explicit about Carapace's secure defaults ({@code --cap-drop ALL},
 * {@code --security-opt no-new-privileges}, {@code --network none}, {@code --pids-limit 1024}), so
 * that Docker would run what Carapace runs. Choices where the CLI cannot say exactly what the spec
 * holds:
 *
 * <ul>
 *   <li>env values are left out ({@code -e KEY}) unless rendered {@code WithSecrets};
 *   <li>bind mounts are written {@code --mount type=bind,...}, which, like Carapace and unlike
 *       {@code -v}, refuses a missing host path;
 *   <li>a seccomp profile read from a file is written with that file's path; one given as JSON text
 *       is written {@code seccomp=<inline-seccomp-profile-sha256-HASH.json>}, a placeholder that
 *       {@link #parse} refuses, since the CLI only reads profiles from files;
 *   <li>an entrypoint of several words is written as its first word, the others leading the command:
 *       Docker runs the same argv;
 *   <li>an exec-form health check becomes {@code --health-cmd} of its shell-quoted words, the CLI
 *       having only the shell form;
 *   <li>a stop timeout is written in whole seconds, rounded up; {@code allowHostNetwork()} shows
 *       as {@code --network host};
 *   <li>{@code untrusted()} shows as the label it puts on the container,
 *       {@code --label dev.carapace.untrusted=true}.
 * </ul>
 *
 * <p>For every spec that avoids those corners, {@code parse(renderWithSecrets(spec))} equals
 * {@code spec}, and so does {@code parse(render(spec), env)} given the env values.
 */
public final class DockerRunCommand {
  private DockerRunCommand() {}

  /**
   * Parses a {@code docker run} command line, split like a shell splits one command.
   *
   * @throws IllegalArgumentException naming the flag or the quoting problem
   * @throws InvalidSpecException listing every inconsistency of the resulting spec
   */
  public static SecureContainerSpec parse(String commandLine) {
    return DockerRunParser.parse(words(commandLine), null);
  }

  /**
   * Parses a {@code docker run} command line; {@code -e KEY} takes its value from {@code environment}
   * and is left out when {@code environment} has no {@code KEY}, as Docker does with its own.
   */
  public static SecureContainerSpec parse(String commandLine, Map<String, String> environment) {
    return parse(words(commandLine), Objects.requireNonNull(environment, "environment"));
  }

  /** Parses {@code docker run} arguments, one word a string, as a program receives them. */
  public static SecureContainerSpec parse(List<String> argv) {
    nonNullWords(argv);
    return DockerRunParser.parse(List.copyOf(argv), null);
  }

  /** Parses {@code docker run} arguments, taking {@code -e KEY}'s value from {@code environment}. */
  public static SecureContainerSpec parse(List<String> argv, Map<String, String> environment) {
    nonNullWords(argv);
    return DockerRunParser.parse(List.copyOf(argv), Objects.requireNonNull(environment, "environment"));
  }

  /**
   * The words of a command line, split as a shell splits one simple command (quotes, backslashes,
   * continuations, {@code #} comments) without expanding anything, a leading {@code $} prompt dropped: the
   * argument list {@link #parse(String)} reads, for a caller that edits it before parsing.
   *
   * @throws IllegalArgumentException on an unterminated quote, a shell operator or an expansion
   */
  public static List<String> split(String commandLine) {
    return List.copyOf(words(commandLine));
  }

  private static List<String> words(String commandLine) {
    List<String> words = ShellWords.split(Objects.requireNonNull(commandLine, "commandLine"));
    return !words.isEmpty() && words.get(0).equals("$") ? words.subList(1, words.size()) : words;
  }

  /** The {@code docker run} arguments for {@code spec}, starting {@code docker run}; env values left out. */
  public static List<String> render(SecureContainerSpec spec) {
    Objects.requireNonNull(spec, "spec must not be null");
    return List.copyOf(DockerRunRenderer.render(spec, false));
  }

  /**
   * The {@code docker run} arguments for {@code spec} <b>with every env value in clear: never log
   * them</b>. For handing the command to a shell or a program that runs it.
   */
  public static List<String> renderWithSecrets(SecureContainerSpec spec) {
    Objects.requireNonNull(spec, "spec must not be null");
    return List.copyOf(DockerRunRenderer.render(spec, true));
  }

  /** {@link #render} as one shell-quoted line, safe to log: env values left out. */
  public static String renderLine(SecureContainerSpec spec) {
    Objects.requireNonNull(spec, "spec must not be null");
    return ShellWords.join(DockerRunRenderer.render(spec, false));
  }

  /** {@link #renderWithSecrets} as one shell-quoted line: <b>holds every env value; never log it</b>. */
  public static String renderLineWithSecrets(SecureContainerSpec spec) {
    Objects.requireNonNull(spec, "spec must not be null");
    return ShellWords.join(DockerRunRenderer.render(spec, true));
  }

  private static void nonNullWords(List<String> argv) {
    Objects.requireNonNull(argv, "docker run argument list must not be null");
    for (int i = 0; i < argv.size(); i++) {
      if (argv.get(i) == null) {
        throw new NullPointerException("docker run argument list must not contain null: at index " + i);
      }
    }
  }
}
