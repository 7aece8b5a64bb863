package dev.carapace.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ReportRendererTest {
  @Test
  void textIsEscapedForATerminal() {
    String[][] cases = {
        {"web\u001b[31mred\u001b[0m", "web\\u001b[31mred\\u001b[0m"},
        {"a\u202eexe.txt\u2066\u2069\u200f\u061c", "a\\u202eexe.txt\\u2066\\u2069\\u200f\\u061c"},
        {"line\nnext\ttab\u0085", "line\\u000anext\\u0009tab\\u0085"},
        {"lone \ud800 and \udc00", "lone \\ud800 and \\udc00"},
        {"a literal \\u001b stays told apart", "a literal \\\\u001b stays told apart"}};
    for (String[] c : cases) {
      assertEquals(c[1], ReportRenderer.escaped(c[0]), c[1]);
    }
    String plain = "busybox/app: ok é 😀";
    assertSame(plain, ReportRenderer.escaped(plain));
  }

  @Test
  void noGeneratedStringLeavesAnUnsafeCharacter() {
    Random random = new Random(190_419L);
    for (int i = 0; i < Integer.getInteger("carapace.fuzz.count", 500); i++) {
      StringBuilder sb = new StringBuilder();
      for (int j = random.nextInt(40); j > 0; j--) {
        sb.append((char) (random.nextBoolean() ? random.nextInt(0x100) : 0x2000 + random.nextInt(0x80)));
      }
      String out = ReportRenderer.escaped(sb.toString());
      for (char c : out.toCharArray()) {
        assertTrue(c >= 0x20 && !(c >= 0x7f && c <= 0x9f) && !(c >= 0x202a && c <= 0x202e)
            && !(c >= 0x2066 && c <= 0x2069) && c != 0x200e && c != 0x200f, "U+" + Integer.toHexString(c) + " in " + out);
      }
    }
  }
}
