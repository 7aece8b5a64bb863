package dev.carapace.cluster;

import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SpecAttribute;
import dev.carapace.policy.SourceLocation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One service of a Compose file: its name, the spec docker-compose would run, and where each field was written,
 * so that a finding about the spec can point at the line.
 */
public final class ComposeService {
  private final String name;
  private final SourceLocation location;
  private final SecureContainerSpec spec;
  private final Map<SpecAttribute, SourceLocation> locations;
  private final Map<SpecAttribute, List<SourceLocation>> items;
  private final Map<String, SourceLocation> keys;
  private final List<ComposeRefusal> refusals;

  ComposeService(String name, SourceLocation location, SecureContainerSpec spec,
      Map<SpecAttribute, SourceLocation> locations, Map<SpecAttribute, List<SourceLocation>> items,
      Map<String, SourceLocation> keys, List<ComposeRefusal> refusals) {
    this.name = name;
    this.location = location;
    this.spec = spec;
    this.locations = Collections.unmodifiableMap(new EnumMap<>(locations.isEmpty()
        ? new EnumMap<>(SpecAttribute.class) : locations));
    Map<SpecAttribute, List<SourceLocation>> copy = new EnumMap<>(SpecAttribute.class);
    items.forEach((a, l) -> copy.put(a, List.copyOf(l)));
    this.items = Collections.unmodifiableMap(copy);
    this.keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
    this.refusals = List.copyOf(new ArrayList<>(refusals));
  }

  /** The service's key under {@code services:}. */
  public String name() {
    return name;
  }

  /** Where the service's key is (the file is {@link ComposeFile#fileName()}). */
  public SourceLocation location() {
    return location;
  }

  /**
   * The spec docker-compose would run: Docker's defaults where the file is silent, as
   * {@code DockerRunCommand.parse} reads a line without the flag.
   */
  public SecureContainerSpec spec() {
    return spec;
  }

  /**
   * Where {@code attribute} was written: the key of the service field that set it ({@code pids_limit},
   * {@code deploy.resources.limits.memory}...); empty when the file is silent on it (point at
   * {@link #location()} then).
   */
  public Optional<SourceLocation> location(SpecAttribute attribute) {
    return Optional.ofNullable(locations.get(attribute));
  }

  /** {@link #location(SpecAttribute)} of every attribute the file sets. */
  public Map<SpecAttribute, SourceLocation> locations() {
    return locations;
  }

  /**
   * Where each item of a list attribute was written, in the file's order: for {@link SpecAttribute#PORTS} the
   * n-th is {@code spec().ports().get(n)}'s; for {@link SpecAttribute#MOUNTS} {@code volumes} items, then
   * {@code tmpfs} items, in the order the keys are written. Empty for other attributes.
   */
  public List<SourceLocation> itemLocations(SpecAttribute attribute) {
    return items.getOrDefault(attribute, List.of());
  }

  /** Where service key {@code key} is ({@code privileged}, {@code ports}), whether it was read or refused. */
  public Optional<SourceLocation> keyLocation(String key) {
    return Optional.ofNullable(keys.get(key));
  }

  /** What was refused in this service (lenient reading). */
  public List<ComposeRefusal> refusals() {
    return refusals;
  }

  @Override
  public String toString() {
    return "ComposeService[" + name + " at " + location + "]";
  }
}
