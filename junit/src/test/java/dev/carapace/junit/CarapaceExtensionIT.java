package dev.carapace.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import com.github.dockerjava.api.model.Container;
import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.testing.TestEngine;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * The extension run by the real Jupiter engine (JUnit Platform's EngineTestKit) over sample test classes,
 * against the real Docker engine: per-class and per-test containers, a failing test whose failure carries
 * the containers' logs, and nothing left on the engine after any of them. Each run labels its containers
 * with its own id and asks the engine for that label.
 */
class CarapaceExtensionIT {
  static final String RUN_LABEL = "carapace-test.run";
  static String run = UUID.randomUUID().toString();
  static final List<String> SEEN = new CopyOnWriteArrayList<>();

  private static final ContainerLauncher ENGINE = TestEngine.launcher();

  @BeforeEach
  void newRun() {
    run = UUID.randomUUID().toString();
    SEEN.clear();
  }

  @AfterEach
  void removeLeftovers() {
    for (Container c : ours()) {
      ENGINE.dockerClient().removeContainerCmd(c.getId()).withForce(true).exec();
    }
  }

  @AfterAll
  static void close() {
    ENGINE.close();
  }

  static List<Container> ours() {
    return ENGINE.dockerClient().listContainersCmd().withShowAll(true)
        .withLabelFilter(Map.of(RUN_LABEL, run)).exec();
  }

  /** A busybox spec of this run that prints {@code marker} to stdout and {@code marker-err} to stderr, then waits. */
  static SecureContainerSpec printing(String marker) {
    return TestEngine.busybox("sh", "-c", "echo " + marker + "; echo " + marker + "-err >&2; exec sleep 300")
        .putLabel(RUN_LABEL, run).stopTimeout(java.time.Duration.ofSeconds(1)).build();
  }

  private static EngineExecutionResults execute(Class<?> sample) {
    return EngineTestKit.engine("junit-jupiter")
        .configurationParameter(CarapaceExtension.DOCKER_HOST_PARAMETER,
            System.getProperty("carapace.docker.host", ""))
        .selectors(selectClass(sample)).execute();
  }

  // ------------------------------------------------------------------------------------------ samples

  @CarapaceContainers
  static class PerClassSample {
    @Launch
    static final LaunchedContainer SHARED = LaunchedContainer.of(printing("per-class"));

    @Test
    void one() {
      SEEN.add(SHARED.running().id());
      SEEN.add(String.valueOf(ours().size()));
    }

    @Test
    void two() {
      SEEN.add(SHARED.running().id());
    }
  }

  @CarapaceContainers
  static class PerTestSample {
    @Launch
    final LaunchedContainer mine = LaunchedContainer.of(printing("per-test"));
    @Launch
    final SecureContainerSpec peer = printing("peer");

    @Test
    void one() {
      SEEN.add(mine.running().id());
      SEEN.add(String.valueOf(ours().size()));
    }

    @Test
    void two() {
      SEEN.add(mine.running().id());
      SEEN.add(String.valueOf(ours().size()));
    }
  }

  @CarapaceContainers
  static class FailingSample {
    @Launch
    static final LaunchedContainer SHARED = LaunchedContainer.of(printing("class-log-marker"));
    @Launch
    final LaunchedContainer mine = LaunchedContainer.of(printing("test-log-marker"));

    @Test
    void fails() throws Exception {
      // the log is there before the assertion fails: wait until the shell has written it
      for (int i = 0; i < 100 && !mine.running().logs().stderr().contains("test-log-marker-err"); i++) {
        Thread.sleep(50);
      }
      fail("the sample fails on purpose");
    }

    @Test
    void throwsAnError() {
      throw new IllegalStateException("the sample throws on purpose");
    }
  }

  @CarapaceContainers
  static class BeforeEachThrowsSample {
    @Launch
    final LaunchedContainer mine = LaunchedContainer.of(printing("before-each"));

    @BeforeEach
    void setUp() {
      SEEN.add(mine.running().id());
      throw new IllegalStateException("setUp throws on purpose");
    }

    @Test
    void neverRuns() {
      SEEN.add("ran");
    }
  }

  @CarapaceContainers
  static class NullFieldSample {
    @Launch
    static LaunchedContainer missing;

    @Test
    void neverRuns() {
      SEEN.add("ran");
    }
  }

  // the docs' example (docs/reference.md, "JUnit 5 extension"), run by documentedExampleRunsAndLeavesNothing
  // --- snippet: junit
  @CarapaceContainers
  static class Documented {
    @Launch    // static: launched before the class's first test, removed after its last
    static final LaunchedContainer SERVER = LaunchedContainer.of(SecureContainerSpec.builder()
        .image(TestEngine.BUSYBOX_USER).command("sh", "-c", "echo ready; exec sleep 600").build());

    @Launch    // instance: launched before each test, removed after it
    final LaunchedContainer scratch = LaunchedContainer.of(SecureContainerSpec.builder()
        .image(TestEngine.BUSYBOX_USER).command("sleep", "600").build());

    @Test
    void runsAsTheImagesUser() {
      assertEquals("1000\n", SERVER.running().exec("id", "-u").stdout());
      assertEquals("1000\n", scratch.running().exec("id", "-u").stdout());
    }
  }
  // --- end snippet

  // ------------------------------------------------------------------------------------------ tests

  /** The documented example, with a test that records its containers' ids. */
  static class DocumentedRecorded extends Documented {
    @Test
    void record() {
      SEEN.add(SERVER.running().id());
      SEEN.add(scratch.running().id());
    }
  }

  @Test
  void documentedExampleRunsAndLeavesNothing() {
    execute(DocumentedRecorded.class).testEvents().assertStatistics(s -> s.started(2).succeeded(2));
    assertFalse(Documented.SERVER.isRunning());
    assertEquals(2, SEEN.size(), SEEN.toString());
    for (String id : SEEN) {
      assertThrows(com.github.dockerjava.api.exception.NotFoundException.class,
          () -> ENGINE.dockerClient().inspectContainerCmd(id).exec(), "removed: " + id);
    }
  }

  @Test
  void aStaticFieldsContainerServesTheWholeClassAndIsRemovedAfter() {
    execute(PerClassSample.class).testEvents().assertStatistics(s -> s.started(2).succeeded(2));
    assertEquals(3, SEEN.size(), SEEN.toString());
    assertEquals(SEEN.get(0), SEEN.get(2), "one container for both tests: " + SEEN);
    assertEquals("1", SEEN.get(1), "one container on the engine during the class");
    assertFalse(PerClassSample.SHARED.isRunning());
    assertEquals(List.of(), ours(), "nothing left after the class");
  }

  @Test
  void anInstanceFieldsContainerIsNewForEachTestAndRemovedAfterIt() {
    execute(PerTestSample.class).testEvents().assertStatistics(s -> s.started(2).succeeded(2));
    assertEquals(4, SEEN.size(), SEEN.toString());
    assertNotEquals(SEEN.get(0), SEEN.get(2), "a container per test: " + SEEN);
    assertEquals("2", SEEN.get(1), "the handle's and the spec's containers, during the test");
    assertEquals("2", SEEN.get(3), "the first test's containers are gone when the second runs");
    assertEquals(List.of(), ours(), "nothing left after the tests");
  }

  @Test
  void aFailingTestsReportHoldsTheLogsOfItsContainers() {
    EngineExecutionResults results = execute(FailingSample.class);
    results.testEvents().assertStatistics(s -> s.started(2).failed(2));
    Event failed = results.testEvents().failed().list().stream()
        .filter(e -> e.getTestDescriptor().getDisplayName().equals("fails()")).findFirst().orElseThrow();
    Throwable failure = failed.getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
        .getThrowable().orElseThrow();
    assertEquals("the sample fails on purpose", failure.getMessage(), "the test's own failure, not replaced");
    List<String> logs = Arrays.stream(failure.getSuppressed()).map(Throwable::getMessage).collect(Collectors.toList());
    assertEquals(2, logs.size(), logs.toString());
    assertTrue(logs.get(0).startsWith("container FailingSample.SHARED (" + TestEngine.BUSYBOX + ", "), logs.get(0));
    assertTrue(logs.get(0).contains("--- stdout\nclass-log-marker\n--- stderr\nclass-log-marker-err\n"), logs.get(0));
    assertTrue(logs.get(1).startsWith("container FailingSample.mine (" + TestEngine.BUSYBOX + ", "), logs.get(1));
    assertTrue(logs.get(1).contains("--- stdout\ntest-log-marker\n--- stderr\ntest-log-marker-err\n"), logs.get(1));
    // the same text as JUnit report entries, published on the failing test
    List<Map<String, String>> entries = results.allEvents().reportingEntryPublished().list().stream()
        .filter(e -> e.getTestDescriptor().getDisplayName().equals("fails()"))
        .map(e -> e.getPayload(ReportEntry.class).orElseThrow().getKeyValuePairs()).collect(Collectors.toList());
    assertEquals(List.of(Map.of("carapace.log.FailingSample.SHARED", logs.get(0)),
        Map.of("carapace.log.FailingSample.mine", logs.get(1))), entries);
    // a test that throws gets the same, and nothing is left after either
    Throwable thrown = results.testEvents().failed().list().stream()
        .filter(e -> e.getTestDescriptor().getDisplayName().equals("throwsAnError()")).findFirst().orElseThrow()
        .getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
    assertEquals(IllegalStateException.class, thrown.getClass());
    assertEquals(2, thrown.getSuppressed().length);
    assertEquals(List.of(), ours(), "nothing left after failing and throwing tests");
  }

  @Test
  void aThrowingBeforeEachStillRemovesTheTestsContainer() {
    EngineExecutionResults results = execute(BeforeEachThrowsSample.class);
    results.testEvents().assertStatistics(s -> s.started(1).failed(1));
    assertEquals(1, SEEN.size(), "setUp saw its container, the test never ran: " + SEEN);
    Throwable failure = results.testEvents().failed().list().get(0)
        .getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
    assertEquals("setUp throws on purpose", failure.getMessage());
    assertTrue(failure.getSuppressed()[0].getMessage().contains("before-each"), failure.getSuppressed()[0].getMessage());
    assertEquals(List.of(), ours(), "nothing left");
  }

  @Test
  void aNullFieldIsAConfigurationErrorNamingTheField() {
    EngineExecutionResults results = execute(NullFieldSample.class);
    Throwable failure = results.containerEvents().failed().list().get(0)
        .getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
    assertEquals("@Launch field NullFieldSample.missing must hold a LaunchedContainer or a SecureContainerSpec: null",
        failure.getMessage());
    assertEquals(List.of(), SEEN);
  }
}
