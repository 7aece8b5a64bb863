package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import dev.carapace.core.OwnerLabels;
import dev.carapace.core.testing.TestEngine;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** Checks, after a launcher closed, that none of its containers is left on the engine. */
final class LauncherLeftovers {
  private LauncherLeftovers() {}

  static void assertNoneLeft(String launcherId) throws IOException {
    try (DockerClient docker = ExampleClients.connect(TestEngine.endpoint())) {
      List<Container> left = docker.listContainersCmd().withShowAll(true)
          .withLabelFilter(Map.of(OwnerLabels.LAUNCHER, launcherId)).exec();
      assertEquals(List.of(), left.stream().map(Container::getId).toList(),
          "containers left by launcher " + launcherId);
    }
  }
}
