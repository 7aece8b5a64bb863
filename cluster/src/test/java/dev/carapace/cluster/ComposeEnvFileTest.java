package dev.carapace.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SpecAttribute;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code env_file} and the project's {@code .env}: read as docker-compose 1.29 reads them (the fixture's values
 * are what {@code docker-compose config} printed for the same files), {@code environment} overriding, and every
 * form the readers disagree on, or a hostile file, refused with one line naming the env file and its line.
 */
class ComposeEnvFileTest {
  private static final Duration BOUND = Duration.ofSeconds(5);
  private static final String COMPOSE = """
      services:
        web:
          image: busybox:${TAG}
          env_file:
            - ./app.env
            - extra.env
            - path: ./missing.env
              required: false
          environment:
            MODE: prod
            FROM_SHELL:
      """;

  @TempDir
  Path dir;

  private static final String APP_ENV = String.join("\n", "# comment", "export DB_HOST=db",
      "PLAIN = value with spaces   # trailing comment", "HASH=a#b", "EMPTY=", "SINGLE='lit $HOME \\n'",
      "DOUBLE=\"tab\\there \\\"q\\\"\"", "MULTI=\"line1", "line2\"", "URL=postgres://${DB_HOST}:5432/app",
      "DEF=${NOPE:-fallback}", "MODE=dev", "INHERIT", "");

  private ComposeFile read(ComposeReader reader, String compose) {
    return reader.read("compose.yaml", compose, dir);
  }

  private String problem(String envFile) throws Exception {
    Files.writeString(dir.resolve("app.env"), envFile);
    return assertTimeoutPreemptively(BOUND, () -> assertThrows(InvalidComposeException.class, () -> read(
        ComposeReader.strict(), "services:\n  web:\n    image: busybox:1\n    env_file: app.env\n"))).getMessage();
  }

  @Test
  void readsEnvFilesAsDockerComposeDoesWithEnvironmentOverridingThem() throws Exception {
    Files.writeString(dir.resolve("app.env"), APP_ENV);
    Files.writeString(dir.resolve("extra.env"), "PLAIN=overridden\r\n");
    Files.writeString(dir.resolve(".env"), "TAG=1.36\n");
    ComposeFile f = read(ComposeReader.strict().dotEnv(true).environment(Map.of("INHERIT", "from-shell",
        "FROM_SHELL", "x")), COMPOSE);
    SecureContainerSpec spec = f.services().get(0).spec();
    Map<String, String> expected = Map.ofEntries(Map.entry("DB_HOST", "db"), Map.entry("DEF", "fallback"),
        Map.entry("DOUBLE", "tab\there \"q\""), Map.entry("EMPTY", ""), Map.entry("FROM_SHELL", "x"),
        Map.entry("HASH", "a#b"), Map.entry("INHERIT", "from-shell"), Map.entry("MODE", "prod"),
        Map.entry("MULTI", "line1\nline2"), Map.entry("PLAIN", "overridden"), Map.entry("SINGLE", "lit $HOME \\n"),
        Map.entry("URL", "postgres://db:5432/app"));
    assertEquals(expected, spec.env());
    assertEquals("busybox:1.36", spec.image());
    // the variables are placed on the first key that sets them, in the Compose file
    assertEquals(4, f.services().get(0).location(SpecAttribute.ENV).orElseThrow().line());
  }

  @Test
  void theProcessEnvironmentOverridesDotEnvAndAnUnsetVariableIsStillRefused() throws Exception {
    Files.writeString(dir.resolve(".env"), "TAG=1.36\nOTHER=${TAG}-x\n");
    String compose = "services:\n  web:\n    image: busybox:${TAG}\n    labels: {o: \"${OTHER}\"}\n";
    SecureContainerSpec fromDotEnv = read(ComposeReader.strict().dotEnv(true), compose).services().get(0).spec();
    assertEquals("busybox:1.36", fromDotEnv.image());
    assertEquals("1.36-x", fromDotEnv.labels().get("o"));
    Files.writeString(dir.resolve(".env"), "TAG=1.36\n");
    assertEquals("busybox:1.37", read(ComposeReader.strict().dotEnv(true).environment(Map.of("TAG", "1.37")),
        "services:\n  web:\n    image: busybox:${TAG}\n").services().get(0).spec().image());
    // without dotEnv(true) no .env is read, and the unset variable is refused as before
    InvalidComposeException e = assertThrows(InvalidComposeException.class, () -> read(ComposeReader.strict(),
        compose));
    assertEquals("compose.yaml:3:5: services.web.image: variable TAG must be set: it is not (docker-compose would"
        + " use an empty string; pass it in the environment or write ${TAG:-default}) (and 1 more)",
        e.getMessage());
    Files.writeString(dir.resolve(".env"), "TAG=1.36\nNOT A LINE\n");
    assertEquals(".env:2:5: env file line must be NAME=VALUE or NAME alone: \"A\" after the name \"NOT\"",
        assertThrows(InvalidComposeException.class, () -> read(ComposeReader.lenient().dotEnv(true), compose))
            .getMessage());
    // .env's own ${TAG}: the process environment and an earlier line disagree, which the readers settle apart
    Files.writeString(dir.resolve(".env"), "TAG=1.36\nOTHER=${TAG}-x\n");
    assertEquals(".env:2:7: variable TAG must mean one thing: docker-compose 1.29 and Compose v2 take it from"
        + " different places here (this file's earlier lines, the process environment, .env, the service's"
        + " environment); write the value itself", assertThrows(InvalidComposeException.class, () -> read(
            ComposeReader.strict().dotEnv(true).environment(Map.of("TAG", "2")), compose)).getMessage());
  }

  @Test
  void aMissingEnvFileIsRefusedUnlessNotRequired() throws Exception {
    String compose = "services:\n  web:\n    image: busybox:1\n    env_file: ./nope.env\n";
    assertEquals("compose.yaml:4:5: services.web.env_file: env_file must name a file that exists: \"./nope.env\""
        + " does not (Compose stops there too; required: false skips a missing one)",
        assertThrows(InvalidComposeException.class, () -> read(ComposeReader.strict(), compose)).getMessage());
    String optional = "services:\n  web:\n    image: busybox:1\n    env_file:\n      - path: ./nope.env\n"
        + "        required: false\n    environment: [A=1]\n";
    assertEquals(Map.of("A", "1"), read(ComposeReader.strict(), optional).services().get(0).spec().env());
  }

  @Test
  void envFilesOutsideTheComposeFilesFolderAreRefusedAsWrittenOrThroughALink() throws Exception {
    Path project = Files.createDirectory(dir.resolve("project"));
    Files.writeString(dir.resolve("outside.env"), "SECRET=s3cret\n");
    ComposeFile f = ComposeReader.lenient().read("compose.yaml", "services:\n  web:\n    image: busybox:1\n"
        + "    env_file: ../outside.env\n", project);
    assertEquals("compose.yaml:4:5: services.web.env_file: refused: Carapace reads env files only inside the Compose"
        + " file's folder: \"../outside.env\" is outside it (copy the variables into environment, or the file into"
        + " the folder)", f.refusals().get(0).toString());
    assertEquals(Map.of(), f.services().get(0).spec().env());
    Files.createSymbolicLink(project.resolve("linked.env"), dir.resolve("outside.env"));
    ComposeFile linked = ComposeReader.lenient().read("compose.yaml", "services:\n  web:\n    image: busybox:1\n"
        + "    env_file: linked.env\n", project);
    assertEquals("compose.yaml:4:5: services.web.env_file: refused: Carapace reads env files only inside the Compose"
        + " file's folder: \"linked.env\" links outside it", linked.refusals().get(0).toString());
    assertTrue(linked.refusals().get(0).toString().indexOf("s3cret") < 0);
    // a .env that links outside is refused too
    Files.createSymbolicLink(project.resolve(".env"), dir.resolve("outside.env"));
    assertEquals(".env:1:1: refused: Carapace reads env files only inside the Compose file's folder: \".env\" links"
        + " outside it", assertThrows(InvalidComposeException.class, () -> ComposeReader.strict().dotEnv(true)
            .read("compose.yaml", "services:\n  web:\n    image: busybox:1\n", project)).getMessage());
  }

  @Test
  void formsTheReadersDisagreeOnAreRefusedNamingTheLine() throws Exception {
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("A=$HOME\n", "app.env:1:3: services.web.env_file: env file value must write $ only as ${NAME} or"
        + " ${NAME:-default} (docker-compose 1.29 and Compose v2 read $NAME, $$, and other forms differently;"
        + " single-quote a literal $)");
    cases.put("A=1\nB=${A-x}\n", "app.env:2:3: services.web.env_file: env file value must write $ only as");
    cases.put("A='${HOME}'\n", "app.env:1:3: services.web.env_file: env file single-quoted value must not hold ${:"
        + " docker-compose 1.29 replaces it, Compose v2 keeps it (write the value outside quotes or in double"
        + " quotes)");
    cases.put("A='a\\\\b'\n", "app.env:1:5: services.web.env_file: env file single-quoted value must not hold \\\\:"
        + " docker-compose 1.29 reads one backslash, Compose v2 two");
    cases.put("A=\"it\\'s\"\n", "app.env:1:6: services.web.env_file: env file double-quoted value must not hold \\':"
        + " docker-compose 1.29 and Compose v2 decode it differently");
    cases.put("A=x\t# note\n", "app.env:1:3: services.web.env_file: env file inline comment must follow a space:"
        + " docker-compose 1.29 also ends the value at a '#' after a tab or other blank, Compose v2 does not");
    cases.put("A=\"x\" y\n", "app.env:1:7: services.web.env_file: env file line must end after the closing quote (or"
        + " hold a # comment): \"y\" follows it");
    cases.put("A: 1\n", "app.env:1:2: services.web.env_file: env file line must be NAME=VALUE or NAME alone: \":\""
        + " after the name \"A\" (NAME: VALUE is Compose v2's only)");
    cases.put("OK=1\nA", "app.env:2:1: services.web.env_file: env file variable \"A\" named alone on the last line"
        + " must end with a newline (Compose v2 reads it otherwise)");
    cases.put("A=\"open\n", "app.env:1:3: services.web.env_file: env file value must close its quote: \" opened here"
        + " is not closed");
    cases.put("1A=x\n", "app.env:1:1: services.web.env_file: env file line must be NAME=VALUE, NAME alone, a comment"
        + " or blank: a name must match [A-Za-z_][A-Za-z0-9_.-]*, and \"1\" cannot start one");
    cases.put("A=${UNSET}\n", "app.env:1:3: services.web.env_file: variable UNSET must be set: it is not"
        + " (docker-compose would use an empty string; set it in the environment or an earlier line, or write"
        + " ${UNSET:-default})");
    cases.put("A=x\rB=y\n", "app.env:1:4: services.web.env_file: env file must not hold a carriage return except"
        + " before a newline");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      String m = problem(c.getKey());
      assertTrue(m.startsWith(c.getValue()), c.getKey() + " -> " + m);
      assertEquals(1, m.lines().count(), m);
    }
  }

  @Test
  void aMessageNamesVariablesNeverTheirValues() throws Exception {
    String m = problem("PASSWORD=hunter2\nTOKEN='abc${X}'\n");
    assertEquals("app.env:2:7: services.web.env_file: env file single-quoted value must not hold ${: docker-compose"
        + " 1.29 replaces it, Compose v2 keeps it (write the value outside quotes or in double quotes)", m);
    assertTrue(!problem("root:$y$j9T$salt:19000:0:99999:7:::\n").contains("j9T"));
  }

  @Test
  void hostileEnvFilesAreRefusedWithinBoundsNamingTheFileAndLine() throws Exception {
    Path big = dir.resolve("app.env");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(50L * 1024 * 1024); // sparse: refused by its size, never read
    }
    String compose = "services:\n  web:\n    image: busybox:1\n    env_file: app.env\n";
    assertEquals("app.env:1:1: services.web.env_file: env file must be at most 1048576 bytes (1 MiB): 52428800"
        + " bytes, not read", assertTimeoutPreemptively(BOUND, () -> assertThrows(InvalidComposeException.class,
            () -> read(ComposeReader.strict(), compose))).getMessage());
    Files.delete(big);
    Files.write(big, "A=1\nB=\u00ff\n".getBytes(StandardCharsets.ISO_8859_1));
    assertEquals("app.env:2:1: services.web.env_file: env file must be UTF-8 text: byte 0xff at offset 6 is not (a"
        + " binary file?)", assertThrows(InvalidComposeException.class, () -> read(ComposeReader.strict(), compose))
        .getMessage());
    Files.write(big, new byte[] {'A', '=', '1', 0, '\n'});
    assertEquals("app.env:1:1: services.web.env_file: env file must be text: a NUL byte at offset 3 (a binary"
        + " file?)", assertThrows(InvalidComposeException.class, () -> read(ComposeReader.strict(), compose))
        .getMessage());
    assertEquals("app.env:10001:1: services.web.env_file: env file must have at most 10000 lines: more, not read"
        + " further", problem("A=1\n".repeat(10_001)));
    assertEquals("app.env:10001:1: services.web.env_file: env file must have at most 10000 lines: more, not read"
        + " further", problem("A=\"" + "\n".repeat(20_000) + "\"\n"));
    Files.delete(big);
    Files.createDirectory(big);
    assertEquals("app.env:1:1: services.web.env_file: env file must be a regular file: it is a directory",
        assertThrows(InvalidComposeException.class, () -> read(ComposeReader.strict(), compose)).getMessage());
    Files.delete(big);
    Process mkfifo = new ProcessBuilder("mkfifo", big.toString()).start();
    assertEquals(0, mkfifo.waitFor());
    assertEquals("app.env:1:1: services.web.env_file: env file must be a regular file: it is not (a FIFO, a device or"
        + " a socket: not read)", assertTimeoutPreemptively(BOUND, () -> assertThrows(InvalidComposeException.class,
            () -> read(ComposeReader.strict(), compose))).getMessage());
  }

  @Test
  void theLongFormTakesPathAndRequiredOnly() throws Exception {
    Files.writeString(dir.resolve("a.env"), "A=1\n");
    assertEquals("compose.yaml:4:5: services.web.env_file: env_file format refused: Carapace reads env files in"
        + " Compose's own syntax only (leave format out)", assertThrows(InvalidComposeException.class, () -> read(
            ComposeReader.strict(), "services:\n  web:\n    image: busybox:1\n    env_file:\n"
                + "      - {path: a.env, format: raw}\n")).getMessage());
    assertEquals("compose.yaml:4:5: services.web.env_file: env_file item must give its path",
        assertThrows(InvalidComposeException.class, () -> read(ComposeReader.strict(),
            "services:\n  web:\n    image: busybox:1\n    env_file:\n      - {required: true}\n")).getMessage());
    // environment: NAME alone and unset unsets the env file's NAME, as both Compose readers do
    assertEquals(Map.of(), read(ComposeReader.strict(), "services:\n  web:\n    image: busybox:1\n"
        + "    environment: [A]\n    env_file: [{path: a.env, required: true}]\n").services().get(0).spec().env());
    assertEquals(List.of(), read(ComposeReader.strict(), "services:\n  web:\n    image: busybox:1\n"
        + "    env_file: a.env\n").refusals());
  }
}
