package dev.carapace.policy;

import dev.carapace.core.DockerRunCommand;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SpecAttribute;
import dev.carapace.core.internal.runline.DockerRunParser;
import dev.carapace.core.internal.runline.ShellWords;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Audits a file of {@code docker run} command lines (a shell script of them, a README's snippets pasted
 * into a file) with the policy module's rules, placing every violation on the line and column of the flag
 * it is about.
 *
 * <pre>{@code
 * LocatedReport r = RunLineAudit.lint(Files.readString(Path.of("run.sh")), Profiles.carapaceDefault());
 * r.violations().forEach(v -> System.out.println(v.location().line() + ": " + v.violation()));
 * }</pre>
 *
 * <p>The file is read one command at a time: blank lines and {@code #} comment lines are skipped, a line
 * ending with a backslash continues on the next one, and each command is split as a shell splits one simple
 * command and read as {@link DockerRunCommand#parse(List, Map)} reads it, with an empty environment
 * ({@code -e KEY} is left out), so a command means what Docker would run: where it is silent, Docker's
 * defaults apply and are judged, and a {@code -p} value without a host IP ({@code -p 8080:80}) publishes on
 * every interface, as Docker reads it, where {@code DockerRunCommand.parse} refuses it.
 *
 * <p>Flags a spec cannot hold are judged anyway: {@code --privileged} is a privileged container,
 * {@code --pid}, {@code --ipc}, {@code --uts}, {@code --userns}, {@code --cgroupns} set those namespaces,
 * {@code --device}, {@code --gpus} and {@code --device-cgroup-rule} expose devices; flags whose effect is not
 * on the line ({@code --env-file}, {@code --label-file}, {@code --link}, {@code --volumes-from},
 * {@code --publish-all}) are each a violation of rule {@link #UNJUDGED_FLAG}, which this audit adds to the
 * policy.
 *
 * <p>A violation is placed on the flag that carries the attribute it is about (the occurrence whose value it
 * names, when the flag is repeated), or, when the line does not have that flag ({@code --read-only} missing),
 * on the command's first word, with the missing flag as the location's field. A container is named after
 * {@code --name}, or {@code line N} without it.
 *
 * <p>Bounded: at most {@link #MAX_CHARS} characters (refused before reading) and {@link #MAX_COMMANDS}
 * commands.
 */
public final class RunLineAudit {
  /** The file's length, checked before reading. */
  public static final int MAX_CHARS = 16 * 1024 * 1024;
  /** Commands in one file. */
  public static final int MAX_COMMANDS = 10_000;
  /** The id of the rule that reports a flag whose effect is not on the line. */
  public static final String UNJUDGED_FLAG = "unjudged-flag";

  private static final Pattern OFFSET = Pattern.compile("at offset (\\d+)");
  /**
   * The flags a spec cannot hold that the view judges anyway, one row each: the flag, the view attribute its
   * violations name, and what it sets on the view. Every other flag is placed through the spec attribute it
   * carries ({@link Violation#specAttributes()} and the run-line flag table).
   */
  private enum JudgedFlag {
    PRIVILEGED("--privileged", "privileged", (b, v) -> b.privileged(v.isEmpty() || GO_TRUE.contains(v))),
    PID("--pid", "pidMode", (b, v) -> b.pidMode(v)),
    IPC("--ipc", "ipcMode", (b, v) -> b.ipcMode(v)),
    UTS("--uts", "utsMode", (b, v) -> b.utsMode(v)),
    USERNS("--userns", "usernsMode", (b, v) -> b.usernsMode(v)),
    CGROUPNS("--cgroupns", "cgroupnsMode", (b, v) -> b.cgroupnsMode(v)),
    DEVICE("--device", "devices", (b, v) -> b.addDevice(v.split(":", 2)[0])),
    GPUS("--gpus", "devices", (b, v) -> b.addDevice("gpus=" + v)),
    DEVICE_CGROUP_RULE("--device-cgroup-rule", "devices", (b, v) -> b.addDevice("cgroup rule " + v));

    private final String longName;
    private final String viewAttribute;
    private final BiConsumer<ContainerView.Builder, String> apply;

    JudgedFlag(String longName, String viewAttribute, BiConsumer<ContainerView.Builder, String> apply) {
      this.longName = longName;
      this.viewAttribute = viewAttribute;
      this.apply = apply;
    }

    static Optional<JudgedFlag> of(String longName) {
      return Arrays.stream(values()).filter(j -> j.longName.equals(longName)).findFirst();
    }
  }

  /** How Go's {@code strconv.ParseBool} spells true ({@code --privileged=true}). */
  private static final List<String> GO_TRUE = List.of("1", "t", "T", "true", "TRUE", "True");

  private RunLineAudit() {}

  /** One flag as written: its long name, its value (null for a toggle), where it starts and which words it took. */
  private record Flag(String longName, String value, int offset, int word, int valueWord, Optional<String> refusal) {}

  /** One command: where it starts, its words and flags, and the index of its image word (-1 when none). */
  private record Command(int offset, List<ShellWords.Word> words, List<Flag> flags, int imageWord) {}

  /**
   * Judges every {@code docker run} command of {@code text} with {@code policy} (and rule
   * {@link #UNJUDGED_FLAG}).
   *
   * @throws IllegalArgumentException when the text is too large, a line is not a {@code docker run} command,
   *     does not split as a shell command or holds a flag Docker does not have or a bad value; the message
   *     starts {@code line N, column M: }
   */
  public static LocatedReport lint(String text, Policy policy) {
    Objects.requireNonNull(text, "run line text must not be null");
    Objects.requireNonNull(policy, "policy must not be null");
    if (text.length() > MAX_CHARS) {
      throw new IllegalArgumentException("line 1, column 1: run line file must be at most " + MAX_CHARS
          + " characters (16 MiB): " + text.length() + " characters, refused before reading");
    }
    Lines lines = new Lines(text);
    Map<ContainerView, List<Flag>> unjudged = new IdentityHashMap<>();
    List<ContainerView> views = new ArrayList<>();
    List<Command> commands = new ArrayList<>();
    int at = 0;
    while (at < text.length()) {
      int end = commandEnd(text, at);
      String body = text.substring(at, end);
      String trimmed = body.strip();
      if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
        if (commands.size() == MAX_COMMANDS) {
          throw lines.refuse(at, "run line file must hold at most " + MAX_COMMANDS + " commands: more");
        }
        int start = at + body.indexOf(trimmed.charAt(0));
        Command c = command(lines, text.substring(start, end), start);
        commands.add(c);
        ContainerView view = view(lines, c);
        views.add(view);
        unjudged.put(view, c.flags().stream().filter(f -> f.refusal().isPresent()
            && JudgedFlag.of(f.longName()).isEmpty()).toList());
      }
      at = end + 1;
    }
    Rule rule = Rule.builder(UNJUDGED_FLAG)
        .title("Every flag of a docker run line can be judged")
        .severity(Severity.LOW)
        .remedy("write what the flag stands for on the line itself (-e KEY=VALUE, --label, -v, -p IP:HOST:CONTAINER,"
            + " a user-defined --network), so that it can be judged")
        .check((c, f) -> {
          for (Flag flag : unjudged.getOrDefault(c, List.of())) {
            f.violation(flag.longName(), "must be judged: its effect is not on the line",
                flag.value() == null ? "set" : flag.value(), "write what " + flag.longName() + " stands for on the"
                + " line itself (" + flag.refusal().get() + ")");
          }
        })
        .build();
    Policy judged = Policy.builder(policy.name()).addProfile(policy).addRule(rule).build();
    PolicyReport report = judged.evaluate(views);
    List<LocatedViolation> located = new ArrayList<>();
    for (int i = 0; i < commands.size(); i++) {
      for (Violation v : report.containers().get(i).violations()) {
        located.add(LocatedViolation.of(v, locate(lines, commands.get(i), v)));
      }
    }
    return LocatedReport.of(report, located);
  }

  /** The end (a newline, or the text's end) of the command that starts at {@code from}: continuations joined. */
  private static int commandEnd(String text, int from) {
    int i = from;
    while (true) {
      int nl = text.indexOf('\n', i);
      if (nl < 0) {
        return text.length();
      }
      int k = nl;
      if (k > i && text.charAt(k - 1) == '\r') {
        k--;
      }
      int backslashes = 0;
      while (k - 1 - backslashes >= i && text.charAt(k - 1 - backslashes) == '\\') {
        backslashes++;
      }
      if (backslashes % 2 == 0 || text.substring(from, nl).strip().startsWith("#")) {
        return nl;
      }
      i = nl + 1;
    }
  }

  private static Command command(Lines lines, String body, int offset) {
    List<ShellWords.Word> words;
    try {
      words = ShellWords.words(body);
    } catch (IllegalArgumentException e) {
      Matcher m = OFFSET.matcher(e.getMessage());
      throw lines.refuse(m.find() ? offset + Integer.parseInt(m.group(1)) : offset, e.getMessage());
    }
    if (!words.isEmpty() && words.get(0).text().equals("$")) {
      words = words.subList(1, words.size());
    }
    int i = program(words);
    if (i < 0) {
      String shown = words.stream().limit(3).map(ShellWords.Word::text).reduce((a, b) -> a + " " + b).orElse("");
      throw lines.refuse(offset + (words.isEmpty() ? 0 : words.get(0).offset()),
          "run line file must hold only docker run commands: " + show(shown));
    }
    List<Flag> flags = new ArrayList<>();
    while (i < words.size()) {
      String w = words.get(i).text();
      int wordOffset = offset + words.get(i).offset();
      if (w.equals("--")) {
        i++;
        break;
      }
      if (!w.startsWith("-") || w.length() == 1) {
        break;
      }
      if (w.startsWith("--")) {
        int eq = w.indexOf('=');
        String spelled = eq > 0 ? w.substring(0, eq) : w;
        var facts = DockerRunParser.facts(spelled);
        if (facts.isEmpty()) {
          throw lines.refuse(wordOffset, "docker run flag is not supported: " + show(spelled)
              + " (SecureContainerSpec has no such setting)");
        }
        String value = eq > 0 ? w.substring(eq + 1) : null;
        int flagWord = i;
        int valueWord = -1;
        if (value == null && facts.get().takesValue() && i + 1 < words.size()) {
          valueWord = ++i;
          value = words.get(i).text();
        }
        flags.add(new Flag(facts.get().longName(), value, wordOffset, flagWord, valueWord, facts.get().refusal()));
        i++;
        continue;
      }
      int first = i;
      for (int k = 1; k < w.length(); k++) {
        String spelled = "-" + w.charAt(k);
        var facts = DockerRunParser.facts(spelled);
        if (facts.isEmpty()) {
          throw lines.refuse(wordOffset + k - 1, "docker run flag is not supported: " + show(spelled)
              + " (SecureContainerSpec has no such setting)");
        }
        String rest = w.substring(k + 1);
        if (facts.get().takesValue()) {
          int valueWord = -1;
          String value = rest.startsWith("=") ? rest.substring(1) : rest;
          if (rest.isEmpty() && i + 1 < words.size()) {
            valueWord = ++i;
            value = words.get(i).text();
          }
          flags.add(new Flag(facts.get().longName(), value, wordOffset, first, valueWord, facts.get().refusal()));
          break;
        }
        flags.add(new Flag(facts.get().longName(), null, wordOffset, first, -1, facts.get().refusal()));
        if (rest.startsWith("=")) {
          break;
        }
      }
      i++;
    }
    return new Command(offset, words, flags, i < words.size() ? i : -1);
  }

  /** The index of the first word after {@code docker run} or {@code docker container run}; -1 when neither. */
  private static int program(List<ShellWords.Word> words) {
    if (words.isEmpty() || !(words.get(0).text().equals("docker") || words.get(0).text().endsWith("/docker"))) {
      return -1;
    }
    if (words.size() > 1 && words.get(1).text().equals("run")) {
      return 2;
    }
    if (words.size() > 2 && words.get(1).text().equals("container") && words.get(2).text().equals("run")) {
      return 3;
    }
    return -1;
  }

  private static ContainerView view(Lines lines, Command c) {
    List<String> argv = new ArrayList<>();
    boolean[] skip = new boolean[c.words().size()];
    for (Flag f : c.flags()) {
      if (f.refusal().isPresent()) {
        skip[f.word()] = true;
        if (f.valueWord() >= 0) {
          skip[f.valueWord()] = true;
        }
      }
    }
    for (int i = 0; i < skip.length; i++) {
      if (!skip[i]) {
        argv.add(c.words().get(i).text());
      }
    }
    SecureContainerSpec spec;
    try {
      spec = DockerRunParser.parse(argv, Map.of(), DockerRunParser.PortReading.AS_DOCKER);
    } catch (IllegalArgumentException e) {
      throw lines.refuse(errorOffset(c, e.getMessage()), e.getMessage().replace('\n', ' '));
    }
    ContainerView.Builder b = ContainerView.builder();
    b.from(ContainerView.of(spec));
    b.name(spec.name().orElse("line " + lines.line(c.offset())));
    for (Flag f : c.flags()) {
      JudgedFlag.of(f.longName()).ifPresent(j -> j.apply.accept(b, f.value() == null ? "" : f.value()));
    }
    return b.build();
  }

  /** Where the parser's complaint is: the flag it names, else the command's start. */
  private static int errorOffset(Command c, String message) {
    for (Flag f : c.flags()) {
      String name = f.longName();
      if (message.startsWith(name) || message.contains(": " + name) || message.contains(" " + name + " ")) {
        return f.offset();
      }
    }
    if (message.startsWith("-")) { // a short spelling, as in "-m: ..."
      String spelled = message.split("[:\\s]", 2)[0];
      for (int i = 0; i < c.words().size(); i++) {
        if (c.words().get(i).text().startsWith(spelled)) {
          return c.offset() + c.words().get(i).offset();
        }
      }
    }
    return c.offset();
  }

  private static SourceLocation locate(Lines lines, Command c, Violation v) {
    List<String> flags = new ArrayList<>();
    if (v.ruleId().equals(UNJUDGED_FLAG)) {
      flags.add(v.attribute());
    } else {
      String head = v.attribute().split("[.\\[]", 2)[0];
      for (JudgedFlag j : JudgedFlag.values()) {
        if (j.viewAttribute.equals(head)) {
          flags.add(j.longName);
        }
      }
      for (SpecAttribute a : v.specAttributes()) {
        if (a == SpecAttribute.IMAGE && c.imageWord() >= 0) {
          return lines.at(c.offset() + c.words().get(c.imageWord()).offset(), a.builderName());
        }
        DockerRunParser.flagsCarrying(a).stream().filter(f -> !flags.contains(f)).forEach(flags::add);
      }
    }
    List<String> carrying = flags;
    List<Flag> candidates = c.flags().stream().filter(f -> carrying.contains(f.longName())).toList();
    if (candidates.isEmpty()) {
      return lines.at(c.offset(), flags.isEmpty() ? "" : flags.get(0));
    }
    String value = v.value().toLowerCase(Locale.ROOT).split(" ", 2)[0].replace("cap_", "");
    Flag chosen = null;
    if (!value.isEmpty()) {
      for (Flag f : candidates) {
        String fv = f.value() == null ? "" : f.value().toLowerCase(Locale.ROOT).replace("cap_", "");
        if (!fv.isEmpty() && (fv.contains(value) || value.contains(fv))) {
          chosen = f;
          break;
        }
      }
    }
    Matcher index = Pattern.compile("^(?:mounts|ports|devices)\\[(\\d+)]").matcher(v.attribute());
    if (chosen == null && index.find() && Integer.parseInt(index.group(1)) < candidates.size()) {
      chosen = candidates.get(Integer.parseInt(index.group(1)));
    }
    if (chosen == null) {
      chosen = candidates.get(candidates.size() - 1); // of repeated single-valued flags the last wins
    }
    return lines.at(chosen.offset(), chosen.longName());
  }

  /** A value as messages show it: at most 80 characters, control characters escaped. */
  private static String show(String s) {
    StringBuilder sb = new StringBuilder();
    s.codePoints().limit(80).forEach(cp -> {
      if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
        sb.append(String.format("\\x%02x", cp));
      } else {
        sb.appendCodePoint(cp);
      }
    });
    return s.codePointCount(0, s.length()) > 80 ? sb + "..." : sb.toString();
  }

  /** Line starts of the text, to turn an offset into a line and a column. */
  private static final class Lines {
    private final int[] starts;

    Lines(String text) {
      int count = 1;
      for (int i = 0; i < text.length(); i++) {
        if (text.charAt(i) == '\n') {
          count++;
        }
      }
      starts = new int[count];
      int k = 1;
      for (int i = 0; i < text.length(); i++) {
        if (text.charAt(i) == '\n') {
          starts[k++] = i + 1;
        }
      }
    }

    int line(int offset) {
      int i = Arrays.binarySearch(starts, offset);
      return (i >= 0 ? i : -i - 2) + 1;
    }

    SourceLocation at(int offset, String field) {
      int line = line(offset);
      return SourceLocation.of(line, offset - starts[line - 1] + 1, field);
    }

    IllegalArgumentException refuse(int offset, String message) {
      SourceLocation at = at(offset, "");
      return new IllegalArgumentException("line " + at.line() + ", column " + at.column() + ": " + message);
    }
  }
}
