-- Keys a node issues to the adapters it runs itself (SWITCHBOARD_ADAPTERS=in-process): hashed like
-- every key, never listed to admins, revoked when the node stops. internal_node names the node.
ALTER TABLE channel_key ADD COLUMN internal_node text;
CREATE INDEX channel_key_internal ON channel_key(internal_node) WHERE internal_node IS NOT NULL;
