package dev.carapace.core.internal.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.carapace.core.ContainerStats;
import dev.carapace.core.internal.values.CoreAccess;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads the engine's stats JSON ({@code GET /containers/{id}/stats}) into a {@link ContainerStats},
 * the way {@code docker stats} (CLI 20.10) computes its columns. Absent or null fields read as 0;
 * nothing here throws on a partial answer.
 *
 * <p>cgroup v1 and v2: the memory's inactive file cache is {@code memory_stats.stats.total_inactive_file}
 * on v1 (the hierarchy's total) and {@code inactive_file} on v2, which has no {@code total_} keys; v2
 * reports no {@code percpu_usage}. Block I/O entries name their operation {@code Read}/{@code Write}
 * on v1 and {@code read}/{@code write} on v2; the other v1 operations (Sync, Async, Total...) are
 * not counted. A pids limit of 0 (v1 unlimited) or absent means none.
 */
public final class EngineStats {
  private EngineStats() {}

  /** The sample in {@code json}; see the class comment for how each field is read. */
  public static ContainerStats parse(JsonNode json) {
    JsonNode cpu = json.path("cpu_stats");
    JsonNode usage = cpu.path("cpu_usage");
    List<Long> perCpu = new ArrayList<>();
    for (JsonNode n : usage.path("percpu_usage")) {
      perCpu.add(n.asLong());
    }
    JsonNode memory = json.path("memory_stats");
    JsonNode memoryStats = memory.path("stats");
    long inactiveFile = memoryStats.has("total_inactive_file") ? memoryStats.path("total_inactive_file").asLong()
        : memoryStats.path("inactive_file").asLong();
    long pidsLimit = json.path("pids_stats").path("limit").asLong();
    return CoreAccess.get().containerStats(read(json.path("read").asText(null)), usage.path("total_usage").asLong(), perCpu,
        cpu.path("system_cpu_usage").asLong(), cpu.path("online_cpus").asLong(), memory.path("usage").asLong(),
        memory.path("limit").asLong(), json.path("pids_stats").path("current").asLong(), inactiveFile,
        pidsLimit > 0 ? OptionalLong.of(pidsLimit) : OptionalLong.empty(), network(json.path("networks")),
        blockIo(json.path("blkio_stats")));
  }

  private static Optional<ContainerStats.NetworkIo> network(JsonNode networks) {
    if (!networks.isObject()) {
      return Optional.empty();
    }
    long rx = 0;
    long tx = 0;
    for (Iterator<JsonNode> it = networks.elements(); it.hasNext(); ) {
      JsonNode n = it.next();
      rx += n.path("rx_bytes").asLong();
      tx += n.path("tx_bytes").asLong();
    }
    return Optional.of(CoreAccess.get().networkIo(rx, tx));
  }

  private static Optional<ContainerStats.BlockIo> blockIo(JsonNode blkio) {
    if (!blkio.isObject()) {
      return Optional.empty();
    }
    long read = 0;
    long written = 0;
    for (JsonNode e : blkio.path("io_service_bytes_recursive")) {
      String op = e.path("op").asText("");
      if (op.equalsIgnoreCase("read")) {
        read += e.path("value").asLong();
      } else if (op.equalsIgnoreCase("write")) {
        written += e.path("value").asLong();
      }
    }
    return Optional.of(CoreAccess.get().blockIo(read, written));
  }

  /** The engine's RFC 3339 time; the zero time of a stopped container, or none, reads as now. */
  private static Instant read(String text) {
    if (text == null) {
      return Instant.now();
    }
    try {
      Instant read = Instant.parse(text);
      return read.getEpochSecond() <= 0 ? Instant.now() : read;
    } catch (DateTimeParseException e) {
      return Instant.now();
    }
  }
}
