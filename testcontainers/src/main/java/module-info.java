/**
 * Carapace for Testcontainers: {@link dev.carapace.testcontainers.CarapaceHardening} hardens a
 * Testcontainers container with a {@code SecureContainerSpec} profile, and
 * {@link dev.carapace.testcontainers.SuiteHardening} does it suite-wide as Testcontainers'
 * {@code CreateContainerCmdModifier} service.
 */
module dev.carapace.testcontainers {
  exports dev.carapace.testcontainers;

  requires transitive dev.carapace.core;
  // Testcontainers 2.0 names no module: this is its file-name module
  requires transitive testcontainers;
  requires com.github.dockerjava.core; // CarapaceHardening.applyTo: a create request built without the engine
  requires org.slf4j; // CarapaceHardening: the WARN of an image trust's warnIfUnsigned

  requires static org.immutables.value;

  provides org.testcontainers.core.CreateContainerCmdModifier
      with dev.carapace.testcontainers.SuiteHardening;
}
