package dev.carapace.core.internal.runline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.DockerRunCommand;
import dev.carapace.core.InvalidSpecException;
import dev.carapace.core.MemorySize;
import dev.carapace.core.PortBinding;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.internal.io.Strings;
import dev.carapace.core.internal.registry.ImageReference;
import dev.carapace.core.internal.runline.DockerRunParser.Flag;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code docker run} parsing accepts what Docker accepts and refuses what it refuses, each class of
 * input generated rather than only its named example (issue 10, section 4). The engine's own limits
 * used here were measured against Docker Engine 20.10 with the docker CLI (see the constants in
 * {@link SecureContainerSpec}).
 */
class DockerRunMeansDockerTest {
  private static SecureContainerSpec parse(String... argv) {
    List<String> all = new ArrayList<>(List.of("docker", "run"));
    all.addAll(List.of(argv));
    return DockerRunCommand.parse(all);
  }

  private static String refusal(String... argv) {
    return assertThrows(IllegalArgumentException.class, () -> parse(argv)).getMessage();
  }

  /** Every decimal digit of every script but ASCII's, one per script (its zero, then its 6 and 4). */
  private static List<String> foreignSixtyFours() {
    List<String> out = new ArrayList<>();
    for (int cp = 0x80; cp <= Character.MAX_CODE_POINT; cp++) {
      if (Character.getType(cp) == Character.DECIMAL_DIGIT_NUMBER && Character.digit(cp, 10) == 0) {
        out.add(new String(Character.toChars(cp + 6)) + new String(Character.toChars(cp + 4)));
      }
    }
    assertTrue(out.size() > 50, "the JDK knows many scripts' digits: " + out.size());
    return out;
  }

  @Test
  void memoryTakesFractionsAndEveryUnitSpellingAsGoUnitsDoes() {
    assertEquals(MemorySize.ofBytes(1_610_612_736L), parse("-m", "1.5g", "busybox").memoryLimit().orElseThrow());
    Random r = new Random(41);
    String[] units = {"", "k", "m", "g", "t", "p"};
    long[] muls = {1, 1L << 10, 1L << 20, 1L << 30, 1L << 40, 1L << 50};
    for (int i = 0; i < 20_000; i++) {
      int u = r.nextInt(units.length);
      String number = r.nextInt(1000) + (r.nextBoolean() ? "." + r.nextInt(1000) : "");
      String unit = units[u];
      unit = r.nextBoolean() ? unit.toUpperCase(Locale.ROOT) : unit;
      String suffix = List.of("", "b", "B", "i", "ib", "iB", "IB").get(r.nextInt(7));
      String text = number + (r.nextBoolean() ? " " : "") + unit + suffix;
      long expected = new BigDecimal(number).multiply(BigDecimal.valueOf(muls[u]))
          .setScale(0, RoundingMode.DOWN).longValueExact();
      assertEquals(expected, MemorySize.parse(text).bytes(), text);
    }
    for (String bad : List.of("1.2.3m", ".5g", "5.g", "-1m", "64q", "1gg", " 64m", "64m ", "1e3m", "+64m", "0x40m",
        "99999999999p")) {
      assertThrows(IllegalArgumentException.class, () -> MemorySize.parse(bad), bad);
    }
  }

  @Test
  void digitsOfOtherScriptsAreRefusedByEveryNumericFlag() {
    List<String[]> cases = List.of(new String[] {"-m", "%sm"}, new String[] {"--memory-swap", "%sm"},
        new String[] {"--cpus", "%s"}, new String[] {"--cpu-shares", "%s"}, new String[] {"--cpu-quota", "%s000"},
        new String[] {"--cpu-period", "%s000"}, new String[] {"--pids-limit", "%s"},
        new String[] {"--ulimit", "nofile=%s"}, new String[] {"-p", "127.0.0.1:%s:80"},
        new String[] {"-p", "127.0.0.1:80:%s"}, new String[] {"--cpuset-cpus", "%s"},
        new String[] {"--restart", "on-failure:%s"}, new String[] {"--stop-timeout", "%s"},
        new String[] {"--tmpfs", "/t:size=%sm"}, new String[] {"--log-opt", "max-file=%s"});
    for (String digits : foreignSixtyFours()) {
      for (String[] c : cases) {
        List<String> argv = new ArrayList<>(List.of(c[0], String.format(c[1], digits)));
        if (c[0].equals("--memory-swap")) {
          argv.addAll(0, List.of("-m", "64m"));
        }
        if (c[0].equals("--log-opt")) {
          argv.addAll(0, List.of("--log-driver", "json-file"));
        }
        if (c[0].equals("-p")) {
          argv.addAll(0, List.of("--network", "bridge"));
        }
        argv.add("busybox");
        assertThrows(IllegalArgumentException.class, () -> parse(argv.toArray(new String[0])),
            () -> "accepted " + argv);
      }
    }
    assertEquals("-m: memory size must be a number with a unit like 64m or 1.5g: \u0666\u0664m",
        refusal("-m", "\u0666\u0664m", "busybox"));
    assertEquals("--pids-limit must be a whole number: \"\\u0666\\u0664\"", refusal("--pids-limit", "\u0666\u0664",
        "busybox"));
  }

  @Test
  void dockersUnsetSpellingsMeanUnset() {
    for (String zero : List.of("0", "+0", "-0", "00")) {
      assertEquals(OptionalInt.empty(), parse("--cpu-shares", zero, "busybox").cpuShares(), zero);
      assertEquals(OptionalLong.empty(), parse("--cpu-period", zero, "busybox").cpuPeriod(), zero);
      assertEquals(OptionalLong.empty(), parse("--cpus", zero, "busybox").nanoCpus(), zero);
    }
    for (long q = -5; q <= 0; q++) {
      assertEquals(OptionalLong.empty(), parse("--cpu-quota", Long.toString(q), "busybox").cpuQuota(), "quota " + q);
    }
    assertEquals(OptionalLong.of(50_000), parse("--cpu-quota", "50000", "busybox").cpuQuota());
    assertTrue(parse("-m", "0", "busybox").memoryLimit().isEmpty());
    assertTrue(parse("-m", "64m", "--memory-swap", "0", "busybox").memorySwap().isEmpty());
  }

  @Test
  void cpusReadsDecimalsExponentsAndFractionsExactly() {
    assertEquals(OptionalLong.of(1_500_000_000L), parse("--cpus", "1.5", "busybox").nanoCpus());
    assertEquals(OptionalLong.of(1_500_000_000L), parse("--cpus", "15e-1", "busybox").nanoCpus());
    assertEquals(OptionalLong.of(1_500_000_000L), parse("--cpus", "3/2", "busybox").nanoCpus());
    assertEquals(OptionalLong.of(100_000_000_000L), parse("--cpus", "1e2", "busybox").nanoCpus());
    assertEquals("--cpus must be a number of CPUs like 1.5: 1e2147483647", refusal("--cpus", "1e2147483647", "busybox"));
    assertEquals("--cpus must not divide by zero: 1/0", refusal("--cpus", "1/0", "busybox"));
  }

  @Test
  void signalNamesInAnyCaseAsTheEngineReadsThem() {
    Random r = new Random(43);
    for (String name : List.of("TERM", "KILL", "QUIT", "USR1", "RTMIN+3", "RTMAX-1", "WINCH", "HUP")) {
      for (int i = 0; i < 20; i++) {
        StringBuilder sb = new StringBuilder(r.nextBoolean() ? "SIG" : "");
        sb.append(name);
        for (int k = 0; k < sb.length(); k++) {
          if (r.nextBoolean()) {
            sb.setCharAt(k, Character.toLowerCase(sb.charAt(k)));
          }
        }
        String spelled = sb.toString();
        assertEquals(spelled, parse("--stop-signal", spelled, "busybox").stopSignal().orElseThrow());
      }
    }
    for (String bad : List.of("SIGFOO", "0", "65", "SIG", "TERM ", "\u0131nt", "-1")) {
      InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> parse("--stop-signal", bad, "busybox"));
      assertEquals(List.of("stopSignal must be a signal name or number like SIGTERM: " + Strings.show(bad)),
          e.problems());
    }
  }

  /** Builds a reference from the grammar: optional registry, lower-case path components, tag, digest. */
  private static String reference(Random r) {
    StringBuilder sb = new StringBuilder();
    boolean registry = r.nextInt(3) == 0;
    if (registry) {
      sb.append(List.of("localhost", "registry.example", "Registry.Example:5000", "10.0.0.1:5000", "[::1]:5000",
          "a-b.c").get(r.nextInt(6))).append('/');
    }
    for (int c = 1 + r.nextInt(3); c > 0; c--) {
      boolean first = sb.length() == 0 || sb.charAt(sb.length() - 1) == '/' && registry && sb.indexOf("/") == sb.length() - 1;
      boolean dotAllowed = registry || !first;
      sb.append(alnum(r, "abcxyz0189"));
      for (int s = r.nextInt(3); s > 0; s--) {
        // a first component with a dot would be a registry host, where _ is not allowed: Docker refuses it too
        String sep = List.of(".", "_", "__", "-", "---").get(dotAllowed ? r.nextInt(5) : 1 + r.nextInt(4));
        sb.append(sep).append(alnum(r, "abcxyz0189"));
      }
      if (c > 1) {
        sb.append('/');
      }
    }
    if (r.nextBoolean()) {
      sb.append(':').append(alnum(r, "aB_9")).append(List.of("", ".1", "-rc_2", "").get(r.nextInt(4)));
    }
    if (r.nextInt(4) == 0) {
      sb.append("@sha256:").append("0123456789abcdef".repeat(4));
    }
    return sb.toString();
  }

  private static String alnum(Random r, String chars) {
    StringBuilder sb = new StringBuilder();
    for (int i = 1 + r.nextInt(5); i > 0; i--) {
      sb.append(chars.charAt(r.nextInt(chars.length())));
    }
    return sb.toString();
  }

  @Test
  void imageReferencesFollowDockersGrammar() {
    Random r = new Random(44);
    for (int i = 0; i < 20_000; i++) {
      String ref = reference(r);
      assertEquals("", ImageReference.problem(ref).orElse(""), ref);
      int at = ref.lastIndexOf('/') + 1 + r.nextInt(1);
      if (Character.isLowerCase(ref.charAt(at))) {   // an upper-case letter in the repository: refused
        String upper = ref.substring(0, at) + Character.toUpperCase(ref.charAt(at)) + ref.substring(at + 1);
        assertTrue(ImageReference.problem(upper).orElseThrow().contains("(repository names are lower case: "), upper);
      }
      String broken = ref + List.of(":", "@", "/", "/..x", ":-x", " ", "\u00a0", "@sha256:abc").get(r.nextInt(8));
      assertTrue(ImageReference.problem(broken).isPresent(), broken);
    }
    assertEquals("image must be a reference like busybox:1.36 or registry.example:5000/team/app:1.0@sha256:...:"
        + " Busybox:1.36 (repository names are lower case: busybox)", ImageReference.problem("Busybox:1.36").orElseThrow());
    assertFalse(ImageReference.problem("f".repeat(64)).isPresent(), "an image id");
    assertFalse(ImageReference.problem("sha256:" + "f".repeat(64)).isPresent(), "an image id with its algorithm");
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> parse("BUSYBOX"));
    assertEquals(List.of("image must be a reference like busybox:1.36 or registry.example:5000/team/app:1.0@sha256:...:"
        + " BUSYBOX (repository names are lower case: busybox)"), e.problems());
  }

  @Test
  void hostIpsAreWhatGosParseIpReads() throws Exception {
    for (String ip : List.of("::::::", ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "12345::", "::g", "1.2.3", "fe80::1%eth0",
        "[::1]", "1.2.3.04")) {
      assertThrows(IllegalArgumentException.class, () -> new PortBinding(ip, 80, 80, PortBinding.Protocol.TCP), ip);
    }
    assertEquals("-p: port host ip must be an IP address literal: ::::::",
        refusal("--network", "bridge", "-p", "[::::::]:80:80", "busybox"));
    Random r = new Random(45);
    String chars = "0123456789abcdefABCDEF::::";
    for (int i = 0; i < 50_000; i++) {
      StringBuilder sb = new StringBuilder();
      for (int n = r.nextInt(24); n > 0; n--) {
        sb.append(chars.charAt(r.nextInt(chars.length())));
      }
      if (sb.indexOf(":") < 0) {
        continue;
      }
      String ip = sb.toString();
      boolean jdk;
      try {
        InetAddress.getByName(ip); // a literal with ':' is never looked up
        jdk = true;
      } catch (UnknownHostException e) {
        jdk = false;
      }
      boolean ours;
      try {
        new PortBinding(ip, 80, 80, PortBinding.Protocol.TCP);
        ours = true;
      } catch (IllegalArgumentException e) {
        ours = false;
      }
      assertEquals(jdk, ours, ip);
    }
  }

  @Test
  void unexpandedShellWordsAreNamedAsSuch() {
    for (String word : List.of("$PWD", "${HOME}", "~", "~/src", "$(pwd)", "$HOME/x", "~me/x")) {
      for (String[] c : List.of(new String[] {"-v", word + ":/data"}, new String[] {"-v", "data:" + word},
          new String[] {"--mount", "type=bind,source=" + word + ",target=/data"}, new String[] {"--tmpfs", word},
          new String[] {"-w", word})) {
        String shown = c[0].equals("--mount") ? word : c[1];
        assertEquals(c[0] + " must not hold an unexpanded shell word: " + shown + " (the line is not expanded by a"
            + " shell: pass the value itself, such as an absolute path)", refusal(c[0], c[1], "busybox"), c[1]);
        String line = "docker run " + c[0] + " " + c[1] + " busybox";
        String e = assertThrows(IllegalArgumentException.class, () -> DockerRunCommand.parse(line)).getMessage();
        // a shell expands ~ only at the start of a word (data:~ stays), so the parser names it then
        assertTrue(e.startsWith("command line must not need shell expansion: ")
            || e.startsWith(c[0] + " must not hold an unexpanded shell word: "), e);
        assertTrue(e.contains(" (the line is not expanded by a shell: pass the value itself"), e);
      }
    }
    assertEquals("command line must not need shell expansion: $PWD at offset 14 (the line is not expanded by a shell:"
        + " pass the value itself, or single-quote it to mean it literally)",
        assertThrows(IllegalArgumentException.class, () -> DockerRunCommand.parse("docker run -v $PWD:/src busybox"))
            .getMessage());
    assertEquals(List.of("echo", "$PWD", "~"), DockerRunCommand.parse("docker run busybox echo '$PWD' '~'").command());
    assertEquals(List.of("/srv/a$b"), List.of(parse("-v", "/srv/a$b:/x", "busybox").mounts().get(0).source()));
  }

  @Test
  void typographicDashesAreNamedForEveryFlag() {
    String dashes = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d";
    for (Flag f : Flag.values()) {
      for (String spelled : f.spellings()) {
        for (char d : dashes.toCharArray()) {
          String typed = spelled.startsWith("--") ? d + spelled.substring(2) : d + spelled.substring(1);
          String message = refusal(typed, "busybox");
          String meant = spelled.startsWith("--") ? spelled : spelled; // a letter stays a letter: -m
          assertEquals("docker run flag must start with ASCII hyphens: " + Strings.show(typed) + " starts with "
              + String.format("U+%04X", (int) d) + ", a typographic dash (write " + meant + ")", message);
        }
      }
    }
    assertEquals("docker run flag must start with ASCII hyphens: \"\\u2013rm\" starts with U+2013, a typographic dash"
        + " (write --rm)", refusal("\u2013rm", "busybox"));
  }

  @Test
  void blanksOtherThanSpaceAreNamed() {
    for (int cp = 0x80; cp < 0x10000; cp++) {
      char c = (char) cp;
      if (!Character.isSpaceChar(c)) {
        continue;
      }
      String code = String.format("U+%04X", cp);
      String kind = c == '\u00a0' ? " (a non-breaking space)" : " (a Unicode blank)";
      assertEquals("docker run word must not contain " + code + kind + ": " + Strings.show("--rm" + c + "busybox")
          + " (retype it as a plain space between words)", refusal("--rm" + c + "busybox"));
      String e = assertThrows(IllegalArgumentException.class, () -> DockerRunCommand.parse("docker run --rm" + c
          + "busybox")).getMessage();
      assertEquals("command line must separate words with plain spaces: " + code + kind + " at offset 15 (retype it"
          + " as a space, or quote the word if it belongs to a value)", e);
    }
    assertEquals(Map.of("A", "x\u00a0y"), DockerRunCommand.parse("docker run -e 'A=x\u00a0y' busybox").env(),
        "quoted, it is part of a value");
  }

  @Test
  void whatTheEngineRefusesIsRefusedBeforeIt() {
    assertEquals(OptionalLong.of(4_194_304L), parse("--pids-limit", "4194304", "busybox").pidsLimit());
    assertEquals(List.of("pidsLimit must be at most 4194304 (the kernel's PID_MAX_LIMIT): 4194305"
        + " (call unlimitedPids() for no limit)"),
        assertThrows(InvalidSpecException.class, () -> parse("--pids-limit", "4194305", "busybox")).problems());
    assertThrows(InvalidSpecException.class, () -> parse("--pids-limit", Long.toString(Long.MAX_VALUE), "busybox"));
    long maxQuota = (1L << 44) - 1;
    assertEquals(OptionalLong.of(maxQuota), parse("--cpu-quota", Long.toString(maxQuota), "busybox").cpuQuota());
    assertEquals(List.of("cpuQuota must be at most 17592186044415 microseconds (2^44 - 1, the kernel's limit):"
        + " 9223372036854775807"),
        assertThrows(InvalidSpecException.class, () -> parse("--cpu-quota", Long.toString(Long.MAX_VALUE), "busybox"))
            .problems());
    for (String target : List.of("/proc", "/proc/sys", "/proc/self/fd")) {
      for (String[] c : List.of(new String[] {"-v", "/tmp:" + target}, new String[] {"--tmpfs", target},
          new String[] {"--mount", "type=volume,source=v,target=" + target})) {
        assertEquals(List.of("mount target must not be /proc or inside it (the runtime refuses it at start): "
            + target), assertThrows(InvalidSpecException.class, () -> parse(c[0], c[1], "busybox")).problems());
      }
    }
    assertEquals(1, parse("-v", "/tmp:/sys", "busybox").mounts().size(), "the engine mounts over /sys");
    assertEquals(1, parse("-v", "/tmp:/procfs", "busybox").mounts().size());
    InvalidSpecException nul = assertThrows(InvalidSpecException.class,
        () -> SecureContainerSpec.builder().image("busybox").putEnv("TOKEN", "s3cr\u0000et").build());
    assertEquals(List.of("env value must not contain NUL: in TOKEN (the value is not shown)"), nul.problems());
    assertFalse(nul.getMessage().contains("s3cr"));
    assertEquals("--network: network must be none, bridge, host, container:NAME or a network name: nat:x",
        refusal("--network", "nat:x", "busybox"));
  }
}
