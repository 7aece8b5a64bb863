package dev.carapace.examples;

import dev.carapace.tls.DockerPki;
import dev.carapace.tls.DockerPkiFiles;
import dev.carapace.tls.TlsMaterialException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A command that generates a Docker TLS PKI with the tls module's {@link DockerPki} and prints the
 * {@code dockerd} flags and {@code daemon.json} fragment that use it. {@code testbed/peers.sh} makes
 * the testbed's PKI with it.
 *
 * <pre>{@code
 * mvn -B -ntp -q -pl examples exec:java -Dexec.mainClass=dev.carapace.examples.DockerPkiCommand \
 *     -Dexec.args="--out /etc/docker/tls --host docker.example.com --ip 127.0.0.1 --days 90"
 * }</pre>
 *
 * <p>Exit status: 0 on success, 1 if the PKI cannot be written (for example a file already
 * exists), 2 for bad arguments (with a usage message on standard error).
 */
public final class DockerPkiCommand {
  static final String USAGE = String.join("\n",
      "usage: DockerPkiCommand --out DIR [--host NAME]... [--ip ADDR]... [--listen ADDR]..."
          + " [--days N] [--rsa BITS]",
      "",
      "Generates a CA, a dockerd server certificate and a client certificate and writes",
      "ca.pem, ca-key.pem, server-cert.pem, server-key.pem, cert.pem and key.pem to DIR.",
      "",
      "  --out DIR      target directory, created rwx------ if absent; keys are rw-------;",
      "                 existing files are never overwritten",
      "  --host NAME    DNS name of the daemon, a server certificate SAN (repeatable)",
      "  --ip ADDR      IP address of the daemon, a server certificate SAN (repeatable);",
      "                 without --host and --ip: --host localhost --ip 127.0.0.1",
      "  --listen ADDR  dockerd -H address (repeatable; default tcp://127.0.0.1:2376)",
      "  --days N       validity of all certificates in days (default 365)",
      "  --rsa BITS     RSA keys of 2048, 3072 or 4096 bits instead of EC P-256",
      "  --help         print this message",
      "");

  private static final Pattern IPV4 = Pattern.compile(
      "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

  private DockerPkiCommand() {}

  /**
   * Runs the tool and exits the JVM with its status: 0 success, 1 failure, 2 bad arguments.
   *
   * @param args {@code --out DIR [--host NAME]... [--ip ADDR]... [--listen ADDR]...
   *     [--days N] [--rsa BITS]}
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the tool, printing to {@code out} and {@code err}; returns the exit status. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    DockerPki.Builder builder = DockerPki.builder();
    Path directory = null;
    try {
      for (int i = 0; i < args.length; i++) {
        String option = args[i];
        if (option.equals("--help") || option.equals("-h")) {
          out.print(USAGE);
          return 0;
        }
        if (!List.of("--out", "--host", "--ip", "--listen", "--days", "--rsa").contains(option)) {
          throw new IllegalArgumentException("unknown option: " + option);
        }
        if (i + 1 == args.length) {
          throw new IllegalArgumentException(option + " needs a value");
        }
        String value = args[++i];
        switch (option) {
          case "--out" -> directory = Path.of(value);
          case "--host" -> builder.addServerName(dnsName(value));
          case "--ip" -> builder.addServerName(ipAddress(value));
          case "--listen" -> builder.addListenAddress(value);
          case "--days" -> builder.validFor(Duration.ofDays(days(value)));
          default -> builder.rsa(bits(value));
        }
      }
      if (directory == null) {
        throw new IllegalArgumentException("--out is required");
      }
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.print(USAGE);
      return 2;
    }
    DockerPkiFiles files;
    try {
      files = builder.build().writeTo(directory);
    } catch (TlsMaterialException e) {
      err.println("error: " + e.getMessage());
      return 1;
    }
    out.println("Wrote " + files.directory() + ": ca.pem ca-key.pem server-cert.pem"
        + " server-key.pem cert.pem key.pem");
    out.println();
    out.println("dockerd flags:");
    out.println("  " + files.dockerdCommandLine());
    out.println();
    out.println("or daemon.json (not both):");
    out.print(files.daemonJson());
    out.println();
    out.println("client (or DOCKER_CERT_PATH=" + files.directory() + " DOCKER_TLS_VERIFY=1):");
    out.println("  " + files.dockerClientCommandLine() + " version");
    return 0;
  }

  private static String dnsName(String value) {
    if (isIpLiteral(value)) {
      throw new IllegalArgumentException("--host must be a DNS name (use --ip): " + value);
    }
    return value;
  }

  private static String ipAddress(String value) {
    if (!isIpLiteral(value)) {
      throw new IllegalArgumentException("--ip must be an IP address: " + value);
    }
    return value;
  }

  /** An IPv4 dotted quad, or an IPv6 literal (in brackets or not): parsed, never looked up. */
  private static boolean isIpLiteral(String value) {
    String v = value.length() > 2 && value.startsWith("[") && value.endsWith("]")
        ? value.substring(1, value.length() - 1) : value;
    if (IPV4.matcher(v).matches()) {
      return true;
    }
    if (!v.contains(":") || !v.matches("[0-9A-Fa-f:.]+")) {
      return false;
    }
    try {
      InetAddress.getByName(v); // a string with ':' is read as an IPv6 literal, never looked up
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static long days(String value) {
    try {
      long days = Long.parseLong(value);
      if (days > 0 && days <= 36500) {
        return days;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("--days must be an integer from 1 to 36500: " + value);
  }

  private static int bits(String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--rsa must be 2048, 3072 or 4096: " + value, e);
    }
  }
}
