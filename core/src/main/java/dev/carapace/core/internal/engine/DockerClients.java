package dev.carapace.core.internal.engine;

import com.github.dockerjava.api.DockerClient;
import dev.carapace.core.Endpoint;
import dev.carapace.core.internal.values.EndpointAccess;

/**
 * A plain docker-java {@link DockerClient} for an {@link Endpoint}, for Carapace's own modules (the
 * policy module's audit) and tests. Not API: public signatures never hand out docker-java types. Built without {@code DefaultDockerClientConfig}, so it
 * starts fast and reads no files. Close it when done.
 */
public final class DockerClients {
  private DockerClients() {}

  /**
   * A client to {@code endpoint}. The endpoint's response timeout is the transport's socket timeout,
   * which bounds TCP and TLS reads but not reads over the unix socket (the JDK's channel stream ignores
   * it): wrap calls in {@link Deadline#call} where a hung engine must not hang the caller.
   */
  public static DockerClient connect(Endpoint endpoint) {
    return EngineClients.single(endpoint, EndpointAccess.authorizationHeader(endpoint));
  }

  /**
   * docker-java's raw HTTP transport to {@code endpoint}, with its TLS and basic-auth credentials,
   * for reading what docker-java's models lack (the raw inspect JSON). Close it when done.
   */
  public static com.github.dockerjava.transport.DockerHttpClient httpClient(Endpoint endpoint) {
    return EngineClients.http(endpoint, endpoint.responseTimeout(), 8, EndpointAccess.authorizationHeader(endpoint));
  }
}
