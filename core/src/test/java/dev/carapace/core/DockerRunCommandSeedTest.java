package dev.carapace.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Every {@code docker run} line of the seed notes (docker-in-practice-misc.md), as written there.
 * Lines whose notes sit after a {@code \} continuation are given without those notes, since a
 * shell would not read them as one command either; every other line is verbatim, prompt and
 * trailing {@code #} note included.
 */
class DockerRunCommandSeedTest {
  private static final String CAP_DROP_LIST = "$ docker run -ti --cap-drop=CHOWN --cap-drop=DAC_OVERRIDE \\\n"
      + "--cap-drop=FSETID --cap-drop=FOWNER --cap-drop=KILL --cap-drop=MKNOD \\\n"
      + "--cap-drop=NET_RAW --cap-drop=SETGID --cap-drop=SETUID \\\n"
      + "--cap-drop=SETFCAP --cap-drop=SETPCAP --cap-drop=NET_BIND_SERVICE \\\n"
      + "--cap-drop=SYS_CHROOT --cap-drop=AUDIT_WRITE debian /bin/bash";

  @Test
  void bindMountOfSbin() {
    SecureContainerSpec spec = DockerRunCommand.parse(
        "$ docker run -v /sbin:/sbin busybox rm -rf /sbin    # 不要运行这个语句，你会删除 /sbin 目录下的文件，这很危险");
    assertEquals(List.of(Mount.bind("/sbin", ContainerPath.of("/sbin"))), spec.mounts());
    assertEquals(List.of("rm", "-rf", "/sbin"), spec.command());
  }

  @Test
  void bindMountOfShadow() {
    SecureContainerSpec spec = DockerRunCommand.parse(
        "$ docker run -v /etc/shadow:/etc/shadow busybox cat /etc/shadow    # 这个命令会展示用户密码文件内容");
    assertEquals(List.of(Mount.bind("/etc/shadow", ContainerPath.of("/etc/shadow"))), spec.mounts());
    assertEquals("busybox", spec.image());
  }

  @Test
  void capDropOfEveryDockerDefault() {
    SecureContainerSpec spec = DockerRunCommand.parse(CAP_DROP_LIST);
    assertFalse(spec.dropAllCapabilities());
    assertEquals(Capability.dockerDefaults(), spec.droppedCapabilities());
    assertEquals(EnumSet.noneOf(Capability.class), spec.effectiveCapabilities());
    assertEquals("debian", spec.image());
    assertEquals(List.of("/bin/bash"), spec.command());
  }

  @Test
  void dockerAuthenticateNeedsAnExplicitHostIp() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DockerRunCommand.parse(
        "$ docker run -d --name docker-authenticate -p 2375:2375 \\\n"
            + "-v /var/run:/var/run dockerinpractice/docker-authenticate"));
    assertEquals("-p must name the host IP: 2375:2375 (add 127.0.0.1 to publish on this host only,"
        + " or 0.0.0.0 for every interface, as in -p 127.0.0.1:2375:2375)", e.getMessage());
    SecureContainerSpec spec = DockerRunCommand.parse(
        "$ docker run -d --name docker-authenticate -p 0.0.0.0:2375:2375 \\\n"
            + "-v /var/run:/var/run dockerinpractice/docker-authenticate");
    assertEquals(List.of(new PortBinding("0.0.0.0", 2375, 2375, PortBinding.Protocol.TCP)), spec.ports());
    assertEquals(List.of(Mount.bind("/var/run", ContainerPath.of("/var/run"))), spec.mounts());
    assertEquals(Optional.of("docker-authenticate"), spec.name());
  }

  @Test
  void dockerAuthenticateClient() {
    SecureContainerSpec spec = DockerRunCommand.parse(
        "$ docker run -d --name docker-authenticate-client -p 127.0.0.1:12375:12375 \\\n"
            + "dockerinpractice/docker-authenticate-client 192.168.1.74:2375 username:password");
    assertEquals(List.of(PortBinding.localhost(12375, 12375)), spec.ports());
    assertEquals("dockerinpractice/docker-authenticate-client", spec.image());
    assertEquals(List.of("192.168.1.74:2375", "username:password"), spec.command());
  }

  @Test
  void selinuxLabelInTheOldSpelling() {
    SecureContainerSpec interactive = DockerRunCommand.parse(
        "$ docker run -ti --name selinuxdock --security-opt \\\n"
            + "  label:type:docker_apache_t httpd");
    SecureContainerSpec detached = DockerRunCommand.parse(
        "$ docker run -d --name selinuxdock --security-opt label:type:docker_apache_t httpd"
            + "    # 再次运行，应该会记录错误");
    assertEquals(Optional.of(SelinuxLabel.type("docker_apache_t")), detached.selinuxLabel());
    // -t and -i are the spec's tty and openStdin (issue 23); -d is the launcher's business
    assertEquals(true, interactive.tty() && interactive.openStdin());
    assertEquals(interactive.toBuilder().tty(false).openStdin(false).build(), detached,
        "-ti are tty and openStdin, -d the launcher's business");
    assertEquals("httpd", detached.image());
  }

  @Test
  void centralSyslogCollector() {
    SecureContainerSpec spec = DockerRunCommand.parse(
        "docker run --name syslogger -d -v /tmp/syslogdev:/dev syslogger"
            + "     # touch point 映射到宿主 /tmp/syslogdev/log");
    assertEquals(List.of(Mount.bind("/tmp/syslogdev", ContainerPath.of("/dev"))), spec.mounts());
    assertEquals("syslogger", spec.image());
  }

  @Test
  void loggerClientsNeedTheirShellVariableExpandedFirst() {
    String seed = "    docker run -d -v /tmp/syslogdev/log:/dev/log ubuntu logger hi_$d"
        + "      # mount /tmp/syslogdev/log 到 /dev/log";
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DockerRunCommand.parse(seed));
    assertEquals("command line must not need shell expansion: $d at offset 66 (the line is not expanded by a shell:"
        + " pass the value itself, or single-quote it to mean it literally)", e.getMessage());
    SecureContainerSpec spec = DockerRunCommand.parse(seed.replace("hi_$d", "hi_3"));   // as the loop expands it
    assertEquals(List.of(Mount.bind("/tmp/syslogdev/log", ContainerPath.of("/dev/log"))), spec.mounts());
    assertEquals(List.of("logger", "hi_3"), spec.command());
  }

  @Test
  void logDrivers() {
    SecureContainerSpec syslog = DockerRunCommand.parse(
        "$ docker run --log-driver=syslog ubuntu echo 'outputting to syslog'    # 容器 start 程序为 echo");
    assertEquals(Optional.of(new LogConfig("syslog", java.util.Map.of())), syslog.logConfig());
    assertEquals(List.of("echo", "outputting to syslog"), syslog.command());
    SecureContainerSpec journald = DockerRunCommand.parse(
        "$ docker run --log-driver=journald ubuntu echo 'outputting to journald'");
    assertEquals(Optional.of(LogConfig.journald()), journald.logConfig());
  }

  @Test
  void cadvisorNeedsAnExplicitHostIp() {
    String seed = "$ docker run --volume /:/rootfs:ro \\\n"
        + "--volume /var/run:/var/run:rw \\\n"
        + "--volume /sys:/sys:ro \\\n"
        + "--volume /var/lib/docker/:/var/lib/docker:ro \\\n"
        + "-p 8080:8080 -d --name cadvisor \\\n"
        + "--restart on-failure:10 google/cadvisor";
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DockerRunCommand.parse(seed));
    assertEquals("-p must name the host IP: 8080:8080 (add 127.0.0.1 to publish on this host only,"
        + " or 0.0.0.0 for every interface, as in -p 127.0.0.1:8080:8080)", e.getMessage());
    SecureContainerSpec spec = DockerRunCommand.parse(seed.replace("-p 8080:8080", "-p 127.0.0.1:8080:8080"));
    assertEquals(List.of(
        Mount.bind("/", ContainerPath.of("/rootfs")).asReadOnly(),
        Mount.bind("/var/run", ContainerPath.of("/var/run")),
        Mount.bind("/sys", ContainerPath.of("/sys")).asReadOnly(),
        Mount.bind("/var/lib/docker", ContainerPath.of("/var/lib/docker")).asReadOnly()), spec.mounts());
    assertEquals(Optional.of(RestartPolicy.onFailure(10)), spec.restartPolicy());
    assertEquals(List.of(PortBinding.localhost(8080, 8080)), spec.ports());
  }

  @Test
  void busyLoopUnpinnedAndPinned() {
    SecureContainerSpec free = DockerRunCommand.parse("docker run ubuntu:14.04 sh -c 'cat /dev/zero >/dev/null'");
    assertEquals(List.of("sh", "-c", "cat /dev/zero >/dev/null"), free.command());
    assertTrue(free.cpusetCpus().isEmpty());
    SecureContainerSpec pinned = DockerRunCommand.parse(
        "docker run --cpuset-cpus=0 ubuntu:14.04 sh -c 'cat /dev/zero >/dev/null'");
    assertEquals(Optional.of(CpuSet.of(0)), pinned.cpusetCpus());
    assertEquals(free.command(), pinned.command());
  }

  @Test
  void cpuSharesInBothSpellingsOfTheSeed() {
    for (int shares : new int[] {512, 1024, 10, 100, 1000}) {
      assertEquals(shares, DockerRunCommand.parse("docker run -c " + shares
          + " --cpuset-cpus=0 ubuntu:14.04 sh -c 'cat /dev/zero >/dev/null'").cpuShares().getAsInt());
      assertEquals(shares, DockerRunCommand.parse("docker run --cpu-shares=" + shares
          + " --cpuset-cpus=0 ubuntu:14.04 sh -c 'cat /dev/zero >/dev/null'").cpuShares().getAsInt());
    }
  }

  @Test
  void seedLinesRenderAndParseBack() {
    for (String line : List.of(CAP_DROP_LIST, "docker run -v /etc/shadow:/etc/shadow busybox cat /etc/shadow",
        "docker run -ti --name selinuxdock --security-opt label:type:docker_apache_t httpd",
        "docker run --log-driver=syslog ubuntu echo 'outputting to syslog'",
        "docker run --cpuset-cpus=0 ubuntu:14.04 sh -c 'cat /dev/zero >/dev/null'")) {
      SecureContainerSpec spec = DockerRunCommand.parse(line);
      assertEquals(spec, DockerRunCommand.parse(DockerRunCommand.renderLine(spec)), line);
    }
  }
}
