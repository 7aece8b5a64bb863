package dev.carapace.policy;

import dev.carapace.core.Capability;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A {@code --cap-add} or {@code --cap-drop} list as a rule sees it: {@code ALL}, the Linux capabilities
 * it names, and the names that are no {@link Capability} Carapace knows (a newer kernel's, or a typo an
 * engine recorded), kept so that a rule still judges them.
 *
 * <pre>{@code
 * CapabilitiesView added = CapabilitiesView.parse(List.of("cap_net_admin", "CAP_NEWCAP"));
 * added.named();     // [NET_ADMIN]
 * added.unknown();   // [CAP_NEWCAP]
 * }</pre>
 *
 * @param all whether the list names {@code ALL} (or {@code CAP_ALL}), in any case
 * @param named the capabilities named, in any spelling {@link Capability#parse(String)} reads
 * @param unknown the other names, as written (trimmed), in order
 */
public record CapabilitiesView(boolean all, Set<Capability> named, List<String> unknown) {
  private static final CapabilitiesView NONE = new CapabilitiesView(false, Set.of(), List.of());

  public CapabilitiesView {
    Objects.requireNonNull(named, "named capabilities");
    Objects.requireNonNull(unknown, "unknown capabilities");
    named = Collections.unmodifiableSet(named.isEmpty() ? EnumSet.noneOf(Capability.class) : EnumSet.copyOf(named));
    unknown = List.copyOf(unknown);
  }

  /** No capability: the flag not given. */
  public static CapabilitiesView none() {
    return NONE;
  }

  /** {@code ALL}: {@code --cap-drop ALL}. */
  public static CapabilitiesView allCapabilities() {
    return new CapabilitiesView(true, Set.of(), List.of());
  }

  /** The given capabilities. */
  public static CapabilitiesView of(Set<Capability> capabilities) {
    return new CapabilitiesView(false, capabilities, List.of());
  }

  /**
   * Reads names as an engine records them ({@code HostConfig.CapAdd}): {@code ALL}, {@code NET_ADMIN},
   * {@code CAP_NET_ADMIN}, {@code net_admin}; an unknown name is kept in {@link #unknown()}.
   */
  public static CapabilitiesView parse(List<String> names) {
    Objects.requireNonNull(names, "capability names must not be null");
    boolean all = false;
    EnumSet<Capability> named = EnumSet.noneOf(Capability.class);
    List<String> unknown = new ArrayList<>();
    for (String name : names) {
      String t = Objects.requireNonNull(name, "capability names must not contain null").trim();
      if (t.equalsIgnoreCase("ALL") || t.equalsIgnoreCase("CAP_ALL")) {
        all = true;
        continue;
      }
      try {
        named.add(Capability.parse(t));
      } catch (IllegalArgumentException e) {
        unknown.add(t);
      }
    }
    return new CapabilitiesView(all, named, unknown);
  }

  /** Whether the list is empty: nothing named, not even {@code ALL}. */
  public boolean isEmpty() {
    return !all && named.isEmpty() && unknown.isEmpty();
  }

  /** The names, {@code ALL} first, then the capabilities in kernel order, then the unknown names. */
  public List<String> names() {
    List<String> out = new ArrayList<>();
    if (all) {
      out.add("ALL");
    }
    named.forEach(c -> out.add(c.name()));
    out.addAll(unknown);
    return out;
  }

  /** {@link #names()} as a list: {@code [ALL]}, {@code [NET_RAW]}, {@code []}. */
  @Override
  public String toString() {
    return names().toString();
  }
}
