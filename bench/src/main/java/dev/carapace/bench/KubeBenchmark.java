package dev.carapace.bench;

import dev.carapace.cluster.KubernetesRenderer;
import dev.carapace.cluster.ManifestAudit;
import dev.carapace.core.ContainerPath;
import dev.carapace.core.MemorySize;
import dev.carapace.core.Mount;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SpecAttribute;
import dev.carapace.policy.Policy;
import dev.carapace.policy.PolicyReport;
import dev.carapace.policy.Profiles;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Kubernetes manifests per second, one thread: a hardened spec rendered as Pod YAML, that YAML judged by
 * Pod Security Standards restricted through {@code ManifestAudit}, both, and a hand-written three-container
 * Pod that breaks many rules judged.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class KubeBenchmark {
  /** A Pod written by hand: an init container and two containers, host namespaces, a hostPath, root, caps. */
  static final String HAND_WRITTEN = """
      apiVersion: v1
      kind: Pod
      metadata: {name: legacy}
      spec:
        hostNetwork: true
        hostPID: true
        securityContext: {seccompProfile: {type: RuntimeDefault}, runAsNonRoot: true, runAsUser: 1000}
        initContainers:
          - name: setup
            image: busybox:1.36
            securityContext: {runAsUser: 0, capabilities: {add: [SYS_ADMIN]}}
        containers:
          - name: app
            image: busybox:1.36
            securityContext: {privileged: true}
            volumeMounts: [{name: root, mountPath: /host}]
          - name: sidecar
            image: busybox:1.36
            securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
        volumes:
          - {name: root, hostPath: {path: /}}
      """;

  public String image = Hardened.IMAGE;
  public long memoryMib = 64;
  public Policy policy;
  public SecureContainerSpec spec;
  public String renderedYaml;

  @Setup
  public void setUp() {
    policy = Profiles.podSecurityRestricted();
    spec = SecureContainerSpec.builder().image(image).name("bench").command("true").user("1000:1000")
        .readOnlyRootFilesystem(true).memoryLimit(MemorySize.ofMebibytes(memoryMib))
        .addMount(Mount.tmpfs(ContainerPath.of("/tmp"), MemorySize.ofMebibytes(16))).build();
    renderedYaml = render();
    if (!ManifestAudit.judge(renderedYaml, policy).passed()) {
      throw new IllegalStateException("the rendered pod must pass " + policy);
    }
    if (ManifestAudit.judge(HAND_WRITTEN, policy).passed()) {
      throw new IllegalStateException("the hand-written pod must not pass " + policy);
    }
  }

  private String render() {
    return KubernetesRenderer.builder(spec).acceptLoss(SpecAttribute.PIDS_LIMIT).acceptLoss(SpecAttribute.NETWORK).build().pod().yaml();
  }

  /** The spec as fabric8's Pod, written as YAML (each accepted loss logged: the log is at warn, as in production). */
  @Benchmark
  public String renderPod() {
    return render();
  }

  /** The rendered Pod's YAML parsed, turned into policy views and judged by PSS restricted. */
  @Benchmark
  public PolicyReport judgeRendered() {
    return ManifestAudit.judge(renderedYaml, policy);
  }

  /** Rendering plus judgement: one manifest. */
  @Benchmark
  public PolicyReport renderAndJudge() {
    return ManifestAudit.judge(render(), policy);
  }

  /** A hand-written three-container Pod judged (with its many violations). */
  @Benchmark
  public PolicyReport judgeHandWritten() {
    return ManifestAudit.judge(HAND_WRITTEN, policy);
  }
}
