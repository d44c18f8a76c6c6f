package io.switchboard.realtime;

import io.switchboard.support.Api.Channel;
import io.switchboard.support.Api.Tenant;
import io.switchboard.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.switchboard.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Stopping a node (SIGTERM runs the same close) while adapters post and browsers listen. */
@DisplayName("A node that stops drains: streams close with 4012, posts in flight are answered, every 2xx is stored")
class NodeDrainTest {

  @Test
  @DisplayName("posts in flight when the node stops are all answered (2xx stored, or 503), and its stream closes with 4012")
  void drainsUnderLoad() {
    TestServer server = TestServer.start("drain");
    Vertx client = Vertx.vertx();
    try {
      Tenant t = server.tenant("Drain");
      Channel email = t.channel("email", null);
      StreamClient stream = StreamClient.open(client, server.api, t.admin.token(), null);
      stream.ready();

      WebClient http = WebClient.create(client, new WebClientOptions(), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(40));
      List<String> ids = new ArrayList<>();
      List<Future<HttpResponse<Buffer>>> posts = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String id = "drain-" + i;
        ids.add(id);
        posts.add(http.post(server.port(), "localhost", "/api/v1/inbound")
            .putHeader("Authorization", "Bearer " + email.key())
            .sendJsonObject(new JsonObject().put("externalId", id)
                .put("from", new JsonObject().put("email", "c" + (i % 8) + "@example.com")).put("text", id)));
      }
      // The first answer means the others are on their way or in flight: stop now.
      await(Future.any(posts), 30);
      Future<Void> closed = server.app.close();

      assertThat(stream.closeCode(10)).isEqualTo((short) 4012);
      await(Future.join(posts).otherwiseEmpty(), 30);
      await(closed, 30);
      Set<String> acknowledged = new HashSet<>();
      for (int i = 0; i < posts.size(); i++) {
        Future<HttpResponse<Buffer>> post = posts.get(i);
        assertThat(post.succeeded()).as("post " + i + " was answered, not cut off: " + post.cause()).isTrue();
        int status = post.result().statusCode();
        assertThat(status).as("post " + i).isIn(202, 503);
        if (status == 202) {
          acknowledged.add(ids.get(i));
        }
      }
      assertThat(acknowledged).isNotEmpty();

      TestServer after = server.secondNode();
      try {
        Set<String> stored = new HashSet<>();
        after.rows("SELECT external_id FROM message WHERE account_id = $1", t.accountId)
            .forEach(r -> stored.add(r.getString(0)));
        assertThat(stored).containsAll(acknowledged);
      } finally {
        after.close();
      }
    } finally {
      client.close();
      server.close();
    }
  }
}
