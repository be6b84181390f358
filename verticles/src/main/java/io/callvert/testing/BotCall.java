package io.callvert.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * One call as the test sees it: its simulated {@link #caller()}, and what the bot received and did, each awaited
 * without sleeping. An {@code await…} method returns as soon as Callvert reports the event it waits for (a delivered
 * notification), or fails after the handle's timeout (10 s unless {@link Callvert#timeout(Duration)} says otherwise)
 * with an {@link AssertionError} that says what was expected, what the bot did receive, and the call's timeline.
 *
 * <p>Notifications are matched by their {@link Notification#summary() summary}: {@code "call established"},
 * {@code "tone 1"}, {@code "playPromptOperation completed"}, {@code "recordOperation failed 400/8508"},
 * {@code "call terminated 200/4097"}; an expectation matches a summary equal to it or starting with it and a space.
 * {@link #notifications()} lists each delivered notification once, in the call's sequence order, whatever the
 * delivery profile did to their arrival; {@link #received()} lists them as they arrived, duplicates included.
 */
public final class BotCall {

  private final Callvert callvert;
  private final CallLog log;
  private final Caller caller;

  BotCall(Callvert callvert, CallLog log) {
    this.callvert = callvert;
    this.log = log;
    this.caller = new Caller(callvert, log);
  }

  /**
   * The call id (Graph's {@code call.id}).
   *
   * @return the call id
   */
  public String id() {
    return log.callId();
  }

  /**
   * The simulated person on the other end: keys, speech, hang-up.
   *
   * @return the caller
   */
  public Caller caller() {
    return caller;
  }

  /**
   * Waits until the bot has received a notification matching {@code expected} and returns it.
   *
   * @param expected a summary, or its beginning (see the class comment)
   * @return the notification
   * @throws AssertionError if none arrives in time, with what did and the call's timeline
   */
  public Notification awaitNotification(String expected) {
    return awaitNotification(expected, 1);
  }

  /**
   * Waits until the bot has received {@code nth} distinct notifications matching {@code expected} (in sequence order)
   * and returns the {@code nth}, e.g. the second {@code "tone 1"}.
   *
   * @param expected a summary, or its beginning
   * @param nth which one, from 1
   * @return the notification
   * @throws AssertionError if they do not arrive in time, with what did and the call's timeline
   */
  public Notification awaitNotification(String expected, int nth) {
    return await("the bot to receive " + (nth > 1 ? nth + " notifications " : "") + "\"" + expected + "\"",
        l -> matching(l.delivered(), n -> n.matches(expected), nth));
  }

  /**
   * Waits until the bot has received the notification that the call ended ({@code call terminated …}).
   *
   * @return the notification
   */
  public Notification awaitEnded() {
    return awaitNotification("call terminated");
  }

  /**
   * Waits until the bot has been told how an operation of {@code type} ended (e.g. {@code "playPromptOperation"}),
   * the first such, and returns it.
   *
   * @param type the operation type, e.g. {@code "playPromptOperation"}
   * @return how it ended
   */
  public Operation awaitOperation(String type) {
    return awaitOperation(type, 1);
  }

  /**
   * Like {@link #awaitOperation(String)}, the {@code nth} operation of {@code type} to end.
   *
   * @param type the operation type
   * @param nth which one, from 1
   * @return how it ended
   */
  public Operation awaitOperation(String type, int nth) {
    return Operation.of(await("an operation " + type + (nth > 1 ? " (#" + nth + ")" : "") + " to end",
        l -> matching(l.delivered(), n -> n.isOperation() && n.matches(type), nth)));
  }

  /**
   * Waits until the bot has been told how the operation it started with {@code clientContext} ended, and returns it
   * (a bot that names its operations, e.g. {@code "menu"}, finds them this way).
   * @param clientContext the clientContext the bot gave the operation
   * @return how it ended
   */
  public Operation awaitOperationWithContext(String clientContext) {
    return Operation.of(await("the operation with clientContext \"" + clientContext + "\" to end",
        l -> matching(l.delivered(), n -> n.isOperation() && clientContext.equals(Operation.of(n).clientContext()), 1)));
  }

  /**
   * The POSTs of this call's notifications that the bot did not accept (a 4xx or 5xx, a timeout, a reset), in order,
   * each as {@code "#<sequence> <summary>: <why>"} (a snapshot). Callvert retried them; {@link #notifications()} shows
   * which were delivered in the end.
   *
   * @return each failed POST, described
   */
  public List<String> failedDeliveries() {
    return log.failed();
  }

  /**
   * Waits until the bot has received at least as many notifications as {@code expected} lists, then checks that the
   * first of them (in sequence order) match {@code expected} one by one.
   *
   * @param expected summaries, or their beginnings, in sequence order
   * @throws AssertionError naming the first difference, with both lists and the call's timeline
   */
  public void assertNotifications(String... expected) {
    List<Notification> got = awaitCount(expected.length);
    for (int i = 0; i < expected.length; i++) {
      if (!got.get(i).matches(expected[i])) {
        throw new AssertionError("Call " + id() + ": notification " + (i + 1) + " should be \"" + expected[i]
            + "\" but was \"" + got.get(i).summary() + "\".\n  expected: " + Arrays.asList(expected)
            + "\n  received: " + summaries(got) + "\n" + callvert.describeProfile() + log.timeline());
      }
    }
  }

  /**
   * Each notification the bot received, once, in the call's sequence order (a snapshot).
   *
   * @return the notifications, in sequence order
   */
  public List<Notification> notifications() {
    return log.delivered();
  }

  /**
   * The notifications as they reached the bot, in arrival order, duplicates included (a snapshot).
   *
   * @return the notifications, in arrival order
   */
  public List<Notification> received() {
    return log.received();
  }

  /**
   * The operations whose end the bot has been told, in the order of those notifications (a snapshot).
   *
   * @return the operations
   */
  public List<Operation> operations() {
    List<Operation> out = new ArrayList<>();
    for (Notification n : log.delivered()) {
      if (n.isOperation()) {
        out.add(Operation.of(n));
      }
    }
    return out;
  }

  /**
   * What the caller has heard so far.
   *
   * @return what the caller heard
   */
  public Heard heard() {
    return callvert.heard(id());
  }

  /**
   * The call's timeline as a failed assertion prints it.
   *
   * @return the timeline, one line per event
   */
  public String timeline() {
    return log.timeline();
  }

  private List<Notification> awaitCount(int count) {
    return await("the bot to receive " + count + " notifications", l -> {
      List<Notification> d = l.delivered();
      return d.size() >= count ? d : null;
    });
  }

  private <T> T await(String what, java.util.function.Function<CallLog, T> check) {
    CompletableFuture<T> done = log.when(check);
    try {
      return done.get(callvert.timeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      log.forget(done);
      throw new AssertionError("Call " + id() + ": expected " + what + " within " + callvert.timeout().toMillis()
          + " ms, but it did not happen.\n  received: " + summaries(log.delivered()) + "\n  not delivered: "
          + summaries(log.undelivered()) + "\n" + callvert.describeProfile() + log.timeline());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + what, e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AssertionError("waiting for " + what + ": " + e.getCause(), e.getCause());
    }
  }

  private static Notification matching(List<Notification> list, Predicate<Notification> p, int nth) {
    int seen = 0;
    for (Notification n : list) {
      if (p.test(n) && ++seen == nth) {
        return n;
      }
    }
    return null;
  }

  private static List<String> summaries(List<Notification> list) {
    return list.stream().map(Notification::toString).toList();
  }

  @Override
  public String toString() {
    return "BotCall " + id();
  }
}
