package dev.carapace.bench;

import com.github.dockerjava.api.DockerClient;
import dev.carapace.core.internal.engine.DockerClients;
import dev.carapace.core.Endpoint;
import dev.carapace.tls.DockerPki;
import dev.carapace.tls.DockerTlsMaterial;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * API calls per second through {@link DockerClients#connect} over mutual TLS (the testbed's dockerd
 * on 127.0.0.1:2376) and over the unix socket, side by side: warm-up, then rounds in which each
 * client runs a batch of calls, the order alternating per round; medians over rounds. The TCP
 * connections to :2376 this JVM holds are read from {@code ss} after warm-up and after each round:
 * the same few local ports throughout means the connection (and its TLS session) is reused, not a
 * handshake per call. A client per call shows what a handshake per call would cost. Then the time
 * {@link DockerPki} takes to generate a CA + server + client set.
 *
 * <p>A measurement, not a test: results depend on the machine and the load of its neighbours.
 */
public final class TlsBench {
  private static final String HOST = "127.0.0.1";
  private static final int TLS_PORT = 2376;

  private TlsBench() {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of("bench/results/tls.md");
    String command = "bench/run-tls.sh";
    int rounds = 15;
    int calls = 300;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--out" -> out = Path.of(args[i + 1]);
        case "--command" -> command = args[i + 1];
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--calls" -> calls = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option: " + args[i]);
      }
    }
    Path testbed = Path.of(System.getProperty("carapace.testbed.dir", "/var/lib/carapace-testbed"));
    Endpoint unix = Endpoint.unixSocket(Path.of("/var/run/docker.sock"));
    Endpoint tls = Endpoint.tls(HOST, TLS_PORT, DockerTlsMaterial.readClient(testbed.resolve("pki")));

    StringBuilder md = new StringBuilder();
    md.append("# TLS benchmark\n\n")
        .append("Produced by `").append(command).append("` on ").append(Instant.now()).append(" (")
        .append(Runtime.getRuntime().availableProcessors()).append(" CPUs, Java ")
        .append(System.getProperty("java.version")).append(", ").append(engineVersion(unix)).append(").\n")
        .append("Machine shared with other jobs: compare the columns of one run, not runs.\n\n");

    try (DockerClient u = DockerClients.connect(unix); DockerClient t = DockerClients.connect(tls)) {
      md.append("## Engine API calls per second, ").append(rounds).append(" interleaved rounds of ")
          .append(calls).append(" sequential calls after ").append(calls * 2).append(" warm-up calls each\n\n")
          .append("| call | unix socket (calls/s, median) | mutual TLS 127.0.0.1:2376 (calls/s, median) "
              + "| TLS / unix | TLS, new client per call (calls/s, median) |\n")
          .append("|---|---:|---:|---:|---:|\n");
      List<String> connectionNotes = new ArrayList<>();
      for (String call : List.of("ping", "version")) {
        Consumer<DockerClient> op = call.equals("ping") ? c -> c.pingCmd().exec() : c -> c.versionCmd().exec();
        for (int i = 0; i < calls * 2; i++) {
          op.accept(u);
          op.accept(t);
        }
        Set<Integer> afterWarmUp = tlsConnections();
        Set<Integer> seen = new TreeSet<>(afterWarmUp);
        double[] unixRates = new double[rounds];
        double[] tlsRates = new double[rounds];
        for (int r = 0; r < rounds; r++) {
          if (r % 2 == 0) {
            unixRates[r] = rate(u, op, calls);
            tlsRates[r] = rate(t, op, calls);
          } else {
            tlsRates[r] = rate(t, op, calls);
            unixRates[r] = rate(u, op, calls);
          }
          seen.addAll(tlsConnections());
        }
        int fresh = Math.max(10, calls / 10);
        double[] perCallRates = new double[Math.max(3, rounds / 3)];
        Set<Integer> before = tlsConnections();
        for (int r = 0; r < perCallRates.length; r++) {
          perCallRates[r] = rateNewClient(tls, op, fresh);
        }
        double mu = median(unixRates);
        double mt = median(tlsRates);
        md.append(String.format("| %s | %.0f | %.0f | %.2f | %.0f |%n", call, mu, mt, mt / mu, median(perCallRates)));
        connectionNotes.add(String.format("- `%s`: %d calls over TLS after warm-up used %d TCP connection(s) to :2376 "
                + "(local ports %s; after warm-up: %s). The client-per-call column made %d clients, each with an "
                + "empty connection pool: a TCP connect and a TLS handshake (the JDK may resume the session) per call "
                + "(connections held before it: %s).",
            call, rounds * calls, seen.size(), seen, afterWarmUp, perCallRates.length * fresh, before));
      }
      md.append("\nConnections, from `ss -tnpH state established '( dport = :2376 )'` filtered to this JVM, "
          + "read after warm-up and after every round:\n\n");
      connectionNotes.forEach(n -> md.append(n).append('\n'));
    }

    md.append("\n## DockerPki: generate CA + server + client (3 key pairs, 3 certificates)\n\n")
        .append("| keys | runs | median ms | min ms | max ms |\n|---|---:|---:|---:|---:|\n");
    for (int i = 0; i < 3; i++) {
      DockerPki.builder().build();
      DockerPki.builder().rsa(2048).build();
    }
    md.append(pkiRow("EC P-256", 30, () -> DockerPki.builder().build()));
    md.append(pkiRow("RSA 2048", 15, () -> DockerPki.builder().rsa(2048).build()));

    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, md.toString());
    System.out.print(md);
    System.out.println("\nwritten to " + out);
  }

  private static String engineVersion(Endpoint unix) throws IOException {
    try (DockerClient c = DockerClients.connect(unix)) {
      var v = c.versionCmd().exec();
      return "Docker Engine " + v.getVersion() + ", API " + v.getApiVersion();
    }
  }

  private static double rate(DockerClient client, Consumer<DockerClient> op, int calls) {
    long t0 = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      op.accept(client);
    }
    return calls / ((System.nanoTime() - t0) / 1e9);
  }

  private static double rateNewClient(Endpoint endpoint, Consumer<DockerClient> op, int calls) throws IOException {
    long t0 = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      try (DockerClient c = DockerClients.connect(endpoint)) {
        op.accept(c);
      }
    }
    return calls / ((System.nanoTime() - t0) / 1e9);
  }

  private static String pkiRow(String keys, int runs, Supplier<DockerPki> generate) {
    double[] ms = new double[runs];
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      generate.get();
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    double[] sorted = ms.clone();
    Arrays.sort(sorted);
    return String.format("| %s | %d | %.1f | %.1f | %.1f |%n", keys, runs, median(ms), sorted[0], sorted[runs - 1]);
  }

  private static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /** Local ports of this JVM's established TCP connections to 127.0.0.1:2376, per {@code ss}. */
  private static Set<Integer> tlsConnections() throws IOException, InterruptedException {
    Process p = new ProcessBuilder("ss", "-tnpH", "state", "established", "( dport = :" + TLS_PORT + " )")
        .redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("ss failed: " + text);
    }
    String pid = "pid=" + ProcessHandle.current().pid() + ",";
    Set<Integer> ports = new TreeSet<>();
    for (String line : text.split("\n")) {
      if (!line.contains(pid)) {
        continue;
      }
      // Recv-Q Send-Q Local:Port Peer:Port Process
      String[] f = line.trim().split("\\s+");
      String local = f[2];
      ports.add(Integer.parseInt(local.substring(local.lastIndexOf(':') + 1)));
    }
    return ports;
  }
}
