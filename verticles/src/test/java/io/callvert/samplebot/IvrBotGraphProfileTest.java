package io.callvert.samplebot;

import io.callvert.config.DeliveryProfileMode;
import io.callvert.testing.Delivery;

/** The sample bot's tests under the Graph-like delivery profile (seeded: a failure replays with the same seed). */
@Delivery(value = DeliveryProfileMode.GRAPH, seed = 7)
class IvrBotGraphProfileTest extends IvrBotTest {
}
