package io.callvert.samplebot;

/** The sample bot's tests under the strict delivery profile: in order, once, promptly. */
class IvrBotStrictTest extends IvrBotTest {
}
