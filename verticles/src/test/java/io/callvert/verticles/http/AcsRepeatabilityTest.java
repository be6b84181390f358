package io.callvert.verticles.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.callvert.runtime.acs.AcsResponse;
import io.callvert.runtime.api.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Contract rule 58 — ACS repeatability: first answer remembered, bounded in count and time; failures forgotten. */
class AcsRepeatabilityTest {

  private static final String SENT = "Fri, 04 Dec 2026 19:21:25 GMT";
  private final AtomicLong clock = new AtomicLong(1_000);
  private final AtomicInteger carriedOut = new AtomicInteger();

  private Future<AcsResponse> work() {
    return Future.succeededFuture(AcsResponse.of(201, null, "call-" + carriedOut.incrementAndGet(), "g"));
  }

  @Test
  @DisplayName("a repeated id gets the first answer and nothing is done twice; another id or path is a new request")
  void repeat_gets_first_answer() {
    AcsRepeatability r = new AcsRepeatability(10, 60_000, clock::get);
    AcsResponse first = r.answer("POST /c", "id-1", SENT, this::work).result();
    AcsResponse again = r.answer("POST /c", "id-1", SENT, this::work).result();
    assertThat(again).isSameAs(first);
    assertThat(carriedOut).hasValue(1);
    r.answer("POST /c", "id-2", SENT, this::work);
    r.answer("POST /d", "id-1", SENT, this::work);
    r.answer("POST /c", null, null, this::work);
    assertThat(carriedOut).hasValue(4);
  }

  @Test
  @DisplayName("a repeat while the first is still running waits for its answer")
  void repeat_while_running_waits() {
    AcsRepeatability r = new AcsRepeatability(10, 60_000, clock::get);
    Promise<AcsResponse> running = Promise.promise();
    Future<AcsResponse> first = r.answer("POST /c", "id", SENT, running::future);
    Future<AcsResponse> second = r.answer("POST /c", "id", SENT, this::work);
    assertThat(second.isComplete()).isFalse();
    running.complete(AcsResponse.of(204, null));
    assertThat(second.result()).isSameAs(first.result());
    assertThat(carriedOut).hasValue(0);
  }

  @Test
  @DisplayName("a failed first request is forgotten, so its retry is carried out")
  void failure_is_forgotten() {
    AcsRepeatability r = new AcsRepeatability(10, 60_000, clock::get);
    assertThat(r.answer("POST /c", "id", SENT, () -> Future.failedFuture(new ApiException(503, "x", "busy"))).failed()).isTrue();
    assertThat(r.answer("POST /c", "id", SENT, this::work).succeeded()).isTrue();
    assertThat(carriedOut).hasValue(1);
  }

  @Test
  @DisplayName("bounded: beyond acs.repeatabilityCacheSize the oldest id is forgotten; after acs.repeatabilityTtlMs every id is")
  void bounded() {
    AcsRepeatability r = new AcsRepeatability(2, 60_000, clock::get);
    r.answer("P", "a", SENT, this::work);
    r.answer("P", "b", SENT, this::work);
    r.answer("P", "c", SENT, this::work);
    assertThat(r.size()).isEqualTo(2);
    r.answer("P", "a", SENT, this::work); // forgotten: carried out again
    assertThat(carriedOut).hasValue(4);
    clock.addAndGet(60_000);
    r.answer("P", "x", SENT, this::work);
    assertThat(r.size()).isEqualTo(1);
  }

  @Test
  @DisplayName("an over-long id or a First-Sent that is not an RFC 1123 date is 400; size 0 turns repeatability off")
  void validation_and_off() {
    AcsRepeatability r = new AcsRepeatability(10, 60_000, clock::get);
    assertThatThrownBy(() -> r.answer("P", "x".repeat(129), SENT, this::work))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
    assertThatThrownBy(() -> r.answer("P", "id", "yesterday", this::work))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
    AcsRepeatability off = new AcsRepeatability(0, 60_000, clock::get);
    off.answer("P", "id", SENT, this::work);
    off.answer("P", "id", SENT, this::work);
    assertThat(carriedOut).hasValue(2);
  }
}
