package dev.carapace.cluster;

import java.util.Locale;
import java.util.regex.Pattern;

/** Kubernetes' name grammars (k8s.io/apimachinery validation): DNS-1123 labels and subdomains, label keys and values. */
final class KubernetesNames {
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern QUALIFIED_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");

  private KubernetesNames() {}

  static boolean isDnsLabel(String s) {
    return s.length() <= 63 && DNS_LABEL.matcher(s).matches();
  }

  static boolean isDnsSubdomain(String s) {
    return s.length() <= 253 && DNS_SUBDOMAIN.matcher(s).matches();
  }

  static boolean isLabelKey(String key) {
    int slash = key.indexOf('/');
    String name = slash < 0 ? key : key.substring(slash + 1);
    if (slash >= 0 && !isDnsSubdomain(key.substring(0, slash))) {
      return false;
    }
    return name.length() <= 63 && QUALIFIED_NAME.matcher(name).matches();
  }

  static boolean isLabelValue(String value) {
    return value.isEmpty() || (value.length() <= 63 && QUALIFIED_NAME.matcher(value).matches());
  }

  /** A DNS-1123 label from an image reference: its last path segment without tag or digest. */
  static String fromImage(String image) {
    String s = image;
    int at = s.indexOf('@');
    if (at >= 0) {
      s = s.substring(0, at);
    }
    s = s.substring(s.lastIndexOf('/') + 1);
    int colon = s.indexOf(':');
    if (colon >= 0) {
      s = s.substring(0, colon);
    }
    s = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-").replaceAll("^-+|-+$", "");
    if (s.length() > 63) {
      s = s.substring(0, 63).replaceAll("-+$", "");
    }
    return s.isEmpty() ? "container" : s;
  }
}
