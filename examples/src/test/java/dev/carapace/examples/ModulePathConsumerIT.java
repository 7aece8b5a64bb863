package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.LogConfig;
import dev.carapace.core.MemorySize;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.testing.TestEngine;
import dev.carapace.policy.PolicyReport;
import dev.carapace.policy.Profiles;
import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A consumer that uses Carapace as a Java module: a program of its own module ({@code requires
 * dev.carapace.core; requires dev.carapace.policy;}) is compiled against the built jars and run with
 * {@code java --module-path ... -m consumer/consumer.Main} and no other flag, so the modules
 * declared by Carapace's {@code module-info}s alone must make it work (no {@code --add-modules}).
 *
 * <p>The module path is what a Maven consumer of {@code carapace-policy} gets: the tls, core and
 * policy jars of this build (from their {@code target} folders) and their runtime dependencies
 * ({@code target/consumer-module-path.txt}, written by the dependency plugin), plus the SLF4J binding
 * the examples ship. Testcontainers is left out: core's dependency on it is optional.
 */
class ModulePathConsumerIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String PROBE = "grep CapEff /proc/self/status";

  private static final String MODULE_INFO = String.join("\n",
      "module consumer {",
      "  requires dev.carapace.core;",
      "  requires dev.carapace.policy;",
      "}",
      "");

  private static final String MAIN = String.join("\n",
      "package consumer;",
      "",
      "import dev.carapace.core.ContainerLauncher;",
      "import dev.carapace.core.Endpoint;",
      "import dev.carapace.core.LogConfig;",
      "import dev.carapace.core.MemorySize;",
      "import dev.carapace.core.RunResult;",
      "import dev.carapace.core.SecureContainerSpec;",
      "import dev.carapace.policy.EngineAudit;",
      "import dev.carapace.policy.PolicyReport;",
      "import dev.carapace.policy.Profiles;",
      "import java.time.Duration;",
      "",
      "public final class Main {",
      "  public static void main(String[] args) throws Exception {",
      "    SecureContainerSpec spec = SecureContainerSpec.builder()",
      "        .image(args[0])",
      "        .command(\"sh\", \"-c\", \"" + PROBE + "\")",
      "        .user(\"1000:1000\")",
      "        .readOnlyRootFilesystem(true)",
      "        .memoryLimit(MemorySize.ofMebibytes(64))",
      "        .cpuShares(512)",
      "        .pidsLimit(64)",
      "        .logConfig(LogConfig.jsonFile(MemorySize.ofMebibytes(1), 2))",
      "        .build();",
      "    PolicyReport report = Profiles.carapaceDefault().evaluate(spec);",
      "    System.out.println(\"policy \" + report.policy() + \": \" + report.violations().size()",
      "        + \" violations \" + report.violatedRuleIds() + \", json \" + report.toJson().length() + \" chars\");",
      "    try (EngineAudit audit = EngineAudit.connect(Endpoint.fromEnvironment())) {",
      "      System.out.println(\"engine seccomp \" + audit.engineSecurity().seccomp());",
      "    }",
      "    try (ContainerLauncher launcher = ContainerLauncher.connect(Endpoint.fromEnvironment())) {",
      "      System.out.println(\"launcher \" + launcher.id());",
      "      RunResult result = launcher.run(spec, Duration.ofSeconds(60));",
      "      System.out.print(result.stdout());",
      "      System.exit(result.exitCode());",
      "    }",
      "  }",
      "}",
      "");

  @TempDir Path temp;

  @Test
  void runsOnTheModulePathWithNoExtraFlags() throws Exception {
    List<Path> modulePath = modulePath();
    ModuleFinder finder = ModuleFinder.of(modulePath.toArray(new Path[0]));
    for (String module : List.of("dev.carapace.tls", "dev.carapace.core", "dev.carapace.policy")) {
      ModuleDescriptor descriptor = finder.find(module)
          .orElseThrow(() -> new AssertionError(module + " not on the module path " + modulePath))
          .descriptor();
      assertFalse(descriptor.isAutomatic(), module + " must be an explicit module (module-info.class)");
      // tls, the bottom module, also exports dev.carapace: CarapaceException, the root of every module's exceptions
      List<String> exported = module.equals("dev.carapace.tls") ? List.of("dev.carapace", module) : List.of(module);
      assertEquals(exported,
          descriptor.exports().stream().filter(e -> !e.isQualified()).map(ModuleDescriptor.Exports::source)
              .sorted().collect(Collectors.toList()),
          module + " exports only its root package");
    }

    Path classes = compileConsumer(modulePath);

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--module-path");
    command.add(Stream.concat(Stream.of(classes), modulePath.stream()).map(Path::toString)
        .collect(Collectors.joining(File.pathSeparator)));
    command.add("-m");
    command.add("consumer/consumer.Main");
    command.add(TestEngine.BUSYBOX);
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectOutput(temp.resolve("stdout.txt").toFile())
        .redirectError(temp.resolve("stderr.txt").toFile());
    Map<String, String> env = pb.environment();
    // nothing may add flags behind the command line's back
    env.remove("JAVA_TOOL_OPTIONS");
    env.remove("JDK_JAVA_OPTIONS");
    env.remove("_JAVA_OPTIONS");
    String host = System.getProperty("carapace.docker.host");
    if (host != null && !host.isBlank()) {
      env.put("DOCKER_HOST", host);
    }
    Process process = pb.start();
    boolean exited = process.waitFor(120, TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly();
    }
    String out = Files.readString(temp.resolve("stdout.txt"), StandardCharsets.UTF_8);
    String err = Files.readString(temp.resolve("stderr.txt"), StandardCharsets.UTF_8);
    String shown = "\n" + String.join(" ", command) + "\n--- stdout\n" + out + "--- stderr\n" + err;
    assertTrue(exited, "the consumer did not exit within 120 s" + shown);

    assertEquals(0, process.exitValue(), "exit code" + shown);
    List<String> lines = out.lines().collect(Collectors.toList());
    assertTrue(lines.size() >= 3, "the consumer's lines" + shown);
    // the same verdict as on the class path, where this test runs
    PolicyReport expected = Profiles.carapaceDefault().evaluate(SecureContainerSpec.builder()
        .image(TestEngine.BUSYBOX).command("sh", "-c", PROBE).user("1000:1000")
        .readOnlyRootFilesystem(true).memoryLimit(MemorySize.ofMebibytes(64)).cpuShares(512)
        .pidsLimit(64).logConfig(LogConfig.jsonFile(MemorySize.ofMebibytes(1), 2)).build());
    assertEquals("policy " + expected.policy() + ": " + expected.violations().size() + " violations "
        + expected.violatedRuleIds() + ", json " + expected.toJson().length() + " chars",
        lines.get(0), shown);
    // policy's engine audit, through core's internals exported to policy only, and docker-java's runtime
    assertEquals("engine seccomp true", lines.get(1), shown);
    assertTrue(lines.contains("CapEff:\t0000000000000000"), "the container's CapEff" + shown);
    assertFalse(err.contains("SLF4J"), "no SLF4J warning" + shown);
    // the reaper, started on the module path with -m dev.carapace.core/..., ran and ended without a word
    assertFalse(err.contains("reaper process ended early") || err.contains("reaper process could not be started"),
        "the reaper on the module path" + shown);
    assertFalse(err.contains("Exception") || err.contains("\tat "),
        "no exception" + shown);

    String launcherLine = lines.stream().filter(l -> l.startsWith("launcher ")).findFirst()
        .orElseThrow(() -> new AssertionError("no launcher line" + shown));
    LauncherLeftovers.assertNoneLeft(launcherLine.substring("launcher ".length()));
  }

  /**
   * The carapace jars of this build and their runtime dependencies; fails when the build did not
   * produce them (run it with {@code verify}, which packages the modules first).
   */
  private static List<Path> modulePath() throws IOException {
    List<Path> path = new ArrayList<>();
    for (String module : List.of("tls", "core", "policy")) {
      Path target = ROOT.resolve(module).resolve("target");
      List<Path> jars;
      try (Stream<Path> files = Files.list(target)) {
        jars = files.filter(p -> {
          String name = p.getFileName().toString();
          return name.startsWith("carapace-" + module + "-") && name.endsWith(".jar")
              && !name.endsWith("-sources.jar") && !name.endsWith("-javadoc.jar")
              && !name.endsWith("-tests.jar");
        }).collect(Collectors.toList());
      }
      assertEquals(1, jars.size(), "one carapace-" + module + " jar in " + target + ": " + jars);
      path.add(jars.get(0));
    }
    Path dependencies = ROOT.resolve("examples/target/consumer-module-path.txt");
    assertTrue(Files.isRegularFile(dependencies), dependencies + " (written by the dependency plugin"
        + " in pre-integration-test) is missing");
    for (String entry : Files.readString(dependencies, StandardCharsets.UTF_8).strip()
        .split(File.pathSeparator)) {
      Path jar = Path.of(entry);
      assertTrue(Files.isRegularFile(jar), "dependency jar missing: " + jar);
      path.add(jar);
    }
    return path;
  }

  /** Writes the consumer module's sources and compiles them against {@code modulePath}. */
  private Path compileConsumer(List<Path> modulePath) throws IOException {
    Path src = temp.resolve("src");
    Files.createDirectories(src.resolve("consumer"));
    Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
    Files.writeString(src.resolve("consumer/Main.java"), MAIN);
    Path classes = temp.resolve("classes");
    Files.createDirectories(classes);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT,
        StandardCharsets.UTF_8)) {
      List<String> options = List.of(
          "--module-path", modulePath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)),
          "-d", classes.toString(),
          "-Xlint:all");
      boolean ok = javac.getTask(null, files, diagnostics, options, null,
          files.getJavaFileObjects(src.resolve("module-info.java"), src.resolve("consumer/Main.java")))
          .call();
      String messages = diagnostics.getDiagnostics().stream().map(d -> d.toString())
          .collect(Collectors.joining("\n"));
      assertTrue(ok, "the consumer does not compile:\n" + messages);
      // nothing of Immutables (a compile-only dependency) may reach a user's javac as a warning
      assertEquals("", messages, "the consumer compiles without a warning");
    }
    return classes;
  }
}
