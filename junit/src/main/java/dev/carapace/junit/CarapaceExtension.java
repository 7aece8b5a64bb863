package dev.carapace.junit;

import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.ContainerLogs;
import dev.carapace.core.Endpoint;
import dev.carapace.core.MemorySize;
import dev.carapace.core.RunningContainer;
import dev.carapace.core.SecureContainerSpec;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * The JUnit 5 extension behind {@link CarapaceContainers}: launches a test class's {@link Launch} fields
 * with a {@link ContainerLauncher}, removes them after, and attaches their logs to a failing test.
 *
 * <p><b>Lifecycle.</b> A {@code static} field's container runs from before the class's first test
 * ({@code BeforeAllCallback}) to after its last; an instance field's from before each test
 * ({@code BeforeEachCallback}, every instance of a {@code @Nested} chain) to after it. Each is kept in
 * JUnit's store of its class or test, which JUnit closes after {@code @AfterAll} or {@code @AfterEach}
 * however the test ended, so a failing or throwing test, a failing {@code @BeforeEach} and a launch that
 * fails half-way still remove what was launched. One launcher serves the whole run (JUnit's root store)
 * and is closed at its end; it connects to the configuration parameter {@value #DOCKER_HOST_PARAMETER}
 * ({@code -Dcarapace.junit.docker.host=tcp://...} or {@code junit-platform.properties}) when set, otherwise
 * to {@link Endpoint#fromEnvironment()} ({@code DOCKER_HOST}, the Docker context, the unix socket).
 *
 * <p><b>Logs of a failing test.</b> When a test method, a {@code @BeforeEach}/{@code @AfterEach} or a
 * {@code @BeforeAll}/{@code @AfterAll} method throws, the logs of every container the test can see (its
 * own and its class's) are read, at most {@value #LOG_LIMIT_KIB} KiB of stdout and of stderr each, and
 * attached twice: as a suppressed exception on the failure itself, whose message Maven Surefire (the
 * console and the XML report's {@code <failure>}), Gradle and IDEs print with the stack trace; and as a
 * JUnit report entry ({@code carapace.log.FIELD}) for reporters that read those. Reading a log that fails
 * adds its reason instead; the test's own failure is never replaced.
 */
public final class CarapaceExtension implements BeforeAllCallback, BeforeEachCallback,
    TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {
  /** The configuration parameter naming the engine, as {@code DOCKER_HOST} does: {@value}. */
  public static final String DOCKER_HOST_PARAMETER = "carapace.junit.docker.host";
  /** How much of each stream of each container a failing test's report gets, in KiB: {@value}. */
  public static final int LOG_LIMIT_KIB = 64;

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(CarapaceExtension.class);

  /** Called by JUnit ({@code @ExtendWith}); use {@link CarapaceContainers} instead. */
  public CarapaceExtension() {}

  @Override
  public void beforeAll(ExtensionContext context) {
    launch(context, context.getRequiredTestClass(), null);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
      launch(context, instance.getClass(), instance);
    }
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
    throw attachLogs(context, throwable);
  }

  @Override
  public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable)
      throws Throwable {
    throw attachLogs(context, throwable);
  }

  @Override
  public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable)
      throws Throwable {
    throw attachLogs(context, throwable);
  }

  @Override
  public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable throwable)
      throws Throwable {
    throw attachLogs(context, throwable);
  }

  @Override
  public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable throwable)
      throws Throwable {
    throw attachLogs(context, throwable);
  }

  private static void launch(ExtensionContext context, Class<?> type, Object instance) {
    boolean statics = instance == null;
    List<Field> fields = AnnotationSupport.findAnnotatedFields(type, Launch.class,
        f -> Modifier.isStatic(f.getModifiers()) == statics, HierarchyTraversalMode.TOP_DOWN);
    if (fields.isEmpty()) {
      return;
    }
    Launched launched = context.getStore(NAMESPACE).getOrComputeIfAbsent(Launched.class.getName() + "@"
        + context.getUniqueId(), k -> new Launched(), Launched.class);
    for (Field field : fields) {
      Object value = ReflectionSupport.tryToReadFieldValue(field, instance).getOrThrow(e ->
          new ExtensionConfigurationException("@Launch field " + name(field) + " must be readable: " + e, e));
      LaunchedContainer handle;
      if (value instanceof LaunchedContainer) {
        handle = (LaunchedContainer) value;
      } else if (value instanceof SecureContainerSpec) {
        handle = LaunchedContainer.of((SecureContainerSpec) value);
      } else {
        throw new ExtensionConfigurationException("@Launch field " + name(field)
            + " must hold a LaunchedContainer or a SecureContainerSpec: "
            + (value == null ? "null" : value.getClass().getName()));
      }
      if (handle.isRunning()) {
        throw new ExtensionConfigurationException("@Launch field " + name(field)
            + " must not be running already: " + handle + " (one field per handle)");
      }
      RunningContainer running = launcher(context).launch(handle.spec());
      handle.started(running);
      launched.add(name(field), handle);
    }
  }

  private static String name(Field field) {
    return field.getDeclaringClass().getSimpleName() + "." + field.getName();
  }

  private static ContainerLauncher launcher(ExtensionContext context) {
    return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(LauncherResource.class,
        k -> new LauncherResource(ContainerLauncher.connect(context.getConfigurationParameter(DOCKER_HOST_PARAMETER)
            .filter(s -> !s.isBlank()).map(Endpoint::parse).orElseGet(Endpoint::fromEnvironment))),
        LauncherResource.class).launcher;
  }

  /** Adds the logs of every container {@code context}'s test can see to {@code failure}; returns it. */
  private static Throwable attachLogs(ExtensionContext context, Throwable failure) {
    Set<Launched> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<String[]> running = new ArrayList<>();
    for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
      Launched l = c.getStore(NAMESPACE).get(Launched.class.getName() + "@" + c.getUniqueId(), Launched.class);
      if (l != null && seen.add(l)) {
        running.addAll(0, l.snapshot());
      }
    }
    for (String[] entry : running) {
      String text = logText(entry[0], entry[1], entry[2], entry[3]);
      failure.addSuppressed(new ContainerLog(text));
      try {
        context.publishReportEntry("carapace.log." + entry[0], text);
      } catch (RuntimeException e) {
        failure.addSuppressed(e); // a reporter that refused the entry: the failure still carries the log
      }
    }
    return failure;
  }

  private static String logText(String field, String image, String id, String logs) {
    return "container " + field + " (" + image + ", " + id + ") log:\n" + logs;
  }

  /** What a failing test's report shows of one container's log. */
  static String describe(RunningContainer running) {
    try {
      ContainerLogs logs = running.logs(MemorySize.ofKibibytes(LOG_LIMIT_KIB));
      return "--- stdout" + (logs.stdoutTruncated() ? " (first " + LOG_LIMIT_KIB + " KiB)" : "") + "\n"
          + logs.stdout() + (logs.stdout().endsWith("\n") || logs.stdout().isEmpty() ? "" : "\n")
          + "--- stderr" + (logs.stderrTruncated() ? " (first " + LOG_LIMIT_KIB + " KiB)" : "") + "\n"
          + logs.stderr();
    } catch (RuntimeException e) {
      return "(the log could not be read: " + e.getMessage() + ")";
    }
  }

  /** The containers of one class or one test, removed in reverse order when JUnit closes its store. */
  @SuppressWarnings("deprecation") // CloseableResource: what JUnit before 5.13 closes; AutoCloseable after
  private static final class Launched implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    private final List<String> names = new ArrayList<>();
    private final List<LaunchedContainer> handles = new ArrayList<>();

    synchronized void add(String name, LaunchedContainer handle) {
      names.add(name);
      handles.add(handle);
    }

    /** {field, image, id, log} of each running container, in launch order. */
    synchronized List<String[]> snapshot() {
      List<String[]> out = new ArrayList<>();
      for (int i = 0; i < handles.size(); i++) {
        LaunchedContainer h = handles.get(i);
        if (h.isRunning()) {
          RunningContainer r = h.running();
          out.add(new String[] {names.get(i), h.spec().image(), r.id(), describe(r)});
        }
      }
      return out;
    }

    @Override
    public synchronized void close() {
      RuntimeException first = null;
      for (int i = handles.size() - 1; i >= 0; i--) {
        try {
          handles.get(i).remove();
        } catch (RuntimeException e) {
          if (first == null) {
            first = e;
          } else {
            first.addSuppressed(e);
          }
        }
      }
      handles.clear();
      names.clear();
      if (first != null) {
        throw first;
      }
    }
  }

  /** The run's one launcher, closed with JUnit's root store. */
  @SuppressWarnings("deprecation")
  private static final class LauncherResource implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    private final ContainerLauncher launcher;

    LauncherResource(ContainerLauncher launcher) {
      this.launcher = launcher;
    }

    @Override
    public void close() {
      launcher.close();
    }
  }

  /** A container's log, attached to a failing test as a suppressed exception: its message is the log. */
  static final class ContainerLog extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ContainerLog(String log) {
      super(log, null, false, false);
    }
  }
}
