package dev.carapace.core.internal.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** JsonTrees reads what ObjectMapper.readTree reads, node for node and type for type, and refuses what it refuses. */
class JsonTreesTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void readsEveryKindOfValueAsObjectMapperDoes() throws Exception {
    List<String> corpus = List.of(
        "{\"Id\":\"abc\",\"State\":{\"Running\":true,\"Pid\":4242,\"ExitCode\":0},\"Args\":[],\"X\":null}",
        "[1, -2, 2147483647, 2147483648, -9223372036854775808, 9223372036854775808, 1.5, -0.0, 1e300, 3E-5]",
        "{\"a\":1,\"a\":{\"b\":[true,false,null]}}",
        "\"\\u2028 \\\" \\\\ \\u00e9 \\ud83d\\ude00\"",
        "123", "null", "true", "[[[[[]]]]]", "{}", "",
        "{\"HostConfig\":{\"CapAdd\":null,\"CapDrop\":[\"ALL\"],\"Memory\":67108864,\"NanoCpus\":500000000}}",
        "{\"a\":1} trailing words");
    for (String json : corpus) {
      JsonNode expected = MAPPER.readTree(json);
      JsonNode bytes = JsonTrees.read(json.getBytes(StandardCharsets.UTF_8));
      JsonNode text = JsonTrees.read(json);
      assertEquals(expected, bytes, json);
      assertEquals(expected, text, json);
      assertEquals(MAPPER.writeValueAsString(expected), MAPPER.writeValueAsString(bytes), json);
      assertEquals(types(expected), types(bytes), json);
    }
  }

  @Test
  void refusesWhatObjectMapperRefuses() throws Exception {
    for (String json : List.of("{\"a\":", "[1,2", "{\"a\" 1}", "[1,]x", "{'a':1}", "\u0000\u0001binary", "[" .repeat(2000))) {
      Class<? extends Throwable> expected = assertThrows(JsonProcessingException.class, () -> MAPPER.readTree(json))
          .getClass();
      JsonProcessingException e = assertThrows(JsonProcessingException.class,
          () -> JsonTrees.read(json.getBytes(StandardCharsets.UTF_8)), json);
      assertEquals(expected.getSimpleName().replace("Mismatched", ""), e.getClass().getSimpleName()
          .replace("Mismatched", ""), json + ": " + e.getOriginalMessage());
    }
  }

  /** Each node's class, depth first: IntNode against LongNode, DoubleNode against DecimalNode. */
  private static String types(JsonNode n) {
    StringBuilder sb = new StringBuilder(n.getClass().getSimpleName());
    n.forEach(c -> sb.append('(').append(types(c)).append(')'));
    return sb.toString();
  }
}
