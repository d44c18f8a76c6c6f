package io.switchboard.loadtest;

import java.util.List;

/**
 * What load is aimed at: Switchboard itself or one of the bare baselines. Channels carry the key an
 * adapter would use and the team (recipient group) whose agents see their conversations.
 */
record Target(String name, String host, int port, List<ChannelRef> channels) {

  record ChannelRef(String id, String kind, String key, String secret, int group) {
  }
}
