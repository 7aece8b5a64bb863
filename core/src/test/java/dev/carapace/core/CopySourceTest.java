package dev.carapace.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** {@link CopySource}: defaults, the values refused with their exact messages, and no content shown. */
class CopySourceTest {
  private static String refused(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void bytesAndStringsDefaultTo0644OwnedByRootAndAPathToTheHostsMode() {
    CopySource s = CopySource.ofString("héllo");
    assertArrayEquals("héllo".getBytes(StandardCharsets.UTF_8), s.bytes().orElseThrow());
    assertEquals(OptionalInt.of(0644), s.mode());
    assertEquals(0, s.uid());
    assertEquals(0, s.gid());
    assertEquals(Optional.empty(), s.path());
    CopySource p = CopySource.ofPath(Path.of("site"));
    assertEquals(OptionalInt.empty(), p.mode());
    assertEquals(Optional.of(Path.of("site")), p.path());
    assertEquals(Optional.empty(), p.bytes());
    assertEquals(s, CopySource.ofBytes("héllo".getBytes(StandardCharsets.UTF_8)));
    assertEquals(s.hashCode(), CopySource.ofBytes("héllo".getBytes(StandardCharsets.UTF_8)).hashCode());
  }

  @Test
  void modeAndOwnerReturnANewValue() {
    CopySource s = CopySource.ofString("x");
    CopySource t = s.mode(0600).owner(1000, 33);
    assertEquals(OptionalInt.of(0644), s.mode(), "unchanged");
    assertEquals(OptionalInt.of(0600), t.mode());
    assertEquals(1000, t.uid());
    assertEquals(33, t.gid());
    assertNotEquals(s, t);
    assertEquals(OptionalInt.of(0), s.mode(0).mode());
    assertEquals(OptionalInt.of(0777), s.mode(0777).mode());
    assertEquals(Integer.MAX_VALUE, s.owner(Integer.MAX_VALUE, Integer.MAX_VALUE).gid());
  }

  @Test
  void bytesAreCopiedInAndOut() {
    byte[] b = {1, 2, 3};
    CopySource s = CopySource.ofBytes(b);
    b[0] = 9;
    s.bytes().orElseThrow()[1] = 9;
    assertArrayEquals(new byte[] {1, 2, 3}, s.bytes().orElseThrow());
  }

  @Test
  void refusesModesBeyond07777AndSpecialBitsAndNegativeIds() {
    CopySource s = CopySource.ofString("x");
    assertEquals("copy source mode must be between 0 and 07777 (octal): 010000", refused(() -> s.mode(010000)));
    assertEquals("copy source mode must be between 0 and 07777 (octal): -1", refused(() -> s.mode(-1)));
    assertEquals("copy source mode must not set setuid, setgid or sticky bits: 04755 (use 0755)",
        refused(() -> s.mode(04755)));
    assertEquals("copy source mode must not set setuid, setgid or sticky bits: 02000 (use 0)",
        refused(() -> s.mode(02000)));
    assertEquals("copy source mode must not set setuid, setgid or sticky bits: 01777 (use 0777)",
        refused(() -> s.mode(01777)));
    assertEquals("copy source uid must be between 0 and 2147483647: -1", refused(() -> s.owner(-1, 0)));
    assertEquals("copy source gid must be between 0 and 2147483647: -2147483648",
        refused(() -> s.owner(0, Integer.MIN_VALUE)));
    assertEquals("copy source bytes", assertThrows(NullPointerException.class, () -> CopySource.ofBytes(null))
        .getMessage());
    assertEquals("copy source string", assertThrows(NullPointerException.class, () -> CopySource.ofString(null))
        .getMessage());
    assertEquals("copy source path", assertThrows(NullPointerException.class, () -> CopySource.ofPath(null))
        .getMessage());
  }

  @Test
  void toStringNeverShowsTheContent() {
    CopySource s = CopySource.ofString("password=hunter2").mode(0600).owner(1000, 1000);
    assertEquals("CopySource[16 bytes, mode 0600, owner 1000:1000]", s.toString());
    assertFalse(s.toString().contains("hunter2"));
    assertEquals("CopySource[path site, mode from the host, owner 0:0]", CopySource.ofPath(Path.of("site")).toString());
  }
}
