package dev.carapace.core.internal.fields;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.github.dockerjava.api.model.LogConfig;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * docker-java's {@link LogConfig} carrying any driver name. docker-java models the driver as a closed
 * enum, so plugin drivers (and drivers newer than it) cannot be sent or read back; Carapace's own
 * ObjectMapper writes and reads {@code LogConfig} through {@link #MODULE}, by name.
 */
public final class RawLogConfig extends LogConfig {
  private static final long serialVersionUID = 1L;

  /** Serialises and deserialises {@link LogConfig} by driver name. */
  public static final SimpleModule MODULE = new SimpleModule("carapace-log-config")
      .addSerializer(LogConfig.class, new JsonSerializer<LogConfig>() {
        @Override
        public void serialize(LogConfig value, JsonGenerator gen, SerializerProvider serializers)
            throws IOException {
          gen.writeStartObject();
          String name = driverOf(value);
          if (name != null) {
            gen.writeStringField("Type", name);
          }
          if (value.getConfig() != null) {
            gen.writeObjectField("Config", value.getConfig());
          }
          gen.writeEndObject();
        }
      })
      .addDeserializer(LogConfig.class, new JsonDeserializer<LogConfig>() {
        @Override
        public LogConfig deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
          JsonNode node = p.readValueAsTree();
          String type = node.hasNonNull("Type") ? node.get("Type").asText() : null;
          Map<String, String> config = new LinkedHashMap<>();
          JsonNode c = node.get("Config");
          if (c != null && c.isObject()) {
            c.properties().forEach(e -> config.put(e.getKey(), e.getValue().asText()));
          }
          return new RawLogConfig(type, config);
        }
      });

  private final String driver;

  public RawLogConfig(String driver, Map<String, String> config) {
    super(null, config);
    this.driver = driver;
  }

  /** The driver's name, whatever docker-java's enum knows. */
  public String driver() {
    return driver;
  }

  /** The driver name of any docker-java LogConfig, or null when none is set. */
  public static String driverOf(LogConfig config) {
    if (config instanceof RawLogConfig) {
      return ((RawLogConfig) config).driver;
    }
    return config.getType() == null ? null : config.getType().getType();
  }
}
