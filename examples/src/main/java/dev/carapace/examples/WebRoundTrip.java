package dev.carapace.examples;

import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.ContainerPath;
import dev.carapace.core.CopySource;
import dev.carapace.core.Endpoint;
import dev.carapace.core.ExecResult;
import dev.carapace.core.LogLine;
import dev.carapace.core.LogSubscription;
import dev.carapace.core.MemorySize;
import dev.carapace.core.Mount;
import dev.carapace.core.NetworkMode;
import dev.carapace.core.PortBinding;
import dev.carapace.core.RunningContainer;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.Wait;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * Step 7 of the README: a container's whole life beyond run. busybox {@code httpd} starts hardened
 * (no capability, uid 1000, read-only root) on a loopback port the engine chooses; the program waits
 * until the port answers, copies a page in (readable by uid 1000 only: mode {@code 0600}, owner
 * {@code 1000:1000}), fetches it over HTTP, runs a command in the container with
 * {@code exec}, and follows the server's log as the request arrives.
 *
 * <p>With a read-only root, the engine's archive API can write only to volumes and bind mounts (not to
 * a tmpfs, which it cannot see): the page goes to {@code /www}, a folder of this host bind-mounted
 * read-write, which the program makes and removes. So the engine must run on this machine.
 *
 * <p>Run: {@code mvn -B -ntp -q -pl examples exec:java -Dexec.mainClass=dev.carapace.examples.WebRoundTrip}
 * (after {@code testbed/setup.sh} and an install). The image defaults to the testbed's
 * {@code carapace-test/busybox:1}; pass another as the first argument.
 */
public final class WebRoundTrip {
  private WebRoundTrip() {}

  public static void main(String[] args) throws Exception {
    String image = args.length > 0 ? args[0] : "carapace-test/busybox:1";
    Path www = Files.createTempDirectory("carapace-www");
    int code;
    try (ContainerLauncher launcher = ContainerLauncher.connect(Endpoint.fromEnvironment())) {
      code = run(launcher, image, www, System.out);
    } finally {
      deleteTree(www);
    }
    System.exit(code);
  }

  /** Runs the round trip with {@code www} as the server's document folder; returns 0 when all of it worked. */
  public static int run(ContainerLauncher launcher, String image, Path www, PrintStream out)
      throws IOException, InterruptedException {
    Files.setPosixFilePermissions(www, PosixFilePermissions.fromString("rwxr-xr-x")); // uid 1000 reads it
    // --- snippet: web-round-trip
    SecureContainerSpec spec = SecureContainerSpec.builder()
        .image(image)
        .command("httpd", "-f", "-vv", "-p", "8080", "-h", "/www")  // busybox httpd, logging requests
        .user("1000:1000")
        .readOnlyRootFilesystem(true)
        .addMount(Mount.bind(www.toString(), ContainerPath.of("/www")))
        .network(NetworkMode.bridge())
        .addPort(PortBinding.localhost(0, 8080))                    // -p 127.0.0.1::8080
        .build();
    List<LogLine> seen = new CopyOnWriteArrayList<>();
    try (RunningContainer web = launcher.launch(spec);
         LogSubscription logs = web.followLogs(seen::add)) {        // line by line, as they come
      web.await(Wait.portAccepts(8080), Duration.ofSeconds(30));
      int port = web.hostPort(8080);                               // the port the engine chose
      web.copyInto(ContainerPath.of("/www/index.html"),             // a tar stream, size-limited:
          CopySource.ofString("<h1>hello from Carapace</h1>\n")
              .mode(0600).owner(1000, 1000));                       // rw------- 1000:1000, the httpd user
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/index.html")).build(),
          HttpResponse.BodyHandlers.ofString());
      ExecResult ls = web.exec("sh", "-c", "id -u; cat /proc/self/status | grep CapEff");
      web.await(Wait.logLine(Pattern.compile("url:/index.html")), Duration.ofSeconds(30));
      // --- end snippet
      out.println("published " + web.publishedPort(8080, PortBinding.Protocol.TCP).hostAddress()
          + ":" + (port > 0 ? "PORT" : port) + " -> 8080/tcp");
      out.println("HTTP " + response.statusCode() + ": " + response.body().strip());
      out.println("exec exit " + ls.exitCode() + ": " + ls.stdout().strip().replace('\n', ' '));
      out.println("log: " + seen.stream().filter(l -> l.text().contains("url:/index.html"))
          .findFirst().map(l -> l.stream() + " " + l.text().replaceAll("^.*: ", ""))
          .orElse("none"));
      return response.statusCode() == 200 && ls.exitCode() == 0 ? 0 : 1;
    }
  }

  static void deleteTree(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
