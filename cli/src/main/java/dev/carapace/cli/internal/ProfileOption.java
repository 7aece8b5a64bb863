package dev.carapace.cli.internal;

import dev.carapace.policy.Policy;
import dev.carapace.policy.Profiles;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** The profiles a judging subcommand's {@code --profile} names, and the usage error for any other name. */
public final class ProfileOption {
  /** The profiles by their option value, in the order help lists them. */
  public static final Map<String, Supplier<Policy>> PROFILES = new LinkedHashMap<>();

  static {
    PROFILES.put("carapace-default", Profiles::carapaceDefault);
    PROFILES.put("cis-docker", Profiles::cisDocker);
    PROFILES.put("pss-restricted", Profiles::podSecurityRestricted);
    PROFILES.put("pss-baseline", Profiles::podSecurityBaseline);
  }

  private ProfileOption() {}

  /**
   * The policy {@code --profile NAME} names.
   *
   * @throws CommandLine.ParameterException (exit 2) for any other name
   */
  public static Policy policy(CommandSpec spec, String name) {
    Supplier<Policy> policy = PROFILES.get(name);
    if (policy == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--profile must be one of "
          + String.join(", ", PROFILES.keySet()) + ": '" + Cli.oneLine(name) + "'");
    }
    return policy.get();
  }
}
