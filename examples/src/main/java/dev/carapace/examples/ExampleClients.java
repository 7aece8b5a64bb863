package dev.carapace.examples;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.carapace.core.Endpoint;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What several examples share about the docker-java clients they open themselves, with docker-java's
 * own configuration, as an application that already uses docker-java would: Carapace hands out no
 * docker-java types.
 */
final class ExampleClients {
  private ExampleClients() {}

  /**
   * A docker-java client to {@code endpoint}'s host; TLS settings, where the host needs them, come
   * from {@code DOCKER_TLS_VERIFY} and {@code DOCKER_CERT_PATH} as docker-java reads them.
   */
  static DockerClient connect(Endpoint endpoint) {
    DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
        .withDockerHost(endpoint.uri().toString())
        .build();
    DockerHttpClient http = new ApacheDockerHttpClient.Builder()
        .dockerHost(config.getDockerHost())
        .sslConfig(config.getSSLConfig())
        .build();
    return DockerClientImpl.getInstance(config, http);
  }

  /** Closes {@code docker}'s connection pool; a failure there is unexpected, so it is unchecked. */
  static void close(DockerClient docker) {
    try {
      docker.close();
    } catch (IOException e) {
      throw new UncheckedIOException("closing the docker client", e);
    }
  }
}
