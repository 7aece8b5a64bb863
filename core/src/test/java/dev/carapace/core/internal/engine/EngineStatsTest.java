package dev.carapace.core.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.carapace.core.ContainerStats;
import dev.carapace.core.internal.values.CoreAccess;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The engine's stats JSON read as {@code docker stats} reads it, on cgroup v1 (this testbed: engine
 * 20.10, cgroupfs) and cgroup v2 hosts. The v1 sample is trimmed from this testbed's engine; the v2
 * one has the shape engine 20.10+ sends on a unified hierarchy (no {@code percpu_usage}, no
 * {@code total_*} memory keys, lowercase block I/O operations, an unlimited pids limit as 2^64 - 1).
 */
class EngineStatsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void readsACgroupV1Sample() throws Exception {
    ContainerStats s = EngineStats.parse(JSON.readTree("""
        {"read":"2026-11-30T02:11:53.363296072Z","pids_stats":{"current":6,"limit":32},
         "blkio_stats":{"io_service_bytes_recursive":[{"major":8,"minor":0,"op":"Read","value":4096},
           {"major":8,"minor":0,"op":"Write","value":8192},{"major":8,"minor":0,"op":"Sync","value":8192},
           {"major":8,"minor":0,"op":"Total","value":12288}]},
         "cpu_stats":{"cpu_usage":{"total_usage":3698027673,"percpu_usage":[25427475,3672600198]},
           "system_cpu_usage":19195690000000,"online_cpus":2},
         "memory_stats":{"usage":1110016,"stats":{"cache":704512,"inactive_file":4096,"total_inactive_file":8192},
           "limit":67108864},
         "networks":{"eth0":{"rx_bytes":736,"tx_bytes":10},"eth1":{"rx_bytes":4,"tx_bytes":5}}}
        """));
    assertEquals(CoreAccess.get().containerStats(Instant.parse("2026-11-30T02:11:53.363296072Z"), 3698027673L,
        List.of(25427475L, 3672600198L), 19195690000000L, 2, 1110016, 67108864, 6, 8192, OptionalLong.of(32),
        Optional.of(CoreAccess.get().networkIo(740, 15)), Optional.of(CoreAccess.get().blockIo(4096, 8192))), s);
    assertEquals(1110016 - 8192, s.memoryWorkingSetBytes());
  }

  @Test
  void readsACgroupV2Sample() throws Exception {
    ContainerStats s = EngineStats.parse(JSON.readTree("""
        {"read":"2026-11-30T02:11:53Z","pids_stats":{"current":1,"limit":18446744073709551615},
         "blkio_stats":{"io_service_bytes_recursive":[{"major":259,"minor":0,"op":"read","value":100},
           {"major":259,"minor":0,"op":"write","value":200}]},
         "cpu_stats":{"cpu_usage":{"total_usage":5000},"system_cpu_usage":100000,"online_cpus":4},
         "memory_stats":{"usage":4096000,"stats":{"anon":2048000,"file":2048000,"inactive_file":1024000},
           "limit":8192000}}
        """));
    assertEquals(CoreAccess.get().containerStats(Instant.parse("2026-11-30T02:11:53Z"), 5000, List.of(), 100000, 4, 4096000,
        8192000, 1, 1024000, OptionalLong.empty(), Optional.empty(), Optional.of(CoreAccess.get().blockIo(100, 200))),
        s);
    assertEquals(3072000, s.memoryWorkingSetBytes());
  }

  @Test
  void readsAStoppedContainersEmptySampleAsZeros() throws Exception {
    ContainerStats s = EngineStats.parse(JSON.readTree("""
        {"read":"0001-01-01T00:00:00Z","pids_stats":{},"blkio_stats":{"io_service_bytes_recursive":null},
         "cpu_stats":{"cpu_usage":{"total_usage":0}},"memory_stats":{}}
        """));
    assertEquals(0, s.cpuTotalNanos());
    assertEquals(0, s.memoryUsageBytes());
    assertEquals(0, s.memoryWorkingSetBytes());
    assertEquals(OptionalLong.empty(), s.pidsLimit());
    assertEquals(Optional.of(CoreAccess.get().blockIo(0, 0)), s.blockIo());
    assertEquals(Optional.empty(), s.network());
  }
}
