package dev.carapace.bench;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.RemoveContainerCmd;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.carapace.core.CpuSet;
import dev.carapace.core.MemorySize;
import dev.carapace.core.SecureContainerSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one hardened container every contender launches, in each contender's own terms: cap-drop ALL,
 * no-new-privileges, read-only rootfs, cpu-shares 512, cpuset 0, pids 64, memory 64 MiB, network
 * none, command {@code true}. Every container carries {@value #LABEL} so a run can always clean up.
 */
final class Hardened {
  static final String IMAGE = System.getProperty("bench.image", "carapace-test/busybox:1");
  /** On every container the benchmark creates; the value names the contender. */
  static final String LABEL = "carapace-bench";
  static final String DOCKER_CLI = "/usr/bin/docker";
  static final long MEMORY = 64L * 1024 * 1024;

  private Hardened() {}

  /** Carapace: most of the hardening is the spec's default (cap-drop ALL, no-new-privileges, network none). */
  static SecureContainerSpec spec(String who) {
    return SecureContainerSpec.builder()
        .image(IMAGE)
        .command("true")
        .readOnlyRootFilesystem(true)
        .cpuShares(512)
        .cpusetCpus(CpuSet.parse("0"))
        .pidsLimit(64)
        .memoryLimit(MemorySize.ofMebibytes(64))
        .putLabel(LABEL, who)
        .build();
  }

  /** The same hardening as a docker-java HostConfig (for raw docker-java and Testcontainers). */
  static HostConfig hostConfig(HostConfig hc) {
    return hc.withPrivileged(false)
        .withCapDrop(Capability.ALL)
        .withSecurityOpts(List.of("no-new-privileges"))
        .withReadonlyRootfs(true)
        .withCpuShares(512)
        .withCpusetCpus("0")
        .withPidsLimit(64L)
        .withMemory(MEMORY)
        .withNetworkMode("none");
  }

  /** {@code docker [-H host] run --rm ...} with the same hardening. */
  static List<String> cli(String host, String who) {
    List<String> argv = new ArrayList<>(List.of(DOCKER_CLI));
    if (host != null) {
      argv.addAll(List.of("-H", host));
    }
    argv.addAll(List.of("run", "--rm", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
        "--read-only", "--cpu-shares", "512", "--cpuset-cpus", "0", "--pids-limit", "64",
        "--memory", "64m", "--network", "none", "--label", LABEL + "=" + who, IMAGE, "true"));
    return argv;
  }

  /** A raw docker-java client the way docker-java's README builds one. */
  static DockerClient rawClient(String dockerHost) {
    DefaultDockerClientConfig.Builder b = DefaultDockerClientConfig.createDefaultConfigBuilder();
    if (dockerHost != null) {
      b.withDockerHost(dockerHost);
    }
    DockerClientConfig config = b.build();
    DockerHttpClient http = new ApacheDockerHttpClient.Builder()
        .dockerHost(config.getDockerHost())
        .sslConfig(config.getSSLConfig())
        .maxConnections(100)
        .connectionTimeout(Duration.ofSeconds(30))
        .responseTimeout(Duration.ofSeconds(45))
        .build();
    return DockerClientImpl.getInstance(config, http);
  }

  static Map<String, String> label(String who) {
    return Map.of(LABEL, who);
  }

  /** Removes every container this benchmark labelled, whatever happened. */
  static void removeLeftovers(DockerClient raw) {
    List<Container> left = raw.listContainersCmd().withShowAll(true)
        .withLabelFilter(Map.of(Hardened.LABEL, "")).exec();
    for (Container c : left) {
      try (RemoveContainerCmd cmd = raw.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true)) {
        cmd.exec();
      } catch (RuntimeException e) {
        System.out.println("could not remove " + c.getId() + ": " + e);
      }
    }
    if (!left.isEmpty()) {
      System.out.println("removed " + left.size() + " leftover benchmark containers");
    }
  }
}
