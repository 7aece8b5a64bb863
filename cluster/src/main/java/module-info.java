/**
 * Carapace cluster: Docker Swarm services and Kubernetes workloads from a {@code SecureContainerSpec}.
 * Only {@code dev.carapace.cluster} is exported.
 */
module dev.carapace.cluster {
  exports dev.carapace.cluster;

  requires transitive dev.carapace.core;
  requires transitive dev.carapace.policy;
  requires com.github.dockerjava.core; // Swarm: the session's own transport, DockerClientImpl#getHttpClient
  requires com.github.dockerjava.transport;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;

  // Kubernetes: fabric8's model objects are in public signatures (KubernetesWorkload.model()); its jars
  // are automatic modules named after the files; YAML through Jackson
  requires transitive kubernetes.model.core;
  requires transitive kubernetes.model.apps;
  requires transitive kubernetes.model.batch;
  requires transitive kubernetes.model.common;
  requires com.fasterxml.jackson.dataformat.yaml;
  // YamlWriter: the scalar styles of its generator, in Jackson's own signatures; ManifestReader: anchors,
  // aliases and merge keys as go-yaml reads them, bounded
  requires org.yaml.snakeyaml;

  requires static org.immutables.value;
}
