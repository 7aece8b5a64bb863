package dev.carapace.core;

import java.time.Instant;

/**
 * One sample of a running container's resource use, as {@code docker stats --no-stream} reads it from
 * the cgroups.
 *
 * @param read when the engine read the sample
 * @param cpuTotalNanos CPU time used since start, all CPUs, in nanoseconds
 * @param perCpuNanos the same per CPU, CPU 0 first (cgroup v1 {@code cpuacct.usage_percpu}); empty
 *     where the engine does not report it
 * @param systemCpuNanos the host's CPU time at the sample, for computing shares
 * @param onlineCpus CPUs the host has online
 * @param memoryUsageBytes memory in use
 * @param memoryLimitBytes the memory limit (the host's memory when unlimited)
 * @param pids processes and threads running
 */
public record ContainerStats(Instant read, long cpuTotalNanos, java.util.List<Long> perCpuNanos,
    long systemCpuNanos, long onlineCpus, long memoryUsageBytes, long memoryLimitBytes, long pids) {
  public ContainerStats {
    perCpuNanos = java.util.List.copyOf(perCpuNanos);
  }
}
