package dev.carapace.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.testing.SpecGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The one {@code --security-opt} grammar: as the engine reads it, and what a spec sends. */
class SecurityOptionsTest {
  private static SecurityOptions parse(String... options) {
    return SecurityOptions.parse(List.of(options));
  }

  @Test
  void noNewPrivilegesReadsGoParseBoolAndTheLastOneWins() {
    for (String yes : List.of("1", "t", "T", "TRUE", "true", "True", " true ")) {
      assertTrue(parse("no-new-privileges=" + yes).noNewPrivileges(), yes);
      assertTrue(parse("no-new-privileges:" + yes).noNewPrivileges(), yes);
    }
    for (String no : List.of("0", "f", "F", "FALSE", "false", "False", "yes", "on", "", "tRUE")) {
      assertFalse(parse("no-new-privileges=" + no).noNewPrivileges(), no);
    }
    assertTrue(parse("no-new-privileges").noNewPrivileges());
    assertTrue(parse(" no-new-privileges ").noNewPrivileges());
    assertFalse(parse().noNewPrivileges());
    assertFalse(parse("no-new-privileges", "no-new-privileges=false").noNewPrivileges());
    assertTrue(parse("no-new-privileges=false", "no-new-privileges").noNewPrivileges());
    assertEquals(Optional.of("no-new-privileges=false"),
        parse("no-new-privileges", "no-new-privileges=false").named("no-new-privileges").map(o -> o.text()));
  }

  @Test
  void splitsAtTheFirstEqualsOrColon() {
    assertEquals(new SecurityOptions.Option("label:type:x", "label", Optional.of("type:x")),
        SecurityOptions.Option.parse("label:type:x"));
    assertEquals(new SecurityOptions.Option("label=type:x", "label", Optional.of("type:x")),
        SecurityOptions.Option.parse("label=type:x"));
    assertEquals(new SecurityOptions.Option("a:b=c", "a", Optional.of("b=c")), SecurityOptions.Option.parse("a:b=c"));
    assertEquals(new SecurityOptions.Option("bare", "bare", Optional.empty()), SecurityOptions.Option.parse("bare"));
    assertEquals("label=type:x", SecurityOptions.Option.parse("label:type:x").canonical());
    assertEquals("no-new-privileges", SecurityOptions.Option.parse("no-new-privileges:true").canonical());
    assertEquals("no-new-privileges", SecurityOptions.Option.parse("no-new-privileges=true").canonical());
    assertEquals("no-new-privileges=false", SecurityOptions.Option.parse("no-new-privileges:false").canonical());
    assertEquals("seccomp={\"a\":1}", SecurityOptions.Option.parse("seccomp={\"a\":1}").canonical());
  }

  @Test
  void readsSeccompLabelsAppArmorAndAnyOtherKey() {
    assertEquals(Seccomp.engineDefault(), parse().seccomp());
    assertEquals(Seccomp.engineDefault(), parse("seccomp=builtin").seccomp());
    assertEquals(Seccomp.unconfined(), parse("seccomp:unconfined").seccomp());
    assertEquals(Seccomp.unconfined(), parse("seccomp=/p.json", "seccomp=unconfined").seccomp());
    Seccomp named = parse("seccomp=my-profile").seccomp();
    assertEquals(Seccomp.Kind.PROFILE, named.kind());
    assertEquals(Optional.of("my-profile"), named.json());
    assertEquals("my-profile", named.toString());
    assertEquals(List.of("type:x", "disable"), parse("label:type:x", "apparmor=a", "label=disable").selinuxLabelParts());
    assertEquals(Optional.of("b"), parse("apparmor=a", "apparmor:b").apparmorProfile());
    assertEquals(Optional.of("unconfined"), parse("systempaths=unconfined").value("systempaths"));
    assertEquals(Optional.empty(), parse("systempaths").value("systempaths"));
    assertEquals(List.of("x", "systempaths=unconfined"), parse("x", "systempaths=unconfined").options());
  }

  @Test
  void aSpecSendsItsOptionsInOrder() {
    SecureContainerSpec s = SecureContainerSpec.builder().image("img").seccomp(Seccomp.unconfined())
        .selinuxLabel(SelinuxLabel.of("u", null, "t", null)).apparmorProfile("p").build();
    assertEquals(List.of("no-new-privileges", "seccomp=unconfined", "label=user:u", "label=type:t", "apparmor=p"),
        SecurityOptions.of(s).options());
    assertEquals(SecurityOptions.none(), SecurityOptions.of(SecureContainerSpec.builder().image("img")
        .allowPrivilegeEscalation().build()));
  }

  /** Property: reading what a generated spec sends gives back each of its security fields. */
  @Test
  void parseOfWhatASpecSendsIsTheSpecsFields() {
    Seccomp profile = Seccomp.profileJson("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[]}");
    Random seeds = new Random(0x5EC0B75L);
    for (int n = 0; n < 2_000; n++) {
      long seed = seeds.nextLong();
      SecureContainerSpec s = SpecGenerator.generate(new Random(seed), List.of(profile));
      SecurityOptions read = SecurityOptions.parse(new ArrayList<>(SecurityOptions.of(s).options()));
      String at = "case " + n + " seed " + seed;
      assertEquals(s.noNewPrivileges(), read.noNewPrivileges(), at);
      assertEquals(s.seccomp(), read.seccomp(), at);
      assertEquals(s.apparmorProfile(), read.apparmorProfile(), at);
      List<String> labels = new ArrayList<>();
      read.selinuxLabelParts().forEach(p -> labels.add("label=" + p));
      assertEquals(s.selinuxLabel(), labels.isEmpty() ? Optional.empty()
          : Optional.of(SelinuxLabel.parse(labels.toArray(new String[0]))), at);
    }
  }
}
