package dev.carapace.cluster;

import dev.carapace.cluster.ComposeYaml.Entry;
import dev.carapace.cluster.ComposeYaml.MapValue;
import dev.carapace.cluster.ComposeYaml.Scalar;
import dev.carapace.cluster.ComposeYaml.SeqValue;
import dev.carapace.cluster.ComposeYaml.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code extends} within one file ({@code extends: base} or {@code extends: {service: base}}): a service's keys
 * over those of the service it extends, merged where docker-compose 1.29 and Compose v2 merge them alike. Each key
 * keeps the place it was written, so a finding about an inherited key points at the base service's line.
 *
 * <ul>
 *   <li>a key set by one of the two is taken as written; a scalar set by both, {@code command} and
 *       {@code entrypoint}: the extending service's;
 *   <li>{@code environment}, {@code labels}, {@code sysctls} set by both: merged by name, the extending service's
 *       value winning (both written as mappings, or both as lists);
 *   <li>{@code cap_add}, {@code cap_drop}, {@code security_opt} set by both: both lists;
 *   <li>any other key set by both (ports, volumes, healthcheck, logging, deploy, dns, env_file, tmpfs...) is
 *       refused on the extending service's key, as the two readers merge it differently.
 * </ul>
 *
 * <p>Refused: {@code extends: {file: ...}} (a finding must stay on the linted file's lines), a service that is not
 * in the file, a loop, a chain longer than {@link #MAX_CHAIN}.
 */
final class ComposeExtends {
  /** The longest chain of services extending one another. */
  static final int MAX_CHAIN = 32;

  private static final Set<String> MAPPINGS = Set.of("environment", "labels", "sysctls");
  private static final Set<String> LISTS = Set.of("cap_add", "cap_drop", "security_opt");
  private static final Set<String> REPLACED = Set.of("command", "entrypoint");
  /** Merged as lists by docker-compose 1.29 even when written as one string. */
  private static final Set<String> CONCATENATED = Set.of("dns", "dns_search", "env_file", "tmpfs");

  private final ComposeServiceReader.Context cx;
  private final Map<String, Entry> services;
  private final List<ComposeRefusal> refusals = new ArrayList<>();
  /** Key to the service it was taken from, for keys not written in the service being resolved. */
  private final Map<String, String> origin = new LinkedHashMap<>();

  private final String top;

  private ComposeExtends(ComposeServiceReader.Context cx, Map<String, Entry> services, String top) {
    this.cx = cx;
    this.services = services;
    this.top = top;
  }

  /**
   * What resolving one service gave: the service to read, what was refused on the way, and the service each key
   * taken from another was written in.
   */
  static final class Resolved {
    final Entry service;
    final List<ComposeRefusal> refusals;
    final Map<String, String> origin;

    Resolved(Entry service, List<ComposeRefusal> refusals, Map<String, String> origin) {
      this.service = service;
      this.refusals = refusals;
      this.origin = origin;
    }
  }

  /**
   * {@code service} with its {@code extends} followed and removed; when it cannot be followed, the service without
   * it, and a refusal on its {@code extends} key.
   */
  static Resolved resolve(ComposeServiceReader.Context cx, Map<String, Entry> services, Entry service) {
    if (!(service.value instanceof MapValue) || !((MapValue) service.value).entries.containsKey("extends")) {
      return new Resolved(service, List.of(), Map.of());
    }
    ComposeExtends x = new ComposeExtends(cx, services, service.key);
    MapValue own = (MapValue) service.value;
    Entry extendsKey = own.entries.get("extends");
    try {
      List<String> chain = new ArrayList<>(List.of(service.key));
      return new Resolved(new Entry(service, x.merged(service, chain)), x.refusals, x.origin);
    } catch (IllegalArgumentException e) {
      MapValue without = new MapValue(own);
      own.entries.forEach((k, v) -> {
        if (!k.equals("extends")) {
          without.entries.put(k, v);
        }
      });
      List<ComposeRefusal> refused = List.of(cx.refusal(extendsKey.line, extendsKey.column, "services." + service.key
          + ".extends", service.key, e.getMessage()));
      return new Resolved(new Entry(service, without), refused, Map.of());
    }
  }

  /** The keys of {@code service} over those of the services it extends, {@code chain} the services seen. */
  private MapValue merged(Entry service, List<String> chain) {
    MapValue own = (MapValue) service.value;
    Entry extendsKey = own.entries.get("extends");
    if (extendsKey == null) {
      return own;
    }
    String base = baseName(extendsKey);
    if (chain.contains(base)) {
      throw new IllegalArgumentException("extends must not loop: " + String.join(" -> ", chain) + " -> " + base);
    }
    if (chain.size() >= MAX_CHAIN) {
      throw new IllegalArgumentException("extends must chain at most " + MAX_CHAIN + " services: "
          + chain.get(0) + " -> ... -> " + base);
    }
    Entry b = services.get(base);
    if (b == null) {
      throw new IllegalArgumentException("extends must name a service of this file: " + ComposeValues.quote(base)
          + " is not one");
    }
    if (!(b.value instanceof MapValue)) {
      throw new IllegalArgumentException("extends must name a service that is a mapping: " + ComposeValues.quote(
          base) + " is " + b.value.kind());
    }
    chain.add(base);
    MapValue inherited = merged(b, chain);
    inherited.entries.keySet().forEach(k -> origin.putIfAbsent(k, base));
    return merge(inherited, own, service.key, base);
  }

  private static String baseName(Entry extendsKey) {
    if (extendsKey.value instanceof Scalar && !((Scalar) extendsKey.value).isNull()) {
      return ((Scalar) extendsKey.value).text;
    }
    if (!(extendsKey.value instanceof MapValue)) {
      throw new IllegalArgumentException("extends must be a service name or a mapping with service: "
          + extendsKey.value.kind());
    }
    String name = null;
    for (Entry e : ((MapValue) extendsKey.value).entries.values()) {
      switch (e.key) {
        case "service" -> {
          if (!(e.value instanceof Scalar) || ((Scalar) e.value).isNull()) {
            throw new IllegalArgumentException("extends.service must be a service name: " + e.value.kind());
          }
          name = ((Scalar) e.value).text;
        }
        case "file" -> throw new IllegalArgumentException("refused: Carapace follows extends within the same file"
            + " only, so that every finding stays on this file's lines (copy the service here)");
        default -> throw new IllegalArgumentException("extends." + e.key + " is not an extends field (service,"
            + " file)");
      }
    }
    if (name == null) {
      throw new IllegalArgumentException("extends must name its service");
    }
    return name;
  }

  private MapValue merge(MapValue base, MapValue own, String service, String baseName) {
    MapValue out = new MapValue(own);
    base.entries.forEach((k, e) -> {
      if (!k.equals("extends")) {
        out.entries.put(k, e);
      }
    });
    for (Entry e : own.entries.values()) {
      if (e.key.equals("extends")) {
        continue;
      }
      if (service.equals(top)) {
        origin.remove(e.key);
      } else {
        origin.put(e.key, service);
      }
      Entry b = out.entries.get(e.key);
      if (b == null) {
        out.entries.put(e.key, e);
        continue;
      }
      out.entries.remove(e.key); // in the extending service's order, at its place
      if (REPLACED.contains(e.key) || !CONCATENATED.contains(e.key) && b.value instanceof Scalar
          && e.value instanceof Scalar) {
        out.entries.put(e.key, e);
      } else if (MAPPINGS.contains(e.key) && b.value instanceof MapValue && e.value instanceof MapValue) {
        MapValue m = new MapValue(e.value);
        m.entries.putAll(((MapValue) b.value).entries);
        ((MapValue) e.value).entries.forEach((k, v) -> {
          m.entries.remove(k);
          m.entries.put(k, v);
        });
        out.entries.put(e.key, new Entry(e, m));
      } else if (MAPPINGS.contains(e.key) && b.value instanceof SeqValue && e.value instanceof SeqValue) {
        Map<String, Value> byName = new LinkedHashMap<>();
        for (Value item : ((SeqValue) b.value).items) {
          byName.put(name(item, byName.size()), item);
        }
        for (Value item : ((SeqValue) e.value).items) {
          String n = name(item, byName.size());
          byName.remove(n);
          byName.put(n, item);
        }
        SeqValue s = new SeqValue(e.value);
        s.items.addAll(byName.values());
        out.entries.put(e.key, new Entry(e, s));
      } else if (LISTS.contains(e.key) && b.value instanceof SeqValue && e.value instanceof SeqValue) {
        SeqValue s = new SeqValue(e.value);
        s.items.addAll(((SeqValue) b.value).items);
        s.items.addAll(((SeqValue) e.value).items);
        out.entries.put(e.key, new Entry(e, s));
      } else {
        refusals.add(cx.refusal(e.line, e.column, "services." + service + "." + e.key, service, "refused: "
            + e.key + " is set both here and in " + ComposeValues.quote(baseName) + ", which this service extends:"
            + " docker-compose 1.29 and Compose v2 merge it differently (write it in one of them)"
            + (MAPPINGS.contains(e.key) ? "; or write both as mappings, or both as lists" : "")));
      }
    }
    return out;
  }

  /** The name of a {@code NAME=VALUE} list item, or a name no other item has. */
  private static String name(Value item, int index) {
    if (item instanceof Scalar && !((Scalar) item).isNull()) {
      String t = ((Scalar) item).text;
      int at = t.indexOf('=');
      return at < 0 ? t : t.substring(0, at);
    }
    return "\u0000" + index;
  }
}
