package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.dockerjava.api.DockerClient;
import dev.carapace.core.testing.TestEngine;
import java.io.IOException;
import java.util.List;

/** Checks, after a launcher closed, that none of its containers is left on the engine. */
final class LauncherLeftovers {
  private LauncherLeftovers() {}

  static void assertNoneLeft(String launcherId) throws IOException {
    try (DockerClient docker = ExampleClients.connect(TestEngine.endpoint())) {
      assertEquals(List.of(), TestEngine.containersOf(docker, launcherId), "containers left by launcher " + launcherId);
    }
  }
}
