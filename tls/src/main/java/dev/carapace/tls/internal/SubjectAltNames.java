package dev.carapace.tls.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.bouncycastle.util.IPAddress;

/**
 * Subject alternative names: telling IP literals from DNS names without any DNS lookup, matching a
 * certificate against a dialled host, and formatting names as {@code DNS:x} / {@code IP:y}.
 */
public final class SubjectAltNames {
  private static final int SAN_DNS = 2;
  private static final int SAN_IP = 7;
  private static final Pattern LABEL =
      Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  private SubjectAltNames() {}

  /**
   * Returns the address if {@code value} is an IPv4 or IPv6 literal (IPv6 optionally in
   * brackets), otherwise {@code null}. Never resolves names.
   */
  public static InetAddress ipLiteral(String value) {
    String v = value;
    if (v.length() > 2 && v.startsWith("[") && v.endsWith("]")) {
      v = v.substring(1, v.length() - 1);
    }
    if (!IPAddress.isValidIPv4(v) && !IPAddress.isValidIPv6(v)) {
      return null;
    }
    try {
      return InetAddress.getByName(v); // a validated literal: parsed, not looked up
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /**
   * Returns whether {@code value} is a syntactically valid DNS name (lowercase-insensitive
   * labels of letters, digits and hyphens, at most 253 characters), optionally with a single
   * leading {@code *.} wildcard label.
   */
  public static boolean isDnsName(String value) {
    String v = value.toLowerCase(Locale.ROOT);
    if (v.startsWith("*.")) {
      v = v.substring(2);
    }
    if (v.isEmpty() || v.length() > 253) {
      return false;
    }
    for (String label : v.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return true;
  }

  /** Returns the SANs of {@code certificate} as {@code DNS:name} and {@code IP:address} strings. */
  public static List<String> describe(X509Certificate certificate) {
    List<String> out = new ArrayList<>();
    for (List<?> entry : entries(certificate)) {
      int type = (Integer) entry.get(0);
      if (type == SAN_DNS) {
        out.add("DNS:" + entry.get(1));
      } else if (type == SAN_IP) {
        InetAddress address = ipLiteral(String.valueOf(entry.get(1)));
        out.add("IP:" + (address == null ? entry.get(1) : address.getHostAddress()));
      }
    }
    return out;
  }

  /**
   * Returns whether the DNS or IP subject alternative names of {@code certificate} match
   * {@code host}. An IP literal only matches an IP SAN with the same address; a DNS name matches
   * a DNS SAN case-insensitively, where {@code *.example.com} matches exactly one extra label.
   * The common name is never consulted (RFC 6125).
   */
  public static boolean matches(X509Certificate certificate, String host) {
    InetAddress address = ipLiteral(host);
    String name = host.toLowerCase(Locale.ROOT);
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    for (List<?> entry : entries(certificate)) {
      int type = (Integer) entry.get(0);
      String value = String.valueOf(entry.get(1));
      if (address != null && type == SAN_IP && address.equals(ipLiteral(value))) {
        return true;
      }
      if (address == null && type == SAN_DNS && dnsMatches(value.toLowerCase(Locale.ROOT), name)) {
        return true;
      }
    }
    return false;
  }

  private static boolean dnsMatches(String pattern, String name) {
    if (!pattern.startsWith("*.")) {
      return pattern.equals(name);
    }
    int dot = name.indexOf('.');
    return dot > 0 && name.substring(dot).equals(pattern.substring(1));
  }

  private static Collection<List<?>> entries(X509Certificate certificate) {
    try {
      Collection<List<?>> names = certificate.getSubjectAlternativeNames();
      return names == null ? List.of() : names;
    } catch (CertificateParsingException e) {
      return List.of();
    }
  }
}
