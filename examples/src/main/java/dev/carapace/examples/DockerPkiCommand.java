package dev.carapace.examples;

import dev.carapace.cli.internal.pki.PkiCommand;
import dev.carapace.tls.DockerPki;
import dev.carapace.tls.DockerPkiFiles;
import dev.carapace.tls.TlsMaterialException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A command that generates a Docker TLS PKI with the tls module's {@link DockerPki} and prints the
 * {@code dockerd} flags and {@code daemon.json} fragment that use it. {@code testbed/peers.sh} makes
 * the testbed's PKI with it. The installed {@code carapace pki} is the same command (same options, checks
 * and output; a file that cannot be written is its exit 2); this entry stays for the testbed and scripts.
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
          case "--host" -> builder.addServerName(PkiCommand.dnsName(value));
          case "--ip" -> builder.addServerName(PkiCommand.ipAddress(value));
          case "--listen" -> builder.addListenAddress(value);
          case "--days" -> builder.validFor(Duration.ofDays(PkiCommand.days(value)));
          default -> builder.rsa(PkiCommand.bits(value));
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
    out.print(PkiCommand.summary(files));
    return 0;
  }
}
