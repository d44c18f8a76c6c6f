package io.switchboard.realtime;

import io.switchboard.events.EventDraft;
import io.switchboard.events.EventLog;
import io.switchboard.support.Api;
import io.switchboard.support.TestServer;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Every event loop serves sockets, and each socket still gets every event in order")
class EventLoopsTest {

  static TestServer server;
  static Api api;
  static Pool db;
  static EventLog events;

  @BeforeAll
  static void start() {
    server = TestServer.start("eventloops", Map.of("SWITCHBOARD_EVENT_LOOPS", "4"));
    api = server.api;
    db = server.app.db();
    events = server.app.services().events;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @DisplayName("streams spread over several event loops each receive all 400 concurrent events, in seq order")
  void streamsOnEveryLoopGetEverything() {
    var t = server.tenant("Loops");
    List<StreamClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        clients.add(StreamClient.open(server.vertx, api, t.admin.token(), null));
      }
      clients.forEach(StreamClient::ready);
      // Connections are dealt out to the HTTP verticle instances in turn, one per event loop.
      assertThat(await(server.app.services().realtime.hub().socketLoops())).isGreaterThan(1);

      int count = 400;
      await(concurrentWrites(t.accountId, count, 4));
      long last = await(events.current(db, t.accountId));

      List<Long> first = null;
      for (StreamClient c : clients) {
        List<Long> seqs = c.events(count, 30).stream().map(f -> f.getLong("seq")).toList();
        assertThat(seqs).hasSize(count).isSorted().doesNotHaveDuplicates();
        assertThat(seqs.get(count - 1)).isEqualTo(last);
        if (first == null) {
          first = seqs;
        }
        assertThat(seqs).isEqualTo(first);
      }
    } finally {
      clients.forEach(StreamClient::close);
    }
  }

  /** count single-event transactions from `writers` concurrent chains, each announced after commit. */
  static Future<Void> concurrentWrites(String accountId, int count, int writers) {
    List<Future<Void>> chains = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int share = count / writers + (w < count % writers ? 1 : 0);
      Future<Void> chain = Future.succeededFuture();
      for (int i = 0; i < share; i++) {
        int n = w * 1000 + i;
        chain = chain.compose(v -> db.withTransaction(tx -> events.append(tx, accountId,
                EventDraft.of("conversation.updated", "cv_" + n, null, null, Map.of("n", n))))
            .onSuccess(appended -> events.announce(accountId, appended)).mapEmpty());
      }
      chains.add(chain);
    }
    return Future.all(chains).mapEmpty();
  }
}
