package dev.carapace.tls.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FuzzTest {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** Spins until this thread has used {@code millis} more of CPU time. */
  private static void burn(long millis) {
    long until = THREADS.getCurrentThreadCpuTime() + millis * 1_000_000;
    double x = 0;
    while (THREADS.getCurrentThreadCpuTime() < until) {
      for (int k = 0; k < 10_000; k++) {
        x += Math.sqrt(k);
      }
    }
    assertTrue(x > 0);
  }

  @Test
  void runsEveryInputInOrder() {
    List<String> seen = new ArrayList<>();
    Fuzz.run("order", 5, i -> "in" + i, Fuzz::escape, (i, v) -> seen.add(i + "=" + v));
    assertEquals(List.of("0=in0", "1=in1", "2=in2", "3=in3", "4=in4"), seen);
  }

  @Test
  void oneSlowInputFailsNamingItEscaped() {
    AssertionError e = assertThrows(AssertionError.class, () -> Fuzz.run("slow", 10, i -> "x\u0000" + i,
        Fuzz::escape, (i, v) -> {
          if (i == 3) {
            burn(1_500);
          }
        }));
    assertTrue(e.getMessage().startsWith("slow: input #3 "), e.getMessage());
    assertTrue(e.getMessage().endsWith("each input may take 1000 ms: \"x\\u00003\""), e.getMessage());
  }

  @Test
  void manyQuickInputsPassWhateverTheirTotal() {
    // 1.5 s of CPU time in all, 30 ms each: only a single input is limited
    Fuzz.run("quick", 50, i -> i, String::valueOf, (i, v) -> burn(30));
  }

  @Test
  void whatTheCheckThrowsIsRethrown() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Fuzz.run("throws", 3, i -> i,
        String::valueOf, (i, v) -> {
          if (i == 1) {
            throw new IllegalStateException("input 1");
          }
        }));
    assertEquals("input 1", e.getMessage());
  }

  @Test
  void escapesWhatIsNotPrintableAscii() {
    assertEquals("\"a\\u000a\\u00e9\\u4e2d\"", Fuzz.escape("a\n\u00e9\u4e2d"));
    assertEquals(2 + 200 + 3, Fuzz.escape("9".repeat(5000)).length());
  }
}
