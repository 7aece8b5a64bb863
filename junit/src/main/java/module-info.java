/**
 * Carapace for JUnit 5: {@link dev.carapace.junit.CarapaceContainers} launches the containers that a test
 * class's {@link dev.carapace.junit.Launch} fields declare before its tests, removes them after, and puts
 * their logs into a failing test's report.
 */
module dev.carapace.junit {
  exports dev.carapace.junit;

  requires transitive dev.carapace.core;
  requires transitive org.junit.jupiter.api;

  requires static org.immutables.value;

  // the extension reads the test class's @Launch fields
  opens dev.carapace.junit to org.junit.platform.commons;
}
