/**
 * Test a calling bot against Callvert from JUnit 5: {@link io.callvert.testing.CallvertBotTest} starts an embedded
 * Callvert (per test class by default, per test on request) on a free loopback port with the test clock, and injects
 * a {@link io.callvert.testing.Callvert} handle: the Graph base URL and token for the bot, the simulated caller, the
 * test clock, and assertions on what the bot did, awaited without sleeps. {@link io.callvert.testing.Delivery}
 * chooses the delivery profile: strict (in order, once, promptly) or Graph-like (what Graph's documentation allows).
 *
 * <p>Needs {@code io.callvert:callvert-verticles} and JUnit Jupiter on the test class path; see
 * docs/test-your-bot.md.
 */
package io.callvert.testing;
