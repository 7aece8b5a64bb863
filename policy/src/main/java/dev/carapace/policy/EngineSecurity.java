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
 */
public final class EngineSecurity {
  private final boolean apparmor;
  private final boolean selinux;
  private final boolean seccomp;
  private final boolean userns;
  private final boolean rootless;

  EngineSecurity(boolean apparmor, boolean selinux, boolean seccomp, boolean userns, boolean rootless) {
    this.apparmor = apparmor;
    this.selinux = selinux;
    this.seccomp = seccomp;
    this.userns = userns;
    this.rootless = rootless;
  }

  /** Whether the host runs AppArmor and the engine applies profiles. */
  public boolean apparmor() {
    return apparmor;
  }

  /** Whether the engine runs with {@code --selinux-enabled}. */
  public boolean selinux() {
    return selinux;
  }

  /** Whether the engine applies seccomp filters. */
  public boolean seccomp() {
    return seccomp;
  }

  /** Whether the engine remaps users ({@code --userns-remap}). */
  public boolean userns() {
    return userns;
  }

  /** Whether the engine runs without root. */
  public boolean rootless() {
    return rootless;
  }

  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (!(o instanceof EngineSecurity)) {
      return false;
    }
    EngineSecurity that = (EngineSecurity) o;
    return apparmor == that.apparmor && selinux == that.selinux && seccomp == that.seccomp
        && userns == that.userns && rootless == that.rootless;
  }

  @Override
  public int hashCode() {
    return Objects.hash(apparmor, selinux, seccomp, userns, rootless);
  }

  /** {@code EngineSecurity[apparmor=..., selinux=..., ...]}, as a record shows itself. */
  @Override
  public String toString() {
    return "EngineSecurity[apparmor=" + apparmor + ", selinux=" + selinux + ", seccomp=" + seccomp
        + ", userns=" + userns + ", rootless=" + rootless + "]";
  }

  /**
   * Reads {@code docker info}'s {@code SecurityOptions}: {@code name=seccomp,profile=default},
   * {@code name=apparmor}..., or the bare names of engines before 1.13.
   */
  public static EngineSecurity parse(List<String> options) {
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
