package dev.carapace.core.internal.values;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON read into Jackson's tree ({@link JsonNode}) with jackson-core's parser alone, as
 * {@code new ObjectMapper().readTree(..)} reads it, without an ObjectMapper. An ObjectMapper's first use
 * initializes databind's date formats and their locale and time-zone data, which reading a tree never needs:
 * the largest part of an ObjectMapper's cost at the start of a short process (the {@code carapace} command).
 *
 * <p>The same as {@code readTree}: jackson-core's read limits ({@code StreamReadConstraints}: nesting depth,
 * number and string lengths); integers as {@code IntNode}, {@code LongNode} or {@code BigIntegerNode} by size,
 * other numbers as {@code DoubleNode}; a key given twice keeps its last value; empty input is
 * {@link MissingNode}; what follows the first value is not read.
 */
public final class JsonTrees {
  private static final JsonFactory FACTORY = new JsonFactory();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JsonTrees() {}

  /** The tree of {@code json} (UTF-8, or as its byte order mark or first bytes say). */
  public static JsonNode read(byte[] json) throws IOException {
    try (JsonParser p = FACTORY.createParser(json)) {
      return first(p);
    }
  }

  /** The tree of {@code json}. */
  public static JsonNode read(String json) throws JsonProcessingException {
    try (JsonParser p = FACTORY.createParser(json)) {
      return first(p);
    } catch (JsonProcessingException e) {
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException(e); // text in memory: never read from anywhere that fails
    }
  }

  private static JsonNode first(JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    return t == null ? MissingNode.getInstance() : value(p, t);
  }

  /** The value that starts at {@code t}; its nesting is bounded by the parser's own limit. */
  private static JsonNode value(JsonParser p, JsonToken t) throws IOException {
    if (t == null) {
      throw new JsonParseException(p, "unexpected end of input where a JSON value should be");
    }
    switch (t) {
      case START_OBJECT: {
        ObjectNode o = NODES.objectNode();
        for (JsonToken k = p.nextToken(); k == JsonToken.FIELD_NAME; k = p.nextToken()) {
          String name = p.currentName();
          o.set(name, value(p, p.nextToken()));
        }
        return o;
      }
      case START_ARRAY: {
        ArrayNode a = NODES.arrayNode();
        for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
          a.add(value(p, v));
        }
        return a;
      }
      case VALUE_STRING:
        return NODES.textNode(p.getText());
      case VALUE_NUMBER_INT:
        switch (p.getNumberType()) {
          case INT:
            return NODES.numberNode(p.getIntValue());
          case LONG:
            return NODES.numberNode(p.getLongValue());
          default:
            return NODES.numberNode(p.getBigIntegerValue());
        }
      case VALUE_NUMBER_FLOAT:
        return NODES.numberNode(p.getDoubleValue());
      case VALUE_TRUE:
        return NODES.booleanNode(true);
      case VALUE_FALSE:
        return NODES.booleanNode(false);
      case VALUE_NULL:
        return NODES.nullNode();
      default:
        throw new JsonParseException(p, "unexpected " + t + " where a JSON value should be");
    }
  }
}
