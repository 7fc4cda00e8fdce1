-- A bot's decision memory that must survive a restart: documents keyed per bot, e.g. 'risk' = the daily-loss
-- latch and the day's starting equity (a restart the same UTC day must not approve the full ladder again).
-- Written in the same transaction as the cycle that changed it.
create table bot_memory (
  bot_id text not null references bots(id) on delete cascade,
  key text not null,
  value jsonb not null,
  updated_at timestamptz not null default now(),
  primary key (bot_id, key)
);
