package dev.carapace.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** NetworkSpec's defaults and validation, and a spec on a user-defined network through docker run. */
class NetworkSpecTest {
  private static void assertRefused(String message, Runnable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
    assertEquals(message, e.getMessage());
  }

  @Test
  void isAnInternalBridgeByDefault() {
    NetworkSpec spec = NetworkSpec.of("backend");
    assertEquals("backend", spec.name());
    assertTrue(spec.internal());
    assertEquals(Optional.empty(), spec.subnet());
    assertEquals(Map.of(), spec.labels());
    assertEquals(NetworkMode.named("backend"), spec.mode());
    assertEquals("NetworkSpec{--internal backend}", spec.toString());
  }

  @Test
  void externalAccessIsAnExplicitCall() {
    NetworkSpec spec = NetworkSpec.builder().name("web").subnet("10.89.0.0/24").putLabel("team", "payments")
        .allowExternalAccess().build();
    assertFalse(spec.internal());
    assertEquals(Optional.of("10.89.0.0/24"), spec.subnet());
    assertEquals(Map.of("team", "payments"), spec.labels());
    assertEquals("NetworkSpec{--subnet 10.89.0.0/24 --label team=payments web}", spec.toString());
    assertEquals(spec, spec.toBuilder().build());
    assertNotEquals(spec, NetworkSpec.builder().name("web").subnet("10.89.0.0/24").putLabel("team", "payments").build());
  }

  @Test
  void refusesNamesTheEngineOrDockerRunCannotTake() {
    assertRefused("network name must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: -backend", () -> NetworkSpec.of("-backend"));
    assertRefused("network name must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: _backend", () -> NetworkSpec.of("_backend"));
    assertRefused("network name must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: \"back end\"", () -> NetworkSpec.of("back end"));
    assertRefused("network name must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: container:db", () -> NetworkSpec.of("container:db"));
    assertRefused("network name must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: \"\"", () -> NetworkSpec.of(""));
    assertRefused("network name must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: \"caf\\u00e9\"", () -> NetworkSpec.of("caf\u00e9"));
    for (String builtIn : List.of("none", "bridge", "host", "default")) {
      assertRefused("network name must not be a built-in network: " + builtIn + " (the engine's own; pick another name)",
          () -> NetworkSpec.of(builtIn));
    }
    assertRefused("network name must be at most 128 characters: 129 (nnnnnnnnnnnnnnnnnnnn...)",
        () -> NetworkSpec.of("n".repeat(129)));
    assertEquals("n".repeat(128), NetworkSpec.of("n".repeat(128)).name());
    assertEquals("a.b-c_d", NetworkSpec.of("a.b-c_d").name());
    assertEquals("network name", assertThrows(NullPointerException.class, () -> NetworkSpec.of(null)).getMessage());
    IllegalStateException unnamed = assertThrows(IllegalStateException.class, () -> NetworkSpec.builder().build());
    assertEquals("network name is required: none set (call name(..))", unnamed.getMessage());
  }

  @Test
  void aMillionCharacterNameIsRefusedByItsLengthShowingOnlyItsStart() {
    // engine 20.10 creates a network of such a name (measured): Carapace refuses it before any request
    String million = "n".repeat(1_000_000);
    String refused = "network name must be at most 128 characters: 1000000 (nnnnnnnnnnnnnnnnnnnn...)";
    assertRefused(refused, () -> NetworkSpec.of(million));
    assertRefused(refused, () -> NetworkMode.named(million));
    assertRefused(refused, () -> NetworkMode.parse(million));
    assertRefused("network container must be at most 128 characters: 1000000 (nnnnnnnnnnnnnnnnnnnn...)",
        () -> NetworkMode.container(million));
    assertRefused("network container must be at most 128 characters: 1000000 (nnnnnnnnnnnnnnnnnnnn...)",
        () -> NetworkMode.parse("container:" + million));
    // the length comes first: a huge name of characters no rule takes is not shown whole either
    assertRefused("network name must be at most 128 characters: 1000000 (\"\\u0000\\u0000\\u0000\\u0000\\u0000"
        + "\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\"...)",
        () -> NetworkMode.named("\0".repeat(1_000_000)));
    assertEquals("n".repeat(128), NetworkMode.named("n".repeat(128)).name());
    assertRefused("network name must be at most 128 characters: 129 (nnnnnnnnnnnnnnnnnnnn...)",
        () -> NetworkMode.named("n".repeat(129)));
  }

  @Test
  void refusesSubnetsThatAreNotIpv4NetworkAddresses() {
    NetworkSpec.Builder b = NetworkSpec.builder().name("n");
    assertRefused("network subnet must be an IPv4 CIDR like 10.89.0.0/24: 10.89.0.0", () -> b.subnet("10.89.0.0"));
    assertRefused("network subnet must be an IPv4 CIDR like 10.89.0.0/24: fd00::/64", () -> b.subnet("fd00::/64"));
    assertRefused("network subnet must be an IPv4 CIDR like 10.89.0.0/24: 10.256.0.0/16", () -> b.subnet("10.256.0.0/16"));
    assertRefused("network subnet must be an IPv4 CIDR like 10.89.0.0/24: 10.089.0.0/24", () -> b.subnet("10.089.0.0/24"));
    assertRefused("network subnet prefix must be 8 to 30 bits: 10.89.0.0/31 (a /31 or /32 leaves no address for a"
        + " container beside the gateway)", () -> b.subnet("10.89.0.0/31"));
    assertRefused("network subnet prefix must be 8 to 30 bits: 10.0.0.0/7 (a /31 or /32 leaves no address for a"
        + " container beside the gateway)", () -> b.subnet("10.0.0.0/7"));
    assertRefused("network subnet must have no host bits set: 10.89.0.1/24 (use 10.89.0.0/24)", () -> b.subnet("10.89.0.1/24"));
    assertRefused("network subnet must have no host bits set: 192.168.77.200/26 (use 192.168.77.192/26)",
        () -> b.subnet("192.168.77.200/26"));
    assertEquals(Optional.of("198.18.4.0/30"), b.subnet("198.18.4.0/30").build().subnet());
  }

  @Test
  void refusesReservedAndMalformedLabelKeys() {
    NetworkSpec.Builder b = NetworkSpec.builder().name("n");
    assertRefused("network label key must not start with dev.carapace. (reserved for Carapace): dev.carapace.owner",
        () -> b.putLabel("dev.carapace.owner", "me"));
    assertRefused("network label key must be non-empty, without = or control characters: a=b", () -> b.putLabel("a=b", "c"));
    assertRefused("network label key must be non-empty, without = or control characters: ", () -> b.putLabel("", "c"));
    assertEquals("network label value", assertThrows(NullPointerException.class, () -> b.putLabel("k", null)).getMessage());
  }

  @Test
  void aSpecOnAUserDefinedNetworkRoundTripsThroughDockerRun() {
    SecureContainerSpec spec = SecureContainerSpec.builder().image("busybox:1.36").name("db")
        .network(NetworkSpec.of("backend").mode()).build();
    String line = DockerRunCommand.renderLine(spec);
    assertEquals("docker run --name db --cap-drop ALL --security-opt no-new-privileges --network backend"
        + " --pids-limit 1024 busybox:1.36", line);
    assertEquals(spec, DockerRunCommand.parse(line));
    assertEquals(NetworkMode.named("backend"), DockerRunCommand.parse("docker run --net backend busybox").network());
    assertEquals(NetworkMode.named("backend"), DockerRunCommand.parse("docker run --network=backend busybox").network());
  }
}
