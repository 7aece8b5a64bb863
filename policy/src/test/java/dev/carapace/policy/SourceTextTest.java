package dev.carapace.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The one "is this text?" check every reader of a file to judge makes (the cli, {@code ComposeReader.read(Path)}). */
class SourceTextTest {
  @Test
  void utf8TextIsReadAndAByteOrderMarkDropped() {
    assertEquals("services: {}\n# café\n", SourceText.decode("\ufeffservices: {}\n# café\n"
        .getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aNulByteIsRefusedWithItsLineAndOffset() {
    assertEquals("line 2, column 1: must be text: a NUL byte at offset 6 (a binary file?)",
        assertThrows(IllegalArgumentException.class, () -> SourceText.decode("a: b\nc\0: d\n"
            .getBytes(StandardCharsets.UTF_8))).getMessage());
  }

  @Test
  void bytesThatAreNotUtf8AreRefusedWithTheFirstBadOne() {
    byte[] latin1 = "a: b\nc: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
    assertEquals("line 2, column 1: must be UTF-8 text: byte 0xe9 at offset 11 is not (a binary file?)",
        assertThrows(IllegalArgumentException.class, () -> SourceText.decode(latin1)).getMessage());
    byte[] cut = {'a', (byte) 0xe2, (byte) 0x82}; // a three-byte character cut short at the end
    assertEquals("line 1, column 1: must be UTF-8 text: byte 0xe2 at offset 1 is not (a binary file?)",
        assertThrows(IllegalArgumentException.class, () -> SourceText.decode(cut)).getMessage());
  }
}
