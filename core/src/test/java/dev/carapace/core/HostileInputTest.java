package dev.carapace.core;

import static org.junit.jupiter.api.Assertions.fail;

import dev.carapace.tls.testing.Fuzz;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Generated inputs per parser and validator ({@link Fuzz#count()}: 100,000 in CI): each either parses
 * or fails with {@link IllegalArgumentException} (the library's own clear error), never another
 * exception type, a slow input (over {@link Fuzz#PER_INPUT}), a hang or an out-of-memory. Inputs are
 * mutations of valid values plus random text over the characters the grammars care about, from a fixed
 * seed so a failure reproduces.
 */
class HostileInputTest {
  private static final int N = Fuzz.count();
  private static final String ALPHABET = "0123456789-,:=/.aAzZ_ $\\\"'{}[]\n\t\u0000\u00e9\u4e2dkmgtbiKMGTB+-";

  private static String random(Random r, List<String> seeds) {
    StringBuilder sb = new StringBuilder();
    if (r.nextInt(3) > 0) {
      sb.append(seeds.get(r.nextInt(seeds.size())));
    }
    int edits = r.nextInt(6);
    for (int i = 0; i < edits; i++) {
      int op = r.nextInt(4);
      int at = sb.length() == 0 ? 0 : r.nextInt(sb.length() + 1);
      char c = r.nextInt(10) == 0 ? (char) r.nextInt(0x3000) : ALPHABET.charAt(r.nextInt(ALPHABET.length()));
      if (op == 0 || sb.length() == 0) {
        sb.insert(at, c);
      } else if (op == 1 && at < sb.length()) {
        sb.deleteCharAt(at);
      } else if (op == 2 && at < sb.length()) {
        sb.setCharAt(at, c);
      } else {
        sb.insert(at, String.valueOf(r.nextLong()));
      }
    }
    if (r.nextInt(500) == 0) {
      sb.append("9".repeat(5000));
    }
    return sb.toString();
  }

  private static void fuzz(String name, long seed, List<String> seeds, Consumer<String> parser) {
    Random r = new Random(seed);
    Fuzz.run(name, N, i -> random(r, seeds), Fuzz::escape, (i, input) -> {
      try {
        parser.accept(input);
      } catch (IllegalArgumentException expected) {
        if (expected.getMessage() == null || expected.getMessage().isEmpty()) {
          fail(name + ": IllegalArgumentException without a message for input " + Fuzz.escape(input));
        }
      } catch (RuntimeException | Error e) {
        fail(name + ": " + e.getClass().getName() + " for input " + Fuzz.escape(input), e);
      }
    });
  }

  @Test
  void cpuSets() {
    fuzz("CpuSet.parse", 1, List.of("0-2,5", "0,1,2", "0-1,3", "7", "0-8191"), CpuSet::parse);
  }

  @Test
  void capabilities() {
    fuzz("Capability.parse", 2, List.of("NET_ADMIN", "cap_chown", "CAP_SYS_ADMIN", "all"), Capability::parse);
  }

  @Test
  void memorySizes() {
    fuzz("MemorySize.parse", 3, List.of("64m", "1GiB", "512", "6MB", "9223372036854775807"), MemorySize::parse);
  }

  @Test
  void ulimits() {
    fuzz("Ulimit.parse", 4, List.of("nofile=1024:2048", "nproc=64", "core=-1:-1"), Ulimit::parse);
  }

  @Test
  void logOptions() {
    fuzz("LogConfig syslog-address", 5, List.of("udp://127.0.0.1:514", "tcp+tls://h:6514", "unix:///dev/log"),
        LogConfig::syslog);
    fuzz("LogConfig max-size/max-file", 6, List.of("10m", "3", "-1"), v -> LogConfig.builder("json-file")
        .option("max-size", v).option("max-file", v).option("tag", v).build());
    fuzz("LogConfig driver", 7, List.of("json-file", "grafana/loki:2.9", "syslog"), v -> LogConfig.builder(v).build());
  }

  @Test
  void securityOptions() {
    fuzz("SelinuxLabel.parse", 8, List.of("label=type:svirt_apache_t", "label:type:x", "label=disable",
        "label=level:s0:c1,c2"), SelinuxLabel::parse);
    fuzz("Seccomp.profileJson", 9, List.of("{\"defaultAction\":\"SCMP_ACT_ERRNO\"}", "{\"defaultAction\":1}", "[]"),
        Seccomp::profileJson);
    fuzz("RestartPolicy.parse", 10, List.of("on-failure:5", "always", "unless-stopped", "no"), RestartPolicy::parse);
  }

  @Test
  void paths() {
    fuzz("ContainerPath.of", 11, List.of("/data", "//a/./b/", "/a/../b", "relative"), ContainerPath::of);
    fuzz("Mount.bind", 12, List.of("/etc/shadow", "/srv//x/"), v -> Mount.bind(v, ContainerPath.of("/x")));
    fuzz("Endpoint.parse", 13, List.of("unix:///var/run/docker.sock", "tcp://127.0.0.1:2376", "ssh://h"),
        Endpoint::parse);
  }

  private static final List<String> FLAGS = List.of("--cap-drop", "--cap-add", "-c", "--cpu-shares",
      "--cpuset-cpus", "--cpus", "-m", "--memory", "--memory-swap", "--pids-limit", "--ulimit", "--security-opt",
      "-v", "--mount", "--tmpfs", "--read-only", "--log-driver", "--log-opt", "-e", "-u", "-w", "--name", "-h",
      "--label", "--network", "-p", "--restart", "--health-cmd", "--health-interval", "--init", "--stop-signal",
      "--stop-timeout", "--entrypoint", "-it", "--rm", "--privileged", "--pid", "-d", "--");
  private static final List<String> VALUES = List.of("ALL", "NET_RAW", "512", "0-1", "1.5", "64m", "nofile=1:2",
      "label:type:x", "seccomp=unconfined", "no-new-privileges=false", "/a:/b:ro", "type=bind,source=/a,target=/b",
      "/tmp:size=1m", "syslog", "tag=x", "A=B", "1000:1000", "/w", "n1", "bridge", "127.0.0.1:80:80", "8080:80",
      "on-failure:3", "true", "1s", "SIGTERM", "busybox", "sh", "-c", "echo hi", "", "=", ":", "\"", "'");

  @Test
  void dockerRunArgumentLists() {
    Random r = new Random(15);
    Fuzz.run("DockerRunCommand argument lists", N, i -> {
      List<String> argv = new java.util.ArrayList<>();
      if (r.nextBoolean()) {
        argv.add("docker");
        argv.add("run");
      }
      int n = r.nextInt(12);
      for (int k = 0; k < n; k++) {
        String token = r.nextInt(3) == 0 ? VALUES.get(r.nextInt(VALUES.size())) : FLAGS.get(r.nextInt(FLAGS.size()));
        if (r.nextInt(8) == 0 && token.startsWith("--")) {
          token = token + "=" + VALUES.get(r.nextInt(VALUES.size()));
        }
        if (r.nextInt(15) == 0) {
          token = random(r, List.of(token));
        }
        argv.add(token);
      }
      return argv;
    }, argv -> Fuzz.escape(argv.toString()), (i, argv) -> {
      try {
        DockerRunCommand.parse(argv);
        DockerRunCommand.parse(String.join(" ", argv));
      } catch (IllegalArgumentException expected) {
        if (expected.getMessage() == null || expected.getMessage().isEmpty()) {
          fail("DockerRunCommand: IllegalArgumentException without a message for " + argv);
        }
      } catch (RuntimeException | Error e) {
        fail("DockerRunCommand: " + e.getClass().getName() + " for " + argv, e);
      }
    });
  }

  /** Digits of ASCII and of other scripts (Arabic-Indic, Devanagari, fullwidth, mathematical bold). */
  private static final String[] DIGIT_ZEROS = {"0", "\u0660", "\u0966", "\uff10", "\ud835\udfce"};

  /**
   * Numbers of every shape a parser may meet: signs, huge and tiny exponents ({@code 1e2147483647}),
   * 20 to 5000 digits, fractions, {@code a/b}, hex and Go's underscores, in ASCII or another script's
   * digits, with or without a unit.
   */
  private static String number(Random r) {
    StringBuilder sb = new StringBuilder();
    String zero = r.nextInt(4) == 0 ? DIGIT_ZEROS[r.nextInt(DIGIT_ZEROS.length)] : "0";
    if (r.nextInt(4) == 0) {
      sb.append("+-".charAt(r.nextInt(2)));
    }
    int digits = List.of(1, 3, 10, 19, 20, 40, 400, 5000).get(r.nextInt(8));
    for (int i = 0; i < digits; i++) {
      int d = r.nextInt(10);
      sb.append(zero.length() == 1 ? String.valueOf((char) (zero.charAt(0) + d))
          : new String(Character.toChars(zero.codePointAt(0) + d)));
    }
    switch (r.nextInt(8)) {
      case 0: sb.append('.').append(r.nextInt(1000)); break;
      case 1: sb.append(List.of("e", "E", "e-", "e+").get(r.nextInt(4)))
          .append(List.of("2147483647", "2147483648", "-2147483648", "9999999999999", "308", "9").get(r.nextInt(6)));
        break;
      case 2: sb.append('/').append(List.of("0", "3", "1e9", "99999999999999999999").get(r.nextInt(4))); break;
      case 3: sb.insert(0, "0x"); break;
      case 4: sb.insert(1, '_'); break;
      default: break;
    }
    if (r.nextBoolean()) {
      sb.append(List.of("m", "g", "GiB", "s", "ms", "h", "p", "k", " ", "%").get(r.nextInt(10)));
    }
    return sb.toString();
  }

  private static final List<String> NUMERIC_FLAGS = List.of("--cpus", "-c", "--cpu-shares", "--cpu-quota",
      "--cpu-period", "-m", "--memory-swap", "--pids-limit", "--stop-timeout", "--health-retries",
      "--health-interval", "--health-timeout", "--cpuset-cpus");

  @Test
  void numbersOfEveryShapeGetOnlyTheLibrarysErrors() {
    Random r = new Random(16);
    Fuzz.run("DockerRunCommand numbers", Math.max(1, N / 5), i -> {
      String v = number(r);
      String flag = NUMERIC_FLAGS.get(r.nextInt(NUMERIC_FLAGS.size()));
      List<String> argv = new java.util.ArrayList<>(List.of("docker", "run", "-m", "64m", "--health-cmd", "true"));
      switch (r.nextInt(6)) {
        case 0: argv.addAll(List.of("--ulimit", "nofile=" + v + (r.nextBoolean() ? ":" + number(r) : ""))); break;
        case 1: argv.addAll(List.of("--network", "bridge", "-p", "127.0.0.1:" + v + ":" + number(r))); break;
        case 2: argv.addAll(List.of("--tmpfs", "/t:size=" + v)); break;
        case 3: argv.addAll(List.of("--restart", "on-failure:" + v)); break;
        default: argv.addAll(List.of(flag, v)); break;
      }
      argv.add("busybox");
      return argv;
    }, argv -> Fuzz.escape(String.join(" ", argv)), (i, argv) -> {
      try {
        DockerRunCommand.parse(argv);
      } catch (IllegalArgumentException expected) {
        if (expected.getMessage() == null || expected.getMessage().isEmpty()) {
          fail("DockerRunCommand: IllegalArgumentException without a message for "
              + Fuzz.escape(String.join(" ", argv)));
        }
      } catch (RuntimeException | Error e) {
        fail("DockerRunCommand: " + e.getClass().getName() + " for " + Fuzz.escape(String.join(" ", argv)), e);
      }
    });
    List<String> seeds = List.of("1e2147483647", "9".repeat(30), "1.5", "\u0666\u0664", "-1", "64m");
    fuzz("MemorySize.parse numbers", 17, seeds, MemorySize::parse);
    fuzz("Ulimit.parse numbers", 18, seeds, v -> Ulimit.parse("nofile=" + v));
    fuzz("CpuSet.parse numbers", 19, seeds, CpuSet::parse);
    fuzz("RestartPolicy.parse numbers", 20, seeds, v -> RestartPolicy.parse("on-failure:" + v));
    fuzz("LogConfig numbers", 21, seeds, v -> LogConfig.builder("json-file").option("max-size", v)
        .option("max-file", v).build());
    Random numbers = new Random(22);
    Fuzz.run("numbers, four parsers", Math.max(1, N / 5), i -> number(numbers), Fuzz::escape, (i, v) -> {
      for (java.util.function.Consumer<String> p : List.<java.util.function.Consumer<String>>of(MemorySize::parse,
          CpuSet::parse, x -> Ulimit.parse("nofile=" + x), x -> RestartPolicy.parse("on-failure:" + x))) {
        try {
          p.accept(v);
        } catch (IllegalArgumentException expected) {
          // the library's own error
        } catch (RuntimeException | Error e) {
          fail(e.getClass().getName() + " for " + Fuzz.escape(v), e);
        }
      }
    });
  }

  @Test
  void wholeSpecs() {
    fuzz("SecureContainerSpec", 14, List.of("busybox", "1000:1000", "root", "bridge", "SIGTERM"),
        v -> SecureContainerSpec.builder().image(v).user(v).network(NetworkMode.parse(v)).stopSignal(v).name(v).hostname(v)
            .apparmorProfile(v).putLabel(v, v).putEnv(v, v).build());
  }
}
