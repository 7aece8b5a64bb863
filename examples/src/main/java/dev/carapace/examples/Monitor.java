package dev.carapace.examples;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.CpuStatsConfig;
import com.github.dockerjava.api.model.MemoryStatsConfig;
import com.github.dockerjava.api.model.Statistics;
import dev.carapace.core.Endpoint;
import dev.carapace.core.OwnerLabels;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A small cAdvisor for Carapace: a live view of the CPU and memory of every running container
 * Carapace launched on the engine (label {@value OwnerLabels#MANAGED}{@code =true}),
 * refreshed every second, with every sample optionally exported to a CSV file. Containers started
 * while it runs join the view; those that stop leave it.
 *
 * <p>It keeps one {@code docker stats} stream open per container (the engine sends a sample a second)
 * and computes CPU % as {@code docker stats} does: the container's CPU time over the host's in the
 * sample's interval, times the host's CPUs, so 100% is one whole core. Memory is the usage less the
 * page cache, against the limit.
 *
 * <p>Run: {@code mvn -B -ntp -q -pl examples exec:java -Dexec.mainClass=dev.carapace.examples.Monitor
 * -Dexec.args="30 /tmp/carapace-stats.csv"}. Arguments: seconds to run (default 10), the CSV file
 * (optional).
 */
public final class Monitor {
  /** The CSV file's first line. */
  public static final String CSV_HEADER =
      "time,container_id,name,image,cpu_percent,memory_bytes,memory_limit_bytes,pids";

  private Monitor() {}

  public static void main(String[] args) {
    Duration duration = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 10);
    Path csv = args.length > 1 ? Path.of(args[1]) : null;
    System.exit(run(Endpoint.fromEnvironment(), duration, csv, System.console() != null, System.out));
  }

  /**
   * Watches for {@code duration}, printing the view every second to {@code out} (clearing the
   * terminal first when {@code clearScreen}) and appending each sample to {@code csv} when not null.
   *
   * @return 0
   */
  public static int run(Endpoint endpoint, Duration duration, Path csv, boolean clearScreen, PrintStream out) {
    DockerClient docker = ExampleClients.connect(endpoint);
    Map<String, Stream> streams = new HashMap<>();
    try (BufferedWriter writer = csv == null ? null : Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
      if (writer != null) {
        writer.write(CSV_HEADER);
        writer.newLine();
      }
      long start = System.nanoTime();
      for (long tick = 1; tick <= Math.max(1, duration.toSeconds()); tick++) {
        // --- snippet: monitor
        List<Container> running = docker.listContainersCmd()
            .withLabelFilter(Map.of(OwnerLabels.MANAGED, "true"))   // Carapace's own
            .exec();
        // --- end snippet
        Set<String> ids = running.stream().map(Container::getId).collect(Collectors.toSet());
        for (Container c : running) {
          streams.computeIfAbsent(c.getId(), id -> new Stream(docker, c));
        }
        streams.keySet().removeIf(id -> {
          boolean gone = !ids.contains(id);
          if (gone) {
            streams.get(id).close();
          }
          return gone;
        });
        sleepUntil(start + tick * 1_000_000_000L);
        render(streams, clearScreen, out);
        if (writer != null) {
          for (Stream s : new TreeMap<>(streams).values()) {
            Row r = s.row();
            if (r != null && r.read().isAfter(s.exported)) {
              s.exported = r.read();
              writer.write(String.join(",", r.read().toString(), s.id, s.name, s.image,
                  String.format(Locale.ROOT, "%.2f", r.cpuPercent()), Long.toString(r.memoryBytes()),
                  Long.toString(r.memoryLimitBytes()), Long.toString(r.pids())));
              writer.newLine();
            }
          }
          writer.flush();
        }
      }
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + csv, e);
    } finally {
      streams.values().forEach(Stream::close);
      ExampleClients.close(docker);
    }
  }

  private static void render(Map<String, Stream> streams, boolean clearScreen, PrintStream out) {
    if (clearScreen) {
      out.print("\033[H\033[2J");
    }
    out.printf("%s  %d Carapace containers%n", LocalTime.now(ZoneId.systemDefault()).truncatedTo(ChronoUnit.SECONDS),
        streams.size());
    out.printf("%-12s  %-28s  %-26s  %7s  %-22s  %4s%n", "CONTAINER", "NAME", "IMAGE", "CPU %",
        "MEM USAGE / LIMIT", "PIDS");
    for (Stream s : new TreeMap<>(streams).values()) {
      Row r = s.row();
      out.printf("%-12s  %-28s  %-26s  %7s  %-22s  %4s%n", s.id.substring(0, 12), cut(s.name, 28), cut(s.image, 26),
          r == null ? "--" : String.format(Locale.ROOT, "%.1f%%", r.cpuPercent()),
          r == null ? "--" : human(r.memoryBytes()) + " / " + human(r.memoryLimitBytes()),
          r == null ? "--" : Long.toString(r.pids()));
    }
    out.flush();
  }

  /** Bytes as docker stats shows them: 648KiB, 16MiB, 23.54GiB. */
  static String human(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return (v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v))
        + units[u];
  }

  private static String cut(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "~";
  }

  private static void sleepUntil(long nanoTime) {
    long millis = (nanoTime - System.nanoTime()) / 1_000_000;
    if (millis > 0) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  /** One computed sample. */
  record Row(Instant read, double cpuPercent, long memoryBytes, long memoryLimitBytes, long pids) {}

  /** The engine's stats stream for one container, keeping the latest usable sample. */
  private static final class Stream extends ResultCallback.Adapter<Statistics> {
    final String id;
    final String name;
    final String image;
    Instant exported = Instant.EPOCH;
    private volatile Row latest;

    Stream(DockerClient docker, Container c) {
      this.id = c.getId();
      this.name = c.getNames() == null || c.getNames().length == 0 ? "" : c.getNames()[0].replaceFirst("^/", "");
      this.image = c.getImage();
      docker.statsCmd(id).exec(this);
    }

    Row row() {
      return latest;
    }

    @Override
    public void onNext(Statistics s) {
      CpuStatsConfig cpu = s.getCpuStats();
      CpuStatsConfig pre = s.getPreCpuStats();
      if (cpu == null || pre == null || cpu.getCpuUsage() == null || pre.getCpuUsage() == null
          || pre.getSystemCpuUsage() == null || cpu.getSystemCpuUsage() == null || s.getRead() == null) {
        return; // the first sample has nothing to compare with
      }
      long cpuDelta = cpu.getCpuUsage().getTotalUsage() - pre.getCpuUsage().getTotalUsage();
      long systemDelta = cpu.getSystemCpuUsage() - pre.getSystemCpuUsage();
      long online = cpu.getOnlineCpus() != null ? cpu.getOnlineCpus()
          : cpu.getCpuUsage().getPercpuUsage() != null ? cpu.getCpuUsage().getPercpuUsage().size() : 1;
      double percent = systemDelta > 0 && cpuDelta >= 0 ? 100.0 * cpuDelta / systemDelta * online : 0;
      MemoryStatsConfig mem = s.getMemoryStats();
      long usage = mem == null || mem.getUsage() == null ? 0 : mem.getUsage();
      long cache = mem == null || mem.getStats() == null || mem.getStats().getCache() == null ? 0
          : mem.getStats().getCache();
      long limit = mem == null || mem.getLimit() == null ? 0 : mem.getLimit();
      long pids = s.getPidsStats() == null || s.getPidsStats().getCurrent() == null ? 0
          : s.getPidsStats().getCurrent();
      latest = new Row(Instant.parse(s.getRead()), percent, Math.max(0, usage - cache), limit, pids);
    }

    @Override
    public void onError(Throwable t) {
      // the container went away between list and stats; the next list drops it
    }

    @Override
    public void close() {
      try {
        super.close();
      } catch (IOException e) {
        // nothing to do: the stream is gone either way
      }
    }
  }
}
