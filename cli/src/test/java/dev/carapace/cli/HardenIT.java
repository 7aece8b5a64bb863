package dev.carapace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.carapace.cluster.ManifestAudit;
import dev.carapace.policy.PolicyReport;
import dev.carapace.policy.Profiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code carapace harden} round trips, the installed command run as a process: a weak {@code docker run} line and
 * a weak Compose service (both the testbed's busybox, sleeping) hardened to every target; each output linted clean
 * by {@code carapace lint}; the Compose output accepted by Debian's {@code docker-compose config -q}; the Kubernetes
 * output judged {@code pss-restricted} by {@link ManifestAudit} and played by {@code podman kube play} (its
 * container running, then taken down); the Swarm output a service spec with no-new-privileges and every capability
 * dropped. Bad input is exit 2 with one line.
 */
class HardenIT {
  private static final Path DIR = Path.of("src/test/resources/harden");
  private static final Path PODMAN_CONF = Path.of(System.getenv().getOrDefault("CARAPACE_TESTBED_DIR",
      "/var/lib/carapace-testbed"), "podman/containers.conf");

  @TempDir
  Path tmp;

  private Path harden(String input, String to, List<String> expectedStderr) throws IOException {
    CommandProcess.Result r = CommandProcess.run("harden", "--to", to, DIR.resolve(input).toString());
    assertEquals(0, r.code(), r.toString());
    assertEquals(expectedStderr, r.errLines(), r.err());
    Path out = tmp.resolve(input.replaceAll("\\W", "_") + "." + to + (to.equals("kubernetes") || to.equals("compose")
        ? ".yaml" : to.equals("swarm") ? ".json" : ".sh"));
    Files.writeString(out, r.out(), StandardCharsets.UTF_8);
    return out;
  }

  private static final List<String> RUN_TIGHTENED = List.of(
      "tightened: user: 65534:65534 (nobody) instead of the image's USER; give --user a non-root uid the image works"
          + " with",
      "tightened: capabilities: all dropped (--cap-drop ALL) instead of Docker's 14 defaults",
      "tightened: no-new-privileges: set (setuid binaries cannot gain privileges)",
      "tightened: root filesystem: read-only (--read-only), with a tmpfs on /tmp for scratch",
      "tightened: memory: limited to 512m (none was set; adjust to the workload)",
      "tightened: cpu: limited to 1 cpu (none was set; adjust to the workload)",
      "tightened: pids: limited to 1024 processes (was unlimited)",
      "tightened: network: none instead of bridge (no port is published; attach a user-defined network if it talks"
          + " to others)",
      "not carried: --cap-add SYS_ADMIN: left out (add it back only if the workload fails without it)",
      "not carried: mount /etc:/host-etc: left out (mounts[0].source must not be a sensitive host path: /etc)");

  /** harden keeps the image as named (it asks no registry): its tag is the one finding left, image-pinned (LOW). */
  private static void assertOnlyTheTagIsLeft(CommandProcess.Result lint) {
    assertEquals(0, lint.code(), lint.out());
    assertTrue(lint.out().contains("\n1 finding") && lint.out().contains(" LOW image-pinned: "), lint.out());
  }

  @Test
  void aRunLineHardenedToARunLineLintsClean() throws Exception {
    Path out = harden("tool.sh", "run", RUN_TIGHTENED);
    assertEquals("docker run --name tool --user 65534:65534 --cap-drop ALL --security-opt no-new-privileges"
        + " --read-only --network none --tmpfs /tmp:size=64m --cpus 1 --memory 512m --pids-limit 1024 --health-cmd"
        + " true --health-interval 30s --health-timeout 30s --health-start-period 0s --health-retries 3"
        + " localhost/carapace-test/busybox:1 sleep 3600\n", Files.readString(out));
    assertOnlyTheTagIsLeft(CommandProcess.run("lint", "--fail-on", "medium", out.toString()));
  }

  @Test
  void aComposeServiceHardenedToComposeIsAcceptedByDockerComposeAndLintsClean() throws Exception {
    Path out = harden("compose.yaml", "compose", List.of(
        "tightened: user: 65534:65534 (nobody) instead of the image's USER; give --user a non-root uid the image"
            + " works with",
        "tightened: capabilities: all dropped (--cap-drop ALL) instead of Docker's 14 defaults",
        "tightened: no-new-privileges: set (setuid binaries cannot gain privileges)",
        "tightened: root filesystem: read-only (--read-only), with a tmpfs on /tmp for scratch",
        "tightened: memory: limited to 512m (none was set; adjust to the workload)",
        "tightened: cpu: limited to 1 cpu (none was set; adjust to the workload)",
        "tightened: pids: limited to 1024 processes (was unlimited)",
        "tightened: restart: on-failure:5 instead of always (CIS 5.14)",
        "not carried: services.tool.privileged (line 5): left out (refused: Carapace never runs privileged"
            + " containers)",
        "not carried: --cap-add NET_ADMIN: left out (add it back only if the workload fails without it)"));
    assertEquals("", exec(List.of("docker-compose", "-f", out.toString(), "config", "-q"), null));
    assertOnlyTheTagIsLeft(CommandProcess.run("lint", "--fail-on", "medium", out.toString()));
    Path fromRun = harden("tool.sh", "compose", RUN_TIGHTENED);
    assertEquals("", exec(List.of("docker-compose", "-f", fromRun.toString(), "config", "-q"), null));
    assertOnlyTheTagIsLeft(CommandProcess.run("lint", "--fail-on", "medium", fromRun.toString()));
  }

  @Test
  void aRunLineHardenedToKubernetesIsRestrictedAndPlaysInPodman() throws Exception {
    List<String> stderr = new ArrayList<>(RUN_TIGHTENED);
    stderr.add("not carried: pidsLimit: a Kubernetes pod cannot carry it (kubernetes has no per-pod pids limit:"
        + " the kubelet's podPidsLimit applies to every pod of a node)");
    stderr.add("not carried: network: a Kubernetes pod cannot carry it (a pod always joins the cluster network:"
        + " --network none has no per-pod counterpart (a NetworkPolicy denying all ingress and egress comes"
        + " closest))");
    Path out = harden("tool.sh", "kubernetes", stderr);
    String yaml = Files.readString(out);
    PolicyReport restricted = ManifestAudit.judge(yaml, Profiles.podSecurityRestricted());
    assertTrue(restricted.passed(), restricted.toText());
    assertEquals(0, CommandProcess.run("lint", "--profile", "pss-restricted", out.toString()).code());
    if (!Files.isRegularFile(PODMAN_CONF)) {
      throw new IllegalStateException("podman testbed missing: no " + PODMAN_CONF + " (run testbed/podman.sh)");
    }
    try {
      exec(List.of("podman", "kube", "play", out.toString()), PODMAN_CONF);
      String state = "";
      for (int i = 0; i < 60 && !state.equals("running"); i++) {
        state = exec(List.of("podman", "inspect", "--format", "{{.State.Status}}", "tool-tool"), PODMAN_CONF).strip();
        Thread.sleep(500);
      }
      assertEquals("running", state);
      assertEquals("65534:65534", exec(List.of("podman", "exec", "tool-tool", "sh", "-c", "echo $(id -u):$(id -g)"),
          PODMAN_CONF).strip());
      assertTrue(exec(List.of("podman", "exec", "tool-tool", "sh", "-c", "touch /x 2>&1 || true"), PODMAN_CONF)
          .contains("Read-only file system"));
    } finally {
      exec(List.of("podman", "kube", "down", out.toString()), PODMAN_CONF);
    }
  }

  @Test
  void aComposeServiceHardenedToSwarmIsAServiceSpecThatDropsEverything() throws Exception {
    CommandProcess.Result r = CommandProcess.run("harden", "--to", "swarm", DIR.resolve("compose.yaml").toString());
    assertEquals(0, r.code(), r.err());
    JsonNode spec = new ObjectMapper().readTree(r.out());
    JsonNode c = spec.path("TaskTemplate").path("ContainerSpec");
    assertEquals("tool", spec.path("Name").asText());
    assertEquals("[\"ALL\"]", c.path("CapabilityDrop").toString());
    assertTrue(c.path("Privileges").path("NoNewPrivileges").asBoolean());
    assertTrue(c.path("ReadOnly").asBoolean());
    assertEquals("65534:65534", c.path("User").asText());
    assertEquals(1024, spec.path("TaskTemplate").path("Resources").path("Limits").path("Pids").asInt());
  }

  /**
   * {@code --pin}: the image, pushed to the testbed's registry under a repository of this run, resolved to its
   * manifest digest (credentials from {@code --authfile}, the registry's CA from the engine's certs.d) and written as
   * {@code NAME@sha256:...} to every target, listed first among what was tightened: the run line and the Compose file
   * then lint with no finding at all (without {@code --pin}, the tag is the one finding left).
   */
  @Test
  void pinnedByDigestTheHardenedOutputLintsWithNoFindingAtAll() throws Exception {
    dev.carapace.core.testing.TestRegistry registry = new dev.carapace.core.testing.TestRegistry();
    try {
      String image = registry.image("harden");
      String digest = registry.copyBusybox("harden", "1", 0);
      Path auth = ImageVerifyIT.authFile(tmp.resolve("auth.json"), dev.carapace.core.testing.TestPeers.REGISTRY);
      Path line = Files.writeString(tmp.resolve("pin.sh"), Files.readString(DIR.resolve("tool.sh"))
          .replace("localhost/carapace-test/busybox:1", image + ":1"));
      String pinned = image + "@" + digest;
      for (String to : List.of("run", "compose", "kubernetes", "swarm")) {
        CommandProcess.Result r = CommandProcess.run("harden", "--pin", "--authfile", auth.toString(), "--to", to,
            line.toString());
        assertEquals(0, r.code(), r.toString());
        assertEquals("tightened: image: pinned by digest, " + pinned + " (what " + image + ":1 points to now)",
            r.errLines().get(0));
        assertEquals(RUN_TIGHTENED, r.errLines().subList(1, 1 + RUN_TIGHTENED.size()), r.err());
        assertTrue(r.out().contains(to.equals("swarm") ? "\"Image\" : \"" + pinned + "\"" : pinned), r.out());
        assertTrue(!r.out().contains(image + ":1"), "no tag left: " + r.out());
        if (to.equals("run") || to.equals("compose")) {
          Path out = Files.writeString(tmp.resolve("pinned." + (to.equals("run") ? "sh" : "yaml")), r.out());
          CommandProcess.Result lint = CommandProcess.run("lint", out.toString());
          assertEquals(0, lint.code(), lint.toString());
          assertTrue(lint.out().contains("\n0 findings against "), lint.out());
        }
      }
    } finally {
      registry.deleteAll();
    }
  }

  @Test
  void badInputIsOneLineExitTwo() throws Exception {
    CommandProcess.run("harden", LintCorpus.DIR.resolve("run/run-bad.sh").toString())
        .assertInputError("carapace harden: error: " + LintCorpus.DIR.resolve("run/run-bad.sh")
            + ": must hold one docker run command: 2 found");
    CommandProcess.run("harden", LintCorpus.DIR.resolve("bad/unknown-flag.sh").toString())
        .assertInputError("carapace harden: error: " + LintCorpus.DIR.resolve("bad/unknown-flag.sh")
            + ": docker run flag is not supported: --frobnicate");
    CommandProcess.run("harden", LintCorpus.DIR.resolve("bad/binary.sh").toString())
        .assertInputError("carapace harden: error: " + LintCorpus.DIR.resolve("bad/binary.sh") + ":1: must be text");
    CommandProcess.run("harden", LintCorpus.DIR.resolve("compose/compose-bad.yaml").toString())
        .assertInputError("carapace harden: error: " + LintCorpus.DIR.resolve("compose/compose-bad.yaml")
            + ": holds 2 services that can be read: name one with --service (web, db)");
    CommandProcess.run("harden", "--to", "helm", DIR.resolve("tool.sh").toString())
        .assertInputError("carapace harden: --to must be run, compose, kubernetes or swarm: 'helm'");
  }

  /** Runs a command (with podman's testbed configuration when given), returns stdout; fails on a non-zero exit. */
  private static String exec(List<String> command, Path containersConf) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command);
    if (containersConf != null) {
      pb.environment().put("CONTAINERS_CONF", containersConf.toString());
    }
    Path err = Files.createTempFile("harden-it", ".err");
    try {
      pb.redirectError(err.toFile());
      Process p = pb.start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        throw new IllegalStateException(command + " did not finish in 180 s");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(command + " exited " + p.exitValue() + ": " + Files.readString(err).strip());
      }
      return new String(out, StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(err);
    }
  }
}
