package dev.carapace.tls;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where {@link DockerPki#writeTo(Path)} put the PKI, and how to point {@code dockerd} and
 * {@code docker} at it. All paths are absolute.
 *
 * <p>The daemon needs {@link #caCertificate()}, {@link #serverCertificate()} and
 * {@link #serverKey()}; clients need {@link #caCertificate()}, {@link #clientCertificate()} and
 * {@link #clientKey()}, which is exactly what {@code DOCKER_CERT_PATH} (or
 * {@link DockerTlsMaterial#readClient(Path)}) expects in one directory. Keep
 * {@link #caKey()} offline if you can: whoever holds it can mint client certificates, and with
 * them root on the Docker host.
 *
 * <pre>{@code
 * DockerPkiFiles files = DockerPki.builder().build().writeTo(dir);
 * Files.writeString(Path.of("/etc/docker/daemon.json"), files.daemonJson());
 * DockerTlsMaterial client = DockerTlsMaterial.readClient(files.directory());
 * }</pre>
 */
public final class DockerPkiFiles {
  private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  private final Path directory;
  private final List<String> listenAddresses;

  DockerPkiFiles(Path directory, List<String> listenAddresses) {
    this.directory = directory;
    this.listenAddresses = List.copyOf(listenAddresses);
  }

  /** Returns the directory holding all six files. */
  public Path directory() {
    return directory;
  }

  /** Returns {@code ca.pem}: the CA certificate, trusted by both sides ({@code --tlscacert}). */
  public Path caCertificate() {
    return directory.resolve("ca.pem");
  }

  /** Returns {@code ca-key.pem}: the CA's private key ({@code rw-------}). */
  public Path caKey() {
    return directory.resolve("ca-key.pem");
  }

  /** Returns {@code server-cert.pem}: the daemon's certificate ({@code dockerd --tlscert}). */
  public Path serverCertificate() {
    return directory.resolve("server-cert.pem");
  }

  /** Returns {@code server-key.pem}: the daemon's key ({@code dockerd --tlskey}, {@code rw-------}). */
  public Path serverKey() {
    return directory.resolve("server-key.pem");
  }

  /** Returns {@code cert.pem}: the client certificate ({@code docker --tlscert}). */
  public Path clientCertificate() {
    return directory.resolve("cert.pem");
  }

  /** Returns {@code key.pem}: the client key ({@code docker --tlskey}, {@code rw-------}). */
  public Path clientKey() {
    return directory.resolve("key.pem");
  }

  /** Returns the {@code dockerd -H} addresses. */
  public List<String> listenAddresses() {
    return listenAddresses;
  }

  /**
   * Returns the {@code dockerd} arguments that enable mutual TLS with these files:
   * {@code --tlsverify --tlscacert=DIR/ca.pem --tlscert=DIR/server-cert.pem
   * --tlskey=DIR/server-key.pem -H tcp://127.0.0.1:2376}, one list element per word. Do not
   * also set these in {@code daemon.json}: dockerd refuses options given both ways.
   */
  public List<String> dockerdFlags() {
    List<String> flags = new ArrayList<>();
    flags.add("--tlsverify");
    flags.add("--tlscacert=" + caCertificate());
    flags.add("--tlscert=" + serverCertificate());
    flags.add("--tlskey=" + serverKey());
    for (String address : listenAddresses) {
      flags.add("-H");
      flags.add(address);
    }
    return List.copyOf(flags);
  }

  /** Returns {@code dockerd} followed by {@link #dockerdFlags()}, quoted for a POSIX shell. */
  public String dockerdCommandLine() {
    return commandLine("dockerd", dockerdFlags());
  }

  /**
   * Returns the {@code docker} CLI arguments for a client on this machine, using the first
   * {@code tcp://} listen address: {@code --tlsverify --tlscacert=DIR/ca.pem
   * --tlscert=DIR/cert.pem --tlskey=DIR/key.pem -H tcp://127.0.0.1:2376}.
   */
  public List<String> dockerClientFlags() {
    List<String> flags = new ArrayList<>();
    flags.add("--tlsverify");
    flags.add("--tlscacert=" + caCertificate());
    flags.add("--tlscert=" + clientCertificate());
    flags.add("--tlskey=" + clientKey());
    for (String address : listenAddresses) {
      if (address.startsWith("tcp://")) {
        flags.add("-H");
        flags.add(address);
        break;
      }
    }
    return List.copyOf(flags);
  }

  /** Returns {@code docker} followed by {@link #dockerClientFlags()}, quoted for a shell. */
  public String dockerClientCommandLine() {
    return commandLine("docker", dockerClientFlags());
  }

  /**
   * Returns the {@code daemon.json} fragment equivalent to {@link #dockerdFlags()}, with keys
   * {@code tlsverify}, {@code tlscacert}, {@code tlscert}, {@code tlskey} and {@code hosts}.
   * On systemd installs whose unit starts {@code dockerd -H fd://}, {@code hosts} conflicts with
   * that flag: drop {@code -H} from the unit (an override) or remove {@code hosts} here.
   */
  public String daemonJson() {
    StringBuilder hosts = new StringBuilder();
    for (String address : listenAddresses) {
      hosts.append(hosts.length() == 0 ? "" : ", ").append(json(address));
    }
    return "{\n"
        + "  \"tlsverify\": true,\n"
        + "  \"tlscacert\": " + json(caCertificate().toString()) + ",\n"
        + "  \"tlscert\": " + json(serverCertificate().toString()) + ",\n"
        + "  \"tlskey\": " + json(serverKey().toString()) + ",\n"
        + "  \"hosts\": [" + hosts + "]\n"
        + "}\n";
  }

  /** Returns the paths of all six files. */
  List<Path> all() {
    return List.of(caCertificate(), caKey(), serverCertificate(), serverKey(),
        clientCertificate(), clientKey());
  }

  @Override
  public String toString() {
    return "DockerPkiFiles{directory=" + directory + ", listenAddresses=" + listenAddresses + "}";
  }

  private static String commandLine(String command, List<String> arguments) {
    StringBuilder line = new StringBuilder(command);
    for (String argument : arguments) {
      line.append(' ').append(SHELL_SAFE.matcher(argument).matches()
          ? argument : "'" + argument.replace("'", "'\\''") + "'");
    }
    return line.toString();
  }

  private static String json(String value) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\r' -> out.append("\\r");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
