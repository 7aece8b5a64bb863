package dev.carapace.policy;

import dev.carapace.core.Seccomp;
import dev.carapace.policy.internal.SyscallTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A seccomp profile in Docker's JSON format that allows exactly the system calls a workload was
 * recorded making ({@link SyscallRecording#profile()}) and refuses every other one with {@code EPERM}
 * ({@code defaultAction: SCMP_ACT_ERRNO}), for the recording's architecture only (32-bit calls of a
 * 64-bit container are refused as well).
 *
 * <pre>{@code
 * RecordedSeccompProfile p = recording.profile();
 * p.dockerDefaultAllowed().size();   // 373: what Docker's default allows on x86_64
 * p.syscalls().size();               // 52
 * Seccomp s = p.writeTo(Path.of("/etc/carapace/seccomp/web.json"));   // --security-opt seccomp=<file>
 * spec.toBuilder().seccomp(s).build();
 * }</pre>
 *
 * <p>Written to a file ({@link #writeTo}), it goes everywhere a profile file goes: the launcher sends
 * it inline, the {@code docker run} renderer names the file, a Kubernetes manifest refers to it as a
 * {@code Localhost} profile by the file's name (the file must then be in the kubelet's seccomp
 * directory on every node), a Swarm service on API 1.44+ carries it inline. {@link #seccomp()} gives
 * the inline form, which a Kubernetes manifest refuses.
 */
public final class RecordedSeccompProfile {
  private final String architecture;
  private final SortedSet<String> syscalls;

  private RecordedSeccompProfile(String architecture, Set<String> syscalls) {
    this.architecture = architecture;
    this.syscalls = Collections.unmodifiableSortedSet(new TreeSet<>(syscalls));
  }

  /**
   * A profile allowing {@code syscalls} on {@code architecture}.
   *
   * @throws IllegalArgumentException naming the architecture when there is no table for it, or the
   *     first name the architecture does not have
   */
  public static RecordedSeccompProfile of(String architecture, Set<String> syscalls) {
    Objects.requireNonNull(architecture, "architecture must not be null");
    Objects.requireNonNull(syscalls, "syscalls must not be null");
    if (!SyscallTable.knows(architecture)) {
      throw new IllegalArgumentException("architecture must be x86_64 or aarch64: " + quoted(architecture));
    }
    Set<String> known = SyscallTable.names(architecture);
    for (String s : syscalls) {
      if (!known.contains(s)) {
        throw new IllegalArgumentException("syscalls must be names of " + architecture + " system calls: "
            + quoted(s));
      }
    }
    return new RecordedSeccompProfile(architecture, syscalls);
  }

  private static String quoted(String s) {
    StringBuilder sb = new StringBuilder("\"");
    s.codePoints().limit(64).forEach(c -> {
      if (c == '"' || c == '\\') {
        sb.append('\\').appendCodePoint(c);
      } else if (c < 0x20 || c == 0x7f) {
        sb.append(String.format("\\u%04x", c));
      } else {
        sb.appendCodePoint(c);
      }
    });
    return sb.append(s.length() > 64 ? "...\"" : "\"").toString();
  }

  /** The architecture ({@code x86_64}, {@code aarch64}). */
  public String architecture() {
    return architecture;
  }

  /** The allowed names, sorted. */
  public SortedSet<String> syscalls() {
    return syscalls;
  }

  /** The libseccomp name of the architecture, as the profile's {@code architectures} lists it. */
  String scmpArchitecture() {
    return architecture.equals("x86_64") ? "SCMP_ARCH_X86_64" : "SCMP_ARCH_AARCH64";
  }

  /**
   * The profile in Docker's format, stable (sorted names, one line per name):
   * <pre>
   * {
   *   "defaultAction": "SCMP_ACT_ERRNO",
   *   "defaultErrnoRet": 1,
   *   "architectures": ["SCMP_ARCH_X86_64"],
   *   "syscalls": [{"action": "SCMP_ACT_ALLOW", "names": [
   *     "arch_prctl",
   *     ...
   *   ]}]
   * }
   * </pre>
   */
  public String json() {
    StringBuilder sb = new StringBuilder("{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n  \"defaultErrnoRet\": 1,\n")
        .append("  \"architectures\": [\"").append(scmpArchitecture()).append("\"],\n")
        .append("  \"syscalls\": [{\"action\": \"SCMP_ACT_ALLOW\", \"names\": [");
    String sep = "\n";
    for (String s : syscalls) {
      sb.append(sep).append("    \"").append(s).append('"');
      sep = ",\n";
    }
    return sb.append("\n  ]}]\n}\n").toString();
  }

  /** The profile as an inline {@link Seccomp} value, for a launch or a Swarm service. */
  public Seccomp seccomp() {
    return Seccomp.profileJson(json());
  }

  /**
   * Writes {@link #json()} to {@code file} (replacing it) and returns it as {@link Seccomp#profile(Path)}
   * reads it back, so that a {@code docker run} line and a Kubernetes {@code Localhost} profile name the file.
   */
  public Seccomp writeTo(Path file) throws IOException {
    Objects.requireNonNull(file, "file must not be null");
    Files.write(file, json().getBytes(StandardCharsets.UTF_8));
    return Seccomp.profile(file);
  }

  /**
   * What Docker's default profile ({@value SyscallTable#DOCKER_PROFILE_VERSION}, the names of every
   * allow rule, some conditional on a capability or an argument) allows on this architecture.
   */
  public SortedSet<String> dockerDefaultAllowed() {
    TreeSet<String> out = new TreeSet<>(SyscallTable.DOCKER_DEFAULT_ALLOWED);
    out.retainAll(SyscallTable.names(architecture));
    return Collections.unmodifiableSortedSet(out);
  }

  /** Names Docker's default allows and this profile refuses. */
  public SortedSet<String> removedFromDockerDefault() {
    TreeSet<String> out = new TreeSet<>(dockerDefaultAllowed());
    out.removeAll(syscalls);
    return Collections.unmodifiableSortedSet(out);
  }

  /** Names this profile allows and Docker's default does not (usually none; each is worth a look). */
  public SortedSet<String> addedToDockerDefault() {
    TreeSet<String> out = new TreeSet<>(syscalls);
    out.removeAll(dockerDefaultAllowed());
    return Collections.unmodifiableSortedSet(out);
  }

  /**
   * {@code 52 system calls on x86_64; Docker's default (v20.10.24) allows 373: 321 removed, 0 added}.
   */
  public String diffSummary() {
    return syscalls.size() + " system calls on " + architecture + "; Docker's default ("
        + SyscallTable.DOCKER_PROFILE_VERSION + ") allows " + dockerDefaultAllowed().size() + ": "
        + removedFromDockerDefault().size() + " removed, " + addedToDockerDefault().size() + " added"
        + (addedToDockerDefault().isEmpty() ? "" : " " + addedToDockerDefault());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RecordedSeccompProfile && ((RecordedSeccompProfile) o).architecture.equals(architecture)
        && ((RecordedSeccompProfile) o).syscalls.equals(syscalls);
  }

  @Override
  public int hashCode() {
    return Objects.hash(architecture, syscalls);
  }

  /** The same as {@link #diffSummary()}. */
  @Override
  public String toString() {
    return diffSummary();
  }
}
