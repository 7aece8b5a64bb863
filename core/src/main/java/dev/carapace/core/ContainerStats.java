package dev.carapace.core;

import java.time.Instant;

/**
 * One sample of a running container's resource use, as {@code docker stats --no-stream} reads it from
 * the cgroups.
 *
 * @param read when the engine read the sample
 * @param cpuTotalNanos CPU time used since start, all CPUs, in nanoseconds
 * @param systemCpuNanos the host's CPU time at the sample, for computing shares
 * @param onlineCpus CPUs the host has online
 * @param memoryUsageBytes memory in use
 * @param memoryLimitBytes the memory limit (the host's memory when unlimited)
 * @param pids processes and threads running
 */
public record ContainerStats(Instant read, long cpuTotalNanos, long systemCpuNanos, long onlineCpus,
    long memoryUsageBytes, long memoryLimitBytes, long pids) {}
