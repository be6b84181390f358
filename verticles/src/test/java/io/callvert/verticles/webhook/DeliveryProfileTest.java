package io.callvert.verticles.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.callvert.config.DeliveryProfileOptions;
import io.callvert.verticles.webhook.DeliveryProfile.Hold;
import io.callvert.verticles.webhook.DeliveryProfile.Kind;
import io.callvert.verticles.webhook.DeliveryProfile.Plan;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The profile's choices alone: no clock, no Vert.x (contract rules 77-79). */
class DeliveryProfileTest {

  private static List<Plan> plans(DeliveryProfile p, int count) {
    List<Plan> out = new ArrayList<>();
    for (int seq = 1; seq <= count; seq++) {
      out.add(p.plan(seq, seq == 2 ? Kind.ESTABLISHING : Kind.OTHER));
    }
    return out;
  }

  @Test
  void strict_chooses_nothing() {
    DeliveryProfile strict = new DeliveryProfile(DeliveryProfileOptions.defaults());
    assertThat(plans(strict, 50)).containsOnly(Plan.PROMPT);
    assertThat(strict.rolloverSequence()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void the_same_seed_makes_the_same_choices_and_another_seed_others() {
    assertThat(plans(new DeliveryProfile(DeliveryProfileOptions.graph(7)), 200))
        .isEqualTo(plans(new DeliveryProfile(DeliveryProfileOptions.graph(7)), 200));
    assertThat(plans(new DeliveryProfile(DeliveryProfileOptions.graph(7)), 200))
        .isNotEqualTo(plans(new DeliveryProfile(DeliveryProfileOptions.graph(8)), 200));
    assertThat(new DeliveryProfile(DeliveryProfileOptions.graph(7)).rolloverSequence())
        .isEqualTo(new DeliveryProfile(DeliveryProfileOptions.graph(7)).rolloverSequence());
  }

  @Test
  void the_graph_profile_uses_every_choice_within_bounds() {
    DeliveryProfile p = new DeliveryProfile(DeliveryProfileOptions.graph(3));
    List<Plan> plans = new ArrayList<>();
    for (int seq = 1; seq <= 400; seq++) {
      plans.add(p.plan(seq, Kind.OTHER));
    }
    assertThat(plans).anyMatch(Plan::duplicate).anyMatch(x -> !x.duplicate());
    assertThat(plans).anyMatch(x -> x.hold() == Hold.BATCH_WITH_NEXT).anyMatch(x -> x.hold() == Hold.NONE);
    assertThat(plans).anyMatch(x -> x.delayMs() > 0).allMatch(x -> x.delayMs() >= 0
        && x.delayMs() <= DeliveryProfileOptions.DEFAULT_MAX_DELAY_MS);
    assertThat(plans).noneMatch(x -> x.hold() == Hold.SWAP_WITH_NEXT); // only establishing swaps
    long swaps = 0;
    for (long seed = 1; seed <= 100; seed++) {
      swaps += new DeliveryProfile(DeliveryProfileOptions.graph(seed)).plan(2, Kind.ESTABLISHING).hold()
          == Hold.SWAP_WITH_NEXT ? 1 : 0;
    }
    assertThat(swaps).isBetween(50L, 95L); // about 3 seeds in 4
  }

  @Test
  void the_end_of_a_call_is_never_held_and_the_rollover_comes_early_in_a_call() {
    for (long seed = 1; seed <= 100; seed++) {
      DeliveryProfile p = new DeliveryProfile(DeliveryProfileOptions.graph(seed));
      for (int seq = 1; seq <= 20; seq++) {
        assertThat(p.plan(seq, Kind.TERMINATED).hold()).isEqualTo(Hold.NONE);
      }
      assertThat(p.rolloverSequence()).isBetween(2L, 4L);
    }
  }

  @Test
  void no_delay_when_the_maximum_is_zero() {
    DeliveryProfile p = new DeliveryProfile(DeliveryProfileOptions.graph(5).withMaxDelayMs(0));
    assertThat(plans(p, 200)).allMatch(x -> x.delayMs() == 0);
  }

  @Test
  void only_an_ungated_notification_may_overtake_establishing() {
    assertThat(DeliveryProfile.maySwap(Kind.ESTABLISHING, false)).isTrue();
    assertThat(DeliveryProfile.maySwap(Kind.ESTABLISHING, true)).isFalse();
    assertThat(DeliveryProfile.maySwap(Kind.OTHER, false)).isFalse();
  }
}
