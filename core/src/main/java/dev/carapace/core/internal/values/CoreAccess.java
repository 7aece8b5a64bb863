package dev.carapace.core.internal.values;

import dev.carapace.core.ContainerLogs;
import dev.carapace.core.ContainerStats;
import dev.carapace.core.EngineAuthenticationException;
import dev.carapace.core.EngineException;
import dev.carapace.core.EngineException.Step;
import dev.carapace.core.ExecResult;
import dev.carapace.core.ExecTimeoutException;
import dev.carapace.core.ImageNotFoundException;
import dev.carapace.core.ImageTrust;
import dev.carapace.core.ImageVerification;
import dev.carapace.core.PullProgress;
import dev.carapace.core.RecordedMismatchException;
import dev.carapace.core.RegistryAuthenticationException;
import dev.carapace.core.RegistryCredentials;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How internal code makes core's exceptions and output types, whose constructors are package-private
 * so that no caller depends on them (a new field must not break callers): the JDK's "shared secrets"
 * pattern ({@code jdk.internal.access.SharedSecrets}). The one implementation lives in
 * {@code dev.carapace.core} (package-private {@code CoreAccessImpl}) and calls the constructors;
 * {@link #get()} loads it on first use, and it registers itself here.
 *
 * <p>Code in {@code dev.carapace.core} calls the constructors directly; code in an internal package,
 * or in another Carapace module, calls {@code CoreAccess.get().x(..)} with the constructor's arguments.
 */
public abstract class CoreAccess {
  private static final String IMPL = "dev.carapace.core.CoreAccessImpl";
  private static volatile CoreAccess access;

  protected CoreAccess() {}

  /** The implementation, loaded on first use. */
  public static CoreAccess get() {
    CoreAccess a = access;
    if (a == null) {
      try {
        Class.forName(IMPL, true, CoreAccess.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(IMPL + " must be on the class path", e);
      }
      a = access;
    }
    return a;
  }

  /** Called once, by the implementation's static initializer. */
  public static void register(CoreAccess implementation) {
    if (access != null || !implementation.getClass().getName().equals(IMPL)) {
      throw new IllegalStateException("CoreAccess is registered once, by " + IMPL);
    }
    access = implementation;
  }

  /**
   * A {@code LaunchException} for a step that gets a container running (pull, create, verify, start),
   * a {@code ContainerOperationException} for any other step.
   */
  public abstract EngineException engineFailure(Step step, String image, String containerId, String detail,
      String daemonMessage, Throwable cause);

  /** A {@code ContainerOperationException} with a message of the caller's own, for engine-wide reads. */
  public abstract EngineException engineFailure(String message, Step step, String subject, Throwable cause);

  public abstract ImageNotFoundException imageNotFound(Step step, String image, String detail,
      String daemonMessage, Throwable cause);

  public abstract RegistryAuthenticationException registryAuthentication(Step step, String image,
      String registry, String username, String detail, String daemonMessage, Throwable cause);

  public abstract RecordedMismatchException recordedMismatch(String image, String containerId,
      List<String> mismatches);

  public abstract EngineAuthenticationException engineAuthentication(Step step, String image, String endpoint,
      int httpStatus, Throwable cause);

  public abstract ExecTimeoutException execTimeout(String image, String containerId, List<String> command,
      Duration timeout, String stdoutSoFar, String stderrSoFar, boolean stillRunning);

  public abstract ExecResult execResult(int exitCode, String stdout, String stderr, Duration elapsed,
      boolean stdoutTruncated, boolean stderrTruncated);

  public abstract ContainerLogs containerLogs(String stdout, String stderr, boolean stdoutTruncated,
      boolean stderrTruncated);

  public abstract PullProgress pullProgress(String image, String layerId, String status, long currentBytes,
      long totalBytes);

  public abstract ContainerStats containerStats(java.time.Instant read, long cpuTotalNanos,
      List<Long> perCpuNanos, long systemCpuNanos, long onlineCpus, long memoryUsageBytes,
      long memoryLimitBytes, long pids, long memoryInactiveFileBytes, OptionalLong pidsLimit,
      Optional<ContainerStats.NetworkIo> network, Optional<ContainerStats.BlockIo> blockIo);

  public abstract ContainerStats.NetworkIo networkIo(long receivedBytes, long transmittedBytes);

  public abstract ContainerStats.BlockIo blockIo(long readBytes, long writtenBytes);

  /**
   * {@code trust.verify(image)}, with {@code fallback}'s credentials for an access that has none (a
   * launcher's); {@code fallback} may be null.
   */
  public abstract ImageVerification verifyImage(ImageTrust trust, String image, RegistryCredentials fallback);

  /**
   * The {@code X-Registry-Auth} header value of {@code credentials} for {@code image}'s registry, as a
   * launcher's pull sends it; empty when they hold none for it (an anonymous pull).
   *
   * @throws RegistryAuthenticationException step {@code step} when the credentials could not be read (a
   *     docker config or a credential helper failing); the message names the registry, never a secret
   */
  public abstract Optional<String> registryAuthHeader(RegistryCredentials credentials, String image, Step step);
}
