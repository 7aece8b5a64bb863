package dev.carapace.core;

import java.util.Objects;
import java.util.EnumSet;
import java.util.Set;

/**
 * What the kernel enforces on a process, read from its {@code /proc/<pid>/status}: the effective,
 * permitted and bounding capability sets, {@code NoNewPrivs} and the seccomp mode. Used to show, from
 * inside a container, that the hardening asked for is real.
 *
 * <pre>{@code
 * ProcStatus s = ProcStatus.parse(launcher.run(spec.toBuilder().command("cat", "/proc/self/status")
 *     .build(), Duration.ofSeconds(10)).stdout());
 * s.effective();          // [] with the default spec
 * }</pre>
 */
public final class ProcStatus {
  private final Set<Capability> effective;
  private final Set<Capability> permitted;
  private final Set<Capability> bounding;
  private final long effectiveMask;
  private final boolean noNewPrivs;
  private final int seccompMode;
  private final int uid;

  ProcStatus(Set<Capability> effective, Set<Capability> permitted, Set<Capability> bounding,
      long effectiveMask, boolean noNewPrivs, int seccompMode, int uid) {
    this.effective = effective;
    this.permitted = permitted;
    this.bounding = bounding;
    this.effectiveMask = effectiveMask;
    this.noNewPrivs = noNewPrivs;
    this.seccompMode = seccompMode;
    this.uid = uid;
  }

  /** {@code CapEff}. */
  public Set<Capability> effective() {
    return effective;
  }

  /** {@code CapPrm}. */
  public Set<Capability> permitted() {
    return permitted;
  }

  /** {@code CapBnd}. */
  public Set<Capability> bounding() {
    return bounding;
  }

  /** {@code CapEff} as the kernel printed it, a 64-bit mask. */
  public long effectiveMask() {
    return effectiveMask;
  }

  /** {@code NoNewPrivs: 1}. */
  public boolean noNewPrivs() {
    return noNewPrivs;
  }

  /** {@code Seccomp}: 0 none, 1 strict, 2 filter. */
  public int seccompMode() {
    return seccompMode;
  }

  /** The real uid. */
  public int uid() {
    return uid;
  }

  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (!(o instanceof ProcStatus)) {
      return false;
    }
    ProcStatus that = (ProcStatus) o;
    return Objects.equals(effective, that.effective)
        && Objects.equals(permitted, that.permitted)
        && Objects.equals(bounding, that.bounding) && effectiveMask == that.effectiveMask
        && noNewPrivs == that.noNewPrivs && seccompMode == that.seccompMode && uid == that.uid;
  }

  @Override
  public int hashCode() {
    return Objects.hash(effective, permitted, bounding, effectiveMask, noNewPrivs, seccompMode,
        uid);
  }

  /** {@code ProcStatus[effective=..., permitted=..., ...]}, as a record shows itself. */
  @Override
  public String toString() {
    return "ProcStatus[effective=" + effective + ", permitted=" + permitted + ", bounding=" + bounding
        + ", effectiveMask=" + effectiveMask + ", noNewPrivs=" + noNewPrivs
        + ", seccompMode=" + seccompMode + ", uid=" + uid + "]";
  }

  /** Parses the text of {@code /proc/self/status}. */
  public static ProcStatus parse(String status) {
    Objects.requireNonNull(status, "proc status must not be null");
    long eff = -1;
    long prm = -1;
    long bnd = -1;
    boolean nnp = false;
    int seccomp = -1;
    int uid = -1;
    for (String line : status.split("\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String key = line.substring(0, colon);
      String value = line.substring(colon + 1).trim();
      switch (key) {
        case "CapEff": eff = Long.parseUnsignedLong(value, 16); break;
        case "CapPrm": prm = Long.parseUnsignedLong(value, 16); break;
        case "CapBnd": bnd = Long.parseUnsignedLong(value, 16); break;
        case "NoNewPrivs": nnp = value.equals("1"); break;
        case "Seccomp": seccomp = Integer.parseInt(value); break;
        case "Uid": uid = Integer.parseInt(value.split("\\s+")[0]); break;
        default: break;
      }
    }
    if (eff == -1 || bnd == -1) {
      throw new IllegalArgumentException("proc status must have CapEff and CapBnd lines: "
          + (status.length() > 80 ? status.substring(0, 80) + "..." : status));
    }
    return new ProcStatus(Capability.fromMask(eff), prm == -1 ? EnumSet.noneOf(Capability.class)
        : Capability.fromMask(prm), Capability.fromMask(bnd), eff, nnp, seccomp, uid);
  }

  /** {@code CapEff} as 16 hex digits, as the kernel prints it. */
  public String effectiveHex() {
    return String.format("%016x", effectiveMask);
  }
}
