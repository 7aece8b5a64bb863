/**
 * Carapace policy: judge container specs and running containers (CIS Docker Benchmark, Pod Security
 * Standards, dangerous mounts). Only {@code dev.carapace.policy} is exported; it uses no internal
 * package of core.
 */
module dev.carapace.policy {
  exports dev.carapace.policy;

  // in public signatures: SecureContainerSpec, ContainerLauncher, LaunchCheck; DockerClient
  requires transitive dev.carapace.core;
  requires transitive com.github.dockerjava.api;

  requires com.github.dockerjava.transport; // EngineAudit: raw GETs through a client's transport
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;

  requires static org.immutables.value;
}
