package dev.carapace.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Launches the test class's {@link Launch} fields with Carapace, removes them after, and attaches their
 * logs to a failing test: {@link CarapaceExtension} registered on the class.
 *
 * <pre>{@code
 * @CarapaceContainers
 * class WebIT {
 *   @Launch
 *   static final LaunchedContainer WEB = LaunchedContainer.of(SecureContainerSpec.builder()
 *       .image("carapace-test/busybox:1").command("httpd", "-f", "-p", "8080").user("1000:1000").build());
 *
 *   @Test
 *   void answers() {
 *     assertEquals(0, WEB.running().exec("wget", "-q", "-O-", "http://127.0.0.1:8080/").exitCode());
 *   }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(CarapaceExtension.class)
public @interface CarapaceContainers {}
