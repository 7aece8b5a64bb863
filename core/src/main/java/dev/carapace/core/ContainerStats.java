package dev.carapace.core;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One sample of a running container's resource use, as the engine reads it from the cgroups
 * ({@code GET /containers/{id}/stats}, the numbers behind {@code docker stats --no-stream}).
 *
 * <p>The engine reports the same fields on cgroup v1 and v2 hosts, but fills some differently: on v2
 * there is no per-CPU time ({@link #perCpuNanos} is empty), and the memory's inactive file cache is
 * {@code inactive_file} rather than v1's {@code total_inactive_file}; both are read here. Block I/O
 * counts only what reached a block device (writes to an overlay or tmpfs on a page-cached disk may
 * show as 0).
 *
 * @param read when the engine read the sample
 * @param cpuTotalNanos CPU time used since start, all CPUs, in nanoseconds
 * @param perCpuNanos the same per CPU, CPU 0 first (cgroup v1 {@code cpuacct.usage_percpu}); empty
 *     where the engine does not report it
 * @param systemCpuNanos the host's CPU time at the sample, for computing shares; 0 when not reported
 * @param onlineCpus CPUs the host has online; 0 when not reported
 * @param memoryUsageBytes memory in use, page cache included (cgroup {@code memory.usage_in_bytes} or
 *     {@code memory.current})
 * @param memoryLimitBytes the memory limit (the host's memory when unlimited)
 * @param pids processes and threads running
 * @param memoryInactiveFileBytes the part of {@link #memoryUsageBytes} that is inactive file cache, which
 *     the kernel reclaims first; 0 when not reported
 * @param pidsLimit the limit on {@link #pids}, when one is set
 * @param network bytes through the container's network interfaces, all summed; empty when the engine
 *     reports none (network mode {@code none})
 * @param blockIo bytes read from and written to block devices; empty when the engine reports none
 */
public record ContainerStats(Instant read, long cpuTotalNanos, List<Long> perCpuNanos,
    long systemCpuNanos, long onlineCpus, long memoryUsageBytes, long memoryLimitBytes, long pids,
    long memoryInactiveFileBytes, OptionalLong pidsLimit, Optional<NetworkIo> network, Optional<BlockIo> blockIo) {
  public ContainerStats {
    Objects.requireNonNull(read, "read");
    perCpuNanos = List.copyOf(perCpuNanos);
    Objects.requireNonNull(pidsLimit, "pidsLimit");
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(blockIo, "blockIo");
  }

  /**
   * The memory in use less the inactive file cache: what {@code docker stats} shows as MEM USAGE, and
   * what cAdvisor and Kubernetes call the working set.
   */
  public long memoryWorkingSetBytes() {
    return memoryInactiveFileBytes < memoryUsageBytes ? memoryUsageBytes - memoryInactiveFileBytes
        : memoryUsageBytes;
  }

  /**
   * Bytes through a container's network interfaces since it started, summed over them
   * ({@code docker stats}' NET I/O).
   *
   * @param receivedBytes bytes received ({@code rx_bytes})
   * @param transmittedBytes bytes sent ({@code tx_bytes})
   */
  public record NetworkIo(long receivedBytes, long transmittedBytes) {}

  /**
   * Bytes a container read from and wrote to block devices since it started ({@code docker stats}'
   * BLOCK I/O: the {@code Read} and {@code Write} entries of {@code io_service_bytes_recursive}).
   *
   * @param readBytes bytes read
   * @param writtenBytes bytes written
   */
  public record BlockIo(long readBytes, long writtenBytes) {}
}
