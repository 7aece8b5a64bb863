package dev.carapace.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads a manifest's YAML as the API server and kubectl read it (go-yaml v2 through sigs.k8s.io/yaml,
 * then JSON), into Jackson trees, bounded.
 *
 * <ul>
 *   <li>Documents: empty ones, a trailing {@code ---} and comment-only ones are skipped, as kubectl skips
 *       them; every document still counts in the numbers error messages give.
 *   <li>Plain scalars resolve as go-yaml v2 resolves them (YAML 1.1): {@code y}, {@code yes}, {@code on}
 *       are {@code true}, {@code 0x1F} and {@code 0o17} and {@code 1_000} are integers; timestamps stay
 *       strings; {@code .inf} and {@code .nan} are refused (JSON has no such number).
 *   <li>Anchors and aliases are expanded, merge keys ({@code <<}) merged; where go-yaml v2 (kubectl), go-yaml
 *       v3 and the YAML merge rules would read different values (a {@code <<} after an explicit key it
 *       overrides, two merged mappings giving one key different values) or kubectl's strict reading
 *       refuses it (a key twice), the manifest is refused with a message that says so.
 *   <li>Bounded: the text at most {@link #MAX_CHARS} characters and its lines at most
 *       {@link YamlText#MAX_LINE} characters, without a NUL character (both checked before any parsing), each document
 *       at most {@link #MAX_DOCUMENT_CODE_POINTS} code points, nesting at most {@link #MAX_DEPTH} levels,
 *       alias expansion at most {@link #MAX_EXPANDED_NODES} nodes per document (a "billion laughs" is refused
 *       when it reaches it, not expanded).
 * </ul>
 */
final class ManifestReader {
  /** The whole manifest's length, checked before parsing. */
  static final int MAX_CHARS = 16 * 1024 * 1024;
  /** One document: the API server refuses a request body above 3 MiB. */
  static final int MAX_DOCUMENT_CODE_POINTS = 3 * 1024 * 1024;
  /** Nesting of mappings and sequences, after alias expansion. */
  static final int MAX_DEPTH = 100;
  /** Nodes of one document after alias expansion. */
  static final int MAX_EXPANDED_NODES = 500_000;
  /** Aliases to collections per document (SnakeYAML's own bound, before expansion). */
  private static final int MAX_COLLECTION_ALIASES = 10_000;

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  /** The tag this reader's resolver gives every untagged plain scalar; resolved afterwards as go-yaml v2 does. */
  private static final Tag PLAIN = new Tag("tag:carapace.dev,2026:plain");
  /** go-yaml v2's float syntax (resolve.go yamlStyleFloat). */
  private static final Pattern YAML_FLOAT = Pattern.compile("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$");
  private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  private static final Map<String, JsonNode> WORDS = new HashMap<>();
  /** go-yaml v2's NaN and infinities, which JSON cannot hold. */
  private static final java.util.Set<String> NOT_JSON_NUMBERS = java.util.Set.of(".nan", ".NaN", ".NAN", ".inf",
      ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF");

  static {
    for (String s : List.of("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON")) {
      WORDS.put(s, JSON.booleanNode(true));
    }
    for (String s : List.of("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF")) {
      WORDS.put(s, JSON.booleanNode(false));
    }
    for (String s : List.of("", "~", "null", "Null", "NULL")) {
      WORDS.put(s, JSON.nullNode());
    }
  }

  /**
   * One document of the manifest: its number (1-based, every document counted), its tree, and the YAML
   * node it was read from (with the lines and columns of every key and item).
   */
  record Document(int number, JsonNode tree, Node root) {}

  private ManifestReader() {}

  /**
   * The documents of {@code yaml} that hold something, in order.
   *
   * @throws InvalidManifestException when the text is too large, not YAML, nests or expands too far, or
   *     reads differently in the readers Kubernetes uses
   */
  static List<Document> read(String yaml) {
    if (yaml.length() > MAX_CHARS) {
      throw new InvalidManifestException("manifest must be at most " + MAX_CHARS + " characters (16 MiB): "
          + yaml.length() + " characters, refused before reading");
    }
    YamlText.problem(yaml, "manifest").ifPresent(p -> {
      throw new InvalidManifestException(p.message() + " (line " + p.line() + ", column " + p.column() + ")",
          p.line(), p.column());
    });
    LoaderOptions options = loaderOptions();
    StreamReader reader = new StreamReader(yaml);
    Composer composer = new Composer(new ParserImpl(reader, options), new PlainResolver(), options);
    List<Document> documents = new ArrayList<>();
    int number = 0;
    int current = 1; // the document being read, for messages
    try {
      while (composer.checkNode()) {
        number++;
        current = number;
        Node root = composer.getNode();
        JsonNode tree = root == null ? JSON.nullNode() : toJson(new Expansion(number), root, 0);
        if (!(tree.isNull() || (tree.isObject() && tree.isEmpty()))) { // else empty, comment-only, a trailing ---
          documents.add(new Document(number, tree, root));
        }
        current = number + 1;
      }
    } catch (MarkedYAMLException e) {
      Mark at = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      throw new InvalidManifestException("manifest must be yaml: " + oneLine(e.getProblem()) + where(at),
          at == null ? 0 : at.getLine() + 1, at == null ? 0 : at.getColumn() + 1);
    } catch (YAMLException e) {
      Mark at = reader.getMark();
      throw new InvalidManifestException(limitMessage(current, e.getMessage()), at.getLine() + 1, at.getColumn() + 1);
    }
    return documents;
  }

  /**
   * SnakeYAML's own bounds, as this reader and {@link ComposeYaml} set them: a document's code points, nesting,
   * aliases to collections, no recursive keys, no comments kept.
   */
  static LoaderOptions loaderOptions() {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(MAX_DOCUMENT_CODE_POINTS);
    options.setNestingDepthLimit(MAX_DEPTH);
    options.setMaxAliasesForCollections(MAX_COLLECTION_ALIASES);
    options.setAllowRecursiveKeys(false);
    options.setProcessComments(false);
    return options;
  }

  private static String limitMessage(int document, String message) {
    String m = message == null ? "" : message;
    if (m.contains("exceeds the limit")) {
      return "manifest document " + document + " must be at most " + MAX_DOCUMENT_CODE_POINTS
          + " code points (3 MiB, the API server's request limit): longer, refused at the limit";
    }
    if (m.contains("Nesting Depth")) {
      return "manifest document " + document + " must nest at most " + MAX_DEPTH + " levels: deeper";
    }
    if (m.contains("aliases")) {
      return "manifest document " + document + " must have at most " + MAX_COLLECTION_ALIASES
          + " aliases to mappings or sequences: more (billion laughs?)";
    }
    return "manifest must be yaml: " + oneLine(m);
  }

  private static String where(Mark mark) {
    return mark == null ? "" : " (line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ")";
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replace('\n', ' ').trim();
  }

  /** Budget and cycle guard of one document's expansion. */
  private static final class Expansion {
    final int document;
    int nodes;
    int aliasNodes;
    int aliasDepth;
    final IdentityHashMap<Node, Boolean> open = new IdentityHashMap<>();
    /** Anchored nodes met once: meeting one again is expanding an alias. */
    final IdentityHashMap<Node, Boolean> anchored = new IdentityHashMap<>();

    Expansion(int document) {
      this.document = document;
    }

    InvalidManifestException refuse(Node at, String problem) {
      return new InvalidManifestException("manifest document " + document + " " + problem + where(at.getStartMark()),
          at.getStartMark().getLine() + 1, at.getStartMark().getColumn() + 1);
    }
  }

  /** go-yaml v2's allowedAliasRatio (decode.go): the share of a document's nodes that may come from aliases. */
  private static double allowedAliasRatio(int decoded) {
    if (decoded <= 400_000) {
      return 0.99;
    }
    if (decoded >= 4_000_000) {
      return 0.10;
    }
    return 0.99 - 0.89 * ((decoded - 400_000) / 3_600_000.0);
  }

  private static JsonNode toJson(Expansion x, Node n, int depth) {
    boolean alias = n.getAnchor() != null && x.anchored.put(n, Boolean.TRUE) != null;
    if (alias) {
      x.aliasDepth++;
    }
    try {
      return toJsonCounted(x, n, depth);
    } finally {
      if (alias) {
        x.aliasDepth--;
      }
    }
  }

  private static JsonNode toJsonCounted(Expansion x, Node n, int depth) {
    x.nodes++;
    if (x.aliasDepth > 0) {
      x.aliasNodes++;
    }
    if (x.aliasNodes > 100 && x.nodes > 1000 && (double) x.aliasNodes / x.nodes > allowedAliasRatio(x.nodes)) {
      throw x.refuse(n, "must not expand aliases into most of its nodes: " + x.aliasNodes + " of " + x.nodes
          + " so far (billion laughs?); go-yaml refuses it too (document contains excessive aliasing)");
    }
    if (x.nodes > MAX_EXPANDED_NODES) {
      throw x.refuse(n, "must expand to at most " + MAX_EXPANDED_NODES + " nodes through anchors and aliases:"
          + " more (billion laughs?), refused at the limit");
    }
    if (depth > MAX_DEPTH) {
      throw x.refuse(n, "must nest at most " + MAX_DEPTH + " levels once aliases are expanded: deeper");
    }
    if (x.open.containsKey(n)) {
      throw x.refuse(n, "must not hold an alias to a node that contains it: recursive, go-yaml refuses it");
    }
    switch (n.getNodeId()) {
      case scalar:
        return scalar(x, (ScalarNode) n);
      case sequence: {
        x.open.put(n, Boolean.TRUE);
        ArrayNode a = JSON.arrayNode();
        for (Node item : ((SequenceNode) n).getValue()) {
          a.add(toJson(x, item, depth + 1));
        }
        x.open.remove(n);
        return a;
      }
      case mapping: {
        x.open.put(n, Boolean.TRUE);
        ObjectNode o = mapping(x, (MappingNode) n, depth);
        x.open.remove(n);
        return o;
      }
      default:
        throw x.refuse(n, "must hold only mappings, sequences and scalars: " + n.getNodeId());
    }
  }

  private static boolean isMergeKey(Node key) {
    return key instanceof ScalarNode && PLAIN.equals(key.getTag()) && ((ScalarNode) key).getValue().equals("<<");
  }

  /**
   * A mapping as go-yaml v2 reads it: keys in order, {@code <<} merging a mapping or a sequence of mappings
   * (earlier ones first). What readers would read differently is refused.
   */
  private static ObjectNode mapping(Expansion x, MappingNode n, int depth) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    Map<String, Node> explicit = new HashMap<>();
    Map<String, Node> merged = new HashMap<>();
    for (NodeTuple t : n.getValue()) {
      Node k = t.getKeyNode();
      if (isMergeKey(k)) {
        List<Node> sources = new ArrayList<>();
        Node v = t.getValueNode();
        if (v instanceof SequenceNode) {
          sources.addAll(((SequenceNode) v).getValue());
        } else {
          sources.add(v);
        }
        Map<String, JsonNode> fromThisMerge = new LinkedHashMap<>();
        for (Node source : sources) {
          if (!(source instanceof MappingNode)) {
            throw x.refuse(source, "merge key << must merge a mapping or a sequence of mappings: "
                + source.getNodeId());
          }
          ObjectNode m = (ObjectNode) toJson(x, source, depth + 1);
          for (var e : m.properties()) {
            JsonNode earlier = fromThisMerge.get(e.getKey());
            if (earlier != null && !earlier.equals(e.getValue())) {
              throw x.refuse(source, "merge key << must not merge mappings that give key " + e.getKey()
                  + " different values: go-yaml v2 (kubectl) keeps the first, go-yaml v3 the last");
            }
            fromThisMerge.putIfAbsent(e.getKey(), e.getValue());
          }
        }
        for (var e : fromThisMerge.entrySet()) {
          Node setBefore = explicit.get(e.getKey());
          if (setBefore != null) {
            if (!out.get(e.getKey()).equals(e.getValue())) {
              throw x.refuse(k, "merge key << must come before the keys it would override: " + e.getKey()
                  + " is set before it" + where(setBefore.getStartMark())
                  + ", and go-yaml v2 (kubectl) lets the merge win where go-yaml v3 and the YAML merge rules keep it");
            }
            continue;
          }
          if (merged.containsKey(e.getKey()) && !out.get(e.getKey()).equals(e.getValue())) {
            throw x.refuse(k, "must not merge key " + e.getKey() + " twice with different values");
          }
          merged.put(e.getKey(), k);
          out.put(e.getKey(), e.getValue());
        }
        continue;
      }
      String key = key(x, k);
      Node before = explicit.get(key);
      if (before != null) {
        throw x.refuse(k, "must not set key " + key + " twice (first" + where(before.getStartMark())
            + "): kubectl's strict reading refuses it, go-yaml v2 keeps the last");
      }
      explicit.put(key, k);
      JsonNode value = toJson(x, t.getValueNode(), depth + 1);
      out.remove(key); // an explicit key after a merge overrides it, in every reader
      out.put(key, value);
    }
    ObjectNode o = JSON.objectNode();
    out.forEach(o::set);
    return o;
  }

  /** A key as sigs.k8s.io/yaml turns it into a JSON member name. */
  private static String key(Expansion x, Node k) {
    if (!(k instanceof ScalarNode)) {
      throw x.refuse(k, "keys must be scalars: " + k.getNodeId());
    }
    JsonNode v = scalar(x, (ScalarNode) k);
    if (v.isNull()) {
      throw x.refuse(k, "keys must not be null");
    }
    return v.isTextual() ? v.textValue() : v.asText();
  }

  private static JsonNode scalar(Expansion x, ScalarNode s) {
    Tag tag = s.getTag();
    String v = s.getValue();
    if (PLAIN.equals(tag)) {
      return plain(x, s, v);
    }
    if (tag.equals(Tag.STR)) {
      return JSON.textNode(v);
    }
    if (tag.equals(Tag.BOOL) || tag.equals(Tag.INT) || tag.equals(Tag.FLOAT) || tag.equals(Tag.NULL)) {
      JsonNode r = plain(x, s, v);
      boolean fits = tag.equals(Tag.BOOL) ? r.isBoolean() : tag.equals(Tag.NULL) ? r.isNull()
          : tag.equals(Tag.INT) ? r.isIntegralNumber() : r.isNumber();
      if (!fits) {
        throw x.refuse(s, "value " + v + " must match its tag " + tag + ": it does not");
      }
      return r;
    }
    if (tag.equals(Tag.TIMESTAMP)) {
      return JSON.textNode(v);
    }
    throw x.refuse(s, "tag " + tag + " must be one go-yaml reads into JSON (!!str, !!int, !!float, !!bool,"
        + " !!null): it is not");
  }

  /** A plain scalar as go-yaml v2's resolve() reads it. */
  private static JsonNode plain(Expansion x, ScalarNode s, String in) {
    JsonNode word = WORDS.get(in);
    if (word != null) {
      return word;
    }
    if (NOT_JSON_NUMBERS.contains(in)) {
      throw x.refuse(s, "value " + in + " must be a number JSON can hold: go-yaml reads an infinity or NaN,"
          + " which kubectl cannot turn into JSON");
    }
    if (in.isEmpty()) {
      return JSON.textNode(in);
    }
    char c = in.charAt(0);
    if (c == '.') {
      try {
        return number(Double.parseDouble(in.replace("_", "")));
      } catch (NumberFormatException e) {
        return JSON.textNode(in);
      }
    }
    if (c == '+' || c == '-' || (c >= '0' && c <= '9')) {
      String plain = in.replace("_", "");
      BigInteger i = goInteger(plain);
      if (i != null) {
        if (i.bitLength() < 32) {
          return JSON.numberNode(i.intValue()); // as Jackson reads it: fabric8's IntOrString wants an int
        }
        if (i.bitLength() < 64) {
          return JSON.numberNode(i.longValue());
        }
        if (i.signum() > 0 && i.compareTo(UINT64_MAX) <= 0) {
          return JSON.numberNode(i);
        }
      }
      if (YAML_FLOAT.matcher(plain).matches()) {
        double d = Double.parseDouble(plain);
        if (Double.isInfinite(d)) {
          throw x.refuse(s, "value " + in + " must be a number JSON can hold: out of range");
        }
        return number(d);
      }
    }
    return JSON.textNode(in);
  }

  /**
   * A float as kubectl sends it: Go's JSON encoder writes an integral float64 below 1e21 without a fraction
   * ({@code 0.0} as {@code 0}, {@code 1e3} as {@code 1000}), which the API server reads as an integer:
   * {@code runAsUser: 0.0} is root.
   */
  private static JsonNode number(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e21) {
      BigInteger i = new java.math.BigDecimal(d).toBigIntegerExact();
      return i.bitLength() < 32 ? JSON.numberNode(i.intValue()) : i.bitLength() < 64 ? JSON.numberNode(i.longValue())
          : JSON.numberNode(i);
    }
    return JSON.numberNode(d);
  }

  /** Go's strconv.ParseInt(s, 0, ...) syntax, without range: sign, then 0x, 0o, 0b, a leading 0 (octal) or decimal. */
  private static BigInteger goInteger(String s) {
    int i = 0;
    boolean negative = false;
    if (!s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-')) {
      negative = s.charAt(0) == '-';
      i = 1;
    }
    String body = s.substring(i);
    int radix = 10;
    if (body.length() > 2 && body.charAt(0) == '0') {
      char p = Character.toLowerCase(body.charAt(1));
      if (p == 'x' || p == 'o' || p == 'b') {
        radix = p == 'x' ? 16 : p == 'o' ? 8 : 2;
        body = body.substring(2);
      }
    }
    if (radix == 10 && body.length() > 1 && body.charAt(0) == '0') {
      radix = 8;
      body = body.substring(1);
    }
    if (body.isEmpty() || body.charAt(0) == '+' || body.charAt(0) == '-') {
      return null;
    }
    try {
      BigInteger v = new BigInteger(body, radix);
      return negative ? v.negate() : v;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Leaves every untagged plain scalar to {@code plain}: the tag {@code PLAIN}, go-yaml's rules after. */
  private static final class PlainResolver extends Resolver {
    @Override
    public Tag resolve(NodeId kind, String value, boolean implicit) {
      if (kind == NodeId.scalar && implicit) {
        return PLAIN;
      }
      return super.resolve(kind, value, implicit);
    }
  }
}
