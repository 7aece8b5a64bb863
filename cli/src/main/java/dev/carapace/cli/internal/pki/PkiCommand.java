package dev.carapace.cli.internal.pki;

import dev.carapace.cli.internal.ExitCodes;
import dev.carapace.cli.internal.InputException;
import dev.carapace.tls.DockerPki;
import dev.carapace.tls.DockerPkiFiles;
import dev.carapace.tls.TlsMaterialException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code carapace pki}: a Docker TLS PKI (CA, dockerd server certificate, client certificate) written
 * with the tls module's {@link DockerPki}, then the {@code dockerd} flags and {@code daemon.json} that
 * use it. The same options and output as the examples module's {@code DockerPkiCommand}, which calls
 * the checks here; a file that cannot be written is exit 2 (an input error), like every subcommand.
 */
@Command(name = "pki", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Generates a CA, a dockerd server certificate and a client certificate and writes",
        "ca.pem, ca-key.pem, server-cert.pem, server-key.pem, cert.pem and key.pem to DIR."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:written", "2:usage error, or the files cannot be written (one line on stderr)"})
public final class PkiCommand implements Callable<Integer> {
  private static final Pattern IPV4 = Pattern.compile(
      "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

  @Spec
  CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "target directory, created rwx------ if absent; keys are rw-------; existing files are"
          + " never overwritten")
  Path out;

  @Option(names = "--host", paramLabel = "NAME", description = "DNS name of the daemon, a server certificate SAN (repeatable)")
  List<String> hosts = new ArrayList<>();

  @Option(names = "--ip", paramLabel = "ADDR", description = "IP address of the daemon, a server certificate SAN"
      + " (repeatable); without --host and --ip: --host localhost --ip 127.0.0.1")
  List<String> ips = new ArrayList<>();

  @Option(names = "--listen", paramLabel = "ADDR", description = "dockerd -H address (repeatable; default tcp://127.0.0.1:2376)")
  List<String> listen = new ArrayList<>();

  @Option(names = "--days", paramLabel = "N", description = "validity of all certificates in days (default 365)")
  String days;

  @Option(names = "--rsa", paramLabel = "BITS", description = "RSA keys of 2048, 3072 or 4096 bits instead of EC P-256")
  String rsa;

  @Override
  public Integer call() {
    DockerPki.Builder builder = DockerPki.builder();
    try {
      hosts.forEach(h -> builder.addServerName(dnsName(h)));
      ips.forEach(ip -> builder.addServerName(ipAddress(ip)));
      listen.forEach(builder::addListenAddress);
      if (days != null) {
        builder.validFor(Duration.ofDays(days(days)));
      }
      if (rsa != null) {
        builder.rsa(bits(rsa));
      }
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    DockerPkiFiles files;
    try {
      files = builder.build().writeTo(out);
    } catch (TlsMaterialException e) {
      throw InputException.of(e.getMessage(), e);
    }
    PrintWriter o = spec.commandLine().getOut();
    o.print(summary(files));
    o.flush();
    return ExitCodes.CLEAN;
  }

  /**
   * What the command prints once the files are written: where, then the {@code dockerd} flags, the
   * {@code daemon.json} alternative and the client's command line that use them.
   */
  public static String summary(DockerPkiFiles files) {
    return "Wrote " + files.directory() + ": ca.pem ca-key.pem server-cert.pem server-key.pem cert.pem key.pem\n"
        + "\n"
        + "dockerd flags:\n"
        + "  " + files.dockerdCommandLine() + "\n"
        + "\n"
        + "or daemon.json (not both):\n"
        + files.daemonJson()
        + "\n"
        + "client (or DOCKER_CERT_PATH=" + files.directory() + " DOCKER_TLS_VERIFY=1):\n"
        + "  " + files.dockerClientCommandLine() + " version\n";
  }

  /**
   * {@code value} when it is a DNS name rather than an IP literal.
   *
   * @throws IllegalArgumentException {@code --host must be a DNS name (use --ip): VALUE}
   */
  public static String dnsName(String value) {
    if (isIpLiteral(value)) {
      throw new IllegalArgumentException("--host must be a DNS name (use --ip): " + value);
    }
    return value;
  }

  /**
   * {@code value} when it is an IP literal.
   *
   * @throws IllegalArgumentException {@code --ip must be an IP address: VALUE}
   */
  public static String ipAddress(String value) {
    if (!isIpLiteral(value)) {
      throw new IllegalArgumentException("--ip must be an IP address: " + value);
    }
    return value;
  }

  /** An IPv4 dotted quad, or an IPv6 literal (in brackets or not): parsed, never looked up. */
  static boolean isIpLiteral(String value) {
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

  /**
   * Days from 1 to 36500.
   *
   * @throws IllegalArgumentException {@code --days must be an integer from 1 to 36500: VALUE}
   */
  public static long days(String value) {
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

  /**
   * The RSA key size as an integer (DockerPki checks it is 2048, 3072 or 4096).
   *
   * @throws IllegalArgumentException {@code --rsa must be 2048, 3072 or 4096: VALUE}
   */
  public static int bits(String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--rsa must be 2048, 3072 or 4096: " + value, e);
    }
  }
}
