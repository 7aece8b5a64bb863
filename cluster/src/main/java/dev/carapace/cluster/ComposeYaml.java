package dev.carapace.cluster;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * A Compose file's YAML as docker-compose 1.29 (PyYAML's {@code safe_load}, YAML 1.1) reads it, into a small
 * tree whose every node keeps its line and column. Bounded as {@link ManifestReader} is (same SnakeYAML
 * limits: {@link ManifestReader#loaderOptions()}): the text at most {@link ManifestReader#MAX_CHARS} characters,
 * checked before parsing; nesting at most {@link ManifestReader#MAX_DEPTH}; anchors, aliases and merge keys
 * ({@code <<}, as Compose files use them with {@code x-} extension fields) expanded into at most
 * {@link ManifestReader#MAX_EXPANDED_NODES} nodes, so a "billion laughs" is refused at the limit. One document
 * only; a key twice is refused (PyYAML keeps the last silently, Compose v2 refuses it); no NUL character and lines
 * of at most {@link YamlText#MAX_LINE} characters, checked before parsing ({@link YamlText}).
 */
final class ComposeYaml {
  private ComposeYaml() {}

  /** A node: where it starts. */
  abstract static class Value {
    final int line;
    final int column;

    Value(Mark mark) {
      this.line = mark == null ? 1 : mark.getLine() + 1;
      this.column = mark == null ? 1 : mark.getColumn() + 1;
    }

    /** A node made by the reader (a service merged with the one it extends), at the place of {@code at}. */
    Value(Value at) {
      this.line = at.line;
      this.column = at.column;
    }

    /** What the node is, for messages: a mapping, a sequence, a string, a number... */
    abstract String kind();
  }

  /** A mapping: keys in the file's order, merged keys included (where they were written). */
  static final class MapValue extends Value {
    final Map<String, Entry> entries = new LinkedHashMap<>();

    MapValue(Mark mark) {
      super(mark);
    }

    MapValue(Value at) {
      super(at);
    }

    @Override
    String kind() {
      return "a mapping";
    }
  }

  /** One key of a mapping: where the key is, and its value. */
  static final class Entry {
    final String key;
    final int line;
    final int column;
    final Value value;

    Entry(String key, Mark mark, Value value) {
      this.key = key;
      this.line = mark.getLine() + 1;
      this.column = mark.getColumn() + 1;
      this.value = value;
    }

    /** {@code at}'s key and place, with another value. */
    Entry(Entry at, Value value) {
      this.key = at.key;
      this.line = at.line;
      this.column = at.column;
      this.value = value;
    }
  }

  /** A sequence. */
  static final class SeqValue extends Value {
    final List<Value> items = new ArrayList<>();

    SeqValue(Mark mark) {
      super(mark);
    }

    SeqValue(Value at) {
      super(at);
    }

    @Override
    String kind() {
      return "a sequence";
    }
  }

  /** A scalar as written, and the type YAML 1.1 gives it (str, int, float, bool, null, timestamp). */
  static final class Scalar extends Value {
    final String text;
    final Tag tag;

    Scalar(Mark mark, String text, Tag tag) {
      super(mark);
      this.text = text;
      this.tag = tag;
    }

    boolean isNull() {
      return Tag.NULL.equals(tag);
    }

    boolean isBool() {
      return Tag.BOOL.equals(tag);
    }

    boolean isNumber() {
      return Tag.INT.equals(tag) || Tag.FLOAT.equals(tag);
    }

    /** YAML 1.1's booleans. */
    boolean boolValue() {
      String t = text.toLowerCase(java.util.Locale.ROOT);
      return t.equals("true") || t.equals("yes") || t.equals("on") || t.equals("y");
    }

    @Override
    String kind() {
      return isNull() ? "null" : isBool() ? "a boolean" : isNumber() ? "a number" : "a string";
    }
  }

  /** A problem at a place of the text: {@link ComposeReader} turns it into a {@link ComposeRefusal}. */
  static final class Problem extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int line;
    final int column;

    Problem(int line, int column, String message) {
      super(message, null, false, false);
      this.line = line;
      this.column = column;
    }
  }

  /**
   * The file's one document; null when it is empty.
   *
   * @throws Problem when the text is too large, not YAML, more than one document, nests or expands too far
   */
  static Value read(String yaml) {
    if (yaml.length() > ManifestReader.MAX_CHARS) {
      throw new Problem(1, 1, "compose file must be at most " + ManifestReader.MAX_CHARS + " characters (16 MiB): "
          + yaml.length() + ", refused before reading");
    }
    YamlText.problem(yaml, "compose file").ifPresent(p -> {
      throw new Problem(p.line(), p.column(), p.message());
    });
    LoaderOptions options = ManifestReader.loaderOptions();
    Composer composer = new Composer(new ParserImpl(new StreamReader(yaml), options), new Resolver(), options);
    try {
      Node root = composer.checkNode() ? composer.getNode() : null;
      if (composer.checkNode()) {
        Node second = composer.getNode();
        Mark m = second == null ? null : second.getStartMark();
        throw new Problem(m == null ? 1 : m.getLine() + 1, m == null ? 1 : m.getColumn() + 1,
            "compose file must be one YAML document: a second one starts here (a Kubernetes manifest?)");
      }
      return root == null ? null : new Expansion().convert(root, 0);
    } catch (ReaderException e) {
      int at = Math.min(yaml.length(), yaml.offsetByCodePoints(0, Math.min(e.getPosition(),
          yaml.codePointCount(0, yaml.length()))));
      int line = 1 + (int) yaml.substring(0, at).chars().filter(c -> c == '\n').count();
      throw new Problem(line, at - yaml.lastIndexOf('\n', at - 1), "compose file must be YAML: special characters"
          + " are not allowed: U+" + String.format("%04X", e.getCodePoint()) + " (binary data?)");
    } catch (MarkedYAMLException e) {
      Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      throw new Problem(m == null ? 1 : m.getLine() + 1, m == null ? 1 : m.getColumn() + 1,
          "compose file must be YAML: " + oneLine(e.getProblem()));
    } catch (YAMLException e) {
      String msg = e.getMessage() == null ? "" : e.getMessage();
      String why = msg.contains("exceeds the limit") ? "compose file must be at most "
          + ManifestReader.MAX_DOCUMENT_CODE_POINTS + " code points (3 MiB): longer, refused at the limit"
          : msg.contains("Nesting Depth") ? "compose file must nest at most " + ManifestReader.MAX_DEPTH + " levels: deeper"
          : msg.contains("aliases") ? "compose file must have at most 10000 aliases to mappings or sequences: more"
              + " (billion laughs?)"
          : "compose file must be YAML: " + oneLine(msg);
      throw new Problem(1, 1, why);
    }
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replace('\n', ' ').trim();
  }

  /** Budget and cycle guard of the expansion of aliases. */
  private static final class Expansion {
    int nodes;
    final IdentityHashMap<Node, Boolean> open = new IdentityHashMap<>();

    Problem refuse(Node at, String message) {
      Mark m = at.getStartMark();
      return new Problem(m == null ? 1 : m.getLine() + 1, m == null ? 1 : m.getColumn() + 1, message);
    }

    Value convert(Node n, int depth) {
      if (++nodes > ManifestReader.MAX_EXPANDED_NODES) {
        throw refuse(n, "compose file must expand to at most " + ManifestReader.MAX_EXPANDED_NODES
            + " nodes through anchors and aliases: more (billion laughs?), refused at the limit");
      }
      if (depth > ManifestReader.MAX_DEPTH) {
        throw refuse(n, "compose file must nest at most " + ManifestReader.MAX_DEPTH
            + " levels once aliases are expanded: deeper");
      }
      if (open.containsKey(n)) {
        throw refuse(n, "compose file must not hold an alias to a node that contains it: recursive");
      }
      switch (n.getNodeId()) {
        case scalar: {
          ScalarNode s = (ScalarNode) n;
          Tag tag = s.getTag();
          if (!(tag.equals(Tag.STR) || tag.equals(Tag.INT) || tag.equals(Tag.FLOAT) || tag.equals(Tag.BOOL)
              || tag.equals(Tag.NULL) || tag.equals(Tag.TIMESTAMP))) {
            throw refuse(n, "compose file values must be strings, numbers, booleans or null: tag " + tag);
          }
          return new Scalar(n.getStartMark(), s.getValue(), tag);
        }
        case sequence: {
          open.put(n, Boolean.TRUE);
          SeqValue seq = new SeqValue(n.getStartMark());
          for (Node item : ((SequenceNode) n).getValue()) {
            seq.items.add(convert(item, depth + 1));
          }
          open.remove(n);
          return seq;
        }
        case mapping: {
          open.put(n, Boolean.TRUE);
          MapValue map = mapping((MappingNode) n, depth);
          open.remove(n);
          return map;
        }
        default:
          throw refuse(n, "compose file must hold only mappings, sequences and scalars: " + n.getNodeId());
      }
    }

    /** PyYAML's merge: explicit keys win wherever they are; of merged mappings, the first to give a key wins. */
    private MapValue mapping(MappingNode n, int depth) {
      MapValue out = new MapValue(n.getStartMark());
      Map<String, Entry> merged = new LinkedHashMap<>();
      for (NodeTuple t : n.getValue()) {
        Node k = t.getKeyNode();
        if (k instanceof ScalarNode && Tag.MERGE.equals(k.getTag())) {
          Node v = t.getValueNode();
          List<Node> sources = v instanceof SequenceNode ? ((SequenceNode) v).getValue() : List.of(v);
          for (Node source : sources) {
            if (!(source instanceof MappingNode)) {
              throw refuse(source, "merge key << must merge a mapping or a sequence of mappings: "
                  + source.getNodeId());
            }
            MapValue m = (MapValue) convert(source, depth + 1);
            m.entries.forEach(merged::putIfAbsent);
          }
          continue;
        }
        if (!(k instanceof ScalarNode)) {
          throw refuse(k, "compose file keys must be strings: " + k.getNodeId());
        }
        String key = ((ScalarNode) k).getValue();
        Entry before = out.entries.get(key);
        if (before != null) {
          throw refuse(k, "compose file must not set key " + key + " twice (first at line " + before.line
              + "): PyYAML keeps the last silently, Compose v2 refuses it");
        }
        out.entries.put(key, new Entry(key, k.getStartMark(), convert(t.getValueNode(), depth + 1)));
      }
      merged.forEach(out.entries::putIfAbsent);
      return out;
    }
  }
}
