package dev.carapace.examples;

import com.github.dockerjava.api.DockerClient;
import java.io.IOException;
import java.io.UncheckedIOException;

/** What several examples share about the docker-java clients they open themselves. */
final class ExampleClients {
  private ExampleClients() {}

  /** Closes {@code docker}'s connection pool; a failure there is unexpected, so it is unchecked. */
  static void close(DockerClient docker) {
    try {
      docker.close();
    } catch (IOException e) {
      throw new UncheckedIOException("closing the docker client", e);
    }
  }
}
