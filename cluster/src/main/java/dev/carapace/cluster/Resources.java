package dev.carapace.cluster;

import dev.carapace.core.SecureContainerSpec;
import java.util.Optional;

/** CPU and memory in Kubernetes' quantities, as the kubelet maps them onto cgroups. */
final class Resources {
  /** The kubelet's CFS period in microseconds (pkg/kubelet/cm: quotaPeriod = 100ms). */
  static final long KUBELET_CFS_PERIOD = 100_000L;

  private Resources() {}

  /**
   * The cpu request in millicores that the kubelet maps back to {@code shares}: it computes
   * {@code shares = milliCPU * 1024 / 1000} (MilliCPUToShares, at least 2), so the request is
   * {@code shares * 1000 / 1024} rounded up; the kubelet then gives {@code shares} or, where no whole
   * millicore lands exactly, {@code shares + 1}.
   */
  static long requestMilliCpu(int shares) {
    return (shares * 1000L + 1023) / 1024;
  }

  /** What the kubelet writes as cpu.shares for a request of {@code milliCpu} (MilliCPUToShares). */
  static long kubeletShares(long milliCpu) {
    return Math.max(2, milliCpu * 1024 / 1000);
  }

  /** The cpu limit in whole millicores (rounded to nearest, at least 1) from nanoCpus or quota / period. */
  static Optional<Long> limitMilliCpu(SecureContainerSpec spec) {
    if (spec.nanoCpus().isPresent()) {
      return Optional.of(Math.max(1, Math.round(spec.nanoCpus().getAsLong() / 1_000_000.0)));
    }
    if (spec.cpuQuota().isPresent()) {
      long period = spec.cpuPeriod().orElse(KUBELET_CFS_PERIOD);
      return Optional.of(Math.max(1, Math.round(spec.cpuQuota().getAsLong() * 1000.0 / period)));
    }
    return Optional.empty();
  }

  /** A memory quantity: {@code 64Mi} when a whole number of Gi, Mi or Ki, else bytes. */
  static String memory(long bytes) {
    String[] units = {"Gi", "Mi", "Ki"};
    long[] sizes = {1L << 30, 1L << 20, 1L << 10};
    for (int i = 0; i < units.length; i++) {
      if (bytes % sizes[i] == 0) {
        return bytes / sizes[i] + units[i];
      }
    }
    return Long.toString(bytes);
  }

  /** A cpu quantity: {@code 500m}, or whole CPUs ({@code 2}) when exact. */
  static String cpu(long milli) {
    return milli % 1000 == 0 ? Long.toString(milli / 1000) : milli + "m";
  }
}
