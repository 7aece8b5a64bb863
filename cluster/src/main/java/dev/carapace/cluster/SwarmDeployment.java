package dev.carapace.cluster;

import dev.carapace.core.RestartPolicy;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SpecAttribute;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How a {@link SecureContainerSpec} runs as a replicated Swarm service: its name, replicas, restart
 * condition and attempts, update parallelism, and the spec fields whose loss the caller accepts.
 *
 * <pre>{@code
 * SwarmDeployment web = SwarmDeployment.builder("web").replicas(3)
 *     .acceptLoss(SpecAttribute.NO_NEW_PRIVILEGES)     // API 1.41 has no per-service no-new-privileges
 *     .build();
 * }</pre>
 *
 * <p>Like {@code docker service create --name web --replicas 3 --restart-condition any
 * --update-parallelism 1}.
 */
public final class SwarmDeployment {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9-]{0,62}");

  /** When Swarm replaces a task whose container ended ({@code --restart-condition}). */
  public enum RestartCondition {
    /** Never. */
    NONE("none"),
    /** When it exits with a non-zero code. */
    ON_FAILURE("on-failure"),
    /** Whenever it ends. */
    ANY("any");

    private final String apiName;

    RestartCondition(String apiName) {
      this.apiName = apiName;
    }

    String apiName() {
      return apiName;
    }
  }

  private final Optional<String> name;
  private final int replicas;
  private final Optional<RestartCondition> restartCondition;
  private final OptionalInt restartAttempts;
  private final int updateParallelism;
  private final Set<SpecAttribute> acceptedLosses;

  private SwarmDeployment(Builder b) {
    this.name = Optional.ofNullable(b.name);
    this.replicas = b.replicas;
    this.restartCondition = Optional.ofNullable(b.restartCondition);
    this.restartAttempts = b.restartAttempts;
    this.updateParallelism = b.updateParallelism;
    this.acceptedLosses = Collections.unmodifiableSet(EnumSet.copyOf(b.acceptedLosses));
  }

  /** A deployment named {@code name} ({@code --name}). */
  public static Builder builder(String name) {
    return new Builder().name(name);
  }

  /** A deployment named after the spec's {@code name()}, which must then be set. */
  public static Builder builder() {
    return new Builder();
  }

  /** Configures a deployment. */
  public static final class Builder {
    private String name;
    private int replicas = 1;
    private RestartCondition restartCondition;
    private OptionalInt restartAttempts = OptionalInt.empty();
    private int updateParallelism = 1;
    private final Set<SpecAttribute> acceptedLosses = EnumSet.noneOf(SpecAttribute.class);

    private Builder() {}

    /**
     * The service's name ({@code --name}): letters, digits and dashes, at most 63. If unset, the spec's
     * {@code name()}.
     */
    public Builder name(String name) {
      Objects.requireNonNull(name, "service name");
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("service name must be 1 to 63 letters, digits and dashes, not"
            + " starting with a dash: " + (name.length() > 63 // never the whole of a huge value
            ? name.length() + " characters (" + name.substring(0, 20) + "...)" : name));
      }
      this.name = name;
      return this;
    }

    /** How many tasks run ({@code --replicas}). If unset, 1. */
    public Builder replicas(int replicas) {
      if (replicas < 0) {
        throw new IllegalArgumentException("replicas must not be negative: " + replicas);
      }
      this.replicas = replicas;
      return this;
    }

    /**
     * When Swarm replaces an ended task ({@code --restart-condition}). If unset, the spec's
     * {@code restartPolicy()} (no as {@code NONE}, on-failure as {@code ON_FAILURE}, always and
     * unless-stopped as {@code ANY}), else {@code ANY}, Swarm's own default. A spec with a restart policy
     * that says otherwise is refused at deploy.
     */
    public Builder restartCondition(RestartCondition condition) {
      this.restartCondition = Objects.requireNonNull(condition, "restart condition");
      return this;
    }

    /**
     * How many times Swarm replaces a task ({@code --restart-max-attempts}). If unset, the spec's
     * on-failure count, else no limit.
     */
    public Builder restartAttempts(int attempts) {
      if (attempts < 0) {
        throw new IllegalArgumentException("restart attempts must not be negative: " + attempts);
      }
      this.restartAttempts = OptionalInt.of(attempts);
      return this;
    }

    /** How many tasks are replaced at once on update ({@code --update-parallelism}). If unset, 1. */
    public Builder updateParallelism(int parallelism) {
      if (parallelism < 0) {
        throw new IllegalArgumentException("update parallelism must not be negative: " + parallelism);
      }
      this.updateParallelism = parallelism;
      return this;
    }

    /**
     * <b>Runs the service without the spec's {@code attribute}</b> when the engine cannot carry it
     * (such as {@link SpecAttribute#NO_NEW_PRIVILEGES} on API 1.41, or {@link SpecAttribute#CPUSET_CPUS}).
     * Without this call such a spec is refused before any call. Each accepted loss that applies is
     * logged as a warning at deploy and recorded in {@link SwarmDeployer#policyView}, where the policy
     * rule {@code accepted-loss} reports it.
     */
    public Builder acceptLoss(SpecAttribute attribute) {
      Objects.requireNonNull(attribute, "attribute");
      acceptedLosses.add(attribute);
      return this;
    }

    public SwarmDeployment build() {
      return new SwarmDeployment(this);
    }
  }

  /** The name set, if any; else the spec's. */
  public Optional<String> name() {
    return name;
  }

  public int replicas() {
    return replicas;
  }

  public Optional<RestartCondition> restartCondition() {
    return restartCondition;
  }

  public OptionalInt restartAttempts() {
    return restartAttempts;
  }

  public int updateParallelism() {
    return updateParallelism;
  }

  /** The spec attributes whose loss the caller accepted, in the spec's order. */
  public Set<SpecAttribute> acceptedLosses() {
    return acceptedLosses;
  }

  /** A copy with {@code replicas}. */
  SwarmDeployment withReplicas(int n) {
    Builder b = new Builder();
    b.name = name.orElse(null);
    b.replicas(n);
    b.restartCondition = restartCondition.orElse(null);
    b.restartAttempts = restartAttempts;
    b.updateParallelism = updateParallelism;
    b.acceptedLosses.addAll(acceptedLosses);
    return b.build();
  }

  String serviceName(SecureContainerSpec spec) {
    return name.or(() -> spec.name().filter(n -> NAME.matcher(n).matches())).orElseThrow(() ->
        new IllegalArgumentException("service name must be set: name it with SwarmDeployment.builder(\"NAME\")"
            + (spec.name().isPresent() ? " (the spec's name is not a service name: " + spec.name().get() + ")"
                : " or the spec's name(..)")));
  }

  /** The condition sent, checked against the spec's restart policy. */
  RestartCondition restartCondition(SecureContainerSpec spec) {
    Optional<RestartCondition> fromSpec = spec.restartPolicy().map(SwarmDeployment::conditionOf);
    if (restartCondition.isPresent() && fromSpec.isPresent() && restartCondition.get() != fromSpec.get()) {
      throw new IllegalArgumentException("restartCondition must agree with the spec's restartPolicy: "
          + restartCondition.get() + " (the spec's " + spec.restartPolicy().get() + " is " + fromSpec.get() + ")");
    }
    return restartCondition.or(() -> fromSpec).orElse(RestartCondition.ANY);
  }

  OptionalInt restartAttempts(SecureContainerSpec spec) {
    if (restartAttempts.isPresent()) {
      return restartAttempts;
    }
    return spec.restartPolicy().filter(r -> r.kind() == RestartPolicy.Kind.ON_FAILURE && r.maxRetries() > 0)
        .map(r -> OptionalInt.of(r.maxRetries())).orElse(OptionalInt.empty());
  }

  private static RestartCondition conditionOf(RestartPolicy r) {
    switch (r.kind()) {
      case NO:
        return RestartCondition.NONE;
      case ON_FAILURE:
        return RestartCondition.ON_FAILURE;
      default:
        return RestartCondition.ANY;
    }
  }

  @Override
  public String toString() {
    return "SwarmDeployment{name=" + name.orElse("(the spec's)") + ", replicas=" + replicas + ", restartCondition="
        + restartCondition.map(Enum::name).orElse("(the spec's, else ANY)") + ", updateParallelism="
        + updateParallelism + ", acceptedLosses=" + acceptedLosses + "}";
  }
}
