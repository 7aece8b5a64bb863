package dev.carapace.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.Capability;
import dev.carapace.core.ContainerPath;
import dev.carapace.core.ContainerRuntime;
import dev.carapace.core.CpuSet;
import dev.carapace.core.HealthCheck;
import dev.carapace.core.MemorySize;
import dev.carapace.core.Mount;
import dev.carapace.core.PortBinding;
import dev.carapace.core.RestartPolicy;
import dev.carapace.core.Seccomp;
import dev.carapace.core.NetworkMode;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SecurityOptions;
import dev.carapace.core.SelinuxLabel;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every built-in rule with a passing and a failing container, messages asserted exactly. */
class BuiltinRulesTest {
  static final String IMAGE = "carapace-test/busybox-user:1";
  /** A manifest digest (made up: no engine here). */
  static final String DIGEST = "sha256:d9ffa416f5d3fd4d868633b41dd787e2914833ab4424610bf9e4442d2ec412cf";
  /** {@link #IMAGE} pinned by {@link #DIGEST}. */
  static final String PINNED = "carapace-test/busybox-user@" + DIGEST;

  /** The hardened spec, its image pinned by digest: passes every rule of the default profile. */
  static SecureContainerSpec.Builder hardened() {
    return SecureContainerSpec.builder()
        .image(PINNED)
        .user("1000:1000")
        .memoryLimit(MemorySize.ofMebibytes(64))
        .cpuShares(512)
        .readOnlyRootFilesystem(true)
        .healthCheck(HealthCheck.shell("true"));
  }

  /** {@link #hardened()} without one of its settings: memoryLimit, cpuShares or healthCheck. */
  static SecureContainerSpec.Builder hardenedWithout(String attribute) {
    SecureContainerSpec.Builder b = SecureContainerSpec.builder().image(IMAGE).user("1000:1000")
        .readOnlyRootFilesystem(true);
    if (!attribute.equals("memoryLimit")) {
      b.memoryLimit(MemorySize.ofMebibytes(64));
    }
    if (!attribute.equals("cpuShares")) {
      b.cpuShares(512);
    }
    if (!attribute.equals("healthCheck")) {
      b.healthCheck(HealthCheck.shell("true"));
    }
    return b;
  }

  static ContainerView.Builder view() {
    return ContainerView.builder().image("img@" + DIGEST).user("1000").droppedCapabilities(caps("ALL"))
        .securityOptions(opts("no-new-privileges")).networkMode("none").memory(MemorySize.ofMebibytes(64)).cpuShares(512)
        .pidsLimit(100).readOnlyRootfs(true).healthcheck(List.of("CMD", "true"));
  }

  static CapabilitiesView caps(String... names) {
    return CapabilitiesView.parse(List.of(names));
  }

  static SecurityOptions opts(String... options) {
    return SecurityOptions.parse(List.of(options));
  }

  static List<String> messages(Rule rule, ContainerView c) {
    return rule.evaluate(c).violations().stream().map(Violation::message).collect(Collectors.toList());
  }

  static List<String> messages(Rule rule, SecureContainerSpec spec) {
    return messages(rule, ContainerView.of(spec));
  }

  static void passes(Rule rule, ContainerView c) {
    assertEquals(List.of(), messages(rule, c), rule.id());
  }

  static void passes(Rule rule, SecureContainerSpec spec) {
    passes(rule, ContainerView.of(spec));
  }

  static void fails(Rule rule, SecureContainerSpec spec, String... expected) {
    assertEquals(List.of(expected), messages(rule, spec));
  }

  static void fails(Rule rule, ContainerView c, String... expected) {
    assertEquals(List.of(expected), messages(rule, c));
  }

  @Test
  void hardenedSpecPassesEveryDefaultRule() {
    PolicyReport report = Profiles.carapaceDefault().evaluate(hardened().build());
    assertEquals(List.of(), report.violations().stream().map(Violation::toString).collect(Collectors.toList()));
    assertTrue(report.passed());
    assertEquals(List.of(), report.notes());
  }

  @Test
  void builderViewPassesEveryDefaultRule() {
    assertTrue(Profiles.carapaceDefault().evaluate(view().build()).passed(),
        () -> Profiles.carapaceDefault().evaluate(view().build()).toText());
  }

  // ------------------------------------------------------------------ user

  @Test
  void nonRootUser() {
    Rule r = BuiltinRules.NON_ROOT_USER;
    passes(r, hardened().build());
    passes(r, hardened().user("app").build());
    passes(r, hardened().user("1000:0").build());
    fails(r, hardened().user("0").build(), "user must not be root: 0");
    fails(r, hardened().user("0:0").build(), "user must not be root: 0:0");
    fails(r, hardened().user("root").build(), "user must not be root: root");
    fails(r, hardened().user("root:root").build(), "user must not be root: root:root");
    fails(r, view().user("000").build(), "user must not be root: 000");
  }

  @Test
  void nonRootUserReadsTheImageWhenTheSpecSetsNone() {
    Rule r = BuiltinRules.NON_ROOT_USER;
    SecureContainerSpec unset = SecureContainerSpec.builder().image("busybox").build();
    fails(r, unset, "user must be known not to be root: unset (the image's USER, not inspected)");
    passes(r, ContainerView.of(unset, new ImageFacts("busybox", "1000:1000", Optional.empty())));
    fails(r, ContainerView.of(unset, new ImageFacts("busybox", "", Optional.empty())),
        "user must not be root: unset, and image busybox sets no USER (root)");
    fails(r, ContainerView.of(unset, new ImageFacts("busybox", "0:0", Optional.empty())),
        "user must not be root: unset, and image busybox sets USER 0:0");
    fails(r, view().user("").origin(ContainerView.Origin.ENGINE).build(),
        "user must not be root: \"\" (root, the engine's default)");
  }

  @Test
  void healthcheck() {
    Rule r = BuiltinRules.HEALTHCHECK;
    passes(r, hardened().build());
    SecureContainerSpec unset = hardenedWithout("healthCheck").build();
    fails(r, unset, "healthcheck must be known to be set: unset (the image's HEALTHCHECK, not inspected)");
    passes(r, ContainerView.of(unset, new ImageFacts(IMAGE, "1000", Optional.of(List.of("CMD", "true")))));
    fails(r, ContainerView.of(unset, new ImageFacts(IMAGE, "1000", Optional.empty())),
        "healthcheck must be set: unset, and image " + IMAGE + " has no HEALTHCHECK");
    fails(r, view().healthcheck(List.of("NONE")).build(), "healthcheck must not be disabled: [NONE]");
    fails(r, view().healthcheck(Optional.empty()).origin(ContainerView.Origin.ENGINE).build(),
        "healthcheck must be set: none");
  }

  // ------------------------------------------------------------------ provenance

  @Test
  void imagePinnedByDigest() {
    Rule r = BuiltinRules.IMAGE_PINNED;
    passes(r, hardened().build());
    passes(r, hardened().image("127.0.0.1:5443/team/app@" + DIGEST).build());
    passes(r, hardened().image("127.0.0.1:5443/team/app:1.0@" + DIGEST).build()); // the engine ignores the tag
    passes(r, hardened().image("busybox@sha512:" + "ab".repeat(64)).build());
    passes(r, hardened().image(DIGEST).build());               // an image id names the content on its engine
    passes(r, hardened().image(DIGEST.substring(7)).build());
    fails(r, hardened().image(IMAGE).build(), "image must be pinned by digest: carapace-test/busybox-user:1 (a tag)");
    fails(r, hardened().image("busybox").build(), "image must be pinned by digest: busybox (no tag: :latest)");
    fails(r, hardened().image("localhost:5000/app").build(),
        "image must be pinned by digest: localhost:5000/app (no tag: :latest)");
    fails(r, hardened().image("busybox@sha256:" + "AB".repeat(32)).build(),
        "image must be pinned by digest: busybox@sha256:" + "AB".repeat(32) + " (a digest the engine cannot pull by)");
    assertEquals("name the image by digest: image(\"registry.example/app@sha256:...\") (docker run"
        + " registry.example/app@sha256:...); a pulled image's digest is in docker image inspect --format"
        + " '{{.RepoDigests}}' IMAGE", r.evaluate(ContainerView.of(hardened().image(IMAGE).build())).violations()
        .get(0).remedy());
    assertEquals(Optional.of(DIGEST), ContainerView.of(hardened().build()).imageDigest());
    assertEquals(Optional.empty(), ContainerView.of(hardened().image(IMAGE).build()).imageDigest());
    assertEquals(Optional.empty(), ContainerView.of(hardened().image(DIGEST).build()).imageDigest());
  }

  @Test
  void imagePinnedOnAnEngineQuotesTheImageRunAndItsRepoDigest() {
    Rule r = BuiltinRules.IMAGE_PINNED;
    String id = "sha256:33c4a7a42be6558611521574c0550a6867dc4013e7c8a2fd1284a8f01102d906";
    ContainerView byTag = view().origin(ContainerView.Origin.ENGINE).image("127.0.0.1:5443/carapace-test/busybox:1")
        .imageId(id).build();
    fails(r, byTag, "image must be pinned by digest: 127.0.0.1:5443/carapace-test/busybox:1 (a tag),"
        + " runs image sha256:33c4a7a42be6");
    String repoDigest = "127.0.0.1:5443/carapace-test/busybox@" + DIGEST;
    ContainerView known = byTag.knowingImage(new ImageFacts("127.0.0.1:5443/carapace-test/busybox:1", "", Optional.empty(),
        List.of("other/name@" + DIGEST, repoDigest)));
    Violation v = r.evaluate(known).violations().get(0);
    assertEquals("image must be pinned by digest: 127.0.0.1:5443/carapace-test/busybox:1 (a tag), runs image"
        + " sha256:33c4a7a42be6 (repo digests [other/name@" + DIGEST + ", " + repoDigest + "])", v.message());
    assertEquals("name the image by digest: image(\"" + repoDigest + "\") (docker run " + repoDigest
        + "), the digest the engine recorded for it", v.remedy());
    ContainerView local = view().origin(ContainerView.Origin.ENGINE).image("carapace-test/busybox:1").imageId(id).build()
        .knowingImage(new ImageFacts("carapace-test/busybox:1", "", Optional.empty()));
    fails(r, local, "image must be pinned by digest: carapace-test/busybox:1 (a tag), runs image sha256:33c4a7a42be6"
        + " (no repo digest: built or loaded here, never pulled or pushed)");
    // Docker Hub's names: the engine records busybox@sha256:... for docker.io/library/busybox:1.36
    ContainerView hub = view().origin(ContainerView.Origin.ENGINE).image("docker.io/library/busybox:1.36").imageId(id)
        .build().knowingImage(new ImageFacts("busybox", "", Optional.empty(), List.of("busybox@" + DIGEST)));
    assertEquals("name the image by digest: image(\"busybox@" + DIGEST + "\") (docker run busybox@" + DIGEST
        + "), the digest the engine recorded for it", r.evaluate(hub).violations().get(0).remedy());
    // created by digest, or by image id: pinned
    passes(r, view().origin(ContainerView.Origin.ENGINE).image(repoDigest).imageId(id).build());
    passes(r, view().origin(ContainerView.Origin.ENGINE).image(id).imageId(id).build());
    // a manifest's image id is no pin: the kubelet pulls by name
    fails(r, view().origin(ContainerView.Origin.MANIFEST).image(id).build(),
        "image must be pinned by digest: " + id + " (an image id, which the kubelet pulls as a name)");
  }

  // ------------------------------------------------------------------ LSMs

  @Test
  void apparmor() {
    Rule r = BuiltinRules.APPARMOR;
    passes(r, hardened().build());
    passes(r, hardened().apparmorProfile("docker-default").build());
    fails(r, hardened().apparmorProfile("unconfined").build(), "apparmorProfile must not be unconfined: unconfined");
    fails(r, view().securityOptions(opts("no-new-privileges", "apparmor=unconfined")).build(),
        "apparmorProfile must not be unconfined: unconfined");
    EngineSecurity withAppArmor = new EngineSecurity(true, false, true, false, false);
    fails(r, view().origin(ContainerView.Origin.ENGINE).apparmorProfile("").engineSecurity(withAppArmor).build(),
        "apparmorProfile must be set: \"\" (no profile applied)");
    passes(r, view().origin(ContainerView.Origin.ENGINE).apparmorProfile("docker-default")
        .engineSecurity(withAppArmor).build());
  }

  @Test
  void apparmorOnAHostWithoutAppArmorIsANoteNotAViolation() {
    EngineSecurity none = EngineSecurity.parse(List.of("name=seccomp,profile=default"));
    Rule.Outcome o = BuiltinRules.APPARMOR.evaluate(ContainerView.of(hardened().build()).knowingEngine(none));
    assertEquals(List.of(), o.violations());
    assertEquals(List.of("AppArmor is not enabled on the engine's host (docker info SecurityOptions lists no"
        + " name=apparmor): no profile can confine the container, so this rule cannot be satisfied here;"
        + " capabilities, seccomp and namespaces still apply"),
        o.notes().stream().map(Note::reason).collect(Collectors.toList()));
  }

  @Test
  void selinux() {
    Rule r = BuiltinRules.SELINUX_ENABLED;
    passes(r, hardened().build());
    passes(r, hardened().selinuxLabel(SelinuxLabel.type("container_t")).build());
    fails(r, hardened().selinuxLabel(SelinuxLabel.disable()).build(),
        "selinuxLabel must not disable SELinux separation: label=disable");
    fails(r, view().securityOptions(opts("no-new-privileges", "label:disable")).build(),
        "selinuxLabel must not disable SELinux separation: label=disable");
    EngineSecurity none = EngineSecurity.parse(List.of("name=seccomp,profile=default"));
    assertEquals(1, r.evaluate(view().engineSecurity(none).build()).notes().size());
  }

  @Test
  void selinuxType() {
    Rule r = BuiltinRules.SELINUX_TYPE;
    passes(r, hardened().build());
    passes(r, hardened().selinuxLabel(SelinuxLabel.of(null, null, "container_t", "s0:c1,c2")).build());
    fails(r, hardened().selinuxLabel(SelinuxLabel.type("spc_t")).build(),
        "selinuxLabel.type must be one of container_engine_t, container_init_t, container_kvm_t, container_t: spc_t");
    fails(r, hardened().selinuxLabel(SelinuxLabel.of("system_u", "system_r", null, null)).build(),
        "selinuxLabel.user must not be set: system_u", "selinuxLabel.role must not be set: system_r");
    passes(Profiles.selinuxTypeAllowing("web_t"), hardened().selinuxLabel(SelinuxLabel.type("web_t")).build());
  }

  @Test
  void seccomp() {
    Rule r = BuiltinRules.SECCOMP;
    passes(r, hardened().build());
    passes(r, hardened().seccomp(Seccomp.profileJson("{\"defaultAction\":\"SCMP_ACT_ERRNO\"}")).build());
    // an allow-by-default profile that denies something is a filter
    passes(r, hardened().seccomp(Seccomp.profileJson("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":"
        + "[{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_ERRNO\"}]}")).build());
    fails(r, hardened().seccomp(Seccomp.unconfined()).build(), "seccomp must not be disabled: unconfined");
    fails(r, view().securityOptions(opts("no-new-privileges", "seccomp:unconfined")).build(), "seccomp must not be disabled: unconfined");
    fails(r, hardened().seccomp(Seccomp.profileJson("{\"defaultAction\":\"SCMP_ACT_ALLOW\"}")).build(),
        "seccomp must not be disabled: profile allows every system call (defaultAction SCMP_ACT_ALLOW, no restricting rule)");
    fails(r, hardened().seccomp(Seccomp.profileJson("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":"
        + "[{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_LOG\"}]}")).build(),
        "seccomp must not be disabled: profile allows every system call (defaultAction SCMP_ACT_ALLOW, no restricting rule)");
  }

  @Test
  void noNewPrivileges() {
    Rule r = BuiltinRules.NO_NEW_PRIVILEGES;
    passes(r, hardened().build());
    passes(r, view().securityOptions(opts("no-new-privileges=true")).build());
    passes(r, view().securityOptions(opts("no-new-privileges:true")).build());
    fails(r, hardened().allowPrivilegeEscalation().build(), "securityOpts must set no-new-privileges: not set");
    fails(r, view().securityOptions(opts("no-new-privileges=false")).build(),
        "securityOpts must set no-new-privileges: no-new-privileges=false");
    fails(r, view().securityOptions(opts("no-new-privileges", "no-new-privileges=false")).build(),
        "securityOpts must set no-new-privileges: no-new-privileges=false");
    fails(r, view().securityOptions(opts("no-new-privileges=maybe")).build(),
        "securityOpts must set no-new-privileges: no-new-privileges=maybe");
  }

  // ------------------------------------------------------------------ capabilities

  @Test
  void capabilities() {
    Rule r = BuiltinRules.CAPABILITIES;
    passes(r, hardened().build());
    passes(r, hardened().addCapability(Capability.CHOWN).build());
    passes(r, hardened().keepDockerDefaultCapabilities().dropCapability(Capability.NET_RAW).build());
    fails(r, hardened().addCapability(Capability.SYS_ADMIN, Capability.NET_ADMIN).build(),
        "capAdd must not add capabilities beyond Docker's defaults: [NET_ADMIN, SYS_ADMIN]");
    fails(r, hardened().keepDockerDefaultCapabilities().build(),
        "capDrop must drop the capabilities the workload does not need: none dropped (Docker's 14 defaults kept)");
    fails(r, view().droppedCapabilities(caps("ALL")).addedCapabilities(caps("all")).build(),
        "capAdd must not add capabilities beyond Docker's defaults: ALL");
    fails(r, view().droppedCapabilities(caps()).addedCapabilities(caps("cap_sys_admin")).build(),
        "capAdd must not add capabilities beyond Docker's defaults: [SYS_ADMIN]",
        "capDrop must drop the capabilities the workload does not need: none dropped (Docker's 14 defaults kept)");
  }

  @Test
  void baselineCapabilities() {
    Rule r = BuiltinRules.BASELINE_CAPS;
    passes(r, hardened().addCapability(Capability.CHOWN, Capability.SYS_CHROOT).build());
    passes(r, hardened().keepDockerDefaultCapabilities().build());
    fails(r, hardened().addCapability(Capability.NET_RAW).build(),
        "capAdd must add only capabilities the baseline allows: [NET_RAW]");
    fails(r, view().addedCapabilities(caps("ALL")).build(), "capAdd must add only capabilities the baseline allows: ALL");
  }

  @Test
  void restrictedCapabilities() {
    Rule r = BuiltinRules.RESTRICTED_CAPS;
    passes(r, hardened().build());
    passes(r, hardened().addCapability(Capability.NET_BIND_SERVICE).build());
    fails(r, hardened().addCapability(Capability.CHOWN, Capability.NET_BIND_SERVICE).build(),
        "capAdd must add only NET_BIND_SERVICE: [CHOWN]");
    fails(r, hardened().keepDockerDefaultCapabilities().dropCapability(Capability.NET_RAW).build(),
        "capDrop must include ALL: [NET_RAW]");
  }

  @Test
  void privileged() {
    Rule r = BuiltinRules.PRIVILEGED;
    passes(r, hardened().build());
    fails(r, view().privileged(true).build(), "privileged must be false: true");
  }

  // ------------------------------------------------------------------ mounts

  static SecureContainerSpec bind(String source, boolean readOnly) {
    Mount m = Mount.bind(source, ContainerPath.of("/mnt/x"));
    return hardened().addMount(readOnly ? m.asReadOnly() : m).build();
  }

  @Test
  void sensitiveMounts() {
    Rule r = BuiltinRules.SENSITIVE_MOUNTS;
    passes(r, bind("/srv/app", false));
    passes(r, bind("/home/app/data", false));
    passes(r, bind("/var/lib/app", false));
    passes(r, hardened().addMount(Mount.volume("data", ContainerPath.of("/data"))).build());
    for (String p : List.of("/", "/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr", "/bin", "/sbin",
        "/run", "/var/run", "/var/lib/docker", "/etc/ssl/private", "/var/run/docker.sock",
        "/run/containerd/containerd.sock")) {
      fails(r, bind(p, false), "mounts[0].source must not be a sensitive host path: " + p);
    }
    fails(r, bind("/etc/shadow", true), "mounts[0].source must not be a sensitive host path: /etc/shadow (read-only)");
    fails(r, bind("/var", false), "mounts[0].source must not contain a sensitive host path: /var holds /var/run");
  }

  @Test
  void sensitiveMountsAreFoundAfterCanonicalisingThePath() {
    Rule r = BuiltinRules.SENSITIVE_MOUNTS;
    // the spec's Mount already normalises // and trailing slashes, and refuses ..
    fails(r, bind("//etc//shadow/", true), "mounts[0].source must not be a sensitive host path: /etc/shadow (read-only)");
    // views from inspect or hand-built keep the raw text: canonicalised here
    fails(r, view().addMount(MountView.bind("/srv/../etc/shadow", "/s").asReadOnly()).build(),
        "mounts[0].source must not be a sensitive host path: /srv/../etc/shadow (canonical /etc/shadow) (read-only)");
    fails(r, view().addMount(MountView.bind("/srv/app/../../sbin/", "/sbin")).build(),
        "mounts[0].source must not be a sensitive host path: /srv/app/../../sbin/ (canonical /sbin)");
    fails(r, view().addMount(MountView.bind("/../../..", "/host")).build(),
        "mounts[0].source must not be a sensitive host path: /../../.. (canonical /)");
    passes(r, view().addMount(MountView.bind("/etc-backup/../srv", "/s")).build());
    passes(r, view().addMount(MountView.bind("/etcetera", "/s")).build());
  }

  @Test
  void dockerSocket() {
    Rule r = BuiltinRules.DOCKER_SOCKET;
    passes(r, bind("/srv/app", false));
    fails(r, bind("/var/run/docker.sock", true),
        "mounts[0].source must not be the engine's API socket: /var/run/docker.sock (read-only)");
    fails(r, bind("/run/user/1000/docker.sock", false),
        "mounts[0].source must not be the engine's API socket: /run/user/1000/docker.sock");
    fails(r, bind("/var/run", false),
        "mounts[0].source must not contain the engine's API socket: /var/run holds /var/run/docker.sock");
  }

  @Test
  void mountPropagation() {
    Rule r = BuiltinRules.MOUNT_PROPAGATION;
    passes(r, view().addMount(new MountView("bind", "/srv", "/srv", false, "rprivate")).build());
    fails(r, view().addMount(new MountView("bind", "/srv", "/srv", false, "rshared")).build(),
        "mounts[0].propagation must not be shared: rshared (/srv)");
  }

  @Test
  void hostPathVolumes() {
    Rule r = BuiltinRules.HOST_PATH_VOLUMES;
    passes(r, hardened().addMount(Mount.volume("data", ContainerPath.of("/data")),
        Mount.tmpfs(ContainerPath.of("/tmp"))).build());
    fails(r, bind("/srv/app", true), "mounts[0] must be a volume or tmpfs, not bind: /srv/app:/mnt/x:ro");
  }

  // ------------------------------------------------------------------ namespaces, network, devices

  @Test
  void hostNamespaces() {
    passes(BuiltinRules.HOST_NETWORK, hardened().network(NetworkMode.bridge()).build());
    fails(BuiltinRules.HOST_NETWORK, hardened().allowHostNetwork().build(),
        "networkMode must not be host: host");
    passes(BuiltinRules.HOST_PID, view().pidMode("container:abc").build());
    fails(BuiltinRules.HOST_PID, view().pidMode("host").build(), "pidMode must not be host: host");
    passes(BuiltinRules.HOST_IPC, view().ipcMode("private").build());
    fails(BuiltinRules.HOST_IPC, view().ipcMode("host").build(), "ipcMode must not be host: host");
    passes(BuiltinRules.HOST_UTS, view().build());
    fails(BuiltinRules.HOST_UTS, view().utsMode("host").build(), "utsMode must not be host: host");
    passes(BuiltinRules.HOST_USERNS, view().build());
    fails(BuiltinRules.HOST_USERNS, view().usernsMode("host").build(), "usernsMode must not be host: host");
  }

  @Test
  void defaultBridge() {
    Rule r = BuiltinRules.DEFAULT_BRIDGE;
    passes(r, hardened().build());
    passes(r, hardened().network(NetworkMode.named("appnet")).build());
    fails(r, hardened().network(NetworkMode.bridge()).build(), "networkMode must not be the default bridge docker0: bridge");
    fails(r, view().networkMode("default").build(), "networkMode must not be the default bridge docker0: default");
  }

  @Test
  void hostDevices() {
    Rule r = BuiltinRules.HOST_DEVICES;
    passes(r, view().build());
    fails(r, view().addDevices("/dev/fuse:/dev/fuse:rwm").build(),
        "devices[0] must not expose a host device: /dev/fuse:/dev/fuse:rwm");
  }

  static SecureContainerSpec port(PortBinding p) {
    return hardened().network(NetworkMode.named("appnet")).addPort(p).build();
  }

  @Test
  void privilegedPorts() {
    Rule r = BuiltinRules.PRIVILEGED_PORTS;
    passes(r, port(PortBinding.localhost(8080, 80)));
    passes(r, port(PortBinding.localhost(0, 80)));
    fails(r, port(PortBinding.localhost(80, 8080)),
        "ports[0].hostPort must not be a privileged port (below 1024): 127.0.0.1:80:8080/tcp");
  }

  @Test
  void portsAllInterfaces() {
    Rule r = BuiltinRules.PORTS_ALL_INTERFACES;
    passes(r, port(PortBinding.localhost(8080, 80)));
    passes(r, port(new PortBinding("192.168.1.5", 8080, 80, PortBinding.Protocol.TCP)));
    fails(r, port(new PortBinding("0.0.0.0", 8080, 80, PortBinding.Protocol.TCP)),
        "ports[0].hostIp must name an interface, not every interface: 0.0.0.0 (0.0.0.0:8080:80/tcp)");
    fails(r, port(new PortBinding("::", 8080, 80, PortBinding.Protocol.TCP)),
        "ports[0].hostIp must name an interface, not every interface: :: ([::]:8080:80/tcp)");
    fails(r, view().addPort(new PortView("", 8080, 80, PortBinding.Protocol.TCP)).build(),
        "ports[0].hostIp must name an interface, not every interface: \"\" (:8080:80/tcp)");
    fails(r, view().addPort(new PortView("0:0:0:0:0:0:0:0", 8080, 80, PortBinding.Protocol.UDP)).build(),
        "ports[0].hostIp must name an interface, not every interface: 0:0:0:0:0:0:0:0 ([0:0:0:0:0:0:0:0]:8080:80/udp)");
  }

  @Test
  void hostPorts() {
    Rule r = BuiltinRules.HOST_PORTS;
    passes(r, port(PortBinding.localhost(8080, 80)));
    passes(r, port(new PortBinding("::1", 8080, 80, PortBinding.Protocol.TCP)));
    fails(r, port(new PortBinding("192.168.1.5", 8080, 80, PortBinding.Protocol.TCP)),
        "ports[0].hostIp must be a loopback address: 192.168.1.5 (192.168.1.5:8080:80/tcp)");
    fails(r, view().addPort(new PortView("", 8080, 80, PortBinding.Protocol.TCP)).build(),
        "ports[0].hostIp must be a loopback address: \"\" (:8080:80/tcp)");
  }

  @Test
  void procMount() {
    Rule r = BuiltinRules.PROC_MOUNT;
    passes(r, hardened().build());
    passes(r, view().maskedPaths(List.of("/proc/kcore")).build());
    fails(r, view().securityOptions(opts("no-new-privileges", "systempaths=unconfined")).build(),
        "securityOpts must not unmask /proc and /sys: systempaths=unconfined");
    fails(r, view().maskedPaths(List.of()).build(), "maskedPaths must not be empty: []");
  }

  @Test
  void sysctls() {
    Rule r = BuiltinRules.SYSCTLS;
    passes(r, view().putSysctl("net.ipv4.ping_group_range", "0 2147483647").build());
    fails(r, view().putSysctl("kernel.msgmax", "65536").putSysctl("net.ipv4.tcp_syncookies", "1").build(),
        "sysctls must be in the safe set: kernel.msgmax=65536");
  }

  // ------------------------------------------------------------------ resources and lifecycle

  @Test
  void memoryLimit() {
    Rule r = BuiltinRules.MEMORY_LIMIT;
    passes(r, hardened().build());
    fails(r, hardenedWithout("memoryLimit").build(), "memory must be limited: unlimited");
  }

  @Test
  void cpuLimitCountsAQuotaAloneAsALimit() {
    Rule r = BuiltinRules.CPU_LIMIT;
    SecureContainerSpec.Builder none = hardenedWithout("cpuShares");
    passes(r, hardened().build());
    passes(r, none.cpuQuota(50_000).build());
    passes(r, hardenedWithout("cpuShares").nanoCpus(500_000_000L).build());
    passes(r, hardenedWithout("cpuShares").cpusetCpus(CpuSet.of(0)).build());
    fails(r, hardenedWithout("cpuShares").build(),
        "cpu must be limited or weighted: no cpu shares, quota, cpus or cpuset");
    fails(r, hardened().cpuShares(1024).build(),
        "cpu must be limited or weighted: cpu shares 1024 (the default), no quota, cpus or cpuset");
  }

  @Test
  void pidsLimit() {
    Rule r = BuiltinRules.PIDS_LIMIT;
    passes(r, hardened().build());
    fails(r, hardened().unlimitedPids().build(), "pidsLimit must be set: -1 (unlimited)");
    fails(r, view().pidsLimit(0).build(), "pidsLimit must be set: unlimited");
  }

  @Test
  void readOnlyRootfs() {
    Rule r = BuiltinRules.READ_ONLY_ROOTFS;
    passes(r, hardened().build());
    fails(r, hardened().readOnlyRootFilesystem(false).build(), "readOnlyRootfs must be true: false");
  }

  // ------------------------------------------------------------------ untrusted code

  @Test
  void untrustedSandboxed() {
    Rule r = BuiltinRules.UNTRUSTED_SANDBOXED;
    passes(r, hardened().build());
    passes(r, hardened().runtime(ContainerRuntime.named("runc")).build());
    passes(r, hardened().untrusted().runtime(ContainerRuntime.gvisor()).build());
    passes(r, hardened().untrusted().runtime(ContainerRuntime.named("kata")).build());
    passes(r, view().untrusted(true).runtime("io.containerd.runsc.v1").build());
    fails(r, hardened().untrusted().build(),
        "runtime must be sandboxed for untrusted code: \"\" (the engine's default, runc unless configured otherwise)");
    fails(r, hardened().untrusted().runtime(ContainerRuntime.named("runc")).build(),
        "runtime must be sandboxed for untrusted code: runc");
    fails(r, view().untrusted(true).runtime("runc").build(), "runtime must be sandboxed for untrusted code: runc");
    passes(r, view().runtime("runc").build());
    Violation v = r.evaluate(ContainerView.of(hardened().untrusted().build())).violations().get(0);
    assertEquals(Severity.HIGH, v.severity());
    assertEquals("run it under gVisor: runtime(ContainerRuntime.gvisor()) (--runtime runsc), or another sandboxed"
        + " runtime the engine lists; to allow a reviewed one use Profiles.sandboxedRuntimesAllowing(\"NAME\")",
        v.remedy());
    assertTrue(Profiles.carapaceDefault().rule("untrusted-sandboxed").isPresent());
    assertTrue(Profiles.cisDocker().rule("untrusted-sandboxed").isEmpty());
  }

  @Test
  void acceptedLossReportsEachLossTheCallerAccepted() {
    Rule r = Profiles.carapaceDefault().rule("accepted-loss").get();
    passes(r, ContainerView.of(hardened().build()));
    ContainerView lossy = ContainerView.of(hardened().build())
        .acceptingLoss("noNewPrivileges", "swarm on API 1.41 (engine 20.10.24)",
            "swarm services have no no-new-privileges before API 1.44")
        .acceptingLoss("cpusetCpus", "swarm on API 1.41 (engine 20.10.24)", "swarm services have no cpuset");
    assertEquals(List.of("noNewPrivileges is not carried (loss accepted): swarm on API 1.41 (engine 20.10.24):"
        + " swarm services have no no-new-privileges before API 1.44",
        "cpusetCpus is not carried (loss accepted): swarm on API 1.41 (engine 20.10.24): swarm services have no cpuset"),
        r.evaluate(lossy).violations().stream().map(Violation::message).collect(Collectors.toList()));
    assertEquals(Severity.HIGH, r.severity());
    assertEquals(List.of("noNewPrivileges on swarm on API 1.41 (engine 20.10.24): swarm services have no"
        + " no-new-privileges before API 1.44", "cpusetCpus on swarm on API 1.41 (engine 20.10.24): swarm services"
        + " have no cpuset"), lossy.acceptedLosses());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ContainerView.of(hardened().build()).acceptingLoss("", "swarm", "why"));
    assertEquals("accepted loss must name an attribute, a target and a reason: , swarm, why", e.getMessage());
    assertTrue(Profiles.cisDocker().rule("accepted-loss").isEmpty());
  }

  @Test
  void untrustedSandboxedAllowsAReviewedRuntimeByName() {
    Rule r = Profiles.sandboxedRuntimesAllowing("gvisor-kvm");
    passes(r, hardened().untrusted().runtime(ContainerRuntime.named("gvisor-kvm")).build());
    passes(r, hardened().untrusted().runtime(ContainerRuntime.gvisor()).build());
    fails(r, hardened().untrusted().runtime(ContainerRuntime.named("crun")).build(),
        "runtime must be sandboxed for untrusted code: crun");
    assertTrue(r.remedy().contains(" (here also gvisor-kvm);"), r.remedy());
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> Profiles.sandboxedRuntimesAllowing("no way"));
    assertEquals("runtime name must match [a-zA-Z0-9][a-zA-Z0-9_.+-]*: \"no way\"", e.getMessage());
  }

  @Test
  void seccompUnderGvisorIsNotedAsNotAppliedInsideWithoutOciSeccomp() {
    Rule.Outcome o = BuiltinRules.SECCOMP.evaluate(ContainerView.of(hardened().runtime(ContainerRuntime.gvisor()).build()));
    assertEquals(List.of(), o.violations());
    assertEquals(List.of("under gVisor (runsc) the filter is recorded but applied inside the sandbox only when runsc"
        + " runs with --oci-seccomp; gVisor's own filter confines the sandbox's calls to the host kernel"),
        o.notes().stream().map(Note::reason).collect(Collectors.toList()));
    assertEquals(List.of(), BuiltinRules.SECCOMP.evaluate(ContainerView.of(hardened().build())).notes());
  }

  @Test
  void restartPolicyAlwaysIsNotOnFailure5() {
    Rule r = BuiltinRules.RESTART_POLICY;
    passes(r, hardened().build());
    passes(r, hardened().restartPolicy(RestartPolicy.no()).build());
    passes(r, hardened().restartPolicy(RestartPolicy.onFailure(5)).build());
    passes(r, hardened().restartPolicy(RestartPolicy.onFailure(3)).build());
    fails(r, hardened().restartPolicy(RestartPolicy.always()).build(),
        "restartPolicy must be on-failure with at most 5 retries: always");
    fails(r, hardened().restartPolicy(RestartPolicy.unlessStopped()).build(),
        "restartPolicy must be on-failure with at most 5 retries: unless-stopped");
    fails(r, hardened().restartPolicy(RestartPolicy.onFailure(0)).build(),
        "restartPolicy must be on-failure with at most 5 retries: on-failure (unlimited retries)");
    fails(r, hardened().restartPolicy(RestartPolicy.onFailure(10)).build(),
        "restartPolicy must be on-failure with at most 5 retries: on-failure:10");
  }
}
