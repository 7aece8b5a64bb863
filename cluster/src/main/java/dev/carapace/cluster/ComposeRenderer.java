package dev.carapace.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.carapace.core.Seccomp;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SpecAttribute;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Specs written as a Compose file, one service each, with every setting explicit: the hardened defaults a
 * spec holds ({@code cap_drop: [ALL]}, {@code security_opt: [no-new-privileges]}, {@code network_mode: none},
 * {@code pids_limit}, {@code read_only}) are written, not left to Compose's defaults, so that
 * {@code docker compose up} runs what Carapace would run, and {@link ComposeReader} reads the file back as the
 * same specs. The file has no {@code version} key (the Compose specification, which docker-compose 1.27+ and
 * Compose v2 read); {@code docker-compose config -q} accepts it (an IT runs Debian's docker-compose 1.29.2).
 * {@link ComposeField} says how each field is written.
 *
 * <pre>{@code
 * String yaml = ComposeRenderer.builder()
 *     .addService("web", webSpec)
 *     .addService("worker", workerSpec)
 *     .build()
 *     .yaml();
 * }</pre>
 *
 * <p>A field Compose cannot carry (a seccomp profile given as JSON text, which Compose cannot name) is refused
 * with {@link UncarriableSpecException} unless accepted by name with {@link Builder#acceptLoss}; an accepted
 * loss is left out of the file and logged as a warning.
 */
public final class ComposeRenderer {
  private static final Logger LOG = LoggerFactory.getLogger(ComposeRenderer.class);
  private static final String TARGET = "compose";
  /** Compose's service names. */
  private static final Pattern SERVICE_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._-]*");

  private final Map<String, SecureContainerSpec> services;
  private final Set<SpecAttribute> accepted;

  private ComposeRenderer(Map<String, SecureContainerSpec> services, Set<SpecAttribute> accepted) {
    this.services = services;
    this.accepted = accepted;
  }

  /** A builder with no service yet. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@code spec} as a Compose file of one service, named after {@code spec.name()} or {@code app}.
   *
   * @throws UncarriableSpecException when a field cannot be carried
   */
  public static String render(SecureContainerSpec spec) {
    return builder().addService(spec.name().filter(n -> SERVICE_NAME.matcher(n).matches()).orElse("app"), spec)
        .build().yaml();
  }

  /** Collects the services and the losses accepted by name. */
  public static final class Builder {
    private final Map<String, SecureContainerSpec> services = new LinkedHashMap<>();
    private final Set<SpecAttribute> accepted = EnumSet.noneOf(SpecAttribute.class);

    private Builder() {}

    /**
     * Adds service {@code name} running {@code spec}.
     *
     * @throws IllegalArgumentException when the name is not a Compose service name ({@code [a-zA-Z0-9][a-zA-Z0-9._-]*})
     *     or is already used
     */
    public Builder addService(String name, SecureContainerSpec spec) {
      Objects.requireNonNull(name, "service name");
      Objects.requireNonNull(spec, "spec");
      if (!SERVICE_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("compose service name must match [a-zA-Z0-9][a-zA-Z0-9._-]*: "
            + ComposeValues.quote(name));
      }
      if (services.putIfAbsent(name, spec) != null) {
        throw new IllegalArgumentException("compose service name must be unique: " + name + " is added twice");
      }
      return this;
    }

    /** Accepts that {@code attributes} are left out where Compose cannot carry them (logged as a warning). */
    public Builder acceptLoss(SpecAttribute... attributes) {
      for (SpecAttribute a : attributes) {
        accepted.add(Objects.requireNonNull(a, "accepted loss"));
      }
      return this;
    }

    /**
     * The renderer.
     *
     * @throws IllegalStateException when no service was added
     */
    public ComposeRenderer build() {
      if (services.isEmpty()) {
        throw new IllegalStateException("compose file needs at least one service: none added");
      }
      return new ComposeRenderer(Collections.unmodifiableMap(new LinkedHashMap<>(services)),
          Collections.unmodifiableSet(EnumSet.copyOf(accepted.isEmpty() ? EnumSet.noneOf(SpecAttribute.class)
              : accepted)));
    }
  }

  /** Every field of every service that Compose cannot carry, accepted or not, service by service. */
  public List<Loss> losses() {
    List<Loss> out = new ArrayList<>();
    services.forEach((name, spec) -> {
      for (ComposeField f : ComposeField.values()) {
        String reason = f.loss(spec);
        if (reason != null) {
          out.add(new Loss(f.attribute(), TARGET + " service " + name, reason));
        }
      }
    });
    return out;
  }

  /**
   * The Compose file.
   *
   * @throws UncarriableSpecException listing every loss not accepted, before anything is written
   */
  public String yaml() {
    List<Loss> refused = new ArrayList<>();
    List<Loss> lost = losses();
    for (Loss l : lost) {
      if (!accepted.contains(l.attribute())) {
        refused.add(l);
      }
    }
    if (!refused.isEmpty()) {
      throw new UncarriableSpecException(TARGET, refused);
    }
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ObjectNode serviceNodes = root.putObject("services");
    ObjectNode networks = JsonNodeFactory.instance.objectNode();
    ObjectNode volumes = JsonNodeFactory.instance.objectNode();
    services.forEach((name, spec) -> {
      SecureContainerSpec written = spec;
      Set<SpecAttribute> skipped = EnumSet.noneOf(SpecAttribute.class);
      for (Loss l : lost) {
        if (l.target().equals(TARGET + " service " + name)) {
          skipped.add(l.attribute());
          LOG.warn("compose service {}: {} is not carried, a loss accepted by acceptLoss(SpecAttribute.{}): {}",
              name, l.attribute(), l.attribute().name(), l.reason());
          if (l.attribute() == SpecAttribute.SECCOMP) {
            written = written.toBuilder().seccomp(Seccomp.engineDefault()).build();
          } else if (l.attribute() == SpecAttribute.ULIMITS) {
            written = written.toBuilder().ulimits(written.ulimits().stream()
                .filter(u -> !ComposeField.unlimitedHardOnly(u)).toList()).build();
          } else if (l.attribute() == SpecAttribute.ADDITIONAL_NETWORKS) {
            written = written.toBuilder().additionalNetworks(List.of()).build();
          }
        }
      }
      ComposeField.Writer w = new ComposeField.Writer(serviceNodes.putObject(name), networks, volumes);
      for (ComposeField f : ComposeField.values()) {
        if (f.attribute() == SpecAttribute.NANO_CPUS && skipped.contains(SpecAttribute.NANO_CPUS)) {
          continue; // the builder cannot unset it: the row is not written
        }
        f.write(written, w);
      }
    });
    if (!networks.isEmpty()) {
      root.set("networks", networks);
    }
    if (!volumes.isEmpty()) {
      root.set("volumes", volumes);
    }
    try {
      return YamlWriter.MAPPER.writeValueAsString(root); // a tree: every value written, even ""
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("compose file did not serialise: " + e.getOriginalMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "ComposeRenderer{" + services.keySet() + ", accepting losses " + accepted + "}";
  }
}
