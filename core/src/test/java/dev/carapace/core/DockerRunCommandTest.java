package dev.carapace.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerRunCommandTest {
  @TempDir
  Path tmp;

  private static SecureContainerSpec parse(String line) {
    return DockerRunCommand.parse(line);
  }

  private static void assertRefused(String line, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(line));
    assertEquals(message, e.getMessage());
  }

  @Test
  void aMillionCharacterNetworkOrContainerNameOnTheLineIsRefusedByItsLength() {
    String million = "n".repeat(1_000_000);
    IllegalArgumentException net = assertThrows(IllegalArgumentException.class,
        () -> parse("docker run --network " + million + " busybox"));
    assertTrue(net.getMessage().endsWith("network name must be at most 128 characters: 1000000 (nnnnnnnnnnnnnnnnnnnn...)"),
        net.getMessage());
    assertTrue(net.getMessage().length() < 300, "never the whole value: " + net.getMessage().length());
    InvalidSpecException name = assertThrows(InvalidSpecException.class,
        () -> parse("docker run --name " + million + " busybox"));
    assertEquals(List.of("name must be at most 128 characters: 1000000 (nnnnnnnnnnnnnnnnnnnn...)"), name.problems());
  }

  @Test
  void readsDockerDefaultsWhereTheLineIsSilent() {
    SecureContainerSpec spec = parse("docker run busybox:1.36");
    assertEquals("busybox:1.36", spec.image());
    assertEquals(List.of(), spec.command());
    assertFalse(spec.dropAllCapabilities());
    assertEquals(Set.of(), spec.droppedCapabilities());
    assertEquals(Capability.dockerDefaults(), spec.effectiveCapabilities());
    assertFalse(spec.noNewPrivileges());
    assertEquals(NetworkMode.bridge(), spec.network());
    assertEquals(OptionalLong.empty(), spec.pidsLimit());
    assertEquals(Seccomp.engineDefault(), spec.seccomp());
    assertFalse(spec.readOnlyRootFilesystem());
  }

  @Test
  void acceptsEveryProgramPrefix() {
    SecureContainerSpec expected = parse("busybox echo hi");
    assertEquals(expected, parse("docker run busybox echo hi"));
    assertEquals(expected, parse("docker container run busybox echo hi"));
    assertEquals(expected, parse("/usr/bin/docker run busybox echo hi"));
    assertEquals(expected, parse("$ docker run busybox echo hi"));
    assertEquals(expected, DockerRunCommand.parse(List.of("docker", "run", "busybox", "echo", "hi")));
  }

  @Test
  void refusesOtherDockerCommands() {
    assertRefused("docker build -t syslogger .", "command must be docker run or docker container run: docker build");
  }

  @Test
  void readsCapabilitiesInEverySpelling() {
    SecureContainerSpec spec = parse("docker run --cap-drop=CHOWN --cap-drop net_raw --cap-drop cap_kill"
        + " --cap-add=SYS_NICE busybox");
    assertFalse(spec.dropAllCapabilities());
    assertEquals(Set.of(Capability.CHOWN, Capability.NET_RAW, Capability.KILL), spec.droppedCapabilities());
    assertEquals(Set.of(Capability.SYS_NICE), spec.addedCapabilities());
  }

  @Test
  void readsCapDropAllAsDropAllCapabilities() {
    SecureContainerSpec spec = parse("docker run --cap-drop ALL --cap-drop CHOWN --cap-add CHOWN busybox");
    assertTrue(spec.dropAllCapabilities());
    assertEquals(Set.of(), spec.droppedCapabilities());
    assertEquals(Set.of(Capability.CHOWN), spec.effectiveCapabilities());
    assertTrue(parse("docker run --cap-drop=all busybox").dropAllCapabilities());
  }

  @Test
  void refusesCapAddAll() {
    assertRefused("docker run --cap-add ALL busybox",
        "--cap-add ALL is not supported: Carapace never grants every capability (add each one the workload needs)");
  }

  @Test
  void prefixesValueTypeErrorsWithTheFlag() {
    assertRefused("docker run --cap-drop FOO busybox", "--cap-drop: capability is not a Linux capability: FOO");
    assertRefused("docker run --cpuset-cpus 0-x busybox", "--cpuset-cpus: cpuset must be a list like 0-2,5: 0-x");
    assertRefused("docker run -m 64q busybox", "-m: memory size must be a number with a unit like 64m or 1.5g: 64q");
    assertRefused("docker run --ulimit nofile busybox", "--ulimit: ulimit must look like name=soft[:hard]: nofile");
    assertRefused("docker run -w data busybox",
        "-w: container path must be absolute: data (use ContainerPath.of(\"/data\"))");
    assertRefused("docker run --restart sometimes busybox",
        "--restart: restart policy must be no, always, unless-stopped or on-failure[:N]: sometimes");
    assertRefused("docker run --log-driver syslog --log-opt max-file=0 busybox",
        "--log-opt: log option max-file must be at least 1: 0");
    assertRefused("docker run --security-opt label=disable --security-opt label=type:t busybox",
        "--security-opt: selinux label disable excludes user, role, type and level: disable with label=type:t");
    assertRefused("docker run -p 127.0.0.1:8080:80/icmp busybox",
        "-p: port protocol must be tcp, udp or sctp: icmp");
  }

  @Test
  void refusesBadNumbersNamingTheFlag() {
    assertRefused("docker run -c lots busybox", "-c must be a whole number: lots");
    assertRefused("docker run --cpus 1.0000000001 busybox",
        "--cpus must be a non-negative number with at most 9 decimals: 1.0000000001");
    assertRefused("docker run --cpus many busybox", "--cpus must be a number of CPUs like 1.5: many");
    assertRefused("docker run --read-only=yes busybox", "--read-only must be true or false: yes");
    assertRefused("docker run --health-cmd true --health-interval 5 busybox",
        "--health-interval must be a duration like 30s, 1m30s or 500ms: 5");
  }

  @Test
  void passesTheSpecsOwnProblemsThrough() {
    InvalidSpecException e = assertThrows(InvalidSpecException.class,
        () -> parse("docker run --cpus 1 --cpu-quota 50000 -c 1 busybox"));
    assertEquals(List.of("cpuShares must be between 2 and 262144: 1",
        "nanoCpus excludes cpuQuota and cpuPeriod: 1000000000 with quota OptionalLong[50000] and period"
            + " OptionalLong.empty"), e.problems());
  }

  @Test
  void readsCpuAndMemoryFlags() {
    SecureContainerSpec spec = parse("docker run -c 512 --cpuset-cpus=0-1,3 --cpus 1.5 -m64m"
        + " --memory-swap=128m --pids-limit 100 busybox");
    assertEquals(512, spec.cpuShares().getAsInt());
    assertEquals(CpuSet.parse("0-1,3"), spec.cpusetCpus().get());
    assertEquals(1_500_000_000L, spec.nanoCpus().getAsLong());
    assertEquals(MemorySize.ofMebibytes(64), spec.memoryLimit().get());
    assertEquals(MemorySize.ofMebibytes(128), spec.memorySwap().get());
    assertEquals(OptionalLong.of(100), spec.pidsLimit());
    SecureContainerSpec quota = parse("docker run --cpu-shares=10 --cpu-quota 50000 --cpu-period=100000"
        + " --memory 1g --pids-limit 0 busybox");
    assertEquals(10, quota.cpuShares().getAsInt());
    assertEquals(50000, quota.cpuQuota().getAsLong());
    assertEquals(100000, quota.cpuPeriod().getAsLong());
    assertEquals(MemorySize.ofGibibytes(1), quota.memoryLimit().get());
    assertEquals(OptionalLong.empty(), quota.pidsLimit(), "Docker reads --pids-limit 0 as no limit");
  }

  @Test
  void refusesUnlimitedSwap() {
    assertRefused("docker run -m 64m --memory-swap -1 busybox",
        "--memory-swap unlimited is not supported: -1 (give a size of at least the memory limit)");
  }

  @Test
  void readsUlimitsKeepingTheLastOfAName() {
    SecureContainerSpec spec = parse("docker run --ulimit nofile=1024:2048 --ulimit nproc=64"
        + " --ulimit nofile=10:20 busybox");
    assertEquals(List.of(new Ulimit("nofile", 10, 20), new Ulimit("nproc", 64, 64)), spec.ulimits());
  }

  @Test
  void readsSecurityOptsInEverySpelling() throws IOException {
    assertTrue(parse("docker run --security-opt no-new-privileges busybox").noNewPrivileges());
    assertTrue(parse("docker run --security-opt no-new-privileges:true busybox").noNewPrivileges());
    assertTrue(parse("docker run --security-opt=no-new-privileges=true busybox").noNewPrivileges());
    assertFalse(parse("docker run --security-opt no-new-privileges=false busybox").noNewPrivileges());
    assertEquals(SelinuxLabel.type("docker_apache_t"),
        parse("docker run --security-opt label:type:docker_apache_t httpd").selinuxLabel().get());
    assertEquals(SelinuxLabel.of("u", null, "t", "s0:c1,c2"),
        parse("docker run --security-opt label=type:t --security-opt label=user:u"
            + " --security-opt label=level:s0:c1,c2 httpd").selinuxLabel().get());
    assertEquals(SelinuxLabel.disable(), parse("docker run --security-opt label=disable busybox").selinuxLabel().get());
    assertEquals(Seccomp.unconfined(), parse("docker run --security-opt seccomp=unconfined busybox").seccomp());
    assertEquals(Seccomp.unconfined(), parse("docker run --security-opt seccomp:unconfined busybox").seccomp());
    assertEquals(Seccomp.engineDefault(), parse("docker run --security-opt seccomp=builtin busybox").seccomp());
    assertEquals(Optional.of("my-profile"),
        parse("docker run --security-opt apparmor=my-profile busybox").apparmorProfile());
    assertEquals(Optional.of("unconfined"),
        parse("docker run --security-opt apparmor:unconfined busybox").apparmorProfile());

    Path profile = tmp.resolve("profile.json");
    Files.writeString(profile, "{\"defaultAction\":\"SCMP_ACT_ERRNO\"}");
    Seccomp seccomp = parse("docker run --security-opt seccomp=" + profile + " busybox").seccomp();
    assertEquals(Seccomp.profile(profile), seccomp);
  }

  @Test
  void refusesUnknownSecurityOpts() {
    assertRefused("docker run --security-opt systempaths=unconfined busybox",
        "--security-opt option is not supported: systempaths"
            + " (Carapace models no-new-privileges, seccomp, apparmor and label)");
    assertRefused("docker run --security-opt nonsense busybox",
        "--security-opt must be KEY=VALUE or no-new-privileges: nonsense");
    assertRefused("docker run --security-opt no-new-privileges=maybe busybox",
        "--security-opt no-new-privileges must be true or false: maybe");
    Path missing = tmp.resolve("missing.json");
    assertRefused("docker run --security-opt seccomp=" + missing + " busybox",
        "--security-opt: seccomp profile must be a readable file: " + missing + " (NoSuchFileException)");
    assertRefused("docker run --security-opt 'seccomp=<inline-seccomp-profile-sha256-0123456789ab.json>' busybox",
        "--security-opt seccomp is a placeholder for an inline profile:"
            + " <inline-seccomp-profile-sha256-0123456789ab.json> (save the profile's JSON to a file and give its path)");
  }

  @Test
  void readsVolumesAsBindsOrNamedVolumes() {
    SecureContainerSpec spec = parse("docker run -v /sbin:/sbin -v /etc/shadow:/etc/shadow:ro"
        + " --volume data:/data:rw -v cache:/cache:ro busybox");
    assertEquals(List.of(
        Mount.bind("/sbin", ContainerPath.of("/sbin")),
        Mount.bind("/etc/shadow", ContainerPath.of("/etc/shadow")).asReadOnly(),
        Mount.volume("data", ContainerPath.of("/data")),
        Mount.volume("cache", ContainerPath.of("/cache")).asReadOnly()), spec.mounts());
  }

  @Test
  void refusesVolumesCarapaceDoesNotModel() {
    assertRefused("docker run -v /data busybox",
        "-v anonymous volumes are not supported: /data (name the volume, as in -v data:/data)");
    assertRefused("docker run -v /a:/b:z busybox", "-v option is not supported: z (Carapace takes ro or rw)");
    assertRefused("docker run -v ./a:/b busybox",
        "-v: volume name must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: ./a");
    assertRefused("docker run -v /a:/b:ro:x busybox", "-v must look like SOURCE:TARGET[:ro|rw]: /a:/b:ro:x");
  }

  @Test
  void readsMountAndTmpfs() {
    SecureContainerSpec spec = parse("docker run --read-only"
        + " --mount type=bind,source=/srv/config,target=/config,readonly"
        + " --mount type=volume,src=cache,dst=/cache"
        + " --mount 'type=bind,\"source=/a,b\",target=/ab,readonly=false'"
        + " --mount type=tmpfs,destination=/run,tmpfs-size=16m"
        + " --tmpfs /tmp:size=64m --tmpfs /scratch --tmpfs /ro:ro,noexec,nosuid,size=1m busybox");
    assertTrue(spec.readOnlyRootFilesystem());
    assertEquals(List.of(
        Mount.bind("/srv/config", ContainerPath.of("/config")).asReadOnly(),
        Mount.volume("cache", ContainerPath.of("/cache")),
        Mount.bind("/a,b", ContainerPath.of("/ab")),
        Mount.tmpfs(ContainerPath.of("/run"), MemorySize.ofMebibytes(16)),
        Mount.tmpfs(ContainerPath.of("/tmp"), MemorySize.ofMebibytes(64)),
        Mount.tmpfs(ContainerPath.of("/scratch")),
        Mount.tmpfs(ContainerPath.of("/ro"), MemorySize.ofMebibytes(1)).asReadOnly()), spec.mounts());
  }

  @Test
  void refusesMountOptionsCarapaceDoesNotModel() {
    assertRefused("docker run --mount type=bind,source=/a,target=/b,bind-propagation=shared busybox",
        "--mount option is not supported: bind-propagation"
            + " (Carapace takes type, source, target, readonly and tmpfs-size)");
    assertRefused("docker run --mount type=volume,target=/b busybox",
        "--mount anonymous volumes are not supported: type=volume,target=/b (name the volume with source=NAME)");
    assertRefused("docker run --mount type=npipe,source=a,target=/b busybox",
        "--mount type must be bind, volume or tmpfs: npipe");
    assertRefused("docker run --mount type=bind,source=/a busybox", "--mount needs a target: type=bind,source=/a");
    assertRefused("docker run --tmpfs /run:mode=1777 busybox",
        "--tmpfs option is not supported: mode=1777"
            + " (Carapace takes ro, rw and size, and always mounts noexec,nosuid,nodev)");
  }

  @Test
  void readsPortsWithAnExplicitHostIp() {
    SecureContainerSpec spec = parse("docker run -p 127.0.0.1:12375:12375 --publish=0.0.0.0:53:53/udp"
        + " -p [::1]:8443:443 -p 127.0.0.1::9000/sctp busybox");
    assertEquals(List.of(
        new PortBinding("127.0.0.1", 12375, 12375, PortBinding.Protocol.TCP),
        new PortBinding("0.0.0.0", 53, 53, PortBinding.Protocol.UDP),
        new PortBinding("::1", 8443, 443, PortBinding.Protocol.TCP),
        new PortBinding("127.0.0.1", 0, 9000, PortBinding.Protocol.SCTP)), spec.ports());
  }

  @Test
  void refusesPortsWithoutAHostIp() {
    assertRefused("docker run -p 2375:2375 busybox",
        "-p must name the host IP: 2375:2375 (add 127.0.0.1 to publish on this host only, or 0.0.0.0"
            + " for every interface, as in -p 127.0.0.1:2375:2375)");
    assertRefused("docker run --publish 80/udp busybox",
        "--publish must name the host IP: 80/udp (add 127.0.0.1 to publish on this host only, or 0.0.0.0"
            + " for every interface, as in --publish 127.0.0.1::80/udp)");
    assertRefused("docker run -p :8080:80 busybox",
        "-p must name the host IP: :8080:80 (add 127.0.0.1 to publish on this host only, or 0.0.0.0"
            + " for every interface, as in -p 127.0.0.1:8080:80)");
    assertRefused("docker run -p 127.0.0.1:8000-8010:8000-8010 busybox",
        "-p port ranges are not supported: 127.0.0.1:8000-8010:8000-8010 (publish each port with its own -p)");
    assertRefused("docker run -p ::1:80:80 busybox",
        "-p must look like IP:HOST:CONTAINER[/PROTOCOL]: ::1:80:80 (write an IPv6 address in brackets,"
            + " as in [::1]:8080:80)");
    assertRefused("docker run -p 127.0.0.1:x:80 busybox", "-p host port must be a whole number: x");
  }

  @Test
  void readsIdentityEnvLabelsAndNetwork() {
    SecureContainerSpec spec = parse("docker run -e A=1 --env B= --env=C=x=y -u 1000:1000 -w /work"
        + " --name web-1 -h web --label tier=front -l solo --net=appnet busybox");
    assertEquals(Map.of("A", "1", "B", "", "C", "x=y"), spec.env());
    assertEquals(Optional.of("1000:1000"), spec.user());
    assertEquals(Optional.of(ContainerPath.of("/work")), spec.workingDir());
    assertEquals(Optional.of("web-1"), spec.name());
    assertEquals(Optional.of("web"), spec.hostname());
    assertEquals(Map.of("tier", "front", "solo", ""), spec.labels());
    assertEquals(NetworkMode.named("appnet"), spec.network());
    SecureContainerSpec host = parse("docker run --network host busybox");
    assertEquals(NetworkMode.Kind.HOST, host.network().kind(), "the line asked for the host network");
  }

  @Test
  void takesEnvWithoutValueFromTheGivenEnvironmentOnly() {
    String never = "-e needs KEY=VALUE: a word without '=' (not shown, as it may be a secret; Carapace does not read"
        + " its own environment: write -e NAME=VALUE, or pass an environment to DockerRunCommand.parse)";
    assertRefused("docker run -e TOKEN busybox", never);
    assertRefused("docker run --env=hunter2-s3cret busybox", never.replace("-e ", "--env "));
    assertRefused("docker run -ehunter2 busybox", never);
    SecureContainerSpec spec = DockerRunCommand.parse("docker run -e TOKEN -e UNSET busybox",
        Map.of("TOKEN", "s3cret"));
    assertEquals(Map.of("TOKEN", "s3cret"), spec.env(), "as Docker: unset variables are left out");
  }

  @Test
  void readsASecondNetworkAsAnAdditionalOneWithItsAliases() {
    SecureContainerSpec spec = parse("docker run --network a --network-alias web --net b"
        + " --network name=c,alias=x,alias=y busybox");
    assertEquals(NetworkMode.named("a"), spec.network());
    assertEquals(List.of("web"), spec.networkAliases());
    assertEquals(List.of(NetworkAttachment.of(NetworkMode.named("b")),
        NetworkAttachment.of(NetworkMode.named("c"), "x", "y")), spec.additionalNetworks());
    assertRefused("docker run --network a --net none busybox", "--net: additionalNetworks network must be a"
        + " user-defined network: none (the engine attaches a second network only to a named one; use"
        + " NetworkMode.named(\"...\"))");
    assertRefused("docker run --network name=a,ip=10.0.0.2 busybox",
        "--network takes name= and alias= fields only: ip=10.0.0.2 (in name=a,ip=10.0.0.2)");
  }

  @Test
  void readsTheNewSpecFields() {
    SecureContainerSpec spec = parse("docker run --network n --shm-size 256m --add-host db:10.0.0.5"
        + " --add-host=db6:[fd00::5] --dns 10.0.0.2 --dns-search corp.example --sysctl kernel.shm_rmid_forced=1"
        + " --sysctl net.core.somaxconn=1024 --platform linux/amd64 -it busybox");
    assertEquals(Optional.of(MemorySize.ofMebibytes(256)), spec.shmSize());
    assertEquals(List.of(ExtraHost.of("db", "10.0.0.5"), ExtraHost.of("db6", "fd00::5")), spec.extraHosts());
    assertEquals(List.of("10.0.0.2"), spec.dnsServers());
    assertEquals(List.of("corp.example"), spec.dnsSearch());
    assertEquals(Map.of("kernel.shm_rmid_forced", "1", "net.core.somaxconn", "1024"), spec.sysctls());
    assertEquals(Optional.of("linux/amd64"), spec.platform());
    assertTrue(spec.tty());
    assertTrue(spec.openStdin());
    assertEquals(spec, DockerRunCommand.parse(DockerRunCommand.render(spec)));
    assertEquals(Optional.empty(), parse("docker run --shm-size 0 busybox").shmSize(), "Docker's unset");
    assertRefused("docker run --add-host db busybox", "--add-host: extraHosts must be HOST:IP: db");
    assertRefused("docker run --add-host db:host-gateway busybox", "--add-host: extraHosts ip must be an IP"
        + " address: host-gateway (reaching the host from a container is not offered; give the address the"
        + " container should reach)");
    assertRefused("docker run --sysctl kernel.shm_rmid_forced busybox",
        "--sysctl must be KEY=VALUE: kernel.shm_rmid_forced");
  }

  @Test
  void readsRestartHealthInitStopAndEntrypoint() {
    SecureContainerSpec spec = parse("docker run --restart on-failure:10 --health-cmd 'wget -q -O- http://127.0.0.1/'"
        + " --health-interval 1m30s --health-timeout=500ms --health-retries 5 --health-start-period 1.5s"
        + " --init --stop-signal SIGINT --stop-timeout 20 --entrypoint /bin/sh busybox -c 'echo hi'");
    assertEquals(RestartPolicy.onFailure(10), spec.restartPolicy().get());
    assertEquals(HealthCheck.shell("wget -q -O- http://127.0.0.1/").interval(Duration.ofSeconds(90))
        .timeout(Duration.ofMillis(500)).retries(5).startPeriod(Duration.ofMillis(1500)), spec.healthCheck().get());
    assertTrue(spec.init());
    assertEquals(Optional.of("SIGINT"), spec.stopSignal());
    assertEquals(Optional.of(Duration.ofSeconds(20)), spec.stopTimeout());
    assertEquals(List.of("/bin/sh"), spec.entrypoint());
    assertEquals(List.of("-c", "echo hi"), spec.command());
  }

  @Test
  void refusesHealthTimingsWithoutACommand() {
    assertRefused("docker run --health-interval 5s busybox",
        "--health-interval needs --health-cmd: 5s (changing only the timings of the image's HEALTHCHECK"
            + " is not supported)");
    assertRefused("docker run --entrypoint '' busybox",
        "--entrypoint must not be empty: \"\" (clearing the image's ENTRYPOINT is not supported)");
    assertRefused("docker run --log-opt max-size=10m busybox",
        "--log-opt needs --log-driver: [max-size] (Carapace does not guess the engine's default driver)");
  }

  @Test
  void acceptsAndIgnoresHowTheContainerIsAttached() {
    SecureContainerSpec expected = parse("docker run busybox");
    for (String flags : List.of("-d", "--rm", "--detach", "-d=false", "--rm=true", "--rm -d", "-i=false",
        "--tty=false")) {
      assertEquals(expected, parse("docker run " + flags + " busybox"), flags);
    }
    SecureContainerSpec both = SecureContainerSpec.builder().image("busybox").tty(true).openStdin(true).build();
    for (String flags : List.of("-it", "-ti", "-dit", "--interactive --tty", "-i -t --rm -d")) {
      SecureContainerSpec spec = parse("docker run " + flags + " busybox");
      assertEquals(both.tty(), spec.tty(), flags);
      assertEquals(both.openStdin(), spec.openStdin(), flags);
    }
  }

  @Test
  void readsShortFlagClustersAndAttachedValues() {
    SecureContainerSpec spec = parse("docker run -itdeA=1 -m=64m -c512 -p127.0.0.1:80:80 -uapp busybox");
    assertEquals(Map.of("A", "1"), spec.env());
    assertEquals(MemorySize.ofMebibytes(64), spec.memoryLimit().get());
    assertEquals(512, spec.cpuShares().getAsInt());
    assertEquals(List.of(PortBinding.localhost(80, 80)), spec.ports());
    assertEquals(Optional.of("app"), spec.user());
  }

  @Test
  void takesEverythingAfterTheImageAsTheCommand() {
    SecureContainerSpec spec = parse("docker run --rm -- busybox --name -v x");
    assertEquals("busybox", spec.image());
    assertEquals(List.of("--name", "-v", "x"), spec.command());
  }

  @Test
  void refusesUnsupportedFlagsNamingThem() {
    assertRefused("docker run --privileged busybox",
        "docker run flag is not supported: --privileged (Carapace never runs privileged containers)");
    assertRefused("docker run --pid host busybox",
        "docker run flag is not supported: --pid (Carapace gives every container its own namespaces)");
    assertRefused("docker run --pid=host busybox",
        "docker run flag is not supported: --pid (Carapace gives every container its own namespaces)");
    assertRefused("docker run --device /dev/sda busybox",
        "docker run flag is not supported: --device (Carapace does not pass host devices into containers)");
    assertRefused("docker run -itP busybox",
        "docker run flag is not supported: -P (publish each port with -p IP:HOST:CONTAINER)");
    assertRefused("docker run --mac-address 02:42:ac:11:00:02 busybox",
        "docker run flag is not supported: --mac-address (SecureContainerSpec has no such setting)");
    assertRefused("docker run -x busybox",
        "docker run flag is not supported: -x (SecureContainerSpec has no such setting)");
  }

  @Test
  void refusesMissingValuesAndImages() {
    assertRefused("docker run --name", "docker run flag needs a value: --name");
    assertRefused("docker run -e", "docker run flag needs a value: -e");
    assertRefused("docker run -d",
        "docker run image is required: none after the flags (write it after them, as in docker run busybox:1.36)");
  }

  @Test
  void splitsLikeAShell() {
    SecureContainerSpec spec = parse("docker run \\\n  -e \"GREETING=hello \\\"world\\\" \\$HOME\" \\\n"
        + "  busybox echo 'it'\\''s' \"\" a\\ b '$HOME' \\$HOME # a comment");
    assertEquals(Map.of("GREETING", "hello \"world\" $HOME"), spec.env());
    assertEquals(List.of("echo", "it's", "", "a b", "$HOME", "$HOME"), spec.command());
  }

  @Test
  void refusesShellOperatorsAndBrokenQuotes() {
    assertRefused("docker run busybox ls | grep x",
        "command line must be a single command without shell operators: | at offset 22"
            + " (quote it, or pass the words as a list)");
    assertRefused("docker run busybox echo 'oops", "command line quote must be closed: ' opened at offset 24 is not");
    assertRefused("docker run busybox echo \"oops", "command line quote must be closed: \" opened at offset 24 is not");
    assertRefused("docker run busybox \\", "command line must not end with a lone backslash: offset 19");
  }

  @Test
  void readsTheRuntimeAndTheUntrustedMark() {
    SecureContainerSpec spec = parse("docker run --runtime runsc --network none --label dev.carapace.untrusted=true"
        + " --label tier=front busybox true");
    assertEquals(ContainerRuntime.gvisor(), spec.runtime());
    assertTrue(spec.untrusted());
    assertEquals(Map.of("tier", "front"), spec.labels());
    assertEquals(ContainerRuntime.named("kata"), parse("docker run --runtime=kata busybox").runtime());
    assertEquals(ContainerRuntime.named("runc"), parse("docker run --runtime runc busybox").runtime());
    assertEquals(ContainerRuntime.engineDefault(), parse("docker run busybox").runtime());
    assertFalse(parse("docker run busybox").untrusted());
  }

  @Test
  void refusesWhatTheRuntimeAndTheUntrustedMarkCannotMean() {
    assertRefused("docker run --runtime 'run sc' busybox",
        "--runtime: runtime name must match [a-zA-Z0-9][a-zA-Z0-9_.+-]*: \"run sc\"");
    assertRefused("docker run --label dev.carapace.untrusted=false busybox",
        "--label dev.carapace.untrusted must be true: \"false\" (leave the label out for a workload not marked untrusted)");
    assertRefused("docker run -l dev.carapace.untrusted busybox",
        "-l dev.carapace.untrusted must be true: \"\" (leave the label out for a workload not marked untrusted)");
    InvalidSpecException e = assertThrows(InvalidSpecException.class,
        () -> parse("docker run --runtime runsc busybox true"));
    assertEquals(List.of("network must be none under gVisor: bridge (runsc runs with --network=none, so the sandbox"
        + " would have only loopback whatever the engine attaches; keep NetworkMode.none())"), e.problems());
    InvalidSpecException reserved = assertThrows(InvalidSpecException.class,
        () -> parse("docker run --label dev.carapace.managed=true busybox"));
    assertEquals(List.of("label key must not start with dev.carapace. (reserved for Carapace): dev.carapace.managed"),
        reserved.problems());
  }

  @Test
  void parserAndBuilderRefuseTheSameValuesThatCannotWork() {
    assertEquals(List.of("tmpfs size must be positive: 0 at /tmp (the kernel reads size=0 as no limit; give a size,"
        + " or call Mount.tmpfs(ContainerPath.of(\"/tmp\")) for the kernel's default, half the RAM)"),
        assertThrows(InvalidSpecException.class, () -> parse("docker run --tmpfs /tmp:size=0 busybox")).problems());
    // --mount sends no size for 0, so the engine gives the kernel's default, as Mount.tmpfs(target) does
    assertEquals(List.of(Mount.tmpfs(ContainerPath.of("/tmp"))),
        parse("docker run --mount type=tmpfs,target=/tmp,tmpfs-size=0 busybox").mounts());
    assertEquals(List.of("nanoCpus must be at most 8192000000000 (8192 CPUs, the kernel's largest NR_CPUS):"
        + " 9000000000000 (1 CPU is 1000000000)"),
        assertThrows(InvalidSpecException.class, () -> parse("docker run --cpus 9000 busybox")).problems());
    assertEquals(List.of("user uid must be at most 2147483647 (runc refuses more at start): 4294967296:0"),
        assertThrows(InvalidSpecException.class, () -> parse("docker run -u 4294967296:0 busybox")).problems());
    assertRefused("docker run --health-cmd '' busybox", "--health-cmd: health command must not be empty:"
        + " CMD-SHELL \"\" (leave healthCheck unset for the image's HEALTHCHECK)");
    assertEquals(List.of("command words must not contain NUL: \"a\\u0000b\" (word 1; execve ends an argument at NUL,"
        + " so the start fails)"),
        assertThrows(InvalidSpecException.class, () -> parse("docker run busybox echo 'a\0b'")).problems());
    assertEquals(List.of("label key must not contain NUL: \"a\\u0000b\""),
        assertThrows(InvalidSpecException.class, () -> parse("docker run --label 'a\0b=c' busybox")).problems());
    assertEquals(List.of("name must match [a-zA-Z0-9][a-zA-Z0-9_.-]+: \"web\\u0000x\""),
        assertThrows(InvalidSpecException.class, () -> parse("docker run --name 'web\0x' busybox")).problems());
    // --entrypoint "" and entrypoint("") are both refused, for the same reason (see the builder's message)
    assertRefused("docker run --entrypoint '' busybox",
        "--entrypoint must not be empty: \"\" (clearing the image's ENTRYPOINT is not supported)");
    assertThrows(InvalidSpecException.class, () -> SecureContainerSpec.builder().image("busybox").entrypoint("")
        .build());
  }

  @Test
  void rendersCarapaceDefaultsExplicitly() {
    SecureContainerSpec spec = SecureContainerSpec.builder().image("busybox:1.36").command("echo", "hi").build();
    assertEquals("docker run --cap-drop ALL --security-opt no-new-privileges --network none --pids-limit 1024"
        + " busybox:1.36 echo hi", DockerRunCommand.renderLine(spec));
    assertEquals(spec, DockerRunCommand.parse(DockerRunCommand.renderLine(spec)));
  }

  @Test
  void rendersEnvValuesOnlyWithSecrets() {
    SecureContainerSpec spec = SecureContainerSpec.builder().image("busybox").putEnv("TOKEN", "s3cret value")
        .build();
    String line = DockerRunCommand.renderLine(spec);
    assertFalse(line.contains("s3cret"), line);
    assertTrue(line.contains(" -e TOKEN "), line);
    assertFalse(DockerRunCommand.render(spec).stream().anyMatch(w -> w.contains("s3cret")));
    assertTrue(DockerRunCommand.renderLineWithSecrets(spec).contains(" -e 'TOKEN=s3cret value' "));
    assertEquals(spec, DockerRunCommand.parse(DockerRunCommand.renderLineWithSecrets(spec)));
    assertEquals(spec, DockerRunCommand.parse(line, Map.of("TOKEN", "s3cret value")));
  }

  @Test
  void rendersEveryAttribute() throws IOException {
    Path profile = tmp.resolve("profile.json");
    Files.writeString(profile, "{\"defaultAction\":\"SCMP_ACT_ERRNO\"}");
    SecureContainerSpec spec = SecureContainerSpec.builder()
        .image("nginx:1.27")
        .command("nginx", "-g", "daemon off;")
        .name("web").hostname("web").user("101:101").workingDir(ContainerPath.of("/srv"))
        .putLabel("tier", "front")
        .keepDockerDefaultCapabilities().dropCapability("NET_RAW", "MKNOD").addCapability("SYS_NICE")
        .seccomp(Seccomp.profile(profile))
        .selinuxLabel(SelinuxLabel.type("svirt_apache_t"))
        .apparmorProfile("docker-default")
        .readOnlyRootFilesystem(true)
        .runtime(ContainerRuntime.named("kata"))
        .untrusted()
        .network(NetworkMode.bridge())
        .addPort(PortBinding.localhost(8080, 80), new PortBinding("::", 8443, 443, PortBinding.Protocol.TCP))
        .addMount(Mount.bind("/srv/a,b", ContainerPath.of("/conf")).asReadOnly(),
            Mount.volume("cache", ContainerPath.of("/cache")),
            Mount.tmpfs(ContainerPath.of("/tmp"), MemorySize.ofMebibytes(64)))
        .cpusetCpus(CpuSet.parse("0,2")).cpuShares(512).nanoCpus(250_000_000L)
        .memoryLimit(MemorySize.ofMebibytes(64)).memorySwap(MemorySize.ofMebibytes(128))
        .unlimitedPids()
        .addUlimit(new Ulimit("nofile", 1024, 2048))
        .logConfig(LogConfig.syslog("udp://127.0.0.1:514"))
        .restartPolicy(RestartPolicy.onFailure(3))
        .healthCheck(HealthCheck.shell("curl -f http://127.0.0.1/").interval(Duration.ofSeconds(90)))
        .init(true).stopSignal("SIGQUIT").stopTimeout(Duration.ofSeconds(5))
        .entrypoint(List.of("/docker-entrypoint.sh"))
        .build();
    assertEquals("docker run --name web --hostname web --user 101:101 --workdir /srv --label tier=front"
        + " --label dev.carapace.untrusted=true"
        + " --cap-drop NET_RAW --cap-drop MKNOD --cap-add SYS_NICE --security-opt no-new-privileges"
        + " --security-opt seccomp=" + profile
        + " --security-opt label=type:svirt_apache_t --security-opt apparmor=docker-default --runtime kata --read-only"
        + " --network bridge -p 127.0.0.1:8080:80/tcp -p '[::]:8443:443/tcp'"
        + " --mount 'type=bind,\"source=/srv/a,b\",target=/conf,readonly' -v cache:/cache --tmpfs /tmp:size=64m"
        + " --cpuset-cpus 0,2 --cpu-shares 512 --cpus 0.25 --memory 64m --memory-swap 128m --pids-limit -1"
        + " --ulimit nofile=1024:2048 --log-driver syslog --log-opt syslog-address=udp://127.0.0.1:514"
        + " --restart on-failure:3 --health-cmd 'curl -f http://127.0.0.1/' --health-interval 1m30s"
        + " --health-timeout 30s --health-start-period 0s --health-retries 3 --init --stop-signal SIGQUIT"
        + " --stop-timeout 5 --entrypoint /docker-entrypoint.sh nginx:1.27 nginx -g 'daemon off;'",
        DockerRunCommand.renderLine(spec));
    assertEquals(spec, DockerRunCommand.parse(DockerRunCommand.renderLine(spec)));
  }

  @Test
  void rendersAnInlineSeccompProfileAsAPlaceholder() {
    SecureContainerSpec spec = SecureContainerSpec.builder().image("busybox")
        .seccomp(Seccomp.profileJson("{\"defaultAction\":\"SCMP_ACT_ERRNO\"}")).build();
    List<String> argv = DockerRunCommand.render(spec);
    String opt = argv.stream().filter(w -> w.startsWith("seccomp=")).findFirst().orElseThrow();
    assertTrue(opt.matches("seccomp=<inline-seccomp-profile-sha256-[0-9a-f]{12}\\.json>"), opt);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DockerRunCommand.parse(argv));
    assertTrue(e.getMessage().startsWith("--security-opt seccomp is a placeholder for an inline profile: <inline-"),
        e.getMessage());
  }

  @Test
  void rendersWhatTheCliCannotSayAsTheSameArgv() {
    SecureContainerSpec spec = SecureContainerSpec.builder().image("busybox")
        .entrypoint(List.of("/bin/sh", "-c")).command("echo hi")
        .healthCheck(HealthCheck.exec("test", "-f", "/tmp/ready file"))
        .stopTimeout(Duration.ofSeconds(2))
        .build();
    assertEquals("docker run --cap-drop ALL --security-opt no-new-privileges --network none --pids-limit 1024"
        + " --health-cmd \"test -f '/tmp/ready file'\" --health-interval 30s --health-timeout 30s"
        + " --health-start-period 0s --health-retries 3 --stop-timeout 2 --entrypoint /bin/sh busybox -c 'echo hi'",
        DockerRunCommand.renderLine(spec).replace("'test -f '\\''/tmp/ready file'\\'''",
            "\"test -f '/tmp/ready file'\""));
  }

  @Test
  void refusesAnImageThatLooksLikeAFlag() {
    InvalidSpecException e = assertThrows(InvalidSpecException.class,
        () -> SecureContainerSpec.builder().image("-weird").build());
    assertEquals(List.of("image must be a reference like busybox:1.36 or registry.example:5000/team/app:1.0@sha256:...:"
        + " -weird (a repository name is lower-case letters and digits, separated by / and single . _ __ or runs"
        + " of -)"), e.problems());
  }
}
