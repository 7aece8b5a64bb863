package dev.carapace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import dev.carapace.cli.internal.output.OutputFormatsTest;
import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.MemorySize;
import dev.carapace.core.RunningContainer;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.testing.PinnedImage;
import dev.carapace.core.testing.TestEngine;
import dev.carapace.core.testing.TestPeers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.maven.plugins.surefire.report.ReportTestSuite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code carapace audit}, the installed command run as a process, against the real engine: one weak
 * container created raw and one launched by Carapace, both labelled with this run's id, so other
 * containers on the shared engine do not change the result ({@code --label}). The exact findings, the
 * exit codes by {@code --fail-on}, SARIF valid against the 2.1.0 schema, JUnit XML read by Surefire's
 * parser, and the engine's own findings as its {@code /info} shows them.
 */
class AuditIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RUN_LABEL = "carapace-test.cli";
  private static final String ROLE_LABEL = "carapace-test.cli.role";

  final String run = UUID.randomUUID().toString();
  final String weakName = "carapace-cli-weak-" + run.substring(0, 8);
  final String hardenedName = "carapace-cli-hardened-" + run.substring(0, 8);

  @TempDir
  Path tmp;

  @Test
  void auditsTheLabelledContainersExactly() throws Exception {
    try (ContainerLauncher launcher = TestEngine.launcher()) {
      DockerClient docker = launcher.dockerClient();
      HostConfig weakHost = HostConfig.newHostConfig()
          .withCapAdd(com.github.dockerjava.api.model.Capability.SYS_ADMIN)
          .withPidMode("host")
          .withSecurityOpts(List.of("seccomp=unconfined"))
          .withBinds(new Bind("/etc", new Volume("/host-etc"), AccessMode.ro));
      String weak = docker.createContainerCmd(TestEngine.BUSYBOX).withName(weakName)
          .withCmd("sleep", "120").withUser("0")
          .withLabels(Map.of(RUN_LABEL, run, ROLE_LABEL, "weak"))
          .withHostConfig(weakHost).exec().getId();
      try {
        docker.startContainerCmd(weak).exec();
        PinnedImage pinned = PinnedImage.pull(docker, TestEngine.BUSYBOX_USER); // pinned by digest: image-pinned passes
        SecureContainerSpec hardenedSpec = SecureContainerSpec.builder().image(pinned.reference())
            .name(hardenedName).putLabel(RUN_LABEL, run).putLabel(ROLE_LABEL, "hardened")
            .command("sleep", "120").memoryLimit(MemorySize.ofMebibytes(64)).cpuShares(512)
            .readOnlyRootFilesystem(true).build();
        try (pinned; RunningContainer hardened = launcher.launch(hardenedSpec)) {
          assertEquals(hardenedName, hardened.name());
          judge();
        }
      } finally {
        docker.removeContainerCmd(weak).withForce(true).exec();
      }
    }
  }

  private void judge() throws Exception {
    String host = CommandProcess.dockerHost();
    String label = RUN_LABEL + "=" + run;

    // JSON: the exact findings, the engine's first
    CommandProcess.Result json = CommandProcess.run("audit", "--host", host, "--label", label, "--format", "json");
    assertEquals(1, json.code(), json::toString);
    assertEquals("", json.err());
    JsonNode root = JSON.readTree(json.out());
    assertEquals("profile carapace-default on " + host + ", 2 running containers labelled " + label,
        root.path("subject").asText());
    List<String> expected = new ArrayList<>(engineFindings());
    String weakImageId;
    List<String> weakRepoDigests;
    try (ContainerLauncher launcher = TestEngine.launcher()) {
      weakImageId = launcher.dockerClient().inspectImageCmd(TestEngine.BUSYBOX).exec().getId();
      weakRepoDigests = launcher.dockerClient().inspectImageCmd(weakImageId).exec().getRepoDigests();
    }
    String w = weakName + ": ";
    expected.addAll(List.of(
        "sensitive-mounts|critical|" + w + "mounts[0].source must not be a sensitive host path: /etc (read-only)",
        "baseline-capabilities|high|" + w + "capAdd must add only capabilities the baseline allows: [SYS_ADMIN]",
        "host-pid|high|" + w + "pidMode must not be host: host",
        "no-new-privileges|high|" + w + "securityOpts must set no-new-privileges: not set",
        "non-root-user|high|" + w + "user must not be root: 0",
        "seccomp|high|" + w + "seccomp must not be disabled: unconfined",
        "capabilities|medium|" + w + "capAdd must not add capabilities beyond Docker's defaults: [SYS_ADMIN]",
        "capabilities|medium|" + w + "capDrop must drop the capabilities the workload does not need: none dropped"
            + " (Docker's 14 defaults kept)",
        "host-path-volumes|medium|" + w + "mounts[0] must be a volume or tmpfs, not bind: /etc:/host-etc:ro",
        "memory-limit|medium|" + w + "memory must be limited: unlimited",
        "pids-limit|medium|" + w + "pidsLimit must be set: unlimited",
        "read-only-rootfs|medium|" + w + "readOnlyRootfs must be true: false",
        "restricted-capabilities|medium|" + w + "capAdd must add only NET_BIND_SERVICE: [SYS_ADMIN]",
        "restricted-capabilities|medium|" + w + "capDrop must include ALL: []",
        // --pid host makes the engine add label=disable itself
        "selinux|medium|" + w + "selinuxLabel must not disable SELinux separation: label=disable",
        "cpu-limit|low|" + w + "cpu must be limited or weighted: no cpu shares, quota, cpus or cpuset",
        "default-bridge|low|" + w + "networkMode must not be the default bridge docker0: default",
        "healthcheck|low|" + w + "healthcheck must be set: none",
        "image-pinned|low|" + w + "image must be pinned by digest: " + TestEngine.BUSYBOX + " (a tag), runs image "
            + weakImageId.substring(0, 19) + (weakRepoDigests.isEmpty()
                ? " (no repo digest: built or loaded here, never pulled or pushed)"
                : " (repo digests " + weakRepoDigests + ")")));
    assertEquals(expected, findings(root), json.out());
    root.path("findings").forEach(f -> assertTrue(f.path("file").isNull() && f.path("line").isNull()));
    assertEquals(List.of(hardenedName + ": apparmor", hardenedName + ": selinux", weakName + ": apparmor"),
        notes(root), "the notes name the rules the host cannot enforce");

    // the same engine over mutual TLS (dockerd's 127.0.0.1:2376, the testbed's PKI): by the docker CLI's
    // variables, and by the command's flags; the same findings
    String pki = TestPeers.pki().toString();
    CommandProcess.Result byEnv = CommandProcess.run(Map.of("DOCKER_HOST", "tcp://127.0.0.1:" + TestPeers.DOCKERD_TLS,
        "DOCKER_TLS_VERIFY", "1", "DOCKER_CERT_PATH", pki), "audit", "--label", label, "--format", "json");
    assertEquals(1, byEnv.code(), byEnv::toString);
    assertEquals(expected, findings(JSON.readTree(byEnv.out())));
    CommandProcess.Result byFlags = CommandProcess.run("audit", "--host", "tcp://127.0.0.1:" + TestPeers.DOCKERD_TLS,
        "--tlsverify", "--cert-path", pki, "--label", label, "--format", "json");
    assertEquals(1, byFlags.code(), byFlags::toString);
    assertEquals(expected, findings(JSON.readTree(byFlags.out())));

    // exit codes by --fail-on: the weak container has a critical finding
    assertEquals(1, CommandProcess.run("audit", "--host", host, "--label", label, "--fail-on", "critical").code());
    CommandProcess.Result never = CommandProcess.run("audit", "--host", host, "--label", label, "--fail-on", "never");
    assertEquals(0, never.code(), never::toString);
    assertTrue(never.out().endsWith(expected.size() + " findings (1 critical, " + count(expected, "|high|") + " high, "
        + count(expected, "|medium|") + " medium, " + count(expected, "|low|") + " low) against "
        + root.path("rules").size() + " rules; 0 at or above --fail-on never\n"), never.out());

    // the hardened container alone, without the engine's settings: clean, exit 0
    CommandProcess.Result clean = CommandProcess.run("audit", "--host", host, "--label", label,
        "--label", ROLE_LABEL + "=hardened", "--skip-engine");
    assertEquals(0, clean.code(), clean::toString);
    assertTrue(clean.out().startsWith("carapace audit: profile carapace-default on " + host
        + ", 1 running container labelled "), clean.out());
    assertTrue(clean.out().contains("\n0 findings against "), clean.out());

    // SARIF: valid against the 2.1.0 schema, the same results
    CommandProcess.Result sarif = CommandProcess.run("audit", "--host", host, "--label", label, "--format", "sarif");
    assertEquals(1, sarif.code());
    assertEquals(Set.of(), OutputFormatsTest.sarifSchemaErrors(sarif.out()));
    List<String> sarifRules = new ArrayList<>();
    JSON.readTree(sarif.out()).path("runs").path(0).path("results").forEach(r -> sarifRules.add(r.path("ruleId").asText()));
    assertEquals(expected.stream().map(e -> e.substring(0, e.indexOf('|'))).toList(), sarifRules);
    // every result has a location code scanning accepts: a relative URI naming the engine and the container, line 1,
    // a logical location, a fingerprint
    List<String> located = new ArrayList<>();
    JSON.readTree(sarif.out()).path("runs").path(0).path("results").forEach(r -> {
      JsonNode l = r.path("locations").path(0);
      located.add(l.path("physicalLocation").path("artifactLocation").path("uri").asText() + ":"
          + l.path("physicalLocation").path("region").path("startLine").asText() + "|"
          + l.path("logicalLocations").path(0).path("fullyQualifiedName").asText());
      assertTrue(r.path("partialFingerprints").path("primaryLocationLineHash").asText().matches("[0-9a-f]{16}:1"),
          r::toString);
    });
    java.net.URI h = java.net.URI.create(host);
    String engineUri = "docker/" + h.getScheme() + "/" + (h.getHost() == null ? h.getPath().substring(1)
        : h.getHost() + "%3A" + h.getPort());
    assertEquals(expected.stream().map(e -> e.startsWith("engine-") ? engineUri + "/engine:1|" + host
        : engineUri + "/containers/" + weakName + ":1|" + host + "/containers/" + weakName).toList(), located);

    // JUnit XML into --output, read by Surefire's parser; stdout stays empty
    Path xml = tmp.resolve("audit.xml");
    CommandProcess.Result junit = CommandProcess.run("audit", "--host", host, "--label", label, "--format", "junit",
        "--output", xml.toString());
    assertEquals(1, junit.code());
    assertEquals("", junit.out());
    List<ReportTestSuite> suites = OutputFormatsTest.surefire(Files.readString(xml));
    assertEquals(1, suites.size());
    assertEquals(expected.size(), suites.get(0).getNumberOfFailures());
    assertEquals(expected.size() + root.path("rules").size() - (int) expected.stream()
        .map(e -> e.substring(0, e.indexOf('|'))).distinct().count(), suites.get(0).getNumberOfTests());
  }

  /** {@code ruleId|severity|message} of each finding of a JSON report, in order. */
  static List<String> findings(JsonNode root) {
    List<String> actual = new ArrayList<>();
    root.path("findings").forEach(f -> actual.add(f.path("ruleId").asText() + "|" + f.path("severity").asText() + "|"
        + f.path("message").asText()));
    return actual;
  }

  /** What the engine's own settings give, from its {@code /info} as the test reads it. */
  static List<String> engineFindings() {
    List<String> options = new ArrayList<>();
    TestEngine.getJson("/info").get(0).path("SecurityOptions").forEach(o -> options.add(o.asText()));
    boolean seccomp = options.stream().anyMatch(o -> o.startsWith("name=seccomp"));
    boolean userns = options.stream().anyMatch(o -> o.startsWith("name=userns") || o.startsWith("name=rootless"));
    boolean lsm = options.stream().anyMatch(o -> o.startsWith("name=apparmor") || o.startsWith("name=selinux"));
    List<String> findings = new ArrayList<>();
    if (!seccomp) {
      findings.add("engine-seccomp|high|engine: SecurityOptions lists no name=seccomp");
    }
    if (!userns) {
      findings.add("engine-userns|medium|engine: SecurityOptions lists neither name=userns nor name=rootless");
    }
    if (!lsm) {
      findings.add("engine-lsm|low|engine: SecurityOptions lists neither name=apparmor nor name=selinux");
    }
    return findings;
  }

  private static List<String> notes(JsonNode root) {
    List<String> notes = new ArrayList<>();
    root.path("notes").forEach(n -> {
      String[] parts = n.asText().split(": ", 3);
      notes.add(parts[0] + ": " + parts[1]);
    });
    notes.sort(null);
    return notes;
  }

  private static int count(List<String> findings, String part) {
    return (int) findings.stream().filter(f -> f.contains(part)).count();
  }

  @Test
  void badInputIsExitTwoWithOneLine() throws Exception {
    CommandProcess.run("audit", "--nosuch").assertInputError("carapace audit: Unknown option: '--nosuch'");
    CommandProcess.run("audit", "--format", "html").assertInputError("carapace audit: Invalid value for option '--format'");
    CommandProcess.run(Map.of("DOCKER_HOST", "ftp://x"), "audit")
        .assertInputError("carapace audit: error: cannot use the engine endpoint: DOCKER_HOST must be");
    try (CarapaceTest.Silent engine = new CarapaceTest.Silent()) {
      CommandProcess.Result r = CommandProcess.run("audit", "--host", "tcp://127.0.0.1:" + engine.port(),
          "--timeout", "2s");
      r.assertInputError("carapace audit: error: cannot audit the engine at tcp://127.0.0.1:" + engine.port()
          + ": no response within");
      assertTrue(r.millis() < 30_000, "gave up after " + r.millis() + " ms");
    }
    // the launcher made its AppCDS archive at its first run; without it, the same answer
    assertTrue(Files.size(CommandProcess.launcher().getParent().resolveSibling("lib").resolve("carapace.jsa")) > 1_000_000);
    CommandProcess.run(Map.of("CARAPACE_CDS", "off"), "audit", "--nosuch")
        .assertInputError("carapace audit: Unknown option: '--nosuch'");
    CommandProcess.Result debug = CommandProcess.run("audit", "--nosuch", "--debug");
    assertEquals(2, debug.code());
    assertTrue(debug.err().contains("\tat picocli."), debug.err());
  }
}
