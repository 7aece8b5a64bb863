package dev.carapace.examples;

import com.github.dockerjava.api.DockerClient;
import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.Endpoint;
import dev.carapace.core.LogConfig;
import dev.carapace.core.RunResult;
import dev.carapace.core.RunningContainer;
import dev.carapace.core.SecureContainerSpec;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The seed's central logging, without a syslog container: many containers send their output through
 * the engine's syslog log driver to one collector, and this program is the collector, listening on
 * 127.0.0.1. Each container is named, and the driver's {@code tag={{.Name}}} puts that name on every
 * line, so the collector knows who said what. The seed's {@code logger hi_N} becomes {@code echo hi_N}:
 * the syslog <em>driver</em> carries the container's stdout and stderr, no {@code /dev/log} mount needed.
 *
 * <p>Then the json-file and local drivers with rotation ({@code max-size}, {@code max-file}): the
 * engine records the options, rotates, and {@code docker logs} still reads what is kept.
 *
 * <p>Run: {@code mvn -B -ntp -q -pl examples exec:java -Dexec.mainClass=dev.carapace.examples.CentralLogging}.
 * Arguments: containers (default 100), threads (default 8), transport {@code tcp} or {@code udp}
 * (default tcp), image. The engine must run on this host: its daemon dials 127.0.0.1.
 */
public final class CentralLogging {
  /** RFC 3164 as the driver sends it: {@code <30>Nov 28 21:04:58 NAME[PID]: hi_1}. */
  static final Pattern LINE = Pattern.compile("<(\\d+)>\\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d ([^\\[ ]+)\\[\\d+\\]: (.*)");

  private CentralLogging() {}

  public static void main(String[] args) throws IOException {
    int containers = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    String transport = args.length > 2 ? args[2] : "tcp";
    String image = args.length > 3 ? args[3] : "carapace-test/busybox:1";
    Endpoint endpoint = Endpoint.fromEnvironment();
    int code;
    try (ContainerLauncher launcher = ContainerLauncher.connect(endpoint)) {
      code = syslog(launcher, image, containers, threads, transport, System.out)
          + rotation(launcher, endpoint, image, System.out);
    }
    System.exit(code == 0 ? 0 : 1);
  }

  /**
   * Runs {@code containers} containers on {@code threads} threads, each printing {@code hi_N} to the
   * syslog driver, and collects their lines; returns 0 when every line arrived from its own container.
   */
  public static int syslog(ContainerLauncher launcher, String image, int containers, int threads,
      String transport, PrintStream out) throws IOException {
    String run = UUID.randomUUID().toString().substring(0, 8);
    try (Collector collector = transport.equals("udp") ? new UdpCollector() : new TcpCollector()) {
      String address = transport + "://127.0.0.1:" + collector.port();
      out.println("Central logging: " + containers + " containers -> syslog driver -> " + address
          + " (this program)");
      long t0 = System.nanoTime();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<RunResult>> results = new ArrayList<>();
      for (int i = 1; i <= containers; i++) {
        int n = i;
        results.add(pool.submit(() -> {
          // --- snippet: central-logging
          SecureContainerSpec spec = SecureContainerSpec.builder()
              .image(image)
              .name("carapace-log-" + run + "-" + n)
              .command("echo", "hi_" + n)                   // the seed's logger hi_N
              .logConfig(LogConfig.builder("syslog")        // --log-driver syslog
                  .option("syslog-address", address)        // --log-opt syslog-address=tcp://127.0.0.1:PORT
                  .option("tag", "{{.Name}}")               // --log-opt tag={{.Name}}
                  .build())
              .build();
          return launcher.run(spec, Duration.ofSeconds(60));
          // --- end snippet
        }));
      }
      int failed = 0;
      for (Future<RunResult> f : results) {
        try {
          failed += f.get().exitCode() == 0 ? 0 : 1;
        } catch (java.util.concurrent.ExecutionException e) {
          failed++;
          out.println("launch failed: " + e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
      }
      pool.shutdown();
      double launchSeconds = (System.nanoTime() - t0) / 1e9;
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (collector.lines().size() < containers && System.nanoTime() < deadline) {
        sleep(50);
      }
      double allSeconds = (System.nanoTime() - t0) / 1e9;
      out.printf("ran %d containers on %d threads in %.1f s (%.1f containers/s), %d failed%n", containers,
          threads, launchSeconds, containers / launchSeconds, failed);

      List<String> lines = new ArrayList<>(collector.lines());
      Set<String> tags = new HashSet<>();
      Set<Integer> numbers = new HashSet<>();
      int wrongTag = 0;
      for (String line : lines) {
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
          out.println("unparsed: " + line);
          continue;
        }
        tags.add(m.group(2));
        String msg = m.group(3);
        String n = msg.startsWith("hi_") ? msg.substring(3) : "?";
        if (!m.group(2).equals("carapace-log-" + run + "-" + n)) {
          wrongTag++;
        } else {
          numbers.add(Integer.parseInt(n));
        }
      }
      out.printf("received %d of %d messages (%s) in %.1f s, %d distinct tags, %d hi_N from their own "
          + "container, %d mistagged%n", lines.size(), containers, transport, allSeconds, tags.size(),
          numbers.size(), wrongTag);
      out.println("first lines as received:");
      lines.stream().limit(3).forEach(l -> out.println("  " + l));
      return failed == 0 && lines.size() == containers && numbers.size() == containers && wrongTag == 0
          ? 0 : 1;
    }
  }

  /**
   * Writes 3000 lines through json-file and local with {@code max-size=16k}, {@code max-file=3},
   * shows the options the engine recorded and what {@code docker logs} still reads; returns 0 when it
   * reads the last line and a contiguous tail.
   */
  public static int rotation(ContainerLauncher launcher, Endpoint endpoint, String image, PrintStream out) {
    int problems = 0;
    out.println("Log rotation: 3000 lines, max-size=16k, max-file=3");
    DockerClient docker = ExampleClients.connect(endpoint);
    try {
      for (String driver : List.of("json-file", "local")) {
        // --- snippet: log-rotation
        SecureContainerSpec spec = SecureContainerSpec.builder()
            .image(image)
            .command("sh", "-c", "for i in $(seq 1 3000); do echo line_$i; done")
            .logConfig(LogConfig.builder(driver)            // --log-driver json-file (or local)
                .option("max-size", "16k")                  // --log-opt max-size=16k
                .option("max-file", "3")                    // --log-opt max-file=3
                .build())
            .build();
        // --- end snippet
        try (RunningContainer c = launcher.launch(spec)) {
          c.awaitExit(Duration.ofSeconds(30));
          Map<String, String> recorded = docker.inspectContainerCmd(c.id()).exec().getHostConfig()
              .getLogConfig().getConfig();
          String type = docker.inspectContainerCmd(c.id()).exec().getHostConfig().getLogConfig().getType()
              .getType();
          String[] kept = c.logs().stdout().split("\n");
          int first = Integer.parseInt(kept[0].substring("line_".length()));
          boolean contiguous = true;
          for (int i = 0; i < kept.length; i++) {
            contiguous &= kept[i].equals("line_" + (first + i));
          }
          boolean ok = contiguous && kept[kept.length - 1].equals("line_3000") && kept.length < 3000
              && type.equals(driver) && "16k".equals(recorded.get("max-size"))
              && "3".equals(recorded.get("max-file"));
          problems += ok ? 0 : 1;
          out.printf("%-9s recorded %s %s; docker logs reads %d lines, %s..%s%s%n", driver, type,
              new java.util.TreeMap<>(recorded), kept.length, kept[0], kept[kept.length - 1],
              ok ? " (older lines rotated away)" : " UNEXPECTED");
        }
      }
    } finally {
      ExampleClients.close(docker);
    }
    return problems;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** A syslog listener on 127.0.0.1 that keeps every line it receives. */
  interface Collector extends Closeable {
    int port();

    ConcurrentLinkedQueue<String> lines();
  }

  /** Newline-framed syslog over TCP: one connection per container. */
  static final class TcpCollector implements Collector {
    private final ServerSocket server;
    private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();

    TcpCollector() throws IOException {
      server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
      Thread accept = new Thread(this::acceptLoop, "syslog-tcp-accept");
      accept.setDaemon(true);
      accept.start();
    }

    private void acceptLoop() {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          Thread reader = new Thread(() -> read(s), "syslog-tcp-read");
          reader.setDaemon(true);
          reader.start();
        } catch (IOException e) {
          return; // closed
        }
      }
    }

    private void read(Socket s) {
      try (s; BufferedReader in = new BufferedReader(
          new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the engine closed the connection
      }
    }

    @Override
    public int port() {
      return server.getLocalPort();
    }

    @Override
    public ConcurrentLinkedQueue<String> lines() {
      return lines;
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  /** Syslog over UDP: one datagram per line. */
  static final class UdpCollector implements Collector {
    private final DatagramSocket socket;
    private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();

    UdpCollector() throws IOException {
      socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
      socket.setReceiveBufferSize(1 << 20);
      Thread reader = new Thread(this::readLoop, "syslog-udp-read");
      reader.setDaemon(true);
      reader.start();
    }

    private void readLoop() {
      byte[] buf = new byte[65536];
      while (!socket.isClosed()) {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
          socket.receive(p);
        } catch (IOException e) {
          return; // closed
        }
        String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
        lines.add(text.endsWith("\n") ? text.substring(0, text.length() - 1) : text);
      }
    }

    @Override
    public int port() {
      return socket.getLocalPort();
    }

    @Override
    public ConcurrentLinkedQueue<String> lines() {
      return lines;
    }

    @Override
    public void close() {
      socket.close();
    }
  }
}
