package dev.carapace.cluster;

import static dev.carapace.cluster.Golden.assertGolden;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.Capability;
import dev.carapace.core.ContainerPath;
import dev.carapace.core.ContainerRuntime;
import dev.carapace.core.CpuSet;
import dev.carapace.core.HealthCheck;
import dev.carapace.core.LogConfig;
import dev.carapace.core.MemorySize;
import dev.carapace.core.Mount;
import dev.carapace.core.NetworkMode;
import dev.carapace.core.PortBinding;
import dev.carapace.core.RestartPolicy;
import dev.carapace.core.Seccomp;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SelinuxLabel;
import dev.carapace.core.SpecAttribute;
import dev.carapace.core.Ulimit;
import dev.carapace.policy.ContainerView;
import dev.carapace.policy.Profiles;
import dev.carapace.policy.Violation;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubernetesRendererTest {
  static final String IMAGE = "carapace-test/busybox:1";

  /** The default spec: what Kubernetes cannot carry of it is its pids limit and its --network none. */
  static KubernetesRenderer defaultManifest(SecureContainerSpec spec) {
    return KubernetesRenderer.builder(spec).acceptLoss(SpecAttribute.PIDS_LIMIT).acceptLoss(SpecAttribute.NETWORK).build();
  }

  static SecureContainerSpec full() {
    return SecureContainerSpec.builder()
        .image(IMAGE)
        .name("web")
        .entrypoint("/bin/sh", "-c")
        .command("exec httpd -f -p 8080")
        .putEnv("MODE", "production")
        .workingDir(ContainerPath.of("/srv"))
        .user("1000:1000")
        .putLabel("tier", "front")
        .hostname("web-1")
        .addCapability(Capability.NET_BIND_SERVICE)
        .selinuxLabel(SelinuxLabel.of("system_u", "system_r", "container_t", "s0:c1,c2"))
        .apparmorProfile("carapace-web")
        .cpuShares(512)
        .nanoCpus(1_500_000_000L)
        .memoryLimit(MemorySize.ofMebibytes(64))
        .unlimitedPids()
        .readOnlyRootFilesystem(true)
        .addMount(Mount.tmpfs(ContainerPath.of("/tmp"), MemorySize.ofMebibytes(16)))
        .addMount(Mount.volume("web-data", ContainerPath.of("/data")))
        .addMount(Mount.bind("/etc/ssl/certs", ContainerPath.of("/etc/ssl/certs")).asReadOnly())
        .network(NetworkMode.bridge())
        .addPort(PortBinding.localhost(8080, 8080))
        .restartPolicy(RestartPolicy.always())
        .healthCheck(HealthCheck.shell("wget -q -O /dev/null http://127.0.0.1:8080/").interval(Duration.ofSeconds(5))
            .timeout(Duration.ofMillis(1500)).retries(3))
        .init(true)
        .stopTimeout(Duration.ofSeconds(20))
        .untrusted()
        .build();
  }

  @Test
  void rendersTheDefaultSpecAsAPodDeploymentAndJob() throws Exception {
    KubernetesRenderer m = defaultManifest(SecureContainerSpec.builder().image(IMAGE).build());
    assertGolden("default-pod.yaml", m.pod().yaml());
    assertGolden("default-deployment.yaml", m.deployment().yaml());
    assertGolden("default-job.yaml", m.job().yaml());
  }

  @Test
  void rendersEveryCarriedField() throws Exception {
    SecureContainerSpec spec = full();
    assertGolden("full-pod.yaml", KubernetesRenderer.builder(spec).build().pod().yaml());
    assertGolden("full-deployment.yaml", KubernetesRenderer.builder(spec).replicas(3).build().deployment().yaml());
  }

  @Test
  void theModelObjectsCarryTheHardening() {
    KubernetesWorkload<Pod> pod = defaultManifest(SecureContainerSpec.builder().image(IMAGE).build()).pod();
    Container c = pod.model().getSpec().getContainers().get(0);
    assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop());
    assertEquals(false, c.getSecurityContext().getAllowPrivilegeEscalation());
    assertEquals(true, c.getSecurityContext().getRunAsNonRoot());
    assertEquals("RuntimeDefault", c.getSecurityContext().getSeccompProfile().getType());
    assertEquals("busybox", pod.name());
    assertEquals(KubernetesWorkload.Kind.POD, pod.kind());
    KubernetesWorkload<Deployment> d = defaultManifest(full()).deployment();
    assertEquals(1, d.model().getSpec().getReplicas());
    assertEquals("web", d.model().getSpec().getSelector().getMatchLabels().get(KubernetesRenderer.NAME_LABEL));
    KubernetesWorkload<Job> j = KubernetesRenderer.builder(full().toBuilder().restartPolicy(RestartPolicy.onFailure(4))
        .build()).build().job();
    assertEquals(4, j.model().getSpec().getBackoffLimit());
    assertEquals("OnFailure", j.model().getSpec().getTemplate().getSpec().getRestartPolicy());
  }

  @Test
  void refusesEveryUncarriableFieldAtOnce() {
    SecureContainerSpec spec = SecureContainerSpec.builder().image(IMAGE).user("app")
        .cpusetCpus(CpuSet.parse("0")).addUlimit(Ulimit.parse("nofile=64:64"))
        .logConfig(LogConfig.syslog("udp://127.0.0.1:514")).stopSignal("SIGINT").build();
    UncarriableSpecException e = assertThrows(UncarriableSpecException.class,
        () -> KubernetesRenderer.builder(spec).build().pod());
    assertEquals("7 field(s) of the spec cannot be carried by kubernetes Pod: "
        + "user: kubernetes needs a numeric runAsUser and runAsGroup: app (use user(\"1000:1000\")); "
        + "cpusetCpus: kubernetes has no per-pod cpuset: the kubelet's static CPU manager pins whole CPUs of Guaranteed pods; "
        + "pidsLimit: kubernetes has no per-pod pids limit: the kubelet's podPidsLimit applies to every pod of a node; "
        + "ulimits: kubernetes has no per-pod ulimits: pods take the container runtime's rlimits; "
        + "logConfig: kubernetes has no per-pod log driver: the kubelet writes container logs to files on the node"
        + " (ship them with a node agent); "
        + "network: a pod always joins the cluster network: --network none has no per-pod counterpart"
        + " (a NetworkPolicy denying all ingress and egress comes closest); "
        + "stopSignal: kubernetes sends the image's STOPSIGNAL or SIGTERM: a per-pod stop signal needs the alpha"
        + " ContainerStopSignals of 1.33"
        + " (remove them from the spec, or accept each loss by name)", e.getMessage());
    assertEquals("kubernetes Pod", e.losses().get(0).target());
  }

  @Test
  void anAcceptedLossIsListedByTheWorkload() {
    SecureContainerSpec spec = SecureContainerSpec.builder().image(IMAGE).cpusetCpus(CpuSet.parse("0")).build();
    KubernetesWorkload<Pod> pod = KubernetesRenderer.builder(spec).acceptLoss(SpecAttribute.PIDS_LIMIT).acceptLoss(SpecAttribute.NETWORK)
        .acceptLoss(SpecAttribute.CPUSET_CPUS).build().pod();
    assertEquals(List.of(SpecAttribute.CPUSET_CPUS, SpecAttribute.PIDS_LIMIT, SpecAttribute.NETWORK),
        pod.acceptedLosses().stream().map(Loss::attribute).toList());
    assertTrue(pod.toString().startsWith("KubernetesWorkload{Pod busybox, accepted losses [cpusetCpus: "), pod.toString());
  }

  @Test
  void thePolicyModuleReportsEachAcceptedLoss() {
    SecureContainerSpec spec = SecureContainerSpec.builder().image(IMAGE).network(NetworkMode.bridge()).build();
    KubernetesWorkload<Pod> pod = KubernetesRenderer.builder(spec).acceptLoss(SpecAttribute.PIDS_LIMIT).build().pod();
    assertEquals(List.of("pidsLimit is not carried (loss accepted): kubernetes Pod: kubernetes has no per-pod pids"
        + " limit: the kubelet's podPidsLimit applies to every pod of a node"), acceptedLossMessages(pod));
    assertEquals(List.of("pidsLimit on kubernetes Pod: kubernetes has no per-pod pids limit: the kubelet's"
        + " podPidsLimit applies to every pod of a node"), pod.policyView().acceptedLosses());
    // the view is the spec's: its pids limit is still a fact, only recorded as not carried
    assertEquals(ContainerView.of(spec).pidsLimit(), pod.policyView().pidsLimit());

    SecureContainerSpec unlimited = SecureContainerSpec.builder().image(IMAGE).network(NetworkMode.bridge())
        .unlimitedPids().build();
    KubernetesWorkload<Pod> carried = KubernetesRenderer.builder(unlimited).build().pod();
    assertEquals(List.of(), carried.acceptedLosses());
    assertEquals(List.of(), acceptedLossMessages(carried));
    assertEquals(List.of(), carried.policyView().acceptedLosses());
    // a loss accepted that the spec does not have is not reported either
    assertEquals(List.of(), acceptedLossMessages(KubernetesRenderer.builder(unlimited).acceptLoss(SpecAttribute.PIDS_LIMIT).build()
        .deployment()));
  }

  private static List<String> acceptedLossMessages(KubernetesWorkload<?> workload) {
    return Profiles.carapaceDefault().evaluate(workload.policyView()).violations().stream()
        .filter(v -> v.ruleId().equals("accepted-loss")).map(Violation::message).toList();
  }

  @Test
  void restartPoliciesDependOnTheKind() {
    KubernetesRenderer always = defaultManifest(SecureContainerSpec.builder().image(IMAGE)
        .restartPolicy(RestartPolicy.always()).build());
    assertEquals("Always", always.pod().model().getSpec().getRestartPolicy());
    assertEquals("1 field(s) of the spec cannot be carried by kubernetes Job: restartPolicy: a job's pods restart"
        + " never or on failure: always (remove them from the spec, or accept each loss by name)",
        assertThrows(UncarriableSpecException.class, always::job).getMessage());
    KubernetesRenderer no = defaultManifest(SecureContainerSpec.builder().image(IMAGE)
        .restartPolicy(RestartPolicy.no()).build());
    assertEquals("1 field(s) of the spec cannot be carried by kubernetes Deployment: restartPolicy: a deployment's"
        + " pods always restart: no (remove them from the spec, or accept each loss by name)",
        assertThrows(UncarriableSpecException.class, no::deployment).getMessage());
    assertEquals("Never", no.job().model().getSpec().getTemplate().getSpec().getRestartPolicy());
    assertEquals(0, no.job().model().getSpec().getBackoffLimit());
  }

  @Test
  void seccompProfilesBecomeLocalhostOrAreRefusedInline(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("web.json");
    Files.writeString(file, "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[]}");
    Pod pod = defaultManifest(SecureContainerSpec.builder().image(IMAGE).seccomp(Seccomp.profile(file)).build())
        .pod().model();
    assertEquals("Localhost", pod.getSpec().getContainers().get(0).getSecurityContext().getSeccompProfile().getType());
    assertEquals("web.json",
        pod.getSpec().getContainers().get(0).getSecurityContext().getSeccompProfile().getLocalhostProfile());
    KubernetesRenderer inline = defaultManifest(SecureContainerSpec.builder().image(IMAGE)
        .seccomp(Seccomp.profileJson("{\"defaultAction\":\"SCMP_ACT_ERRNO\"}")).build());
    assertEquals(List.of(SpecAttribute.SECCOMP), inline.losses(KubernetesWorkload.Kind.POD).stream()
        .map(Loss::attribute).filter(a -> a == SpecAttribute.SECCOMP).toList());
    assertThrows(UncarriableSpecException.class, inline::pod);
  }

  @Test
  void cpuSharesBecomeARequestTheKubeletMapsBack() {
    for (int shares = 2; shares <= 262144; shares++) {
      long milli = Resources.requestMilliCpu(shares);
      long back = Resources.kubeletShares(milli);
      assertTrue(back == shares || back == shares + 1, shares + " -> " + milli + "m -> " + back);
    }
    assertEquals(500, Resources.requestMilliCpu(512));
    assertEquals(1000, Resources.requestMilliCpu(1024));
    assertEquals("1 field(s) of the spec cannot be carried by kubernetes Pod: cpuShares: kubernetes needs the cpu"
        + " request at most the cpu limit: 4000m > 1000m (cpuShares 4096 against the quota) (remove them from the"
        + " spec, or accept each loss by name)",
        assertThrows(UncarriableSpecException.class, () -> defaultManifest(SecureContainerSpec.builder().image(IMAGE)
            .cpuShares(4096).nanoCpus(1_000_000_000L).build()).pod()).getMessage());
  }

  @Test
  void aNonDefaultCfsPeriodIsRefused() {
    SecureContainerSpec spec = SecureContainerSpec.builder().image(IMAGE).cpuQuota(50_000).cpuPeriod(200_000).build();
    assertEquals(List.of("cpuPeriod"), defaultManifest(spec).losses(KubernetesWorkload.Kind.POD).stream()
        .map(l -> l.attribute().builderName()).filter(a -> a.startsWith("cpu")).toList());
    Pod pod = KubernetesRenderer.builder(spec).acceptLoss(SpecAttribute.PIDS_LIMIT).acceptLoss(SpecAttribute.NETWORK).acceptLoss(SpecAttribute.CPU_PERIOD)
        .build().pod().model();
    assertEquals("250m", pod.getSpec().getContainers().get(0).getResources().getLimits().get("cpu").toString());
  }

  @Test
  void aSandboxedRuntimeBecomesARuntimeClass() {
    Pod pod = defaultManifest(SecureContainerSpec.builder().image(IMAGE).runtime(ContainerRuntime.gvisor()).untrusted()
        .build()).pod().model();
    assertEquals("runsc", pod.getSpec().getRuntimeClassName());
    assertEquals("true", pod.getMetadata().getLabels().get(SecureContainerSpec.UNTRUSTED_LABEL));
  }

  /** A loss is accepted by constant; a name read from text becomes one only if the spec has that attribute. */
  @Test
  void acceptingALossNeedsASpecAttribute() {
    assertEquals("accepted loss must not be null", assertThrows(NullPointerException.class,
        () -> KubernetesRenderer.builder(SecureContainerSpec.builder().image(IMAGE).build()).acceptLoss(null))
        .getMessage());
    assertEquals("attribute must be a SecureContainerSpec attribute: pids",
        assertThrows(IllegalArgumentException.class, () -> SpecAttribute.ofBuilderName("pids")).getMessage());
    assertEquals(SpecAttribute.PIDS_LIMIT, SpecAttribute.ofBuilderName("pidsLimit"));
  }
}
