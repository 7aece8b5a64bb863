package dev.carapace.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The checks of the fields of issue 23: each bad value is refused naming the field, the rule and the value
 * (escaped), and the defaults ask nothing.
 */
class NewSpecFieldsTest {
  private static SecureContainerSpec.Builder base() {
    return SecureContainerSpec.builder().image("busybox:1.36");
  }

  private static List<String> problems(SecureContainerSpec.Builder b) {
    return assertThrows(InvalidSpecException.class, b::build).problems();
  }

  private static void refused(String message, Runnable call) {
    assertEquals(message, assertThrows(IllegalArgumentException.class, call::run).getMessage());
  }

  @Test
  void defaultsAskNothing() {
    SecureContainerSpec s = base().build();
    assertEquals(Optional.empty(), s.shmSize());
    assertEquals(List.of(), s.extraHosts());
    assertEquals(List.of(), s.dnsServers());
    assertEquals(List.of(), s.dnsSearch());
    assertEquals(Map.of(), s.sysctls());
    assertEquals(Optional.empty(), s.platform());
    assertEquals(false, s.tty());
    assertEquals(false, s.openStdin());
    assertEquals(List.of(), s.networkAliases());
    assertEquals(List.of(), s.additionalNetworks());
  }

  @Test
  void extraHostsNeedAHostNameAndAnIpLiteral() {
    assertEquals("db:10.0.0.5", ExtraHost.of("db", "10.0.0.5").toString());
    assertEquals(ExtraHost.of("db6", "fd00::5"), ExtraHost.parse("db6:[fd00::5]"));
    refused("extraHosts host must be an RFC 1123 host name: \"db\\u000a10.6.6.6 evil\"",
        () -> ExtraHost.of("db\n10.6.6.6 evil", "10.0.0.5"));
    refused("extraHosts host must be an RFC 1123 host name: -db", () -> ExtraHost.of("-db", "10.0.0.5"));
    refused("extraHosts ip must be an IPv4 or IPv6 address: 10.0.0.256 (for db)", () -> ExtraHost.of("db", "10.0.0.256"));
    refused("extraHosts ip must be an IPv4 or IPv6 address: example.com (for db)", () -> ExtraHost.of("db", "example.com"));
    refused("extraHosts ip must be an IPv4 or IPv6 address: fe80::1%eth0 (for db)",
        () -> ExtraHost.of("db", "fe80::1%eth0"));
    assertEquals(List.of("extraHosts must not repeat a line: db:10.0.0.5"),
        problems(base().addExtraHost("db", "10.0.0.5").addExtraHost("db", "10.0.0.5")));
  }

  @Test
  void dnsServersAreAtMostThreeIpLiteralsAndSearchDomainsAreNames() {
    assertEquals(List.of("dnsServers must be IPv4 or IPv6 addresses: dns.example",
        "dnsSearch must be RFC 1123 domain names: \"corp example\""),
        problems(base().addDnsServer("dns.example").addDnsSearch("corp example")));
    assertEquals(List.of("dnsServers must be at most 3 (the resolver reads only the first 3 nameserver lines):"
        + " [10.0.0.1, 10.0.0.2, 10.0.0.3, 10.0.0.4]"),
        problems(base().addDnsServer("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4")));
    assertEquals(List.of("extraHosts and dns conflict with network container:db: the other container's /etc/hosts"
        + " and /etc/resolv.conf apply (the engine refuses them)"),
        problems(base().network(NetworkMode.container("db")).addDnsServer("10.0.0.2")));
  }

  @Test
  void shmSizeIsBoundedLikeMemory() {
    assertEquals(List.of("shmSize must be positive: 0B (the engine reads 0 as its default, 64MiB: leave shmSize"
        + " unset for that)"), problems(base().shmSize(MemorySize.ofBytes(0))));
    assertEquals(List.of("shmSize must be at most memoryLimit: 128MiB > 64MiB (what is written to /dev/shm is"
        + " charged to the container's memory)"),
        problems(base().memoryLimit(MemorySize.ofMebibytes(64)).shmSize(MemorySize.ofMebibytes(128))));
    assertEquals(List.of("shmSize conflicts with a mount at /dev/shm: 64MiB (size the tmpfs mount, or drop it)"),
        problems(base().shmSize(MemorySize.ofMebibytes(64)).addMount(Mount.tmpfs(ContainerPath.of("/dev/shm")))));
  }

  @Test
  void sysctlsAreSafeUnlessLoosenedAndNeverTheHosts() {
    assertEquals(Map.of("kernel.shm_rmid_forced", "1"), base().putSysctl("kernel.shm_rmid_forced", "1").build()
        .sysctls());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> base().putSysctl("net.core.somaxconn", "1024"));
    assertTrue(e.getMessage().startsWith("sysctl must be one Kubernetes calls safe: net.core.somaxconn (safe: ["
        + "kernel.shm_rmid_forced, net.ipv4.ip_local_port_range"), e.getMessage());
    assertTrue(e.getMessage().endsWith("; for another namespaced one, call putUnsafeSysctl)"), e.getMessage());
    assertEquals("1024", base().putUnsafeSysctl("net.core.somaxconn", "1024").build().sysctls()
        .get("net.core.somaxconn"));
    assertEquals(List.of("sysctl must be namespaced (kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.*, net.*):"
        + " vm.overcommit_memory (it would change the host's kernel, which the engine refuses)"),
        problems(base().putUnsafeSysctl("vm.overcommit_memory", "1")));
    assertEquals(List.of("sysctl name must be dotted words like net.ipv4.ip_local_port_range: \"net/ipv4\\u000a\""),
        problems(base().putUnsafeSysctl("net/ipv4\n", "1")));
    assertEquals(List.of("sysctl value must be non-empty without control characters: \"1\\u000a\" (for"
        + " kernel.shm_rmid_forced)"), problems(base().putSysctl("kernel.shm_rmid_forced", "1\n")));
    assertEquals(List.of("sysctl net.* conflicts with network host: net.ipv4.ip_unprivileged_port_start (it is not"
        + " the container's own network namespace)"),
        problems(base().allowHostNetwork().putSysctl("net.ipv4.ip_unprivileged_port_start", "1024")));
  }

  @Test
  void platformIsOsArchAndVariant() {
    assertEquals("linux/arm64/v8", base().platform("linux/arm64/v8").build().platform().get());
    assertEquals(List.of("platform must be os/arch or os/arch/variant in lower case, like linux/amd64 or"
        + " linux/arm64/v8: Linux/AMD64"), problems(base().platform("Linux/AMD64")));
    assertEquals(List.of("platform architecture must be one of [386, amd64, arm, arm64, loong64, mips64le, ppc64le,"
        + " riscv64, s390x]: linux/x86_64"), problems(base().platform("linux/x86_64")));
    assertEquals(List.of("platform os must be one of [linux, windows]: darwin/arm64"),
        problems(base().platform("darwin/arm64")));
    assertEquals(List.of("platform variant must be v and a number, like v7 or v8: linux/arm/7"),
        problems(base().platform("linux/arm/7")));
  }

  @Test
  void aliasesAndMoreNetworksNeedUserDefinedNetworks() {
    NetworkMode back = NetworkMode.named("back");
    SecureContainerSpec s = base().network(NetworkMode.named("front")).addNetworkAlias("web")
        .addNetwork(NetworkAttachment.of(back, "api", "db")).build();
    assertEquals(List.of("web"), s.networkAliases());
    assertEquals("name=back,alias=api,alias=db", s.additionalNetworks().get(0).toString());
    assertEquals(List.of("networkAliases need a user-defined network: network is bridge (the engine takes aliases"
        + " only there; call network(NetworkMode.named(...)))"),
        problems(base().network(NetworkMode.bridge()).addNetworkAlias("web")));
    assertEquals(List.of("additionalNetworks need a network of the container's own: network is none (call"
        + " network(NetworkMode.bridge()) or a named one)"), problems(base().addNetwork(NetworkAttachment.of(back))));
    assertEquals(List.of("additionalNetworks must not repeat a network or the main one: back"),
        problems(base().network(back).addNetwork(NetworkAttachment.of(back))));
    refused("networkAliases must be an RFC 1123 host name: \"web server\"", () -> base().addNetworkAlias("web server"));
    refused("additionalNetworks alias must not repeat: api on back", () -> NetworkAttachment.of(back, "api", "api"));
    refused("additionalNetworks network must be a user-defined network: bridge (the engine attaches a second network"
        + " only to a named one; use NetworkMode.named(\"...\"))", () -> NetworkAttachment.of(NetworkMode.bridge()));
  }

  @Test
  void ttyAndStdinRoundTripThroughToBuilder() {
    SecureContainerSpec s = base().tty(true).openStdin(true).shmSize(MemorySize.ofMebibytes(8)).build();
    assertEquals(s, s.toBuilder().build());
  }
}
