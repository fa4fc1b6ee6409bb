-- Conversations a visitor left through the offline form (nobody was available): the inbox
-- marks them, as their answer is expected by e-mail or on the visitor's return.
ALTER TABLE conversations ADD COLUMN left_offline BOOLEAN NOT NULL DEFAULT FALSE;
