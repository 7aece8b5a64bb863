package dev.carapace.core;

import dev.carapace.core.EngineException.Step;
import dev.carapace.core.internal.registry.DockerConfigCredentials;
import dev.carapace.core.internal.registry.ImageReference;
import dev.carapace.core.internal.registry.RegistryAuth;
import dev.carapace.core.internal.values.CoreAccess;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** The constructors of core's exceptions and output types, for internal code: see {@link CoreAccess}. */
final class CoreAccessImpl extends CoreAccess {
  static {
    CoreAccess.register(new CoreAccessImpl());
  }

  private CoreAccessImpl() {}

  @Override
  public EngineException engineFailure(Step step, String image, String containerId, String detail,
      String daemonMessage, Throwable cause) {
    return EngineException.of(step, image, containerId, detail, daemonMessage, cause);
  }

  @Override
  public EngineException engineFailure(String message, Step step, String subject, Throwable cause) {
    return new ContainerOperationException(message, step, subject, null, cause);
  }

  @Override
  public ImageNotFoundException imageNotFound(Step step, String image, String detail, String daemonMessage,
      Throwable cause) {
    return new ImageNotFoundException(step, image, detail, daemonMessage, cause);
  }

  @Override
  public RegistryAuthenticationException registryAuthentication(Step step, String image, String registry,
      String username, String detail, String daemonMessage, Throwable cause) {
    return new RegistryAuthenticationException(step, image, registry, username, detail, daemonMessage, cause);
  }

  @Override
  public RecordedMismatchException recordedMismatch(String image, String containerId, List<String> mismatches) {
    return new RecordedMismatchException(image, containerId, mismatches);
  }

  @Override
  public EngineAuthenticationException engineAuthentication(Step step, String image, String endpoint,
      int httpStatus, Throwable cause) {
    return new EngineAuthenticationException(step, image, endpoint, httpStatus, cause);
  }

  @Override
  public ExecTimeoutException execTimeout(String image, String containerId, List<String> command,
      Duration timeout, String stdoutSoFar, String stderrSoFar, boolean stillRunning) {
    return new ExecTimeoutException(image, containerId, command, timeout, stdoutSoFar, stderrSoFar, stillRunning);
  }

  @Override
  public ExecResult execResult(int exitCode, String stdout, String stderr, Duration elapsed,
      boolean stdoutTruncated, boolean stderrTruncated) {
    return new ExecResult(exitCode, stdout, stderr, elapsed, stdoutTruncated, stderrTruncated);
  }

  @Override
  public ContainerLogs containerLogs(String stdout, String stderr, boolean stdoutTruncated,
      boolean stderrTruncated) {
    return new ContainerLogs(stdout, stderr, stdoutTruncated, stderrTruncated);
  }

  @Override
  public PullProgress pullProgress(String image, String layerId, String status, long currentBytes,
      long totalBytes) {
    return new PullProgress(image, layerId, status, currentBytes, totalBytes);
  }

  @Override
  public ContainerStats containerStats(Instant read, long cpuTotalNanos, List<Long> perCpuNanos,
      long systemCpuNanos, long onlineCpus, long memoryUsageBytes, long memoryLimitBytes, long pids,
      long memoryInactiveFileBytes, OptionalLong pidsLimit, Optional<ContainerStats.NetworkIo> network,
      Optional<ContainerStats.BlockIo> blockIo) {
    return new ContainerStats(read, cpuTotalNanos, perCpuNanos, systemCpuNanos, onlineCpus, memoryUsageBytes,
        memoryLimitBytes, pids, memoryInactiveFileBytes, pidsLimit, network, blockIo);
  }

  @Override
  public ContainerStats.NetworkIo networkIo(long receivedBytes, long transmittedBytes) {
    return new ContainerStats.NetworkIo(receivedBytes, transmittedBytes);
  }

  @Override
  public ContainerStats.BlockIo blockIo(long readBytes, long writtenBytes) {
    return new ContainerStats.BlockIo(readBytes, writtenBytes);
  }

  @Override
  public ImageVerification verifyImage(ImageTrust trust, String image, RegistryCredentials fallback) {
    return trust.verify(image, fallback);
  }

  @Override
  public Optional<String> registryAuthHeader(RegistryCredentials credentials, String image, Step step) {
    String registry = ImageReference.registry(image);
    try {
      return credentials.lookup(registry).map(RegistryAuth::header);
    } catch (DockerConfigCredentials.Unreadable e) {
      throw new RegistryAuthenticationException(step, image, registry, null, "credentials for registry " + registry
          + " could not be read: " + e.getMessage(), null, e);
    }
  }
}
