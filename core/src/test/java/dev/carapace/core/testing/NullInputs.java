package dev.carapace.core.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds, by reflection, the public factories and constructors of a package that accept {@code null}
 * or refuse it with a bare JDK message instead of one naming the attribute (issue 10, section 2).
 * Shared by core's and policy's {@code NullInputsTest}.
 */
public final class NullInputs {
  private NullInputs() {}

  /**
   * Each public factory or constructor of {@code pkg} (the package of {@code anchor}'s class folder)
   * that accepts a null argument, or refuses it without naming the attribute; types named in
   * {@code results} (results the library makes, not inputs) are skipped.
   */
  public static List<String> problems(String pkg, Class<?> anchor, Set<String> results) throws Exception {
    File dir = new File(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    File[] files = new File(dir, pkg.replace('.', '/')).listFiles((d, n) -> n.endsWith(".class"));
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (File f : files) {
      Class<?> type = Class.forName(pkg + "." + f.getName().replace(".class", ""), false, anchor.getClassLoader());
      // exceptions and results are made by the library, not given to it
      if (!Modifier.isPublic(type.getModifiers()) || type.getSimpleName().startsWith("Immutable")
          || Throwable.class.isAssignableFrom(type)) {
        continue;
      }
      List<Executable> entries = new ArrayList<>(List.of(type.getConstructors()));
      for (Method m : type.getMethods()) {
        if (Modifier.isStatic(m.getModifiers()) && m.getDeclaringClass() == type && !m.isSynthetic()
            && !m.getName().equals("valueOf") && !m.getName().equals("main")) {
          entries.add(m);
        }
      }
      if (results.contains(type.getSimpleName())) {
        entries.removeIf(e -> e instanceof Constructor);
      }
      for (Executable e : entries) {
        Class<?>[] params = e.getParameterTypes();
        for (int i = 0; i < params.length; i++) {
          if (params[i].isPrimitive()) {
            continue;
          }
          Object[] args = new Object[params.length];
          for (int k = 0; k < params.length; k++) {
            args[k] = params[k].isPrimitive() ? zero(params[k]) : null;
          }
          checked++;
          String where = type.getSimpleName() + "." + (e instanceof Constructor ? "<init>" : e.getName())
              + " argument " + i + " (" + params[i].getSimpleName() + ")";
          try {
            if (e instanceof Constructor) {
              ((Constructor<?>) e).newInstance(args);
            } else {
              ((Method) e).invoke(null, args);
            }
            problems.add(where + ": null accepted");
          } catch (InvocationTargetException ite) {
            Throwable t = ite.getCause();
            String msg = t.getMessage();
            if (!(t instanceof NullPointerException || t instanceof IllegalArgumentException)) {
              problems.add(where + ": " + t);
            } else if (msg == null || msg.isBlank() || msg.startsWith("Cannot ") || msg.contains("\"because\"")
                || msg.contains(" because \"")) {
              problems.add(where + ": " + t.getClass().getSimpleName() + " without the attribute: " + msg);
            }
          }
          break; // every reference argument is null at once: the first check met names its attribute
        }
      }
    }
    assertTrue(checked > 20, "found the public API: " + checked);
    return problems;
  }

  private static Object zero(Class<?> p) {
    if (p == boolean.class) {
      return false;
    }
    if (p == char.class) {
      return 'a';
    }
    if (p == long.class) {
      return 0L;
    }
    if (p == double.class) {
      return 0d;
    }
    if (p == float.class) {
      return 0f;
    }
    if (p == byte.class) {
      return (byte) 0;
    }
    if (p == short.class) {
      return (short) 0;
    }
    return 0;
  }
}
