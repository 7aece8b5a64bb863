package dev.carapace.core;

import com.github.dockerjava.api.DockerClient;
import dev.carapace.core.internal.EngineClients;

/**
 * A plain docker-java {@link DockerClient} for an {@link Endpoint}, for callers (and the policy
 * module's audit) who want docker-java itself. Built without {@code DefaultDockerClientConfig}, so it
 * starts fast and reads no files. Close it when done.
 */
public final class DockerClients {
  private DockerClients() {}

  /** A client to {@code endpoint}, each response bounded by the endpoint's response timeout. */
  public static DockerClient connect(Endpoint endpoint) {
    return EngineClients.single(endpoint, endpoint.authorizationHeader());
  }

  /**
   * docker-java's raw HTTP transport to {@code endpoint}, with its TLS and basic-auth credentials,
   * for reading what docker-java's models lack (the raw inspect JSON). Close it when done.
   */
  public static com.github.dockerjava.transport.DockerHttpClient httpClient(Endpoint endpoint) {
    return EngineClients.http(endpoint, endpoint.responseTimeout(), 8, endpoint.authorizationHeader());
  }
}
