package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The public API of every library module, checked in as text ({@code <module>/api/<artifact>.api}),
 * as okhttp does: this test fails when a public type or member changes and the file was not changed
 * with it, so every API change is a visible, reviewed diff. Regenerate the files on purpose with
 * {@code mvn -pl examples -am test -Dtest=ApiSurfaceTest -Dcarapace.api.update=true}.
 *
 * <p>It also enforces the boundary: no docker-java, BouncyCastle, Jackson or generated
 * {@code Immutable*} type in a public signature, except docker-java's {@code DockerClient} and
 * {@code DockerHttpClient} (a caller hands in its own client), in the Testcontainers module the Testcontainers types it glues to,
 * and in the cluster module fabric8's Kubernetes model objects ({@code io.fabric8.kubernetes.api.model}), which it renders.
 */
class ApiSurfaceTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  /** Module directory, artifact, exported packages. */
  private static final Map<String, List<String>> MODULES = new LinkedHashMap<>();

  static {
    MODULES.put("tls/carapace-tls", List.of("dev.carapace", "dev.carapace.tls"));
    MODULES.put("core/carapace-core", List.of("dev.carapace.core"));
    MODULES.put("policy/carapace-policy", List.of("dev.carapace.policy"));
    MODULES.put("testcontainers/carapace-testcontainers", List.of("dev.carapace.testcontainers"));
    MODULES.put("junit/carapace-junit", List.of("dev.carapace.junit"));
    MODULES.put("cluster/carapace-cluster", List.of("dev.carapace.cluster"));
    MODULES.put("cli/carapace-cli", List.of("dev.carapace.cli"));
  }

  private static final Pattern FORBIDDEN = Pattern.compile(
      "\\b(com\\.github\\.dockerjava\\.[\\w.$]+|org\\.bouncycastle\\.[\\w.$]+|com\\.fasterxml\\.[\\w.$]+"
          + "|org\\.testcontainers\\.[\\w.$]+|io\\.fabric8\\.[\\w.$]+|[\\w.$]*\\bImmutable[A-Z][\\w$]*)");

  @Test
  void publicApiMatchesTheCheckedInApiFiles() throws Exception {
    boolean update = Boolean.getBoolean("carapace.api.update");
    List<String> changed = new ArrayList<>();
    for (Map.Entry<String, List<String>> m : MODULES.entrySet()) {
      String[] dirAndArtifact = m.getKey().split("/");
      Path moduleDir = ROOT.resolve(dirAndArtifact[0]);
      if (!Files.isDirectory(moduleDir)) {
        continue; // a module not (yet) in this build
      }
      Path file = moduleDir.resolve("api").resolve(dirAndArtifact[1] + ".api");
      String actual = dump(m.getValue());
      String expected = Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
      if (!actual.equals(expected)) {
        if (update) {
          Files.createDirectories(file.getParent());
          Files.writeString(file, actual, StandardCharsets.UTF_8);
        }
        changed.add(ROOT.relativize(file) + "\n" + diff(expected, actual));
      }
    }
    if (!changed.isEmpty() && !update) {
      fail("the public API changed without its API file; review the diff and regenerate with"
          + " -Dcarapace.api.update=true:\n" + String.join("\n", changed));
    }
  }

  @Test
  void publicSignaturesUseOnlyJdkAndCarapaceTypes() throws Exception {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, List<String>> m : MODULES.entrySet()) {
      if (!Files.isDirectory(ROOT.resolve(m.getKey().split("/")[0]))) {
        continue;
      }
      boolean testcontainers = m.getKey().startsWith("testcontainers/");
      boolean cluster = m.getKey().startsWith("cluster/");
      for (String line : dump(m.getValue()).split("\n")) {
        Matcher t = FORBIDDEN.matcher(line);
        while (t.find()) {
          String type = t.group(1);
          boolean allowed = type.equals("com.github.dockerjava.api.DockerClient")
              || type.equals("com.github.dockerjava.transport.DockerHttpClient")
              || (testcontainers && (type.startsWith("org.testcontainers.")
                  || type.equals("com.github.dockerjava.api.command.CreateContainerCmd")))
              || (cluster && type.startsWith("io.fabric8.kubernetes.api.model."));
          if (!allowed) {
            problems.add(type + " in: " + line.strip());
          }
        }
      }
    }
    assertEquals(List.of(), problems, "public signatures must use JDK and Carapace types only");
  }

  @Test
  void theDumpSeesEveryModulesTypes() throws Exception {
    String core = dump(List.of("dev.carapace.core"));
    assertTrue(core.contains("public abstract class dev.carapace.core.SecureContainerSpec"), core);
    assertTrue(core.contains("public dev.carapace.core.SecureContainerSpec$Builder"
        + " dev.carapace.core.SecureContainerSpec$Builder.addMount(dev.carapace.core.Mount...)"), core);
    assertTrue(!core.contains("dev.carapace.core.internal."), "internal packages are not API");
  }

  /** Every public type of {@code packages} and its public and protected members, sorted. */
  static String dump(List<String> packages) throws IOException, URISyntaxException, ClassNotFoundException {
    StringBuilder out = new StringBuilder();
    for (String pkg : packages) {
      for (String name : classNames(pkg)) {
        Class<?> c = Class.forName(name, false, ApiSurfaceTest.class.getClassLoader());
        if (!isApi(c)) {
          continue;
        }
        out.append(header(c)).append('\n');
        TreeSet<String> members = new TreeSet<>();
        for (Field f : c.getDeclaredFields()) {
          if (visible(f.getModifiers()) && !f.isSynthetic()) {
            members.add(f.toGenericString());
          }
        }
        for (Constructor<?> k : c.getDeclaredConstructors()) {
          if (visible(k.getModifiers()) && !k.isSynthetic()) {
            members.add(k.toGenericString());
          }
        }
        for (Method method : methods(c)) {
          // a method inherited from a non-public class is this class's member: name it so
          members.add(method.toGenericString().replace(
              method.getDeclaringClass().getName() + "." + method.getName() + "(",
              c.getName() + "." + method.getName() + "("));
        }
        for (String member : members) {
          out.append("  ").append(member).append('\n');
        }
        out.append('\n');
      }
    }
    return out.toString();
  }

  /** Declared public/protected methods, and public ones inherited from non-public classes (generated builders). */
  private static List<Method> methods(Class<?> c) {
    List<Method> out = new ArrayList<>();
    for (Method m : c.getDeclaredMethods()) {
      if (visible(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
        out.add(m);
      }
    }
    for (Class<?> s = c.getSuperclass(); s != null && !Modifier.isPublic(s.getModifiers()); s = s.getSuperclass()) {
      for (Method m : s.getDeclaredMethods()) {
        if (Modifier.isPublic(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
          out.add(m);
        }
      }
    }
    return out;
  }

  private static String header(Class<?> c) {
    StringBuilder h = new StringBuilder(Modifier.toString(c.getModifiers() & (c.isInterface()
        ? Modifier.PUBLIC | Modifier.PROTECTED | Modifier.STATIC
        : Modifier.PUBLIC | Modifier.PROTECTED | Modifier.STATIC | Modifier.FINAL | Modifier.ABSTRACT)));
    h.append(c.isAnnotation() ? " @interface " : c.isInterface() ? " interface " : c.isEnum() ? " enum "
        : c.isRecord() ? " record " : " class ").append(c.getName());
    Type sup = c.getGenericSuperclass();
    if (sup != null && sup != Object.class && !c.isEnum() && !c.isRecord()) {
      h.append(" extends ").append(sup.getTypeName());
    }
    Type[] ifaces = c.getGenericInterfaces();
    if (ifaces.length > 0) {
      h.append(c.isInterface() ? " extends " : " implements ").append(
          java.util.Arrays.stream(ifaces).map(Type::getTypeName).collect(Collectors.joining(", ")));
    }
    return h.toString();
  }

  private static boolean isApi(Class<?> c) {
    for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
      if (!Modifier.isPublic(k.getModifiers()) || k.isSynthetic() || k.isAnonymousClass() || k.isLocalClass()) {
        return false;
      }
    }
    return true;
  }

  private static boolean visible(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  /** Class names directly in {@code pkg} (not sub-packages), from a directory or a jar on the class path. */
  private static List<String> classNames(String pkg) throws IOException, URISyntaxException {
    String path = pkg.replace('.', '/');
    TreeSet<String> names = new TreeSet<>();
    Enumeration<URL> roots = ApiSurfaceTest.class.getClassLoader().getResources(path);
    for (URL url : Collections.list(roots)) {
      if (url.getProtocol().equals("file")) {
        try (var files = Files.list(Path.of(url.toURI()))) {
          files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".class"))
              .forEach(n -> names.add(pkg + "." + n.substring(0, n.length() - ".class".length())));
        }
      } else if (url.getProtocol().equals("jar")) {
        JarURLConnection conn = (JarURLConnection) url.openConnection();
        conn.setUseCaches(false);
        try (JarFile jar = conn.getJarFile()) {
          for (JarEntry e : Collections.list(jar.entries())) {
            String n = e.getName();
            if (n.startsWith(path + "/") && n.endsWith(".class") && n.indexOf('/', path.length() + 1) < 0) {
              names.add(n.substring(0, n.length() - ".class".length()).replace('/', '.'));
            }
          }
        }
      }
    }
    names.removeIf(n -> n.endsWith("module-info") || n.endsWith("package-info"));
    return new ArrayList<>(names);
  }

  static String diff(String expected, String actual) {
    List<String> a = expected.lines().collect(Collectors.toList());
    List<String> b = actual.lines().collect(Collectors.toList());
    StringBuilder d = new StringBuilder();
    for (String l : a) {
      if (!b.contains(l)) {
        d.append("  - ").append(l.strip()).append('\n');
      }
    }
    for (String l : b) {
      if (!a.contains(l)) {
        d.append("  + ").append(l.strip()).append('\n');
      }
    }
    return d.toString();
  }
}
