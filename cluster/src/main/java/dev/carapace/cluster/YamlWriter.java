package dev.carapace.cluster;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactoryBuilder;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import org.yaml.snakeyaml.DumperOptions;

/**
 * The YAML the renderer writes, as kubectl writes it (no document marker, quotes only where needed), with
 * "needed" as every reader has it: a name or a value that go-yaml, YAML 1.1, YAML 1.2 or Jackson would read,
 * plain, as a number, a boolean, a null, a timestamp or a merge key is double-quoted
 * ({@link YamlScalars#resolvesAsNonString}), and so is one holding a character that only escapes carry
 * ({@link YamlScalars#needsEscapes}), even a multi-line one that Jackson would write as a literal block.
 */
final class YamlWriter {
  static final ObjectMapper MAPPER = YAMLMapper.builder(new Factory(YAMLFactory.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
          .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
          .stringQuotingChecker(new Quoting())))
      .serializationInclusion(JsonInclude.Include.NON_EMPTY)
      .build();

  private YamlWriter() {}

  /** Jackson's own rules (reserved words, plain numbers, indicators), then every reader's types and escapes. */
  private static final class Quoting extends StringQuotingChecker.Default {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean needToQuoteName(String name) {
      return super.needToQuoteName(name) || YamlScalars.resolvesAsNonString(name) || YamlScalars.needsEscapes(name);
    }

    @Override
    public boolean needToQuoteValue(String value) {
      return super.needToQuoteValue(value) || YamlScalars.resolvesAsNonString(value)
          || YamlScalars.needsEscapes(value);
    }
  }

  /** Jackson's factory, making {@link Generator}s. */
  private static final class Factory extends YAMLFactory {
    private static final long serialVersionUID = 1L;

    Factory(YAMLFactoryBuilder b) {
      super(b);
    }

    @Override
    protected YAMLGenerator _createGenerator(Writer out, IOContext ctxt) throws IOException {
      return new Generator(ctxt, _generatorFeatures, _yamlGeneratorFeatures, _quotingChecker, _objectCodec, out,
          _version);
    }

    @Override
    protected YAMLGenerator _createUTF8Generator(OutputStream out, IOContext ctxt) throws IOException {
      return _createGenerator(_createWriter(out, JsonEncoding.UTF8, ctxt), ctxt);
    }
  }

  /**
   * Jackson's generator, except that a multi-line string holding a character a literal block cannot carry
   * (Jackson writes every string with {@code \n} as one, without asking the quoting checker) is double-quoted.
   */
  private static final class Generator extends YAMLGenerator {
    Generator(IOContext ctxt, int features, int yamlFeatures, StringQuotingChecker quoting, ObjectCodec codec,
        Writer out, DumperOptions.Version version) throws IOException {
      super(ctxt, features, yamlFeatures, quoting, codec, out, version);
    }

    @Override
    protected void _writeScalar(String value, String type, DumperOptions.ScalarStyle style) throws IOException {
      boolean literal = style == DumperOptions.ScalarStyle.LITERAL || style == DumperOptions.ScalarStyle.FOLDED;
      super._writeScalar(value, type, literal && YamlScalars.needsEscapes(value)
          ? DumperOptions.ScalarStyle.DOUBLE_QUOTED : style);
    }
  }
}
