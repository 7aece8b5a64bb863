package dev.carapace.cluster;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * YAML in and out of fabric8's model, as kubectl writes it: no document marker, quotes only where needed
 * ({@link YamlWriter}: wherever some reader would take a plain string for something else).
 */
final class Yaml {
  static final ObjectMapper MAPPER = YAMLMapper.builder(YAMLFactory.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
          .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
          .build())
      .serializationInclusion(JsonInclude.Include.NON_EMPTY)
      .build();

  private Yaml() {}

  static String write(Object model) {
    try {
      return YamlWriter.MAPPER.writeValueAsString(model);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("fabric8's model did not serialise: " + e.getOriginalMessage(), e);
    }
  }

  static <T> T read(String yaml, Class<T> type) {
    try {
      return MAPPER.readValue(yaml, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("rendered yaml did not read back: " + e.getOriginalMessage(), e);
    }
  }
}
