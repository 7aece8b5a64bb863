package dev.carapace.core.internal.fields;

import com.fasterxml.jackson.databind.JsonNode;
import dev.carapace.core.SecureContainerSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares what the daemon recorded for a created container (its inspect JSON, read as a tree:
 * docker-java's full model costs over 100 ms to load in a fresh JVM) with what the spec asked, field
 * by field as {@link RecordedField} declares: every field {@link SpecTranslator} sends. An engine, a
 * proxy or a client library that silently drops or changes a field must not give a container other
 * than asked.
 */
public final class RecordedVerifier {
  private RecordedVerifier() {}

  /** One difference: the row that found it, and its message. */
  public record Mismatch(RecordedField field, String message) {}

  /**
   * Each difference as {@code <field> recorded <x>, asked <y>} (an env value is never printed:
   * {@code Config.Env[KEY] recorded a different value}); empty when all match.
   */
  public static List<String> mismatches(SecureContainerSpec spec, JsonNode inspect) {
    List<String> out = new ArrayList<>();
    find(spec, inspect).forEach(m -> out.add(m.message()));
    return out;
  }

  /** Each difference with the row that found it, in the rows' order; empty when all match. */
  public static List<Mismatch> find(SecureContainerSpec spec, JsonNode inspect) {
    List<Mismatch> out = new ArrayList<>();
    if (!inspect.path("HostConfig").isObject()) {
      out.add(new Mismatch(null, "HostConfig recorded nothing, asked the spec's"));
      return out;
    }
    for (RecordedField field : RecordedField.values()) {
      field.check(spec, inspect, message -> out.add(new Mismatch(field, message)));
    }
    return out;
  }
}
