package dev.carapace.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a field that {@link CarapaceExtension} launches: a {@link LaunchedContainer} (the handle a test
 * reaches the container through) or a {@code SecureContainerSpec} (a container the test needs only to be
 * there, such as a peer on a network). A {@code static} field's container is launched once before the
 * class's first test and removed after its last ({@code @BeforeAll} to {@code @AfterAll}); an instance
 * field's is launched before each test and removed after it. Fields are launched in declaration order,
 * a superclass's first, and removed in the reverse order. A {@code null} field is a configuration error.
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Launch {}
