/**
 * Carapace core: {@code SecureContainerSpec} and the launcher that runs it on a Docker Engine. Only
 * {@code dev.carapace.core} is exported; of its internal packages, each one a sibling module uses
 * is exported to that module alone (the classes are listed in
 * {@code core/api/carapace-core-internal-for-siblings.api}).
 *
 * <p>docker-java's jars are automatic modules: they read every module, but the module system does not
 * resolve the named modules they need. So the named modules docker-java loads at run time are required
 * here too, even where Carapace's own code does not import them, and a program on the module path
 * starts with no {@code --add-modules} (examples' {@code ModulePathConsumerIT} runs one).
 */
module dev.carapace.core {
  exports dev.carapace.core;
  exports dev.carapace.core.internal.engine to dev.carapace.cluster, dev.carapace.policy;
  exports dev.carapace.core.internal.fields to dev.carapace.cluster, dev.carapace.testcontainers;
  // RunLineAudit: words with offsets, the flag table; both it and Compose: run lines read as Docker reads them
  exports dev.carapace.core.internal.runline to dev.carapace.cluster, dev.carapace.policy;
  exports dev.carapace.core.internal.values to dev.carapace.cluster, dev.carapace.policy, dev.carapace.testcontainers;

  // in public signatures: Endpoint.tls(.., DockerTlsMaterial); DockerClients.connect(..) returns a DockerClient
  requires transitive dev.carapace.tls;
  requires transitive com.github.dockerjava.api;

  // imported by Carapace
  requires com.github.dockerjava.core;
  requires com.github.dockerjava.transport;
  requires com.github.dockerjava.transport.httpclient5;
  requires org.apache.httpcomponents.core5.httpcore5; // DaemonErrors: NoHttpResponseException
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;
  requires org.apache.commons.compress; // SafeTar: the tar streams of copyInto and copyFrom
  requires java.net.http; // RegistryClient: the registry HTTP API (digests, signatures)
  requires org.bouncycastle.provider; // SigningKeys: the algorithm of a trusted key's SubjectPublicKeyInfo

  // not imported by Carapace, loaded by docker-java-core: without them a launch fails with
  // NoClassDefFoundError (Guava, commons-lang3 on every request; commons-io when a DockerClient
  // copies files)
  requires com.google.common;
  requires org.apache.commons.lang3;
  requires org.apache.commons.io;

  requires static org.immutables.value;
  // optional: only ContainerMetrics (a MeterBinder) uses it, and only a caller who has it calls that
  requires static micrometer.core;
}
