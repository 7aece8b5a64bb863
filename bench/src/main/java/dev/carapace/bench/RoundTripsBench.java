package dev.carapace.bench;

import static dev.carapace.bench.Settings.SOCKET;

import com.github.dockerjava.api.DockerClient;
import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.Endpoint;
import dev.carapace.core.SecureContainerSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Section {@code roundtrips}: the Engine API requests per launch of each client, counted by a loopback proxy
 * ({@link CountingProxy}) in front of the engine's socket: steady state, a new client's first launch, and TCP
 * connections opened.
 */
final class RoundTripsBench {
  private RoundTripsBench() {}

  static void run(DockerClient raw, StringBuilder md, List<String[]> targets) throws Exception {
    int k = 5;
    Map<String, Map<String, Double>> steady = new LinkedHashMap<>();
    Map<String, Integer> first = new LinkedHashMap<>();
    Map<String, String> firstExtra = new LinkedHashMap<>();
    Map<String, Double> connections = new LinkedHashMap<>();
    try (CountingProxy proxy = new CountingProxy(SOCKET)) {
      SecureContainerSpec spec = Hardened.spec("roundtrips-carapace");
      try (ContainerLauncher l = ContainerLauncher.connect(Endpoint.plainTcp("127.0.0.1", proxy.port()))) {
        measure(proxy, "Carapace `launch`+`awaitExit`+`close`", () -> Launches.carapaceLaunch(l, spec), k,
            steady, first, firstExtra, connections);
        measure(proxy, "Carapace `run`", () -> Launches.carapaceRun(l, spec), k, steady, null, null, connections);
      }
      DockerClient rawProxied = Hardened.rawClient(proxy.dockerHost());
      try {
        measure(proxy, "raw docker-java", () -> Launches.raw(rawProxied, false, "roundtrips-raw"), k,
            steady, first, firstExtra, connections);
      } finally {
        rawProxied.close();
      }
      measure(proxy, "docker CLI `run --rm`", () -> Launches.cli(proxy.dockerHost(), "roundtrips-cli"), k,
          steady, first, firstExtra, connections);
      // Testcontainers in a child JVM (it reads DOCKER_HOST from the environment): 1 launch, then 1 + k
      proxy.reset();
      OneLaunch.spawn("testcontainers", proxy.dockerHost(), 1);
      settle();
      List<String> one = proxy.requests();
      proxy.reset();
      OneLaunch.spawn("testcontainers", proxy.dockerHost(), 1 + k);
      settle();
      List<String> more = proxy.requests();
      Map<String, Double> tc = new TreeMap<>();
      countInto(tc, more, 1.0 / k);
      countInto(tc, one, -1.0 / k);
      tc.values().removeIf(v -> Math.abs(v) < 1e-9);
      steady.put("Testcontainers", tc);
      first.put("Testcontainers", one.size());
      firstExtra.put("Testcontainers", "whole fresh JVM incl. client start-up");
      connections.put("Testcontainers", Double.NaN);
    }
    Set<String> shapes = new java.util.TreeSet<>();
    steady.values().forEach(m -> shapes.addAll(m.keySet()));
    List<String> clients = new ArrayList<>(steady.keySet());
    md.append("\n## API round trips per launch\n\nCounted by a loopback proxy in front of `/var/run/docker.sock` "
            + "that parses every HTTP request (ids shown as `{id}`, queries dropped). Steady state: the mean over ")
        .append(k).append(" launches after the first one of the same client (Testcontainers: (1+").append(k)
        .append(" launches) − (1 launch) in fresh JVMs, over ").append(k).append(").\n\n| request |");
    clients.forEach(c -> md.append(" ").append(c).append(" |"));
    md.append("\n|---|");
    clients.forEach(c -> md.append("---|"));
    md.append("\n");
    for (String s : shapes) {
      md.append("| `").append(s).append("` |");
      for (String c : clients) {
        Double v = steady.get(c).get(s);
        md.append(" ").append(v == null ? "" : fmtCount(v)).append(" |");
      }
      md.append("\n");
    }
    md.append("| **total per launch** |");
    clients.forEach(c -> md.append(" **").append(fmtCount(steady.get(c).values().stream()
        .mapToDouble(Double::doubleValue).sum())).append("** |"));
    md.append("\n| TCP connections opened per launch |");
    clients.forEach(c -> md.append(" ").append(connections.get(c).isNaN() ? "n/a" : fmtCount(connections.get(c)))
        .append(" |"));
    md.append("\n| first launch of a new client: requests |");
    clients.forEach(c -> md.append(" ").append(first.containsKey(c) ? first.get(c) : "").append(" |"));
    md.append("\n| first launch: requests beyond the steady state |");
    clients.forEach(c -> md.append(" ").append(firstExtra.getOrDefault(c, "")).append(" |"));
    md.append("\n");

    // how much the once-per-launcher GET /info costs
    List<Double> info = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      long t0 = System.nanoTime();
      raw.infoCmd().exec();
      info.add((System.nanoTime() - t0) / 1e6);
    }
    md.append("\n`GET /info` (what a launcher sends once, on its first spec with `cpusetCpus`, to learn the "
        + "engine's CPUs) takes ").append(Stats.ms(Stats.median(info))).append(" ms median here (10 calls).\n");

    Map<String, Double> c = steady.get("Carapace `launch`+`awaitExit`+`close`");
    Map<String, Double> r = steady.get("raw docker-java");
    double cTotal = c.values().stream().mapToDouble(Double::doubleValue).sum();
    double rTotal = r.values().stream().mapToDouble(Double::doubleValue).sum();
    Set<String> allowed = Set.of("POST /containers/create", "GET /containers/{id}/json", "POST /containers/{id}/start",
        "POST /containers/{id}/wait", "DELETE /containers/{id}");
    boolean onlyAllowed = c.entrySet().stream().allMatch(e -> allowed.contains(e.getKey()) && e.getValue() == 1.0);
    String extra = firstExtra.get("Carapace `launch`+`awaitExit`+`close`");
    targets.add(new String[] {"zero added round trips beyond create, start, wait, remove and the verifying inspect",
        "steady state " + fmtCount(cTotal) + " requests per launch vs raw " + fmtCount(rTotal)
            + (onlyAllowed ? " (exactly create, inspect, start, wait, remove)" : " (" + c + ")")
            + "; first launch of a launcher adds: " + (extra.isEmpty() ? "nothing" : extra),
        onlyAllowed && cTotal == rTotal + 1 ? (extra.isEmpty() ? "met" : "met per launch; not met once per launcher")
            : "not met"});
  }

  /** {@link #measureOnce}, again up to twice when a launch fails (say, another session restarts dockerd). */
  private static void measure(CountingProxy proxy, String name, Op op, int k, Map<String, Map<String, Double>> steady,
      Map<String, Integer> first, Map<String, String> firstExtra, Map<String, Double> connections) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        measureOnce(proxy, name, op, k, steady, first, firstExtra, connections);
        return;
      } catch (Exception e) {
        if (attempt == 3) {
          throw e;
        }
        System.out.println("round trips of " + name + " failed, again: " + e);
        Thread.sleep(2000);
      }
    }
  }

  private static void measureOnce(CountingProxy proxy, String name, Op op, int k,
      Map<String, Map<String, Double>> steady, Map<String, Integer> first, Map<String, String> firstExtra,
      Map<String, Double> connections) throws Exception {
    proxy.reset();
    op.run();
    settle();
    List<String> firstRequests = proxy.requests();
    proxy.reset();
    for (int i = 0; i < k; i++) {
      op.run();
    }
    settle();
    Map<String, Double> per = new TreeMap<>();
    countInto(per, proxy.requests(), 1.0 / k);
    steady.put(name, per);
    connections.put(name, proxy.connections() / (double) k);
    if (first != null) {
      first.put(name, firstRequests.size());
      Map<String, Double> extra = new TreeMap<>();
      countInto(extra, firstRequests, 1);
      per.forEach((s, v) -> extra.merge(s, -v, Double::sum));
      extra.values().removeIf(v -> Math.abs(v) < 1e-9);
      List<String> parts = new ArrayList<>();
      extra.forEach((s, v) -> parts.add((v > 0 ? "+" : "") + fmtCount(v) + " `" + s + "`"));
      firstExtra.put(name, String.join(", ", parts));
    }
  }

  private static void countInto(Map<String, Double> counts, Collection<String> requests, double weight) {
    for (String r : requests) {
      counts.merge(r, weight, Double::sum);
    }
  }

  private static String fmtCount(double v) {
    return Math.abs(v - Math.rint(v)) < 1e-9 ? String.valueOf((long) Math.rint(v)) : String.format("%.1f", v);
  }

  /** The proxy records a request just after forwarding it: give the last one a moment. */
  private static void settle() throws InterruptedException {
    Thread.sleep(150);
  }
}
