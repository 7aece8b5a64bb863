/**
 * A JUnit 5 extension for Carapace's own containers, for tests that do not use Testcontainers: annotate
 * the class with {@link dev.carapace.junit.CarapaceContainers} and each container field with
 * {@link dev.carapace.junit.Launch}.
 */
package dev.carapace.junit;
