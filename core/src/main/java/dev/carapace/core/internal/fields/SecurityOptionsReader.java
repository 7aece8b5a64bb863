package dev.carapace.core.internal.fields;

import dev.carapace.core.Seccomp;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SecurityOptions;
import dev.carapace.core.SelinuxLabel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Reads {@code --security-opt} values into a spec, strictly, on {@link SecurityOptions}' grammar: no-new-privileges,
 * seccomp, apparmor and the SELinux label parts. Shared by the {@code docker run} parser and the reader of
 * Testcontainers' create requests, which differ only in what a seccomp value names (a file on the command line,
 * inline JSON in the API).
 */
public final class SecurityOptionsReader {
  private SecurityOptionsReader() {}

  /**
   * Applies {@code opts} to {@code b}, but for no-new-privileges, which a builder only loosens: the
   * caller calls {@code allowPrivilegeEscalation()} when this returns {@code false}.
   *
   * @param attribute how errors name the source: {@code --security-opt}, {@code securityOpt}
   * @param seccomp turns a value after {@code seccomp=} (other than unconfined and builtin) into a profile
   * @return whether the options ask for no-new-privileges (the last one that names it wins)
   * @throws IllegalArgumentException {@code <attribute> <rule>: <value>} for the first bad option
   */
  public static boolean apply(String attribute, List<String> opts, SecureContainerSpec.Builder b,
      Function<String, Seccomp> seccomp) {
    List<String> labels = new ArrayList<>();
    boolean noNewPrivileges = false;
    for (SecurityOptions.Option opt : SecurityOptions.parse(opts).parsed()) {
      String key = opt.key();
      String value = opt.value().orElse(null);
      if (value == null && !key.equals("no-new-privileges")) {
        throw new IllegalArgumentException(attribute + " must be KEY=VALUE or no-new-privileges: " + opt.text());
      }
      switch (key) {
        case "no-new-privileges":
          noNewPrivileges = Boolean.parseBoolean(GoBooleans.canonical(attribute + " no-new-privileges", value));
          break;
        case "seccomp":
          b.seccomp(value.equals("unconfined") ? Seccomp.unconfined()
              : value.equals("builtin") ? Seccomp.engineDefault() : seccomp.apply(value));
          break;
        case "apparmor":
          b.apparmorProfile(value);
          break;
        case "label":
          labels.add("label=" + value);
          break;
        default:
          throw new IllegalArgumentException(attribute + " option is not supported: " + key
              + " (Carapace models no-new-privileges, seccomp, apparmor and label)");
      }
    }
    if (!labels.isEmpty()) {
      try {
        b.selinuxLabel(SelinuxLabel.parse(labels.toArray(new String[0])));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(attribute + ": " + e.getMessage(), e);
      }
    }
    return noNewPrivileges;
  }
}
