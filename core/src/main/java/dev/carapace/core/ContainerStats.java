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
 */
public final class ContainerStats {
  private final Instant read;
  private final long cpuTotalNanos;
  private final List<Long> perCpuNanos;
  private final long systemCpuNanos;
  private final long onlineCpus;
  private final long memoryUsageBytes;
  private final long memoryLimitBytes;
  private final long pids;
  private final long memoryInactiveFileBytes;
  private final OptionalLong pidsLimit;
  private final Optional<NetworkIo> network;
  private final Optional<BlockIo> blockIo;

  ContainerStats(Instant read, long cpuTotalNanos, List<Long> perCpuNanos, long systemCpuNanos,
      long onlineCpus, long memoryUsageBytes, long memoryLimitBytes, long pids, long memoryInactiveFileBytes,
      OptionalLong pidsLimit, Optional<NetworkIo> network, Optional<BlockIo> blockIo) {
    Objects.requireNonNull(read, "read");
    perCpuNanos = List.copyOf(perCpuNanos);
    Objects.requireNonNull(pidsLimit, "pidsLimit");
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(blockIo, "blockIo");
    this.read = read;
    this.cpuTotalNanos = cpuTotalNanos;
    this.perCpuNanos = perCpuNanos;
    this.systemCpuNanos = systemCpuNanos;
    this.onlineCpus = onlineCpus;
    this.memoryUsageBytes = memoryUsageBytes;
    this.memoryLimitBytes = memoryLimitBytes;
    this.pids = pids;
    this.memoryInactiveFileBytes = memoryInactiveFileBytes;
    this.pidsLimit = pidsLimit;
    this.network = network;
    this.blockIo = blockIo;
  }

  /** When the engine read the sample. */
  public Instant read() {
    return read;
  }

  /** CPU time used since start, all CPUs, in nanoseconds. */
  public long cpuTotalNanos() {
    return cpuTotalNanos;
  }

  /**
   * The same per CPU, CPU 0 first (cgroup v1 {@code cpuacct.usage_percpu}); empty where the engine does not
   * report it.
   */
  public List<Long> perCpuNanos() {
    return perCpuNanos;
  }

  /** The host's CPU time at the sample, for computing shares; 0 when not reported. */
  public long systemCpuNanos() {
    return systemCpuNanos;
  }

  /** CPUs the host has online; 0 when not reported. */
  public long onlineCpus() {
    return onlineCpus;
  }

  /** Memory in use, page cache included (cgroup {@code memory.usage_in_bytes} or {@code memory.current}). */
  public long memoryUsageBytes() {
    return memoryUsageBytes;
  }

  /** The memory limit (the host's memory when unlimited). */
  public long memoryLimitBytes() {
    return memoryLimitBytes;
  }

  /** Processes and threads running. */
  public long pids() {
    return pids;
  }

  /**
   * The part of {@link #memoryUsageBytes} that is inactive file cache, which the kernel reclaims first; 0
   * when not reported.
   */
  public long memoryInactiveFileBytes() {
    return memoryInactiveFileBytes;
  }

  /** The limit on {@link #pids}, when one is set. */
  public OptionalLong pidsLimit() {
    return pidsLimit;
  }

  /**
   * Bytes through the container's network interfaces, all summed; empty when the engine reports none
   * (network mode {@code none}).
   */
  public Optional<NetworkIo> network() {
    return network;
  }

  /** Bytes read from and written to block devices; empty when the engine reports none. */
  public Optional<BlockIo> blockIo() {
    return blockIo;
  }

  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (!(o instanceof ContainerStats)) {
      return false;
    }
    ContainerStats that = (ContainerStats) o;
    return Objects.equals(read, that.read) && cpuTotalNanos == that.cpuTotalNanos
        && Objects.equals(perCpuNanos, that.perCpuNanos) && systemCpuNanos == that.systemCpuNanos
        && onlineCpus == that.onlineCpus && memoryUsageBytes == that.memoryUsageBytes
        && memoryLimitBytes == that.memoryLimitBytes && pids == that.pids
        && memoryInactiveFileBytes == that.memoryInactiveFileBytes
        && Objects.equals(pidsLimit, that.pidsLimit)
        && Objects.equals(network, that.network) && Objects.equals(blockIo, that.blockIo);
  }

  @Override
  public int hashCode() {
    return Objects.hash(read, cpuTotalNanos, perCpuNanos, systemCpuNanos, onlineCpus,
        memoryUsageBytes, memoryLimitBytes, pids, memoryInactiveFileBytes, pidsLimit, network, blockIo);
  }

  /** {@code ContainerStats[read=..., cpuTotalNanos=..., ...]}, as a record shows itself. */
  @Override
  public String toString() {
    return "ContainerStats[read=" + read + ", cpuTotalNanos=" + cpuTotalNanos
        + ", perCpuNanos=" + perCpuNanos + ", systemCpuNanos=" + systemCpuNanos
        + ", onlineCpus=" + onlineCpus + ", memoryUsageBytes=" + memoryUsageBytes
        + ", memoryLimitBytes=" + memoryLimitBytes + ", pids=" + pids
        + ", memoryInactiveFileBytes=" + memoryInactiveFileBytes + ", pidsLimit=" + pidsLimit
        + ", network=" + network + ", blockIo=" + blockIo + "]";
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
   */
  public static final class NetworkIo {
    private final long receivedBytes;
    private final long transmittedBytes;

    NetworkIo(long receivedBytes, long transmittedBytes) {
      this.receivedBytes = receivedBytes;
      this.transmittedBytes = transmittedBytes;
    }

    /** Bytes received ({@code rx_bytes}). */
    public long receivedBytes() {
      return receivedBytes;
    }

    /** Bytes sent ({@code tx_bytes}). */
    public long transmittedBytes() {
      return transmittedBytes;
    }

    @Override
    public boolean equals(Object o) {
      if (o == this) {
        return true;
      }
      if (!(o instanceof NetworkIo)) {
        return false;
      }
      NetworkIo that = (NetworkIo) o;
      return receivedBytes == that.receivedBytes && transmittedBytes == that.transmittedBytes;
    }

    @Override
    public int hashCode() {
      return Objects.hash(receivedBytes, transmittedBytes);
    }

    /** {@code NetworkIo[receivedBytes=..., transmittedBytes=...]}, as a record shows itself. */
    @Override
    public String toString() {
      return "NetworkIo[receivedBytes=" + receivedBytes + ", transmittedBytes=" + transmittedBytes + "]";
    }
  }

  /**
   * Bytes a container read from and wrote to block devices since it started ({@code docker stats}'
   * BLOCK I/O: the {@code Read} and {@code Write} entries of {@code io_service_bytes_recursive}).
   */
  public static final class BlockIo {
    private final long readBytes;
    private final long writtenBytes;

    BlockIo(long readBytes, long writtenBytes) {
      this.readBytes = readBytes;
      this.writtenBytes = writtenBytes;
    }

    /** Bytes read. */
    public long readBytes() {
      return readBytes;
    }

    /** Bytes written. */
    public long writtenBytes() {
      return writtenBytes;
    }

    @Override
    public boolean equals(Object o) {
      if (o == this) {
        return true;
      }
      if (!(o instanceof BlockIo)) {
        return false;
      }
      BlockIo that = (BlockIo) o;
      return readBytes == that.readBytes && writtenBytes == that.writtenBytes;
    }

    @Override
    public int hashCode() {
      return Objects.hash(readBytes, writtenBytes);
    }

    /** {@code BlockIo[readBytes=..., writtenBytes=...]}, as a record shows itself. */
    @Override
    public String toString() {
      return "BlockIo[readBytes=" + readBytes + ", writtenBytes=" + writtenBytes + "]";
    }
  }
}
