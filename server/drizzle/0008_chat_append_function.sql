-- The one place a chat message gets its seq (written by hand: drizzle-kit does not manage functions).
-- chat_append(items) writes a batch of messages in one round trip, so the conversations' locks are
-- held for one call instead of four statements (docs/benchmarks.md#chat). Each item is a JSON object:
--   ord, id, conversation_id, sender_id, client_message_id, kind, body, system, reply_to_id,
--   attachment_ids, search_tokens, flagged, reader_id (has read up to the message), checked (a
--   user's send: the sender must be a member and not blocked in a direct conversation).
-- It answers {at, results: [[verdict, stored_id, seq], …] in ord order, members: [[conversation_id,
-- user_id], …] of the conversations written to}. Verdicts: ok (written, seq set; or a resend, stored_id
-- set), not_found, blocked, bad_reply. The caller sends one item per (conversation, sender, client id).
CREATE OR REPLACE FUNCTION chat_append(items jsonb) RETURNS jsonb LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  answer jsonb;
BEGIN
  -- Locks first, in id order: two batches over overlapping conversations cannot deadlock, and a
  -- concurrent resend of the same client id waits here. The statement below takes a new snapshot,
  -- so it sees everything committed before the locks were ours.
  PERFORM 1 FROM chat_conversations
    WHERE id IN (SELECT (i->>'conversation_id')::uuid FROM jsonb_array_elements(items) i)
    ORDER BY id FOR UPDATE;

  WITH input AS (
    SELECT * FROM jsonb_to_recordset(items) AS r(ord int, id uuid, conversation_id uuid, sender_id uuid,
      client_message_id text, kind text, body text, system jsonb, reply_to_id uuid, attachment_ids uuid[],
      search_tokens text[], flagged text, reader_id uuid, checked boolean)
  ), judged AS MATERIALIZED (
    -- Each check is a LATERAL subquery with LIMIT 1: never flattened into a join, so each is an
    -- index probe per item. As EXISTS subplans, the planner (which guesses 100 input rows) hashed
    -- the whole of chat_members once per call: most of the function's time in the chat benchmark.
    SELECT i.*, c.last_seq,
      CASE
        WHEN c.id IS NULL THEN 'not_found'
        WHEN i.checked AND mem.yes IS NULL THEN 'not_found'
        WHEN i.checked AND c.kind = 'direct' AND blk.yes THEN 'blocked'
        WHEN i.reply_to_id IS NOT NULL AND rep.yes IS NULL THEN 'bad_reply'
        ELSE 'ok'
      END AS verdict,
      st.id AS stored_id
    FROM input i
    LEFT JOIN LATERAL (SELECT id, kind, last_seq FROM chat_conversations WHERE id = i.conversation_id LIMIT 1) c ON true
    LEFT JOIN LATERAL (SELECT true AS yes FROM chat_members m
      WHERE m.conversation_id = i.conversation_id AND m.user_id = i.sender_id LIMIT 1) mem ON true
    -- In a direct conversation, the other member may have blocked the sender.
    LEFT JOIN LATERAL (SELECT true AS yes FROM chat_members m JOIN chat_blocks b ON b.blocker_id = m.user_id AND b.blocked_id = i.sender_id
      WHERE m.conversation_id = i.conversation_id AND m.user_id <> i.sender_id LIMIT 1) blk ON true
    LEFT JOIN LATERAL (SELECT true AS yes FROM chat_messages p
      WHERE p.id = i.reply_to_id AND p.conversation_id = i.conversation_id LIMIT 1) rep ON true
    LEFT JOIN LATERAL (SELECT s.id FROM chat_messages s
      WHERE s.conversation_id = i.conversation_id AND s.sender_id = i.sender_id AND s.client_message_id = i.client_message_id LIMIT 1) st ON true
  ), numbered AS MATERIALIZED (
    SELECT j.*, j.last_seq + row_number() OVER (PARTITION BY j.conversation_id ORDER BY j.ord) AS seq
    FROM judged j WHERE j.verdict = 'ok' AND j.stored_id IS NULL
  ), added AS (
    INSERT INTO chat_messages (id, conversation_id, seq, sender_id, client_message_id, kind, body, system, reply_to_id,
      attachment_ids, search_tokens, flagged)
    SELECT id, conversation_id, seq, sender_id, client_message_id, kind, body, system, reply_to_id,
      coalesce(attachment_ids, '{}'), coalesce(search_tokens, '{}'), flagged
    FROM numbered
  ), moved AS (
    UPDATE chat_conversations c SET last_seq = n.seq, last_message_at = now()
    FROM (SELECT conversation_id, max(seq) AS seq FROM numbered GROUP BY conversation_id) n
    WHERE c.id = n.conversation_id
  ), marked AS (
    -- Sending a message means having read up to it.
    UPDATE chat_members m
    SET last_read_seq = greatest(m.last_read_seq, n.seq), last_delivered_seq = greatest(m.last_delivered_seq, n.seq)
    FROM (SELECT conversation_id, reader_id, max(seq) AS seq FROM numbered WHERE reader_id IS NOT NULL
      GROUP BY conversation_id, reader_id) n
    WHERE m.conversation_id = n.conversation_id AND m.user_id = n.reader_id
  )
  SELECT jsonb_build_object(
    'at', now(),
    'results', (SELECT jsonb_agg(jsonb_build_array(j.verdict, j.stored_id, n.seq) ORDER BY j.ord)
      FROM judged j LEFT JOIN numbered n ON n.ord = j.ord),
    'members', (SELECT coalesce(jsonb_agg(jsonb_build_array(m.conversation_id, m.user_id)), '[]'::jsonb)
      FROM chat_members m WHERE m.conversation_id IN (SELECT conversation_id FROM numbered))
  ) INTO answer;
  RETURN answer;
END;
$$;
