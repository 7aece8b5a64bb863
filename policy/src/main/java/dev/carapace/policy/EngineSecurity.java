package dev.carapace.policy;

import java.util.Objects;
import java.util.List;
import java.util.Locale;

/**
 * What the engine's host enforces, from {@code docker info}'s {@code SecurityOptions}
 * ({@code name=seccomp,profile=default}, {@code name=apparmor}, {@code name=selinux},
 * {@code name=userns}, {@code name=rootless}). Rules use it to tell "not set" from "cannot be
 * enforced on this host": an AppArmor profile is recorded but ignored where no AppArmor runs.
 *
 * <pre>{@code
 * EngineSecurity host = audit.engineSecurity();   // an EngineAudit's, GET /info
 * host.apparmor();     // false on a kernel without AppArmor
 * }</pre>
 *
 * @param apparmor whether the host runs AppArmor and the engine applies profiles
 * @param selinux whether the engine runs with {@code --selinux-enabled}
 * @param seccomp whether the engine applies seccomp filters
 * @param userns whether the engine remaps users ({@code --userns-remap})
 * @param rootless whether the engine runs without root
 */
public record EngineSecurity(boolean apparmor, boolean selinux, boolean seccomp, boolean userns,
    boolean rootless) {

  /** Parses {@code docker info}'s {@code SecurityOptions}. */
  public static EngineSecurity fromSecurityOptions(List<String> options) {
    Objects.requireNonNull(options, "security options must not be null");
    boolean apparmor = false;
    boolean selinux = false;
    boolean seccomp = false;
    boolean userns = false;
    boolean rootless = false;
    for (String option : options) {
      for (String part : option.split(",")) {
        String p = part.trim().toLowerCase(Locale.ROOT);
        // engines before 1.13 listed bare names ("apparmor"); later ones "name=apparmor"
        String name = p.startsWith("name=") ? p.substring(5) : p.contains("=") ? "" : p;
        switch (name) {
          case "apparmor": apparmor = true; break;
          case "selinux": selinux = true; break;
          case "seccomp": seccomp = true; break;
          case "userns": userns = true; break;
          case "rootless": rootless = true; break;
          default: break;
        }
      }
    }
    return new EngineSecurity(apparmor, selinux, seccomp, userns, rootless);
  }
}
