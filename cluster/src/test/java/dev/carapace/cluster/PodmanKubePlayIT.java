package dev.carapace.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.Capability;
import dev.carapace.core.ContainerPath;
import dev.carapace.core.MemorySize;
import dev.carapace.core.NetworkMode;
import dev.carapace.core.Mount;
import dev.carapace.core.ProcStatus;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SpecAttribute;
import dev.carapace.policy.Profiles;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import dev.carapace.tls.testing.Fuzz;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The rendered YAML, run for real by {@code podman kube play} (Debian's podman 4.3.1; no Kubernetes API
 * server runs here), then read from inside as the core ITs read a launched container: CapEff, NoNewPrivs,
 * Seccomp, uid, the memory limit (cgroup v2's memory.max, or v1's memory.limit_in_bytes as on this host),
 * the read-only root. Every pod is taken down with {@code podman kube down},
 * and the last test checks that none is left.
 *
 * <p>podman reads seccomp from the deprecated annotations, not from {@code seccompProfile}; with no
 * annotation it applies its default filter, so {@code Seccomp: 2} inside shows podman's filter, as
 * RuntimeDefault would on a kubelet. podman 4.3.1 does not play kind Job ("YAML document does not contain
 * any supported kube kind"): the Job's test plays the Pod the Job controller would make of its template. It
 * mounts an {@code emptyDir} of medium Memory as a directory on disk, not a tmpfs.
 */
class PodmanKubePlayIT {
  private static final String PREFIX = "carapace-kube-" + UUID.randomUUID().toString().substring(0, 8);
  private static final String READ = "grep -E '^(CapEff|CapPrm|CapBnd|NoNewPrivs|Seccomp|Uid):' /proc/self/status; echo uid=$(id -u);"
      + " echo memory.max=$(cat /sys/fs/cgroup/memory.max 2>/dev/null"
      + " || cat /sys/fs/cgroup/memory/memory.limit_in_bytes); touch /probe 2>&1 || true";

  private static SecureContainerSpec.Builder sleeping(String name, String image) {
    return SecureContainerSpec.builder().image(image).name(name).command("sleep", "300")
        .memoryLimit(MemorySize.ofMebibytes(64)).readOnlyRootFilesystem(true);
  }

  private static KubernetesRenderer manifest(SecureContainerSpec spec) {
    return KubernetesRenderer.builder(spec).acceptLoss(SpecAttribute.PIDS_LIMIT).acceptLoss(SpecAttribute.NETWORK).build();
  }

  private static String exec(String container, String script) throws Exception {
    return Podman.run("exec", container, "sh", "-c", script);
  }

  private static void assertHardened(String inside, String capEff, String uid) {
    ProcStatus status = ProcStatus.parse(inside);
    assertEquals(capEff, status.effectiveHex(), inside);
    assertTrue(status.noNewPrivs(), inside);
    assertEquals(2, status.seccompMode(), inside);
    assertEquals(Integer.parseInt(uid), status.uid(), inside);
    assertTrue(inside.contains("uid=" + uid + "\n"), inside);
    assertTrue(inside.contains("memory.max=67108864\n"), inside);
    assertTrue(inside.contains("touch: /probe: Read-only file system"), inside);
  }

  @Test
  void theDefaultPodRunsHardenedAsTheImagesNonRootUser() throws Exception {
    String name = PREFIX + "-pod";
    KubernetesWorkload<Pod> pod = manifest(sleeping(name, Podman.BUSYBOX_USER).build()).pod();
    assertTrue(ManifestAudit.judge(pod.yaml(), Profiles.podSecurityRestricted()).passed());
    Path file = Podman.play(pod.yaml());
    try {
      assertHardened(exec(name + "-" + name, READ), "0000000000000000", "1000");
    } finally {
      Podman.down(file);
    }
    assertEquals(List.of(), Podman.pods(name));
  }

  @Test
  void aNumericUserAnAddedCapabilityAndATmpfsArriveInside() throws Exception {
    String name = PREFIX + "-caps";
    SecureContainerSpec spec = sleeping(name, Podman.BUSYBOX).user("0:0").addCapability(Capability.NET_BIND_SERVICE)
        .addMount(Mount.tmpfs(ContainerPath.of("/scratch"), MemorySize.ofMebibytes(16))).build();
    Path file = Podman.play(manifest(spec).pod().yaml());
    try {
      String inside = exec(name + "-" + name, READ + "; grep ' /scratch ' /proc/mounts; echo hi > /scratch/f && cat /scratch/f");
      assertHardened(inside, "0000000000000400", "0");
      // podman 4.3.1 mounts an emptyDir as a directory on disk even of medium Memory (a kubelet mounts a
      // tmpfs of sizeLimit): what shows here is a writable /scratch under the read-only root
      assertTrue(inside.contains(" /scratch "), inside);
      assertTrue(inside.contains("hi\n"), inside);
    } finally {
      Podman.down(file);
    }
  }

  @Test
  void theDeploymentsPodRunsHardened() throws Exception {
    String name = PREFIX + "-dep";
    KubernetesWorkload<?> deployment = manifest(sleeping(name, Podman.BUSYBOX).user("1000:1000").build()).deployment();
    Path file = Podman.play(deployment.yaml());
    try {
      assertHardened(exec(name + "-pod-0-" + name, READ), "0000000000000000", "1000");
    } finally {
      Podman.down(file);
    }
    assertEquals(List.of(), Podman.pods(name));
  }

  @Test
  void theJobsPodRunsToCompletionHardened() throws Exception {
    String name = PREFIX + "-job";
    SecureContainerSpec spec = SecureContainerSpec.builder().image(Podman.BUSYBOX).name(name).user("1000:1000")
        .memoryLimit(MemorySize.ofMebibytes(64)).readOnlyRootFilesystem(true).command("sh", "-c", READ).build();
    Job job = manifest(spec).job().model();
    Pod pod = new PodBuilder().withMetadata(job.getSpec().getTemplate().getMetadata()).editMetadata().withName(name)
        .endMetadata().withSpec(job.getSpec().getTemplate().getSpec()).build();
    Path file = Podman.play(Yaml.write(pod));
    try {
      String container = name + "-" + name;
      assertEquals("0", Podman.run("wait", container).strip());
      assertHardened(Podman.run("logs", container), "0000000000000000", "1000");
    } finally {
      Podman.down(file);
    }
    assertEquals(List.of(), Podman.pods(name));
  }

  /** The NUL-separated strings of a {@code /proc/PID/} file, as {@code od -A n -v -t x1} printed them in hex. */
  private static List<String> nulSeparated(String od) {
    String hex = od.replaceAll("\\s+", "");
    byte[] bytes = HexFormat.of().parseHex(hex);
    List<String> strings = new ArrayList<>();
    int from = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == 0) {
        strings.add(new String(bytes, from, i - from, StandardCharsets.UTF_8));
        from = i + 1;
      }
    }
    return strings;
  }

  /**
   * go-yaml v2 (podman reads kube YAML through sigs.k8s.io/yaml) takes every hostile string back as itself:
   * env names and values read from {@code /proc/1/environ} inside, command words from {@code /proc/1/cmdline},
   * label values from the pod podman made. Unquoted, {@code 0x1F} would arrive as {@code 31}, {@code yes} as
   * {@code true}, {@code ~} as nothing, and {@code .inf} would refuse the whole manifest.
   *
   * <p>Left out: a multi-line string that starts with a blank or a line break. podman 4.3.1 splits the file
   * with go-yaml v3, writes each document again with v3 and reads that with v2, which misreads v3's block
   * scalar with an indentation indicator: {@code "\na"} is refused however it is quoted (measured: "did not
   * find expected '-' indicator"), while kubectl, which reads the file once, takes it back unchanged.
   */
  @Test
  void hostileEnvValuesArriveInsideUnchanged() throws Exception {
    String name = PREFIX + "-hostile";
    Map<String, String> env = new LinkedHashMap<>();
    Map<String, String> labels = new LinkedHashMap<>();
    List<String> words = new ArrayList<>(List.of("sh", "-c", "trap 'exit 0' TERM; sleep 300 & wait", "sh"));
    for (int i = 0; i < HostileScalars.KNOWN.size(); i++) {
      String h = HostileScalars.KNOWN.get(i);
      if (h.contains("\n") && (h.startsWith("\n") || h.startsWith(" "))) {
        continue; // podman's own v3-then-v2 round trip refuses it, above
      }
      env.put(String.format("HOSTILE_%03d", i), h);
      words.add(h);
      if (KubernetesNames.isLabelValue(h)) {
        labels.put(String.format("hostile-%03d", i), h);
      }
    }
    for (String h : List.of("yes", "on", "y", "n", "null", "1e3", "0x1F", "0o17", "1_000", "1:20", "2001-12-14",
        ".inf", "<<", "~")) {
      env.put(h, "the name " + h);
    }
    SecureContainerSpec spec = SecureContainerSpec.builder().image(Podman.BUSYBOX).name(name).user("1000:1000")
        .readOnlyRootFilesystem(true).env(env).labels(labels).command(words).build();
    Path file = Podman.play(manifest(spec).pod().yaml());
    try {
      String container = name + "-" + name;
      Map<String, String> inside = new LinkedHashMap<>();
      for (String e : nulSeparated(exec(container, "od -A n -v -t x1 /proc/1/environ"))) {
        int eq = e.indexOf('=');
        inside.put(e.substring(0, eq), e.substring(eq + 1));
      }
      env.forEach((k, v) -> assertEquals(v, inside.get(k),
          () -> "env " + Fuzz.escape(k) + ": " + Fuzz.escape(v) + " arrived as " + Fuzz.escape(String.valueOf(inside.get(k)))));
      List<String> cmdline = nulSeparated(exec(container, "od -A n -v -t x1 /proc/1/cmdline"));
      assertEquals(words, cmdline, () -> words.stream().map(Fuzz::escape).toList() + " arrived as "
          + cmdline.stream().map(Fuzz::escape).toList());
      String podLabels = Podman.run("pod", "inspect", name, "--format", "{{range $k, $v := .Labels}}{{$k}}={{$v}}\n{{end}}");
      labels.forEach((k, v) -> assertTrue(podLabels.contains("\n" + k + "=" + v + "\n") || podLabels.startsWith(k + "=" + v + "\n"),
          () -> k + "=" + v + " in " + podLabels));
    } finally {
      Podman.down(file);
    }
    assertEquals(List.of(), Podman.pods(name));
  }

  @Test
  void hostAliasesDnsAndATerminalArriveInsideASysctlOnlyInTheManifest() throws Exception {
    String name = PREFIX + "-net";
    SecureContainerSpec spec = sleeping(name, Podman.BUSYBOX).network(NetworkMode.bridge())
        .addExtraHost("db.internal", "10.0.0.5").addDnsServer("10.0.0.2").addDnsSearch("corp.example")
        .putSysctl("kernel.shm_rmid_forced", "1").tty(true).build();
    String yaml = KubernetesRenderer.builder(spec).acceptLoss(SpecAttribute.PIDS_LIMIT).build().pod().yaml();
    Path file = Podman.play(yaml);
    try {
      String inside = exec(name + "-" + name, "cat /etc/hosts /etc/resolv.conf /proc/sys/kernel/shm_rmid_forced;"
          + " readlink /proc/1/fd/1");
      List<String> lines = List.of(inside.split("\n"));
      assertTrue(lines.stream().anyMatch(l -> l.matches("10\\.0\\.0\\.5\\s+db\\.internal")), inside);
      assertTrue(lines.contains("nameserver 10.0.0.2"), inside);
      assertTrue(lines.stream().anyMatch(l -> l.startsWith("search ") && l.contains("corp.example")), inside);
      // measured: podman 4.3.1's kube play does not apply the pod's securityContext.sysctls (a kubelet does);
      // the manifest carries it, the kernel inside shows the default
      assertTrue(yaml.contains("  securityContext:\n    sysctls:\n      - name: kernel.shm_rmid_forced\n        value: \"1\""), yaml);
      assertEquals("0", lines.get(lines.size() - 2), "kernel.shm_rmid_forced under podman 4.3.1: " + inside);
      assertTrue(lines.get(lines.size() - 1).startsWith("/dev/pts/"), "a terminal: " + inside);
    } finally {
      Podman.down(file);
    }
  }

  @AfterAll
  static void nothingIsLeft() throws Exception {
    assertEquals(List.of(), Podman.pods(PREFIX));
  }
}
