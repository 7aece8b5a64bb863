package dev.carapace.core;

import dev.carapace.core.internal.engine.DockerClients;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.github.dockerjava.api.DockerClient;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The launcher's builder, before any call reaches an engine. */
class ContainerLauncherBuilderTest {
  private static final String EXCLUSIVE = "endpoint and dockerClient are exclusive: both set (call endpoint(..)"
      + " for a launcher with its own connections, or dockerClient(..) to reuse yours, not both)";

  @Test
  void endpointAndCallersClientAreExclusiveInEitherOrder() throws Exception {
    Endpoint endpoint = Endpoint.unixSocket(Path.of("/var/run/docker.sock"));
    try (DockerClient client = DockerClients.connect(endpoint)) {
      IllegalStateException clientFirst = assertThrows(IllegalStateException.class,
          () -> ContainerLauncher.builder().dockerClient(client).endpoint(endpoint));
      assertEquals(EXCLUSIVE, clientFirst.getMessage());
      IllegalStateException endpointFirst = assertThrows(IllegalStateException.class,
          () -> ContainerLauncher.builder().endpoint(endpoint).dockerClient(client));
      assertEquals(EXCLUSIVE, endpointFirst.getMessage());
    }
  }

  @Test
  void nullClientIsRefusedByName() {
    NullPointerException e = assertThrows(NullPointerException.class,
        () -> ContainerLauncher.builder().dockerClient(null));
    assertEquals("dockerClient", e.getMessage());
  }

  @Test
  void anApplicationNameThatCannotBeALabelValueIsRefused() {
    assertEquals("application name \"a\\u0000b\" holds a control character at index 1",
        assertThrows(IllegalArgumentException.class, () -> ContainerLauncher.builder().applicationName("a\0b"))
            .getMessage());
    assertEquals("application name \"\" is empty",
        assertThrows(IllegalArgumentException.class, () -> ContainerLauncher.builder().applicationName(""))
            .getMessage());
    assertEquals("applicationName",
        assertThrows(NullPointerException.class, () -> ContainerLauncher.builder().applicationName(null)).getMessage());
  }
}
