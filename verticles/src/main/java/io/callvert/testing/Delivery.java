package io.callvert.testing;

import io.callvert.config.DeliveryProfileMode;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The delivery profile of the calls of a test class or method (a method's wins): {@link DeliveryProfileMode#STRICT}
 * (in order, once, promptly; the default without this annotation) or {@link DeliveryProfileMode#GRAPH} (what Graph's
 * documentation allows: {@code establishing}/{@code established} out of order, duplicates, delays, several
 * notifications in one POST, a signing-key rollover mid-call; contract rules 77-79). The Graph-like profile's choices
 * follow {@link #seed()}: a failure message names it, and the same seed replays the same deliveries.
 */
@Documented
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
public @interface Delivery {

  /**
   * The profile.
   *
   * @return the profile
   */
  DeliveryProfileMode value();

  /**
   * The seed of the Graph-like profile's choices.
   *
   * @return the seed
   */
  long seed() default 1;
}
