package dev.carapace.policy.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.carapace.core.Capability;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Parses the raw values Docker keeps as text, the way the engine reads them, so that rules are not
 * fooled where text matching is ({@code no-new-privileges=false} contains "no-new-privileges"). Not API.
 */
public final class Parsing {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Parsing() {}

  /** Go's strconv.ParseBool, which the engine uses for security options; empty for invalid text. */
  static Optional<Boolean> parseBool(String s) {
    switch (s) {
      case "1": case "t": case "T": case "TRUE": case "true": case "True":
        return Optional.of(true);
      case "0": case "f": case "F": case "FALSE": case "false": case "False":
        return Optional.of(false);
      default:
        return Optional.empty();
    }
  }

  /**
   * Splits a security option into key and value at the first {@code =} (or {@code :}, the old
   * spelling); the value is null for a bare key.
   */
  public static String[] keyValue(String opt) {
    int eq = opt.indexOf('=');
    int colon = opt.indexOf(':');
    int at = eq < 0 ? colon : colon < 0 ? eq : Math.min(eq, colon);
    if (at < 0) {
      return new String[] {opt.trim(), null};
    }
    return new String[] {opt.substring(0, at).trim(), opt.substring(at + 1)};
  }

  /**
   * Whether the options set no-new-privileges: {@code no-new-privileges},
   * {@code no-new-privileges=true} or {@code :true}; {@code =false} and invalid values do not. The
   * last one wins, as in the engine.
   */
  public static boolean noNewPrivileges(List<String> securityOpts) {
    boolean set = false;
    for (String opt : securityOpts) {
      String[] kv = keyValue(opt);
      if (!kv[0].equals("no-new-privileges")) {
        continue;
      }
      set = kv[1] == null || parseBool(kv[1].trim()).orElse(false);
    }
    return set;
  }

  /** The value of the last {@code key=value} option, if any. */
  public static Optional<String> option(List<String> securityOpts, String key) {
    String found = null;
    for (String opt : securityOpts) {
      String[] kv = keyValue(opt);
      if (kv[0].equals(key) && kv[1] != null) {
        found = kv[1];
      }
    }
    return Optional.ofNullable(found);
  }

  /** Every {@code label=...} part ({@code type:x}, {@code disable}), in order. */
  public static List<String> labelParts(List<String> securityOpts) {
    List<String> parts = new ArrayList<>();
    for (String opt : securityOpts) {
      String[] kv = keyValue(opt);
      if (kv[0].equals("label") && kv[1] != null) {
        parts.add(kv[1]);
      }
    }
    return parts;
  }

  /** How the container's seccomp filter stands. */
  public enum SeccompState { DEFAULT, UNCONFINED, ALLOW_ALL_PROFILE, PROFILE }

  /**
   * Reads the seccomp option: none (the engine's default), {@code unconfined}, or an inline
   * profile. A profile whose {@code defaultAction} allows (or only logs) every call and that has
   * no rule with a restricting action filters nothing: {@link SeccompState#ALLOW_ALL_PROFILE}.
   */
  public static SeccompState seccomp(List<String> securityOpts) {
    Optional<String> value = option(securityOpts, "seccomp");
    if (value.isEmpty()) {
      return SeccompState.DEFAULT;
    }
    String v = value.get().trim();
    if (v.equals("unconfined")) {
      return SeccompState.UNCONFINED;
    }
    if (!v.startsWith("{")) {
      // "builtin" or a daemon-side profile name: the engine filters
      return SeccompState.PROFILE;
    }
    JsonNode profile;
    try {
      profile = JSON.readTree(v);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return SeccompState.PROFILE;
    }
    if (profile == null || !profile.isObject()) {
      return SeccompState.PROFILE;
    }
    if (!allows(profile.path("defaultAction").asText(""))) {
      return SeccompState.PROFILE;
    }
    for (JsonNode syscall : profile.path("syscalls")) {
      if (!allows(syscall.path("action").asText("SCMP_ACT_ALLOW"))) {
        return SeccompState.PROFILE;
      }
    }
    return SeccompState.ALLOW_ALL_PROFILE;
  }

  private static boolean allows(String action) {
    return action.equals("SCMP_ACT_ALLOW") || action.equals("SCMP_ACT_LOG");
  }

  /** The user part of {@code user[:group]}, trimmed. */
  private static String userPart(String user) {
    String u = user.trim();
    int colon = u.indexOf(':');
    return colon < 0 ? u : u.substring(0, colon).trim();
  }

  /**
   * Whether {@code user[:group]} runs as root: empty (Docker's default), {@code root}, or uid 0
   * in any spelling ({@code 0}, {@code 00}), whatever the group.
   */
  public static boolean isRoot(String user) {
    String u = userPart(user);
    if (u.isEmpty() || u.equals("root")) {
      return true;
    }
    if (u.chars().allMatch(Character::isDigit)) {
      return u.chars().allMatch(c -> c == '0');
    }
    return false;
  }

  /** Parses names leniently; {@code ALL} and unknown names are skipped. */
  public static Set<Capability> capabilities(List<String> raw) {
    EnumSet<Capability> caps = EnumSet.noneOf(Capability.class);
    for (String r : raw) {
      String t = r.trim();
      if (t.equalsIgnoreCase("ALL") || t.equalsIgnoreCase("CAP_ALL")) {
        continue;
      }
      try {
        caps.add(Capability.parse(t));
      } catch (IllegalArgumentException e) {
        // an engine refuses unknown names at create; nothing to count
      }
    }
    return caps;
  }

  /** Whether the raw list names ALL. */
  public static boolean namesAll(List<String> raw) {
    for (int i = 0; i < raw.size(); i++) {
      String r = raw.get(i).trim();
      if (r.equalsIgnoreCase("ALL") || r.equalsIgnoreCase("CAP_ALL")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a port's host IP means every interface: empty (Docker's default for {@code -p 8080:80}),
   * {@code 0.0.0.0}, {@code ::} or any other spelling of the unspecified address.
   */
  public static boolean allInterfaces(String hostIp) {
    String ip = stripBrackets(hostIp.trim());
    if (ip.isEmpty()) {
      return true;
    }
    return literal(ip).map(java.net.InetAddress::isAnyLocalAddress).orElse(false);
  }

  /** Whether a port's host IP is a loopback address ({@code 127.0.0.0/8}, {@code ::1}). */
  public static boolean loopback(String hostIp) {
    return literal(stripBrackets(hostIp.trim())).map(java.net.InetAddress::isLoopbackAddress).orElse(false);
  }

  private static String stripBrackets(String ip) {
    return ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip;
  }

  /** An IP literal as an address, never looking up a name. */
  private static Optional<java.net.InetAddress> literal(String ip) {
    if (ip.isEmpty() || !(ip.contains(":") || ip.matches("[0-9.]+"))) {
      return Optional.empty();
    }
    try {
      return Optional.of(java.net.InetAddress.getByName(ip));
    } catch (java.net.UnknownHostException e) {
      return Optional.empty();
    }
  }
}
